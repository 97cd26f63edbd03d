"""Diverging bars of the terms each group favours, and those the rest favours against it."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.keyness import top_keyness
from ..analyze.periods import group_noun
from . import theme
from ._prep import MAX_GROUPS, by_title, facet_columns, largest_groups, truncate
from .colors import group_colors

SIDE_LABELS = {"group": "favoured by this group", "rest": "favoured by the rest"}


# Panel width by the number of panels side by side: three of them, their term labels and the
# legend above fit the report's 980-pixel column.
PANEL_WIDTH = {1: 320, 2: 220}


def keyness_bars(k: pd.DataFrame, *, n: int = 10, columns: int = 3,
                 max_groups: int | None = MAX_GROUPS, title: str | None = None
                 ) -> alt.FacetChart:
    """One panel per group (wrapping after ``columns``) with the ``n`` strongest terms on each
    side, bars at the z-score: right of zero the group uses the term more than the rest of the
    corpus, left of zero less.  Takes :func:`~workbench.analyze.keyness` or
    :func:`~workbench.analyze.top_keyness` output; panels for the ``max_groups`` groups with
    most counted terms."""
    top = k if "side" in k.columns else top_keyness(k, n)
    totals = pd.Series(k.attrs.get("group_totals") or
                       top.groupby("group")["count"].sum().to_dict(), dtype="float64")
    top, left_out = largest_groups(top, totals, max_groups)
    data = top[["group", "term", "count", "count_rest", "delta", "se", "z", "side"]].copy()
    data["term"] = truncate(data["term"], 80)
    data["group"] = truncate(data["group"], 120)
    data["favoured"] = data["side"].map(SIDE_LABELS)
    n_groups = data["group"].nunique()
    unit = str(k.attrs.get("unit", "terms"))
    if n_groups == 2:
        return _two_groups(data, k, title=title)
    base = alt.Chart(data).mark_bar().encode(
        x=alt.X("z:Q", title="z-score (log-odds, informative prior)"),
        y=alt.Y("term:N", sort="-x", title=None),
        color=alt.Color("favoured:N", title=None, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(domain=list(SIDE_LABELS.values()),
                                        range=[theme.SIDE_COLORS["group"],
                                               theme.SIDE_COLORS["rest"]])),
        tooltip=[alt.Tooltip("group:N", title=by_title(k)), alt.Tooltip("term:N"),
                 alt.Tooltip("favoured:N", title="side"),
                 alt.Tooltip("count:Q", title="uses in group"),
                 alt.Tooltip("count_rest:Q", title="uses in the rest"),
                 alt.Tooltip("delta:Q", title="log-odds difference", format=".2f"),
                 alt.Tooltip("se:Q", title="standard error", format=".2f"),
                 alt.Tooltip("z:Q", format=".2f")],
    ).properties(width=PANEL_WIDTH.get(facet_columns(n_groups, columns), 150),
                 height=alt.Step(13))
    chart = base.facet(
        facet=alt.Facet("group:N", title=None, header=alt.Header(labelFontWeight="bold")),
        columns=facet_columns(n_groups, columns),
    ).resolve_scale(y="independent")
    prior = _prior(k)
    return chart.properties(title=alt.Title(
        title or f"What each {by_title(k)} favours",
        subtitle=f"{unit}: each {by_title(k)} against the rest of the corpus "
                 f"(log-odds with informative Dirichlet prior, Monroe et al. 2008{prior})"
                 f"{left_out}"))


def _two_groups(data: pd.DataFrame, k: pd.DataFrame, *, title: str | None) -> alt.Chart:
    """With two groups, "A against the rest" and "B against the rest" are mirror images: one
    diverging panel, A's favourites right in A's colour, B's left in B's."""
    a, b = sorted(map(str, data["group"].unique()))
    one = data[data["group"] == a].copy()
    one["favoured"] = one["side"].map({"group": a, "rest": b})
    one = one.rename(columns={"count": "count_a", "count_rest": "count_b"})
    colours = group_colors([a, b])
    by = by_title(k)
    unit = str(k.attrs.get("unit", "terms"))
    chart = alt.Chart(one).mark_bar().encode(
        x=alt.X("z:Q", title=f"z-score: ← favoured by {b} · favoured by {a} →"),
        y=alt.Y("term:N", sort="-x", title=None),
        color=alt.Color("favoured:N", title=f"favoured by ({by})",
                        scale=alt.Scale(domain=[a, b], range=[colours[a], colours[b]])),
        tooltip=[alt.Tooltip("term:N"), alt.Tooltip("favoured:N", title="favoured by"),
                 alt.Tooltip("count_a:Q", title=f"uses in {a}"),
                 alt.Tooltip("count_b:Q", title=f"uses in {b}"),
                 alt.Tooltip("delta:Q", title=f"log-odds difference, {a} − {b}", format=".2f"),
                 alt.Tooltip("se:Q", title="standard error", format=".2f"),
                 alt.Tooltip("z:Q", format=".2f")],
    ).properties(width=420, height=alt.Step(14))
    prior = _prior(k)
    return chart.properties(title=alt.Title(
        title or f"{a} vs {b}: what each {by} favours",
        subtitle=f"{unit}: the two {group_noun(by)} against each other (log-odds with informative "
                 f"Dirichlet prior, Monroe et al. 2008{prior}); one panel, since each side "
                 f"mirrors the other"))


def _prior(k: pd.DataFrame) -> str:
    """", prior α0 = 1000" and how periods were pooled, for a keyness chart's subtitle."""
    a0 = k.attrs.get("alpha0")
    return (f", prior α0 = {a0:g}" if isinstance(a0, (int, float)) else "") + _within(k)


def _within(k: pd.DataFrame) -> str:
    """", within each of 5 months, pooled" for :func:`~workbench.analyze.keyness_by_period`."""
    periods = k.attrs.get("periods")
    if periods is None:
        return ""
    name = {"D": "day", "W": "week", "M": "month"}.get(str(k.attrs.get("freq", "M")), "period")
    n = len(periods)
    return f"; within each of {n} {name}{'s' if n != 1 else ''} both covered, pooled"
