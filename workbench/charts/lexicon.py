"""Frames: each group's use of a lexicon's frames per 1,000 words, split by whose words they are
(the outlet's own, quoted, reported, in scare quotes); and the same over time."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.lexicon import WHERE
from ..analyze.timeline import PERIOD_NAMES
from ._prep import MAX_GROUPS, by_title, facet_columns, largest_groups, truncate

WHERE_LABELS = {"own": "the outlet's own words", "quoted": "quoted (direct)",
                "reported": "reported (indirect)", "marked": "in scare quotes"}
# Own wording dark, other people's words lighter: the eye reads the outlet's choice first.
WHERE_COLORS = ["#1f4e79", "#e07b39", "#f2b880", "#9aa5b1"]


def frame_bars(counts: pd.DataFrame, *, columns: int = 3, max_groups: int | None = MAX_GROUPS,
               title: str | None = None) -> alt.FacetChart:
    """One panel per frame, a bar per group at its matches per 1,000 words, stacked by whose
    words they are.  Takes :func:`~workbench.analyze.lexicon_counts` output (``per="frame"``,
    without periods); rows for the ``max_groups`` groups with most words."""
    if "period" in counts.columns:
        raise ValueError("frame_bars takes counts without periods (lexicon_counts(freq=None))")
    sizes = counts.drop_duplicates("group").set_index("group")["words"]
    c, left_out = largest_groups(counts, sizes, max_groups)
    long = c.melt(id_vars=["group", "frame", "matches", "words", "per_1k"],
                  value_vars=list(WHERE), var_name="where", value_name="uses")
    long["rate"] = long["uses"] * 1000.0 / long["words"].where(long["words"] > 0)
    long["whose"] = long["where"].map(WHERE_LABELS)
    long["order"] = long["where"].map({w: i for i, w in enumerate(WHERE)})
    long["group"] = truncate(long["group"], 120)
    long = long[["group", "frame", "whose", "order", "uses", "rate", "matches", "per_1k",
                 "words"]]
    frames = list(dict.fromkeys(c["frame"]))
    base = alt.Chart(long).mark_bar().encode(
        x=alt.X("rate:Q", stack="zero", title="uses per 1,000 words"),
        y=alt.Y("group:N", title=None, sort="ascending"),
        color=alt.Color("whose:N", title="whose words",
                        scale=alt.Scale(domain=list(WHERE_LABELS.values()),
                                        range=WHERE_COLORS)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("group:N", title=by_title(counts)), alt.Tooltip("frame:N"),
                 alt.Tooltip("whose:N", title="whose words"),
                 alt.Tooltip("uses:Q", title="uses"),
                 alt.Tooltip("rate:Q", title="per 1,000 words", format=".2f"),
                 alt.Tooltip("matches:Q", title="all uses of the frame"),
                 alt.Tooltip("per_1k:Q", title="all uses per 1,000 words", format=".2f"),
                 alt.Tooltip("words:Q", title=f"words in {by_title(counts)}", format=",")],
    ).properties(width=230, height=alt.Step(16))
    chart = base.facet(
        facet=alt.Facet("frame:N", title=None, sort=frames,
                        header=alt.Header(labelFontWeight="bold")),
        columns=facet_columns(len(frames), columns),
    ).resolve_scale(x="independent")
    return chart.properties(title=alt.Title(
        title or f"Frames each {by_title(counts)} uses",
        subtitle=f"lexicon phrases per 1,000 words, by whose words they are{left_out}"))


def frame_timeline(counts: pd.DataFrame, *, max_groups: int = 8, title: str | None = None
                   ) -> alt.FacetChart:
    """Per frame, each group's uses per 1,000 words by period (the outlet's own words solid,
    all uses including quotations dashed).  Takes :func:`~workbench.analyze.lexicon_counts`
    output with ``freq``; lines for the ``max_groups`` groups with most words."""
    if "period" not in counts.columns:
        raise ValueError("frame_timeline takes counts per period (lexicon_counts(freq=...))")
    sizes = counts.drop_duplicates(["group", "period"]).groupby("group")["words"].sum()
    c, left_out = largest_groups(counts, sizes, max_groups)
    long = c.melt(id_vars=["group", "frame", "period", "period_end", "matches", "words"],
                  value_vars=["per_1k", "own_per_1k"], var_name="measure", value_name="rate")
    long["measure"] = long["measure"].map({"per_1k": "all uses", "own_per_1k": "own words"})
    long["group"] = truncate(long["group"], 120)
    frames = list(dict.fromkeys(c["frame"]))
    base = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("period:T", title=None),
        y=alt.Y("rate:Q", title="uses per 1,000 words"),
        color=alt.Color("group:N", title=by_title(counts)),
        strokeDash=alt.StrokeDash("measure:N", title=None,
                                  scale=alt.Scale(domain=["own words", "all uses"],
                                                  range=[[1, 0], [4, 3]])),
        tooltip=[alt.Tooltip("group:N", title=by_title(counts)), alt.Tooltip("frame:N"),
                 alt.Tooltip("period:T", title="from"), alt.Tooltip("measure:N"),
                 alt.Tooltip("rate:Q", title="per 1,000 words", format=".2f"),
                 alt.Tooltip("matches:Q", title="all uses"),
                 alt.Tooltip("words:Q", format=",")],
    ).properties(width=600, height=140)
    chart = base.facet(row=alt.Row("frame:N", title=None, sort=frames)).resolve_scale(
        y="independent")
    period = PERIOD_NAMES.get(str(counts.attrs.get("freq", "")), "period")
    return chart.properties(title=alt.Title(
        title or "Frames over time", subtitle=f"uses per 1,000 words per {period}{left_out}"))
