"""Small pandas steps shared by the chart builders: keeping specs small and strings short."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.frequency import OTHER

TOOLTIP_CHARS = 300


def truncate(s: pd.Series, n: int = TOOLTIP_CHARS) -> pd.Series:
    """Strings cut to ``n`` characters (with "…"), so tooltips never carry whole texts."""
    s = s.astype("string")
    long = s.str.len() > n
    return s.where(~long.fillna(False).astype(bool), s.str.slice(0, n - 1) + "…").astype(object)


def lump(df: pd.DataFrame, col: str, keep: int, weight: str, sums: list[str]) -> pd.DataFrame:
    """Keep the ``keep`` values of ``col`` with the largest total ``weight``; the others become
    ``"(other)"`` and their rows are summed (``sums`` columns) per remaining key."""
    totals = df.groupby(col)[weight].sum().sort_values(ascending=False, kind="stable")
    if len(totals) <= keep:
        return df.copy()
    kept = set(totals.index[:keep])
    out = df.copy()
    out[col] = out[col].where(out[col].isin(kept), OTHER)
    keys = [c for c in out.columns if c not in sums]
    return out.groupby(keys, dropna=False, sort=False)[sums].sum().reset_index()


def order_with_other_last(values: pd.Series, weight: pd.Series) -> list[str]:
    """Distinct ``values`` by descending total ``weight``, with "(other)" at the end."""
    totals = weight.groupby(values).sum().sort_values(ascending=False, kind="stable")
    order = [v for v in totals.index if v != OTHER]
    return order + ([OTHER] if OTHER in totals.index else [])


def facet_columns(n: int, max_columns: int = 3) -> int:
    """How many facet columns to wrap ``n`` panels into."""
    return max(1, min(n, max_columns))


def legend_selection(field: str, name: str) -> alt.Parameter:
    """A click-on-legend selection of ``field`` (shift-click adds), named ``name``."""
    return alt.selection_point(fields=[field], bind="legend", name=name)


def faded(selection: alt.Parameter, on: float = 1.0, off: float = 0.15) -> alt.OpacityValue:
    """Opacity that fades what the legend selection leaves out."""
    return alt.condition(selection, alt.value(on), alt.value(off))


def by_title(df: pd.DataFrame) -> str:
    """The grouping's name for axis titles (``attrs["by"]``, else "group")."""
    return str(df.attrs.get("by", "group"))


MAX_GROUPS = 60
"""Rows or panels per group a chart draws at most: 50 outlets stay readable; a dump with 290
outlets compared by outlet shows its 60 largest and says how many more there are (group by a
sources.csv column to see them all)."""


def largest_groups(df: pd.DataFrame, size: pd.Series, max_groups: int | None = MAX_GROUPS
                   ) -> tuple[pd.DataFrame, str]:
    """``df`` restricted to the ``max_groups`` groups with the largest ``size`` (a Series
    indexed by group), and a subtitle note saying what was left out ("" when nothing)."""
    if max_groups is None or size.size <= max_groups:
        return df, ""
    kept = set(size.sort_values(ascending=False, kind="stable").index[:max_groups])
    left = size.size - max_groups
    return (df[df["group"].isin(kept)],
            f"; the {max_groups} largest of {size.size} groups shown ({left} smaller left out)")
