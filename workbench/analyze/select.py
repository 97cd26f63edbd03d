"""Choosing which articles an analysis counts, and what to group them by.

Every analysis function takes ``articles`` alongside its own table and keeps only rows whose
``article_id`` is in it, so a notebook selects once with :func:`select_articles` and passes the
result everywhere.  What a selection left out is reported in words in ``df.attrs["notes"]``
(read it with :func:`notes`) rather than silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

UNKNOWN = "(unknown)"


def notes(df: pd.DataFrame) -> list[str]:
    """The notes a selection or analysis attached to ``df`` (``df.attrs["notes"]``), or []."""
    return list(df.attrs.get("notes", []))


def add_note(df: pd.DataFrame, note: str) -> pd.DataFrame:
    """Append ``note`` to ``df.attrs["notes"]`` in place and return ``df``."""
    df.attrs["notes"] = [*df.attrs.get("notes", []), note]
    return df


def group_column(articles: pd.DataFrame, by: str = "outlet") -> pd.Series:
    """The labels to group ``articles`` by: ``outlet`` or any column joined from sources.csv
    (``group``, ``country``…), as strings, with missing values shown as ``"(unknown)"``."""
    if by not in articles.columns:
        extra = [c for c in articles.columns if c not in _CONTRACT_HINT]
        raise KeyError(f"cannot group by {by!r}: articles has no such column "
                       f"(try 'outlet' or one of the sources.csv columns {extra})")
    s = articles[by]
    labels = s.astype("string").str.strip()
    labels = labels.where(labels.notna() & (labels != ""), UNKNOWN)
    return labels.astype(object).rename("group")


# Columns of the contract that are never a useful grouping, left out of the KeyError hint.
_CONTRACT_HINT = {"article_id", "path", "text", "raw_text", "aside_text", "n_words", "title",
                  "url", "warnings", "published_evidence"}


def select_articles(
    articles: pd.DataFrame,
    *,
    outlets: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
    group_col: str = "group",
    date_from: str | pd.Timestamp | None = None,
    date_to: str | pd.Timestamp | None = None,
    count_duplicates_once: bool = True,
    keep_undated: bool = True,
) -> pd.DataFrame:
    """The articles to analyse.

    ``outlets`` / ``groups`` keep rows whose ``outlet`` / ``group_col`` is listed (``"(unknown)"``
    matches missing values).  ``date_from`` / ``date_to`` are inclusive days; a date range
    excludes undated articles, since they cannot be placed in it.  ``count_duplicates_once``
    drops near-duplicates whose original is also selected, so a story counts once (a copy whose
    original was filtered out stands in for it).  Every exclusion is described in
    ``result.attrs["notes"]``.
    """
    out = articles.copy()
    out.attrs["notes"] = list(articles.attrs.get("notes", []))
    if outlets is not None:
        out = _keep_labels(out, "outlet", outlets, "outlet")
    if groups is not None:
        out = _keep_labels(out, group_col, groups, group_col)

    dated = out["published"].notna()
    n_undated = int((~dated).sum())
    if date_from is not None or date_to is not None:
        lo = pd.Timestamp(date_from).normalize() if date_from is not None else None
        hi = pd.Timestamp(date_to).normalize() if date_to is not None else None
        day = out["published"].dt.normalize()
        inside = dated.copy()
        if lo is not None:
            inside &= day >= lo
        if hi is not None:
            inside &= day <= hi
        n_outside = int((dated & ~inside).sum())
        out = out[inside]
        if n_outside:
            add_note(out, f"{n_outside} dated article{_s(n_outside)} outside "
                          f"{_range_text(lo, hi)} excluded.")
        if n_undated:
            add_note(out, f"{n_undated:,} undated article{_s(n_undated)} excluded by the date "
                          f"range (they cannot be placed in it).")
    elif not keep_undated and n_undated:
        out = out[dated]
        add_note(out, f"{n_undated:,} undated article{_s(n_undated)} excluded "
                      f"(keep_undated=False).")
    elif n_undated:
        add_note(out, f"{n_undated:,} undated article{_s(n_undated)} kept: they count in every "
                      f"total but cannot appear on a time axis.")

    if count_duplicates_once and "duplicate_of" in out.columns:
        present = set(out["article_id"].dropna())
        dup = out["duplicate_of"].notna() & out["duplicate_of"].isin(present)
        dup = dup.fillna(False).astype(bool)
        n_dup = int(dup.sum())
        if n_dup:
            out = out[~dup]
            add_note(out, f"{n_dup:,} near-duplicate article{_s(n_dup)} counted once "
                          f"(copies of selected articles dropped).")
    return out


def restrict(table: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``mentions`` / ``quotes`` / ``dates`` whose ``article_id`` is in ``articles``."""
    keep = table["article_id"].isin(set(articles["article_id"].dropna()))
    return table[keep.fillna(False).astype(bool)]


def grouped(table: pd.DataFrame, articles: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` restricted to ``articles`` with a ``group`` column from ``articles[by]``."""
    labels = pd.Series(group_column(articles, by).to_numpy(), index=articles["article_id"])
    labels = labels[~labels.index.duplicated()]
    out = restrict(table, articles).copy()
    out["group"] = out["article_id"].map(labels).astype(object)
    return out


def group_words(articles: pd.DataFrame, by: str) -> pd.Series:
    """Words per group (sum of ``n_words``; counted from ``text`` where ``n_words`` is missing)."""
    words = pd.to_numeric(articles["n_words"], errors="coerce")
    if words.isna().any() and "text" in articles.columns:
        counted = articles["text"].astype("string").fillna("").str.split().str.len()
        words = words.fillna(counted)
    words = words.fillna(0).astype("int64")
    return words.groupby(group_column(articles, by).to_numpy()).sum().rename("words")


def _keep_labels(df: pd.DataFrame, col: str, wanted: Iterable[str], what: str) -> pd.DataFrame:
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    keep = group_column(df, col).isin(wanted).to_numpy()
    n_out = int((~keep).sum())
    out = df[keep]
    if n_out:
        add_note(out, f"{n_out} article{_s(n_out)} from other {what} values excluded.")
    return out


def _range_text(lo: pd.Timestamp | None, hi: pd.Timestamp | None) -> str:
    if lo is not None and hi is not None:
        return f"{lo:%Y-%m-%d} – {hi:%Y-%m-%d}"
    return f"from {lo:%Y-%m-%d}" if lo is not None else f"up to {hi:%Y-%m-%d}"


def _s(n: int) -> str:
    return "" if n == 1 else "s"
