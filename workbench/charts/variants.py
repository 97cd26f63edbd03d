"""Which spelling of each contested name each group uses, as 100 % stacked bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._prep import MAX_GROUPS, by_title, faded, largest_groups, legend_selection, truncate


def variants_bars(v: pd.DataFrame, *, top_n: int = 12, columns: int = 2,
                  max_groups: int | None = MAX_GROUPS, title: str | None = None
                  ) -> alt.ConcatChart:
    """One panel per contested entity (the ``top_n`` with most tagged mentions, wrapping after
    ``columns``), one 100 % bar per group split by variant tag, from
    :func:`~workbench.analyze.variant_shares`.  Each panel has its own small legend of its own
    variants (a shared legend of every variant of every entity would be cut and repeat its
    colours); click a legend entry to pick a variant."""
    v, left_out = largest_groups(v, v.groupby("group")["mentions"].sum(), max_groups)
    totals = v.groupby("entity")["mentions"].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:top_n])
    more = len(totals) - len(keep)
    data = v[v["entity"].isin(keep)][["group", "entity", "variant", "spelling", "mentions",
                                      "share", "entity_mentions"]].copy()
    for col in ("group", "entity", "spelling"):
        data[col] = truncate(data[col], 120)
    by = by_title(v)
    panels = []
    for i, entity in enumerate(str(e) for e in truncate(pd.Series(keep, dtype=object), 120)):
        d = data[data["entity"] == entity]
        order = list(d.groupby("variant")["mentions"].sum().sort_values(
            ascending=False, kind="stable").index)
        # Segments stacked in legend order (a nominal "order" channel makes Vega-Lite warn).
        d = d.assign(rank=d["variant"].map({name: i for i, name in enumerate(order)}))
        pick = legend_selection("variant", f"variant_pick_{i}")
        panels.append(alt.Chart(d).mark_bar().encode(
            x=alt.X("sum(share):Q", title=f"share of {by}'s tagged mentions",
                    axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            y=alt.Y("group:N", title=None, sort="ascending"),
            color=alt.Color("variant:N", title=None, sort=order,
                            legend=alt.Legend(orient="bottom", columns=2, symbolLimit=0,
                                              labelLimit=200)),
            order=alt.Order("rank:Q"),
            opacity=faded(pick),
            tooltip=[alt.Tooltip("group:N", title=by), alt.Tooltip("entity:N"),
                     alt.Tooltip("variant:N"), alt.Tooltip("spelling:N", title="written as"),
                     alt.Tooltip("mentions:Q"),
                     alt.Tooltip("entity_mentions:Q", title="tagged mentions of the entity"),
                     alt.Tooltip("share:Q", format=".0%")],
        ).add_params(pick).properties(title=entity, width=240, height=alt.Step(16)))
    more_text = f"; {more} more contested entities not shown (raise top_n)" if more else ""
    head = alt.Title(title or f"Naming choices by {by}",
                     subtitle="share of each spelling among the mentions the knowledge base "
                              f"tagged; top {len(keep)} entities by tagged mentions"
                              f"{more_text}{left_out}")
    return (alt.concat(*panels, columns=max(1, columns)).resolve_scale(color="independent")
            .properties(title=head))
