"""Choosing which articles an analysis counts, and what to group them by.

Every analysis function takes ``articles`` alongside its own table and keeps only rows whose
``article_id`` is in it, so a notebook selects once with :func:`select_articles` and passes the
result everywhere.  What a selection left out is reported in words in ``df.attrs["notes"]``
(read it with :func:`notes`) rather than silently.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from workbench.corpus.boilerplate import parse_spans

from .tokens import without_spans

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
        from workbench.tables import columns

        usable = [c for c in articles.columns
                  if c not in _CONTRACT_HINT | {"duplicate_of", "boilerplate"}
                  and pd.api.types.is_string_dtype(articles[c].dtype)
                  and not articles[c].map(lambda v: isinstance(v, (list, dict))).any()]
        contract = set(columns("articles"))
        joined = [c for c in usable if c not in contract]
        raise KeyError(
            f"cannot group by {by!r}: the articles have no such column. You can group by "
            f"{', '.join(usable) or 'outlet'}"
            + (f" ({', '.join(joined)} from sources.csv or the dataset's own fields)"
               if joined else "")
            + f". A {by!r} column comes from a sources.csv (outlet,{by}) in the corpus folder "
              f"or beside the corpus file, or given with --sources / sources=")
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
    include_boilerplate: bool = False,
) -> pd.DataFrame:
    """The articles to analyse.

    ``outlets`` / ``groups`` keep rows whose ``outlet`` / ``group_col`` is listed (``"(unknown)"``
    matches missing values).  ``date_from`` / ``date_to`` are inclusive days; a date range
    excludes undated articles, since they cannot be placed in it.  ``count_duplicates_once``
    drops near-duplicates whose original is also selected, so a story counts once (a copy whose
    original was filtered out stands in for it).  Paragraphs an outlet repeats across its
    articles (the ``boilerplate`` column) are left out of every analysis of the selection —
    mentions, quotes and dates inside them, and their words — unless ``include_boilerplate``.
    Every exclusion is described in ``result.attrs["notes"]``.
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

    if count_duplicates_once and "duplicate_of" in out.columns:
        present = set(out["article_id"].dropna())
        dup = out["duplicate_of"].notna() & out["duplicate_of"].isin(present)
        dup = dup.fillna(False).astype(bool)
        n_dup = int(dup.sum())
        if n_dup:
            out = out[~dup]
            add_note(out, f"{n_dup:,} near-duplicate article{_s(n_dup)} counted once "
                          f"(copies of selected articles dropped).")
    if keep_undated and date_from is None and date_to is None:
        # Counted on the selection as it ends up (after the copies go), as its context says.
        if n_kept := int(out["published"].isna().sum()):
            add_note(out, f"{n_kept:,} undated article{_s(n_kept)} kept: they count in every "
                          f"total but cannot appear on a time axis.")
    return _boilerplate(out, include_boilerplate)


def _boilerplate(out: pd.DataFrame, include: bool) -> pd.DataFrame:
    """Note how much boilerplate the selection leaves out; with ``include``, blank its spans so
    that no analysis of the selection leaves anything out."""
    if "boilerplate" not in out.columns:
        return out
    n_spans = sum(len(parse_spans(v)) for v in out["boilerplate"].dropna())
    if not n_spans:
        return out
    words = _words(out)
    left = pd.to_numeric(out.get("boilerplate_words"), errors="coerce")
    share = float(left.fillna(0).sum()) / max(float(words.sum()), 1.0)
    what = (f"{n_spans:,} paragraph{_s(n_spans)} repeated by their outlet across its articles "
            f"({share:.1%} of words)")
    if include:
        notes_ = out.attrs["notes"]
        out = out.assign(boilerplate=pd.Series(pd.NA, index=out.index, dtype="string"),
                         boilerplate_words=pd.Series(0, index=out.index, dtype="Int64"))
        out.attrs["notes"] = notes_
        return add_note(out, f"{what} counted as text: boilerplate kept "
                             f"(include_boilerplate=True).")
    return add_note(out, f"{what} left out as boilerplate; include_boilerplate=True puts them "
                         f"back.")


def restrict(table: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``mentions`` / ``quotes`` / ``dates`` whose ``article_id`` is in ``articles``,
    without those that start inside one of the article's ``boilerplate`` spans (a selection
    made with ``include_boilerplate=True`` has none)."""
    keep = table["article_id"].isin(set(articles["article_id"].dropna()))
    out = table[keep.fillna(False).astype(bool)]
    if "boilerplate" not in articles.columns or "start" not in out.columns or out.empty:
        return out
    inside = _in_spans(out, articles)
    return out[~inside] if inside.any() else out


def _in_spans(table: pd.DataFrame, articles: pd.DataFrame) -> np.ndarray:
    """For each row of ``table``, whether its ``start`` falls inside a boilerplate span of its
    article: one sorted search over (article, offset) keys, not a loop over rows."""
    has = articles["boilerplate"].notna()
    ids, lo, hi = [], [], []
    for article_id, value in zip(articles.loc[has, "article_id"],
                                 articles.loc[has, "boilerplate"], strict=True):
        for start, end in parse_spans(value):
            ids.append(article_id)
            lo.append(start)
            hi.append(end)
    if not ids:
        return np.zeros(len(table), dtype=bool)
    index = pd.Index(pd.unique(pd.Series(ids, dtype=object)))
    shift = np.int64(1) << np.int64(32)  # offsets are below 2**32: article code in high bits
    code = index.get_indexer(pd.Series(ids, dtype=object)).astype("int64")
    span_lo = code * shift + np.asarray(lo, dtype="int64")
    span_hi = code * shift + np.asarray(hi, dtype="int64")
    order = np.argsort(span_lo, kind="stable")
    span_lo, span_hi = span_lo[order], span_hi[order]
    row_code = index.get_indexer(table["article_id"].astype(object)).astype("int64")
    start = pd.to_numeric(table["start"], errors="coerce").fillna(-1).to_numpy("int64")
    pos = row_code * shift + start
    j = np.searchsorted(span_lo, pos, side="right") - 1
    found = (row_code >= 0) & (start >= 0) & (j >= 0)
    found &= pos < span_hi[np.clip(j, 0, None)]
    return found


def analysis_texts(articles: pd.DataFrame) -> pd.Series:
    """``articles.text`` as analyses count it: boilerplate spans cut out (a line break in their
    place, so no n-gram bridges the cut); missing text as ""."""
    texts = articles["text"].astype("string").fillna("")
    if "boilerplate" not in articles.columns or not articles["boilerplate"].notna().any():
        return texts.astype(object)
    return pd.Series([without_spans(t, parse_spans(b)) if isinstance(b, str) else t
                      for t, b in zip(texts, articles["boilerplate"].astype(object),
                                      strict=True)],
                     index=articles.index, dtype=object)


def grouped(table: pd.DataFrame, articles: pd.DataFrame, by: str) -> pd.DataFrame:
    """``table`` restricted to ``articles`` with a ``group`` column from ``articles[by]``."""
    labels = pd.Series(group_column(articles, by).to_numpy(), index=articles["article_id"])
    labels = labels[~labels.index.duplicated()]
    out = restrict(table, articles).copy()
    out["group"] = out["article_id"].map(labels).astype(object)
    return out


def group_words(articles: pd.DataFrame, by: str) -> pd.Series:
    """Words per group (sum of ``n_words``, counted from ``text`` where ``n_words`` is missing,
    less the words of boilerplate the selection leaves out)."""
    words = _words(articles)
    if "boilerplate_words" in articles.columns:
        left = pd.to_numeric(articles["boilerplate_words"], errors="coerce").fillna(0)
        words = (words - left.astype("int64")).clip(lower=0)
    return words.groupby(group_column(articles, by).to_numpy()).sum().rename("words")


def _words(articles: pd.DataFrame) -> pd.Series:
    words = pd.to_numeric(articles["n_words"], errors="coerce")
    if words.isna().any() and "text" in articles.columns:
        counted = articles["text"].astype("string").fillna("").str.split().str.len()
        words = words.fillna(counted)
    return words.fillna(0).astype("int64")


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
