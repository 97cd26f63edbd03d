"""Whose voices each group quotes: 100 % bars by speaker and by the speakers' affiliation."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.frequency import OTHER
from ._prep import (
    MAX_GROUPS,
    by_title,
    faded,
    largest_groups,
    legend_selection,
    lump,
    order_with_other_last,
    truncate,
)


def voices_bars(v: pd.DataFrame, *, top_n: int = 8, max_groups: int | None = MAX_GROUPS,
                title: str | None = None) -> alt.VConcatChart:
    """Two panels from :func:`~workbench.analyze.voices`: each group's quotes split by speaker
    (the ``top_n`` most quoted overall, the rest as "(other)") and by affiliation; click a
    legend to highlight one voice; rows for the ``max_groups`` groups with most quotes."""
    sizes = v[v["dimension"] == "speaker"].groupby("group")["quotes"].sum()
    v, left_out = largest_groups(v, sizes, max_groups)
    panels = []
    for dim, label in (("speaker", "speaker"), ("affiliation", "affiliation")):
        d = v[v["dimension"] == dim][["group", "voice", "affiliation", "quotes", "direct"]]
        if dim == "speaker":
            d = _lump_speakers(d, top_n)
        else:
            d = lump(d, "voice", top_n, "quotes", ["quotes", "direct"])
            d["affiliation"] = d["voice"]
        d = d.copy()
        d["group_quotes"] = d.groupby("group")["quotes"].transform("sum")
        d["share"] = d["quotes"] / d["group_quotes"]
        order = order_with_other_last(d["voice"], d["quotes"])
        d["rank"] = d["voice"].map({name: i for i, name in enumerate(order)})
        for col in ("group", "voice", "affiliation"):
            d[col] = truncate(d[col], 120)
        pick = legend_selection("voice", f"{dim}_pick")
        panels.append(alt.Chart(d).mark_bar().encode(
            x=alt.X("sum(quotes):Q", stack="normalize", title=f"share of quotes, by {label}",
                    axis=alt.Axis(format="%")),
            y=alt.Y("group:N", title=by_title(v), sort="ascending"),
            color=alt.Color("voice:N", title=label,
                            sort=[str(x) for x in truncate(pd.Series(order, dtype=object),
                                                           120)]),
            order=alt.Order("rank:Q"),
            opacity=faded(pick),
            tooltip=[alt.Tooltip("group:N", title=by_title(v)),
                     alt.Tooltip("voice:N", title=label),
                     alt.Tooltip("affiliation:N"), alt.Tooltip("quotes:Q"),
                     alt.Tooltip("direct:Q", title="direct quotes"),
                     alt.Tooltip("share:Q", format=".0%"),
                     alt.Tooltip("group_quotes:Q", title=f"quotes in {by_title(v)}")],
        ).add_params(pick).properties(width=460, height=alt.Step(18)))
    return alt.vconcat(*panels).resolve_scale(color="independent").properties(
        title=alt.Title(title or f"Whose voices each {by_title(v)} quotes",
                        subtitle=left_out.lstrip("; ") or alt.Undefined))


def _lump_speakers(d: pd.DataFrame, top_n: int) -> pd.DataFrame:
    totals = d.groupby("voice")["quotes"].sum().sort_values(ascending=False, kind="stable")
    keep = set(totals.index[:top_n])
    if len(totals) <= top_n:
        return d
    d = d.copy()
    other = ~d["voice"].isin(keep)
    d.loc[other, ["voice", "affiliation"]] = OTHER
    return (d.groupby(["group", "voice", "affiliation"], sort=False)[["quotes", "direct"]]
             .sum().reset_index())
