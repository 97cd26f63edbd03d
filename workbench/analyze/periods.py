"""Do the groups cover the same period?  Per-group date ranges, a warning when they differ
materially, and the restriction of every group to the period all of them cover.

A group that was collected over twelve months and one collected over four cannot be compared
as they are: the longer one's keyness and frequencies partly reflect events the other never had
the time to cover.  :func:`group_ranges` says what each covers, :func:`period_warning` says
when that matters, and :func:`common_period` keeps only the period all groups cover.
"""

from __future__ import annotations

import pandas as pd

from .select import add_note, group_column

RANGE_COLUMNS = ["group", "articles", "dated", "first", "last", "days"]
MIN_OVERLAP = 0.8    # the period all groups cover, as a share of the union of their ranges
MIN_SPAN_RATIO = 0.5  # the shortest group's span, as a share of the longest one's
MIN_UNION_DAYS = 14   # within two weeks, groups cover the same news whatever their days
MAX_LISTED = 6        # groups named in the warning (the table shows them all)


def group_ranges(articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """One row per group: articles, dated (of which with a publication date), first and last
    publication day (NaT when none is dated) and days (inclusive span).  The ``group_ranges``
    table of :mod:`workbench.tables`; sorted by group."""
    day = pd.to_datetime(articles["published"]).dt.normalize()
    df = pd.DataFrame({"group": group_column(articles, by).to_numpy(), "day": day.to_numpy()})
    out = (df.groupby("group", sort=True)
             .agg(articles=("day", "size"), dated=("day", "count"), first=("day", "min"),
                  last=("day", "max"))
             .reset_index())
    out["articles"] = out["articles"].astype("int64")
    out["dated"] = out["dated"].astype("int64")
    out["first"] = out["first"].astype("datetime64[ns]")
    out["last"] = out["last"].astype("datetime64[ns]")
    out["days"] = ((out["last"] - out["first"]).dt.days + 1).astype("Int64")
    out = out[RANGE_COLUMNS]
    out.attrs["by"] = by
    return out


def shared_range(ranges: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The days every dated group covers (latest first day, earliest last day), or None when
    the ranges do not overlap or no group is dated."""
    dated = ranges[ranges["dated"] > 0]
    if dated.empty:
        return None
    lo, hi = dated["first"].max(), dated["last"].min()
    return (lo, hi) if lo <= hi else None


def period_warning(ranges: pd.DataFrame, *, min_overlap: float = MIN_OVERLAP,
                   min_span_ratio: float = MIN_SPAN_RATIO) -> str | None:
    """A sentence when the groups' date ranges differ materially, else None.

    Material means: the groups together span more than ``MIN_UNION_DAYS`` days, and the
    period all groups cover is less than ``min_overlap`` of the union of their ranges, or the
    shortest group's span is less than ``min_span_ratio`` of the longest one's.  One dated
    group (or none) has nothing to differ from."""
    dated = ranges[ranges["dated"] > 0]
    if len(dated) < 2:
        return None
    union = (dated["last"].max() - dated["first"].min()).days + 1
    if union <= MIN_UNION_DAYS:
        return None
    shared = shared_range(dated)
    overlap = (shared[1] - shared[0]).days + 1 if shared else 0
    spans = dated["days"].astype("int64")
    if overlap >= min_overlap * union and spans.min() >= min_span_ratio * spans.max():
        return None
    by = group_noun(str(ranges.attrs.get("by", "group")))
    # The shortest spans first: they are the groups the others cannot be compared with.
    listed = dated.assign(_d=dated["days"]).sort_values(["_d", "group"]).head(MAX_LISTED)
    each = "; ".join(f"{r.group} {r.first:%Y-%m-%d} to {r.last:%Y-%m-%d}, {r.dated:,} "
                     f"dated article{'s' if r.dated != 1 else ''}"
                     for r in listed.itertuples(index=False))
    if len(dated) > len(listed):
        each += f"; {len(dated) - len(listed)} more in the table above"
    common = (f"all of them cover only {shared[0]:%Y-%m-%d} to {shared[1]:%Y-%m-%d} "
              f"({overlap:,} of {union:,} days)" if shared else "no day is covered by all of them")
    return (f"The {by} cover different periods ({each}); {common}. Differences between "
            f"them may reflect what happened when, not how they cover it: set "
            f"common_period=True to compare them over the period all cover.")


def common_period(articles: pd.DataFrame, *, by: str = "outlet") -> pd.DataFrame:
    """``articles`` restricted to the days every group covers (see :func:`shared_range`);
    undated articles cannot be placed in it and are left out.  What was left out is said in
    ``attrs["notes"]``, the window in ``attrs["common_period"]`` (None when the groups share
    no day: then nothing is kept and a note says so)."""
    ranges = group_ranges(articles, by=by)
    shared = shared_range(ranges)
    day = pd.to_datetime(articles["published"]).dt.normalize()
    if shared is None:
        keep = pd.Series(False, index=articles.index)
    else:
        keep = (day >= shared[0]) & (day <= shared[1])
    keep = keep.fillna(False).astype(bool)
    out = articles[keep]
    out.attrs = {**articles.attrs, "notes": list(articles.attrs.get("notes", [])),
                 "common_period": shared}
    undated = int(day.isna().sum())
    outside = int((day.notna() & ~keep).sum())
    if shared is None:
        add_note(out, f"common_period: the {group_noun(by)} share no day of coverage, so no "
                      f"article is kept.")
    elif outside or undated:
        parts = [f"{outside:,} article{'s' if outside != 1 else ''} outside it"] if outside else []
        if undated:
            parts.append(f"{undated:,} undated")
        add_note(out, f"common_period: all {group_noun(by)} restricted to {shared[0]:%Y-%m-%d} – "
                      f"{shared[1]:%Y-%m-%d}, the period all of them cover "
                      f"({' and '.join(parts)} excluded).")
    return out



def group_noun(by: str, n: int = 2) -> str:
    """How to name ``n`` groups of the ``by`` column in a sentence: "outlets", "groups",
    "country groups" (singular for one)."""
    noun = {"outlet": "outlet", "group": "group"}.get(by, f"{by} group")
    return noun if n == 1 else noun + "s"
