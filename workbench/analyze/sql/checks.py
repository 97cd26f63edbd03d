"""The ``check_*`` functions of :mod:`workbench.analyze.adequacy` and ``story_summary`` over a
store selection, in SQL — the same sentences from the same counts — and the selection narrowed
to mentions of some types (``Typed``), which every SQL aggregation then reads."""

from __future__ import annotations

import pandas as pd

from workbench.analyze.adequacy import (
    MIN_COOC_ARTICLES,
    MIN_DATED,
    MIN_QUOTES,
    MIN_WORDS,
    timeline_note,
)
from workbench.analyze.sql.core import Selection, lits


class Typed(Selection):
    """A selection whose mentions are only those of ``types`` (``type IN …``, as the notebooks'
    ``mentions[mentions["type"].isin(types)]``; None: all), and never those found in the
    ``aside_text`` lines (``field`` set), which pandas ``restrict`` leaves out too; other
    tables as the selection's."""

    def __init__(self, sel: Selection, types: list[str] | None) -> None:
        super().__init__(sel.db, sel.name, sel.spans, sel.attrs)
        self._labels = sel._labels  # the same label tables: built once per selection
        self.types = list(types) if types else None
        for name, value in vars(sel).items():  # what setup attached (sample_by, samples)
            self.__dict__.setdefault(name, value)

    def rows(self, table: str, columns: list[str], **kw: object) -> str:
        if table != "mentions":
            return super().rows(table, columns, **kw)
        aside = "field" in self.db.columns(table)
        extra = ["type"] * bool(self.types) + ["field"] * aside
        inner = super().rows(table, list(dict.fromkeys([*columns, *extra])), **kw)
        where = ([f"type IN {lits(self.types)}"] if self.types else []) + \
            (["field IS NULL"] if aside else [])
        return f"(SELECT * FROM {inner} WHERE {' AND '.join(where)})" if where else inner


def typed(sel: Selection, types: list[str] | None) -> Selection:
    """``sel`` narrowed as :class:`Typed` says (once: a narrowed selection is returned as is
    when the types agree)."""
    if isinstance(sel, Typed) and sel.types == (list(types) if types else None):
        return sel
    return Typed(sel, types)


def _n(sql: str, sel: Selection) -> int:
    return int(sel.db.scalar(sql) or 0)


def check_frequency(sel: Selection, *, min_words: int = MIN_WORDS) -> str | None:
    if not len(sel):
        return "No articles are selected."
    if not _n(f"SELECT count(*) FROM {sel.rows('mentions', [])}", sel):
        return "The selected articles mention no entities."
    words = _n(f"SELECT coalesce(sum(n_words), 0) FROM {sel.name}", sel)
    if words < min_words:
        return (f"The selected articles hold only {words} words (fewer than {min_words}); "
                f"rates per 1,000 words would rest on a handful of mentions.")
    return None


def _rich(sel: Selection, by: str | None) -> dict[str, int]:
    """Per group, the articles naming two or more different entities — counted one batch of
    store parts at a time (parts hold disjoint articles: exact, and each hash table stays a
    batch's size; over all 64M mentions of a 1M store DuckDB ran out of its memory)."""
    from collections import Counter

    found: Counter[str] = Counter()
    for files in sel.db.batches("mentions"):
        rows = sel.rows("mentions", ["entity_id"], by=by, grouped=True, files=files)
        counts = sel.db.df(f"SELECT grp, count(*) AS n FROM (SELECT article_id, "
                           f"any_value(grp) AS grp FROM {rows} WHERE entity_id IS NOT NULL "
                           f"GROUP BY 1 HAVING count(DISTINCT entity_id) >= 2) GROUP BY 1")
        found.update(dict(zip(counts["grp"], counts["n"].astype(int), strict=True)))
    return dict(found)


def check_cooccurrence(sel: Selection, *, min_articles: int = MIN_COOC_ARTICLES) -> str | None:
    n = sum(_rich(sel, None).values())
    if n < min_articles:
        return (f"Only {n} article{'' if n == 1 else 's'} name two or more entities; "
                f"co-occurrence needs at least {min_articles} to show more than one "
                f"article's cast.")
    return None


def check_cooccurrence_groups(sel: Selection, *, by: str = "outlet",
                              min_articles: int = MIN_COOC_ARTICLES) -> str | None:
    n = sum(1 for v in _rich(sel, by).values() if v >= min_articles)
    if n < 2:
        return (f"{n} {by} group{'' if n == 1 else 's'} with at least {min_articles} articles "
                f"naming two or more entities; comparing who appears together needs two.")
    return None


def check_timeline(sel: Selection, *, min_dated: int = MIN_DATED, freq: str = "D"
                   ) -> str | None:
    from workbench.analyze.sql.timeline import _period
    from workbench.analyze.timeline import resolve_freq

    total, dated, lo, hi = sel.db.con.execute(
        f"SELECT count(*), count(published), min(published), max(published) "
        f"FROM {sel.name}").fetchone()
    freq = resolve_freq(freq, pd.Series([lo, hi], dtype="datetime64[ns]").dropna())
    n, first = 0, None
    if dated >= min_dated:
        start = _period(freq, "published")[0]
        n, first = sel.db.con.execute(f"SELECT count(DISTINCT {start}), min({start}) FROM "
                                      f"{sel.name} WHERE published IS NOT NULL").fetchone()
    return timeline_note(total, dated, n, first, min_dated=min_dated, freq=freq)


def check_events(sel: Selection) -> str | None:
    n, resolved = sel.db.con.execute(f"SELECT count(*), count(date) FROM "
                                     f"{sel.rows('dates', ['date'])}").fetchone()
    if not n:
        return "No date expressions were found in the selected articles."
    if not resolved:
        return (f"None of the {n} date expression{'' if n == 1 else 's'} found in the "
                f"selected articles could be resolved to a calendar date.")
    return None


def check_variants(sel: Selection) -> str | None:
    n = _n(f"SELECT count(*) FROM (SELECT entity_id FROM "
           f"{sel.rows('mentions', ['entity_id', 'variant'])} WHERE entity_id IS NOT NULL AND "
           f"variant IS NOT NULL GROUP BY 1 HAVING count(DISTINCT variant) >= 2)", sel)
    if not n:
        return ("No entity appears under two or more tagged spellings in the selected "
                "articles, so there are no naming choices to compare.")
    return None


def check_voices(sel: Selection, *, min_quotes: int = MIN_QUOTES) -> str | None:
    n = _n(f"SELECT count(*) FROM {sel.rows('quotes', [])}", sel)
    if n < min_quotes:
        return (f"Only {n} attributed quote{'' if n == 1 else 's'} in the selected articles; "
                f"shares of voices need at least {min_quotes}.")
    return None


def story_summary(sel: Selection, *, by: str = "outlet") -> pd.DataFrame:
    """:func:`workbench.analyze.stories.story_summary` of the selection: one row per story,
    largest first."""
    from workbench.analyze.sql.stories import _coverage_sql

    cols = ["story_id", "label", "title", "first", "last", "articles", "independent", "groups"]
    out = sel.db.df(f"""
        WITH df AS ({_coverage_sql(sel, by)}),
        best AS (SELECT story_id, label, title FROM df QUALIFY row_number() OVER (
                 PARTITION BY story_id ORDER BY score DESC NULLS LAST, article_id) = 1)
        SELECT s.story_id, CAST(best.label AS VARCHAR) AS label, best.title, s.first, s.last,
               s.articles, s.independent, s.groups
        FROM (SELECT story_id, min(published) AS first, max(published) AS last,
                     count(*) AS articles, count(*) FILTER (WHERE NOT copy) AS independent,
                     count(DISTINCT grp) AS groups FROM df GROUP BY 1) s
        JOIN best USING (story_id)""")
    if out.empty:
        return pd.DataFrame(columns=cols)
    for col in ("articles", "independent", "groups"):
        out[col] = out[col].astype("int64")
    for col in ("first", "last"):
        out[col] = out[col].astype("datetime64[ns]")
    return out.sort_values(["articles", "first", "story_id"], ascending=[False, True, True],
                           kind="stable", ignore_index=True)[cols]
