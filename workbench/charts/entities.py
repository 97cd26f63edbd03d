"""Charts of who and what the articles mention: overall bars, a group × entity heatmap, and the
co-occurrence matrix."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.frequency import OTHER, top_entities
from ..analyze.periods import group_noun
from . import theme
from ._prep import (
    MAX_GROUPS,
    by_title,
    facet_columns,
    faded,
    largest_groups,
    legend_selection,
    truncate,
)


def entity_bar(freq: pd.DataFrame, *, top_n: int = 20, title: str | None = None) -> alt.Chart:
    """Horizontal bars of the ``top_n`` entities over all groups, by mentions per 1,000 words,
    from :func:`~workbench.analyze.entity_frequency`; click the legend to pick types."""
    real = freq[freq["entity_id"] != OTHER]
    words = int(freq.drop_duplicates("group")["words"].sum())
    data = (real.groupby("entity_id", sort=False)
                .agg(entity=("entity", "first"), type=("type", "first"),
                     mentions=("mentions", "sum"), articles=("articles", "sum"),
                     groups=("group", "nunique"))
                .reset_index())
    data["per_1k_words"] = data["mentions"] * 1000.0 / words if words else float("nan")
    data = (data.sort_values(["mentions", "articles", "entity"], ascending=[False, False, True])
                .head(top_n).reset_index(drop=True))
    data["entity"] = _unique(data["entity"], data["entity_id"])
    data["entity"] = truncate(data["entity"], 120)
    data["articles"] = data["articles"].astype("int64")
    pick = legend_selection("type", "entity_type")
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("per_1k_words:Q", title="mentions per 1,000 words"),
        y=alt.Y("entity:N", sort=list(data["entity"]), title=None),
        color=alt.Color("type:N", title="type"),
        opacity=faded(pick),
        tooltip=[alt.Tooltip("entity:N"), alt.Tooltip("type:N"),
                 alt.Tooltip("mentions:Q"), alt.Tooltip("articles:Q"),
                 alt.Tooltip("groups:Q", title=f"{by_title(freq)}s mentioning"),
                 alt.Tooltip("per_1k_words:Q", title="per 1,000 words", format=".2f")],
    ).add_params(pick)
    n_groups = freq["group"].nunique()
    return chart.properties(
        title=alt.Title(title or f"Most mentioned entities (top {len(data)})",
                        subtitle=f"over {words:,} words in {n_groups} "
                                 f"{group_noun(by_title(freq), n_groups)}"),
        height=alt.Step(18))


def entity_heatmap(freq: pd.DataFrame, *, top_n: int = 25, max_groups: int | None = MAX_GROUPS,
                   title: str | None = None) -> alt.Chart:
    """Entity × group heatmap of mentions per 1,000 words (zero where a group never names the
    entity) for the ``top_n`` entities overall and the ``max_groups`` groups with most words,
    from :func:`~workbench.analyze.entity_frequency`."""
    freq, left_out = largest_groups(
        freq, freq.drop_duplicates("group").set_index("group")["words"], max_groups)
    top = top_entities(freq, top_n, other=False)
    entities = (top.groupby("entity_id")["mentions"].sum().sort_values(ascending=False,
                                                                        kind="stable"))
    names = top.drop_duplicates("entity_id").set_index("entity_id")
    label = _unique(names["entity"], pd.Series(names.index, index=names.index))
    groups = (freq.drop_duplicates("group").set_index("group")["words"]
                  .sort_index())
    grid = pd.MultiIndex.from_product([groups.index, entities.index],
                                      names=["group", "entity_id"]).to_frame(index=False)
    data = grid.merge(top[["group", "entity_id", "mentions", "articles", "share"]],
                      on=["group", "entity_id"], how="left")
    data["mentions"] = data["mentions"].fillna(0).astype("int64")
    data["articles"] = data["articles"].fillna(0).astype("int64")
    data["share"] = data["share"].fillna(0.0)
    data["words"] = data["group"].map(groups).astype("int64")
    data["per_1k_words"] = data["mentions"] * 1000.0 / data["words"].where(data["words"] > 0)
    data["entity"] = truncate(data["entity_id"].map(label), 120)
    data["type"] = data["entity_id"].map(names["type"])
    data["group"] = truncate(data["group"], 120)
    order = [str(v) for v in truncate(entities.index.to_series().map(label), 120)]
    many = len(groups) > 12
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("group:N", title=by_title(freq), sort="ascending",
                axis=alt.Axis(labelAngle=-40, labelAlign="left", orient="top")),
        y=alt.Y("entity:N", sort=order, title=None),
        color=alt.Color("per_1k_words:Q", title="per 1,000 words",
                        scale=alt.Scale(scheme=theme.SEQUENTIAL)),
        tooltip=[alt.Tooltip("group:N", title=by_title(freq)), alt.Tooltip("entity:N"),
                 alt.Tooltip("type:N"), alt.Tooltip("mentions:Q"),
                 alt.Tooltip("articles:Q", title="articles mentioning"),
                 alt.Tooltip("words:Q", title=f"words in {by_title(freq)}", format=","),
                 alt.Tooltip("per_1k_words:Q", title="per 1,000 words", format=".2f"),
                 alt.Tooltip("share:Q", title="share of its mentions", format=".1%")],
    )
    return chart.properties(
        title=alt.Title(title or f"Who each {by_title(freq)} mentions",
                        subtitle=f"top {len(entities)} entities, mentions per 1,000 words"
                                 f"{left_out}"),
        width=alt.Step(28 if not many else 18), height=alt.Step(16))


def cooccurrence_matrix(cooc: pd.DataFrame, *, title: str | None = None) -> alt.Chart:
    """Entity × entity matrix of the Jaccard index from
    :func:`~workbench.analyze.cooccurrence`, both axes ordered by how often each entity
    appears; the tooltip gives the raw counts."""
    unit = str(cooc["unit"].iloc[0]) if len(cooc) else "article"
    order = list(cooc.attrs.get("entities", []))
    if not order:
        seen = cooc.drop_duplicates("entity_a").sort_values("units_a", ascending=False)
        order = list(seen["entity_a"])
    data = cooc.drop(columns=["entity_id_a", "entity_id_b"]).copy()
    data["entity_a"] = truncate(data["entity_a"], 120)
    data["entity_b"] = truncate(data["entity_b"], 120)
    order = [str(v) for v in truncate(pd.Series(order, dtype=object), 120)]
    chart = alt.Chart(data).mark_rect().encode(
        x=alt.X("entity_a:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("entity_b:N", sort=order, title=None),
        color=alt.Color("jaccard:Q", title="Jaccard", scale=alt.Scale(scheme=theme.SEQUENTIAL,
                                                                       domain=[0, 1])),
        tooltip=[alt.Tooltip("entity_a:N", title="entity"),
                 alt.Tooltip("entity_b:N", title="with"),
                 alt.Tooltip("together:Q", title=f"{unit}s with both"),
                 alt.Tooltip("units_a:Q", title=f"{unit}s with the first"),
                 alt.Tooltip("units_b:Q", title=f"{unit}s with the second"),
                 alt.Tooltip("jaccard:Q", title="Jaccard", format=".2f")],
    )
    if "group" in data.columns:
        return _cooccurrence_by_group(data, cooc, chart, unit, order, title)
    n_units = int(cooc["units"].iloc[0]) if len(cooc) else 0
    return chart.properties(
        title=alt.Title(title or f"Entities mentioned in the same {unit}",
                        subtitle=f"Jaccard index: {unit}s with both ÷ {unit}s with either "
                                 f"({n_units} {unit}s)"),
        width=alt.Step(18), height=alt.Step(18))


MAX_COOC_PANELS = 6


def _cooccurrence_by_group(data: pd.DataFrame, cooc: pd.DataFrame, chart: alt.Chart, unit: str,
                           order: list[str], title: str | None,
                           max_panels: int = MAX_COOC_PANELS) -> alt.FacetChart:
    """One matrix per group (the ``max_panels`` groups with most units), same entities and
    order in each, so the groups' ties can be compared side by side."""
    units = data.drop_duplicates("group").set_index("group")["units"]
    kept = list(units.sort_values(ascending=False, kind="stable").index[:max_panels])
    left = len(units) - len(kept)
    data = data[data["group"].isin(kept)].copy()
    data["group"] = truncate(data["group"], 120)
    by = by_title(cooc)
    more = f"; the {len(kept)} {by} groups with most {unit}s of {len(units)}" if left else ""
    chart = chart.encode(tooltip=[alt.Tooltip("group:N", title=by),
                                  *chart.encoding.tooltip]).properties(
        data=data, width=alt.Step(14), height=alt.Step(14))
    return chart.facet(facet=alt.Facet("group:N", title=None, sort=sorted(map(str, kept)),
                                       header=alt.Header(labelFontWeight="bold")),
                       columns=facet_columns(len(kept), 2)).properties(
        title=alt.Title(title or f"Entities mentioned in the same {unit}, by {by}",
                        subtitle=f"Jaccard index within each {by}: {unit}s with both ÷ "
                                 f"{unit}s with either, over the same top entities{more}"))


def _unique(names: pd.Series, ids: pd.Series) -> pd.Series:
    """Names, with the id appended where two entities share a name (else bars would merge)."""
    names = names.astype(object)
    dup = names.duplicated(keep=False)
    return names.where(~dup, names + " (" + ids.astype(str) + ")")
