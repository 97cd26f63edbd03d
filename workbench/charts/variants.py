"""Which spelling of each contested name each group uses, as 100 % stacked bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._prep import (MAX_GROUPS, by_title, facet_columns, faded, largest_groups,
                    legend_selection, truncate)


def variant_shares(v: pd.DataFrame, *, top_n: int = 12, columns: int = 2,
                   max_groups: int | None = MAX_GROUPS, title: str | None = None
                   ) -> alt.FacetChart:
    """One panel per contested entity (the ``top_n`` with most tagged mentions, wrapping after
    ``columns``), one 100 % bar per group split by variant tag, from
    :func:`~workbench.analyze.variant_shares`; click the legend to pick a variant."""
    v, left_out = largest_groups(v, v.groupby("group")["mentions"].sum(), max_groups)
    totals = v.groupby("entity")["mentions"].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:top_n])
    data = v[v["entity"].isin(keep)][["group", "entity", "variant", "spelling", "mentions",
                                      "share", "entity_mentions"]].copy()
    for col in ("group", "entity", "spelling"):
        data[col] = truncate(data[col], 120)
    pick = legend_selection("variant", "variant_pick")
    base = alt.Chart(data).mark_bar().encode(
        x=alt.X("sum(share):Q", title="share of the group's tagged mentions",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("group:N", title=by_title(v), sort="ascending"),
        color=alt.Color("variant:N", title="variant"),
        order=alt.Order("variant:N"),
        opacity=faded(pick),
        tooltip=[alt.Tooltip("group:N", title=by_title(v)), alt.Tooltip("entity:N"),
                 alt.Tooltip("variant:N"), alt.Tooltip("spelling:N", title="written as"),
                 alt.Tooltip("mentions:Q"),
                 alt.Tooltip("entity_mentions:Q", title="tagged mentions of the entity"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).add_params(pick).properties(width=260, height=alt.Step(16))
    head = alt.Title(title or f"Naming choices by {by_title(v)}",
                     subtitle="share of each spelling among the mentions the knowledge base "
                              f"tagged{left_out}")
    return base.facet(facet=alt.Facet("entity:N", title=None, sort=keep),
                      columns=facet_columns(len(keep), columns)).properties(title=head)
