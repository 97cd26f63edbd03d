"""Selecting articles in SQL: :func:`workbench.analyze.select.select_articles` and
:func:`workbench.analyze.periods.common_period` over a store, with the same rules and the same
notes, the selection kept as a DuckDB temporary table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from workbench.analyze.periods import group_noun
from workbench.analyze.select import _range_text, _s
from workbench.analyze.sql.core import Selection, StoreDB, label, lit, lits, q


def select_articles(
    db: StoreDB,
    *,
    outlets: Iterable[str] | None = None,
    groups: Iterable[str] | None = None,
    group_col: str = "group",
    date_from: str | pd.Timestamp | None = None,
    date_to: str | pd.Timestamp | None = None,
    count_duplicates_once: bool = True,
    keep_undated: bool = True,
    include_boilerplate: bool = False,
) -> Selection:
    """The articles to analyse, as :func:`workbench.analyze.select.select_articles` chooses
    them from the store's ``articles`` (same arguments, same notes in ``attrs["notes"]``)."""
    cols = set(db.columns("articles"))
    name = db.temp("sel")
    filters = []
    if outlets is not None:
        db.check_group("outlet")
        filters.append(("outlet", outlets, "outlet"))
    if groups is not None:
        db.check_group(group_col)
        filters.append((group_col, groups, group_col))

    def col(c: str, cast: str = "") -> str:
        return (f"CAST({q(c)} AS {cast})" if cast else q(c)) if c in cols else \
            f"NULL::{cast or 'VARCHAR'}"

    keys = "".join(f", {label(q(c))} AS _f{i}" for i, (c, _, _) in enumerate(filters))
    db.con.execute(
        f"CREATE TEMP TABLE {name} AS SELECT article_id, {col('published', 'TIMESTAMP')} AS "
        f"published, {col('published_source')} AS published_source, "
        f"{col('n_words', 'BIGINT')} AS n_words, {col('n_words', 'BIGINT')} AS words, "
        f"{col('boilerplate_words', 'BIGINT')} AS bp_words, "
        f"{col('duplicate_of')} AS duplicate_of, {col('boilerplate')} AS boilerplate{keys} "
        f"FROM {db.source('articles')}")
    notes: list[str] = []

    def drop(where: str) -> int:
        return int(db.con.execute(f"DELETE FROM {name} WHERE {where}").fetchone()[0])

    for i, (_, wanted, what) in enumerate(filters):
        wanted = [wanted] if isinstance(wanted, str) else list(wanted)
        n_out = drop(f"_f{i} NOT IN {lits(wanted)}")
        if n_out:
            notes.append(f"{n_out} article{_s(n_out)} from other {what} values excluded.")

    n_undated = int(db.scalar(f"SELECT count(*) FROM {name} WHERE published IS NULL"))
    if date_from is not None or date_to is not None:
        lo = pd.Timestamp(date_from).normalize() if date_from is not None else None
        hi = pd.Timestamp(date_to).normalize() if date_to is not None else None
        day = "date_trunc('day', published)"
        inside = " AND ".join([f"{day} >= {lit(str(lo))}::TIMESTAMP"] * (lo is not None)
                              + [f"{day} <= {lit(str(hi))}::TIMESTAMP"] * (hi is not None))
        n_outside = drop(f"published IS NOT NULL AND NOT ({inside})")
        drop("published IS NULL")
        if n_outside:
            notes.append(f"{n_outside} dated article{_s(n_outside)} outside "
                         f"{_range_text(lo, hi)} excluded.")
        if n_undated:
            notes.append(f"{n_undated:,} undated article{_s(n_undated)} excluded by the date "
                         f"range (they cannot be placed in it).")
    elif not keep_undated and n_undated:
        drop("published IS NULL")
        notes.append(f"{n_undated:,} undated article{_s(n_undated)} excluded "
                     f"(keep_undated=False).")

    if count_duplicates_once and "duplicate_of" in cols:
        dups = db.temp("dups")
        # Decided on the selection as it stands, before any copy is dropped.
        db.con.execute(f"CREATE TEMP TABLE {dups} AS SELECT article_id FROM {name} WHERE "
                       f"duplicate_of IN (SELECT article_id FROM {name})")
        n_dup = drop(f"article_id IN (SELECT article_id FROM {dups})")
        db.con.execute(f"DROP TABLE {dups}")
        if n_dup:
            notes.append(f"{n_dup:,} near-duplicate article{_s(n_dup)} counted once "
                         f"(copies of selected articles dropped).")
    if keep_undated and date_from is None and date_to is None:  # as the pandas path
        n_kept = int(db.scalar(f"SELECT count(*) FROM {name} WHERE published IS NULL"))
        if n_kept:
            notes.append(f"{n_kept:,} undated article{_s(n_kept)} kept: they count in every "
                         f"total but cannot appear on a time axis.")
    _fill_words(db, name)
    spans = _boilerplate(db, name, notes, include_boilerplate) if "boilerplate" in cols \
        else None
    return Selection(db, name, spans, {"notes": notes})


def _fill_words(db: StoreDB, name: str) -> None:
    """``words``: ``n_words``, counted from the text where it is missing (as ``_words``)."""
    n = int(db.scalar(f"SELECT count(*) FROM {name} WHERE n_words IS NULL"))
    if not n:
        return
    ids = db.df(f"SELECT article_id FROM {name} WHERE n_words IS NULL")["article_id"]
    if db.has("texts") and "text" in db.columns("texts"):
        import pyarrow.dataset as ds

        texts = db.store.table("texts", ["article_id", "text"],
                               filter=ds.field("article_id").isin(ids.astype(object).tolist()))
        counted = texts["text"].astype("string").fillna("").str.split().str.len()
        filled = pd.DataFrame({"article_id": texts["article_id"].astype(object),
                               "w": counted.fillna(0).astype("int64")})
    else:
        filled = pd.DataFrame({"article_id": ids.astype(object), "w": 0})
    db.con.register("_wb_filled", filled)
    db.con.execute(f"UPDATE {name} SET words = f.w FROM _wb_filled f "
                   f"WHERE {name}.article_id = f.article_id")
    db.con.execute(f"UPDATE {name} SET words = 0 WHERE words IS NULL")
    db.con.unregister("_wb_filled")


def _boilerplate(db: StoreDB, name: str, notes: list[str], include: bool) -> str | None:
    """As ``select._boilerplate``: the note on the boilerplate the selection leaves out, and
    the temporary table of its spans (article_id, lo, hi); None when none is left out."""
    spans = db.temp("spans")
    # parse_spans: a value is read whole or not at all (JSON array of [start, end, …]).
    db.con.execute(f"""
        CREATE TEMP TABLE {spans} AS
        WITH e AS (SELECT article_id, unnest(from_json(boilerplate, '["json"]')) AS e
                   FROM {name} WHERE boilerplate <> '' AND json_valid(boilerplate)
                   AND json_type(boilerplate) = 'ARRAY'),
        v AS (SELECT article_id, e, json_type(e) = 'ARRAY' AND TRY_CAST(e->>0 AS BIGINT)
                     IS NOT NULL AND TRY_CAST(e->>1 AS BIGINT) IS NOT NULL AS ok FROM e)
        SELECT article_id, CAST(e->>0 AS BIGINT) AS lo, CAST(e->>1 AS BIGINT) AS hi FROM v
        WHERE article_id IN (SELECT article_id FROM v GROUP BY 1 HAVING bool_and(ok))""")
    n_spans = int(db.scalar(f"SELECT count(*) FROM {spans}"))
    if not n_spans:
        db.con.execute(f"DROP TABLE {spans}")
        return None
    words, left = db.con.execute(f"SELECT coalesce(sum(words), 0), "
                                 f"coalesce(sum(bp_words), 0) FROM {name}").fetchone()
    share = float(left) / max(float(words), 1.0)
    what = (f"{n_spans:,} paragraph{_s(n_spans)} repeated by their outlet across its articles "
            f"({share:.1%} of words)")
    if include:
        db.con.execute(f"DROP TABLE {spans}")
        db.con.execute(f"UPDATE {name} SET bp_words = 0")
        notes.append(f"{what} counted as text: boilerplate kept (include_boilerplate=True).")
        return None
    notes.append(f"{what} left out as boilerplate; include_boilerplate=True puts them back.")
    return spans


def common_period(sel: Selection, *, by: str = "outlet") -> Selection:
    """:func:`workbench.analyze.periods.common_period` of a selection: only the days every
    group covers, undated articles left out; the window in ``attrs["common_period"]``."""
    db = sel.db
    day = "date_trunc('day', s.published)"
    lo, hi = db.con.execute(
        f"SELECT max(first), min(last) FROM (SELECT g.grp, count(s.published) AS dated, "
        f"min({day}) AS first, max({day}) AS last FROM {sel.name} s JOIN {sel.labels(by)} g "
        f"USING (article_id) GROUP BY ALL) WHERE dated > 0").fetchone()
    shared = None if lo is None or lo > hi else (pd.Timestamp(lo), pd.Timestamp(hi))
    name = db.temp("sel")
    keep = "FALSE" if shared is None else \
        f"{day} BETWEEN {lit(str(shared[0]))}::TIMESTAMP AND {lit(str(shared[1]))}::TIMESTAMP"
    db.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {sel.name} s WHERE {keep}")
    undated, outside = db.con.execute(
        f"SELECT count(*) FILTER (WHERE published IS NULL), count(*) FILTER (WHERE published "
        f"IS NOT NULL AND NOT coalesce({keep}, FALSE)) FROM {sel.name} s").fetchone()
    out = sel.derived(name, {**sel.attrs, "notes": sel.notes, "common_period": shared})
    notes = out.attrs["notes"]
    if shared is None:
        notes.append(f"common_period: the {group_noun(by)} share no day of coverage, so no "
                     f"article is kept.")
    elif outside or undated:
        parts = [f"{outside:,} article{'s' if outside != 1 else ''} outside it"] if outside else []
        if undated:
            parts.append(f"{undated:,} undated")
        notes.append(f"common_period: all {group_noun(by)} restricted to {shared[0]:%Y-%m-%d} – "
                     f"{shared[1]:%Y-%m-%d}, the period all of them cover "
                     f"({' and '.join(parts)} excluded).")
    return out


def select(db: StoreDB, params: dict[str, Any] | None = None, /, **overrides: Any) -> Selection:
    """The selection a notebook's parameters ask for, as :func:`workbench.notebook.setup`
    makes it: ``outlets``, ``groups`` (of ``group_by``), ``date_from``/``date_to``,
    ``count_duplicates_once``, then ``common_period``, then ``story`` /
    ``stories_min_outlets``; empty values mean no filter."""
    from workbench.analyze.sql.stories import stories_articles

    p = {**(params or {}), **overrides}
    group_by = p.get("group_by") or "outlet"
    sel = select_articles(db, outlets=p.get("outlets") or None, groups=p.get("groups") or None,
                          group_col=group_by, date_from=p.get("date_from") or None,
                          date_to=p.get("date_to") or None,
                          count_duplicates_once=bool(p.get("count_duplicates_once", True)),
                          keep_undated=bool(p.get("keep_undated", True)),
                          include_boilerplate=bool(p.get("include_boilerplate", False)))
    if p.get("common_period"):
        sel = common_period(sel, by=group_by)
    if p.get("story") or p.get("stories_min_outlets"):
        sel = stories_articles(sel, story=p.get("story") or None,
                               min_groups=int(p.get("stories_min_outlets") or 0), by=group_by)
    return sel
