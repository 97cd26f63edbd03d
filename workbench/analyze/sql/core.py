"""DuckDB over a corpus store, in bounded memory: the connection, the selection of articles,
and the SQL pieces every aggregation shares (group labels, ``restrict``, ``most_common``).

The pandas functions of :mod:`workbench.analyze` are the reference: each SQL piece here states
which pandas expression it reproduces. DuckDB reads only the columns a query names from the
store's Parquet parts (the manifest's live files), spills to a private temporary folder past
``memory_limit``, and hands back aggregated tables only — never the raw mention rows.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.analyze.select import UNKNOWN, group_column
from workbench.store.read import Store, open_store

MEMORY_LIMIT = "1GB"
"""DuckDB's buffer pool by default: with Python and the small results, a process stays under
2 GiB however large the store."""

# Python's str.isspace() characters, so that SQL strips what pandas' .str.strip() strips.
_WS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200b)))
       + "\u2028\u2029\u202f\u205f\u3000")


def q(name: str) -> str:
    """``name`` as a quoted SQL identifier."""
    return '"' + str(name).replace('"', '""') + '"'


def lit(value: Any) -> str:
    """``value`` as a SQL literal (strings quoted and escaped; None as NULL)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def lits(values: Iterable[Any]) -> str:
    """A parenthesised list of literals for ``IN`` (``(NULL)`` when empty: matches nothing)."""
    items = [lit(v) for v in values]
    return "(" + (", ".join(items) if items else "NULL") + ")"


def strip(expr: str) -> str:
    """SQL of ``.str.strip()``."""
    return f"trim({expr}, {lit(_WS)})"


def label(expr: str) -> str:
    """SQL of :func:`workbench.analyze.select.group_column`: the value as text, stripped,
    ``"(unknown)"`` when missing or empty."""
    return f"coalesce(nullif({strip(f'CAST({expr} AS VARCHAR)')}, ''), {lit(UNKNOWN)})"


def most_common(rel: str, key: str, col: str) -> str:
    """SQL (columns ``k``, ``v``) of :func:`workbench.analyze.frequency.most_common`: for each
    ``key``, the most frequent non-missing ``col``, ties alphabetical."""
    return (f"(SELECT k, v FROM (SELECT CAST({key} AS VARCHAR) AS k, CAST({col} AS VARCHAR) "
            f"AS v, count(*) AS n FROM {rel} WHERE ({key}) IS NOT NULL AND ({col}) IS NOT NULL "
            f"GROUP BY ALL) QUALIFY row_number() OVER (PARTITION BY k ORDER BY n DESC, v) = 1)")


BATCH_ROWS = 4_000_000
"""Rows of a table aggregated at once where a count of distinct articles would otherwise
hold one hash entry per (article, key) of the whole store."""
FOLDED_BATCH_ROWS = 1_000_000  # for counts folded into a running total (partwise sums)


class StoreDB:
    """A DuckDB connection over one store, with bounded memory: ``memory_limit`` for DuckDB's
    buffers (it spills to a private temporary folder beyond it, removed by :meth:`close`),
    ``threads`` (default: the CPUs), and insertion order not kept (every order a result
    depends on is spelled out)."""

    def __init__(self, store: Store | str | Path, *, memory_limit: str = MEMORY_LIMIT,
                 threads: int | None = None, temp_dir: str | Path | None = None) -> None:
        import duckdb

        self.store = store if isinstance(store, Store) else open_store(store)
        self.tmp = tempfile.mkdtemp(prefix="workbench-duckdb-",
                                    dir=str(temp_dir) if temp_dir else None)
        self.con = duckdb.connect(":memory:", config={
            "memory_limit": memory_limit, "threads": int(threads or os.cpu_count() or 1),
            "temp_directory": self.tmp, "preserve_insertion_order": False})
        from workbench.store.files import is_local

        if not is_local(self.store.fs):  # memory://, s3://… read through fsspec
            self.con.register_filesystem(self.store.fs)
        self._names = itertools.count()

    def __enter__(self) -> StoreDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection and remove its spill folder."""
        self.con.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def has(self, table: str) -> bool:
        """Whether the store holds ``table``."""
        return table in self.store.tables

    def columns(self, table: str) -> list[str]:
        """Columns of a store table."""
        return self.store.columns(table)

    def source(self, table: str, *, order: bool = False, files: list[str] | None = None
               ) -> str:
        """SQL reading ``table``'s live parts (or only ``files`` of them); with ``order``,
        columns ``_file`` and ``_row`` give the rows' order (part, then row), which "first"
        and "in order of appearance" follow."""
        files = self.store.files(table) if files is None else files
        if not files:
            cols = ", ".join(f"NULL::VARCHAR AS {q(c)}" for c in self.columns(table))
            extra = ", NULL::VARCHAR AS _file, NULL::BIGINT AS _row" if order else ""
            return f"(SELECT {cols}{extra} WHERE FALSE)"
        paths = "[" + ", ".join(lit(f) for f in files) + "]"
        if not order:
            return f"read_parquet({paths})"
        return (f"(SELECT * EXCLUDE (filename, file_row_number), filename AS _file, "
                f"file_row_number AS _row FROM read_parquet({paths}, filename = true, "
                f"file_row_number = true))")

    def batches(self, table: str, rows: int | None = None) -> list[list[str] | None]:
        """``table``'s part files in batches of about ``rows`` rows (``[None]``: one batch of
        all). Parts hold disjoint articles, so per-article counts summed over batches are
        exact, while each batch's hash tables stay a batch's size."""
        rows = rows or BATCH_ROWS
        files = self.store.files(table)
        sizes = [int(p["files"][table].get("rows", 0)) for p in self.store.parts
                 if table in p["files"]]
        if sum(sizes) <= rows or len(sizes) != len(files):
            return [None]
        out: list[list[str] | None] = [[]]
        n = 0
        for f, size in zip(files, sizes, strict=True):
            if n + size > rows and out[-1]:
                out.append([])
                n = 0
            out[-1].append(f)
            n += size
        return out

    def partwise(self, table: str, make: Any, *, sums: tuple[str, ...] = ()) -> str:
        """A temporary table of the rows of ``make(files)`` (SQL over those files of
        ``table``) for every batch of :meth:`batches`, to be summed up by the caller.

        ``sums``: when every other column is a key and these are counts, each batch is
        folded into a running total (the key columns, these summed), so the table stays the
        size of the distinct keys instead of growing by a batch's keys per batch."""
        name = self.temp("part")
        # Folded, a smaller batch costs only another fold, no memory: at 4M mention rows one
        # batch of the SYNTHETIC 1M store's entity frequency overran DuckDB's 1 GB; 1M did not.
        rows = min(BATCH_ROWS, FOLDED_BATCH_ROWS) if sums else None
        folded = ""
        for i, files in enumerate(self.batches(table, rows)):
            body = make(files)
            if i == 0:
                self.con.execute(f"CREATE TEMP TABLE {name} AS {body}")
                if sums:  # the key columns are the table's others: read them once
                    keys = [c for c in self.con.execute(f"SELECT * FROM {name} LIMIT 0")
                            .fetchdf().columns if c not in sums]
                    folded = ", ".join([*map(q, keys), *(f"sum({q(c)})::BIGINT AS {q(c)}"
                                                        for c in sums)])
                continue
            self.con.execute(f"INSERT INTO {name} {body}")
            if folded:
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {folded} "
                                 f"FROM {name} GROUP BY ALL")
        return name

    def temp(self, prefix: str) -> str:
        """A fresh temporary table name."""
        return f"_wb_{prefix}_{next(self._names)}"

    def df(self, sql: str) -> pd.DataFrame:
        """The result of ``sql`` as a DataFrame."""
        return self.con.execute(sql).df()

    def scalar(self, sql: str) -> Any:
        row = self.con.execute(sql).fetchone()
        return row[0] if row else None

    def check_group(self, by: str) -> None:
        """KeyError, worded as :func:`~workbench.analyze.select.group_column`'s, when the
        articles have no ``by`` column."""
        cols = self.columns("articles")
        if by in cols:
            return
        types = {r[0]: r[1] for r in self.con.execute(
            f"DESCRIBE SELECT * FROM {self.source('articles')}").fetchall()}
        # One row of the same kinds of columns: the hint lists the text columns.
        row = pd.DataFrame({c: pd.Series(["x"] if types.get(c) == "VARCHAR" else [pd.NA],
                                         dtype="string" if types.get(c) == "VARCHAR"
                                         else "Int64") for c in cols})
        group_column(row, by)  # raises the pandas KeyError, with its hint


class Selection:
    """Selected articles in a DuckDB temporary table (``name``: article_id, published, the raw
    and filled word counts, boilerplate words), the boilerplate spans the analyses leave out
    (``spans``, or None), and ``attrs`` (``notes``, ``common_period``) as the pandas
    selection carries them."""

    def __init__(self, db: StoreDB, name: str, spans: str | None,
                 attrs: dict[str, Any]) -> None:
        self.db = db
        self.name = name
        self.spans = spans
        self.attrs = attrs
        self._labels: dict[str | None, str] = {}

    def __len__(self) -> int:
        return int(self.db.scalar(f"SELECT count(*) FROM {self.name}"))

    def __repr__(self) -> str:
        return f"<Selection of {len(self):,} articles in {self.db.store.location}>"

    @property
    def notes(self) -> list[str]:
        """What the selection left out, in words (as ``analyze.notes`` of the pandas one)."""
        return list(self.attrs.get("notes", []))

    def derived(self, name: str, attrs: dict[str, Any]) -> Selection:
        """A narrower selection: the articles of temporary table ``name`` (a subset of this
        one's rows), its spans cut to them."""
        spans = None
        if self.spans:
            spans = self.db.temp("spans")
            self.db.con.execute(f"CREATE TEMP TABLE {spans} AS SELECT s.* FROM {self.spans} s "
                                f"SEMI JOIN {name} USING (article_id)")
        return Selection(self.db, name, spans, attrs)

    def labels(self, by: str | None) -> str:
        """Temporary table (article_id, grp): each selected article's ``by`` label (as
        ``group_column``), or ``"all"`` for ``by=None``."""
        if by not in self._labels:
            name = self.db.temp("labels")
            if by is None:
                body = f"SELECT article_id, 'all' AS grp FROM {self.name}"
            else:
                self.db.check_group(by)
                body = (f"SELECT s.article_id, {label('a.' + q(by))} AS grp FROM {self.name} s "
                        f"JOIN (SELECT article_id, {q(by)} FROM {self.db.source('articles')}) a "
                        f"USING (article_id)")
            self.db.con.execute(f"CREATE TEMP TABLE {name} AS {body}")
            self._labels[by] = name
        return self._labels[by]

    def rows(self, table: str, columns: list[str], *, by: str | None = None,
             grouped: bool = False, order: bool = False, files: list[str] | None = None
             ) -> str:
        """SQL of :func:`~workbench.analyze.select.restrict` (``grouped``: of
        :func:`~workbench.analyze.select.grouped`, label in ``grp``): ``table``'s rows of the
        selected articles (in ``files`` of its parts, default all), less those that start
        inside a boilerplate span of theirs."""
        keys = self.labels(by) if grouped else self.name
        cols = ", ".join(f"t.{q(c)}" for c in dict.fromkeys(["article_id", *columns]))
        extra = (", g.grp" if grouped else "") + (", t._file, t._row" if order else "")
        sql = (f"SELECT {cols}{extra} FROM {self.db.source(table, order=order, files=files)} t "
               f"JOIN {keys} g ON t.article_id = g.article_id")
        if self.spans and "start" in self.db.columns(table):
            # Rows inside no span (spans are an article's distinct lines, so "inside one" is
            # the pandas test: the span starting last at or before the row ends after it).
            sql += (f" LEFT JOIN {self.spans} s ON s.article_id = t.article_id "
                    f"AND t.start >= s.lo AND t.start < s.hi WHERE s.article_id IS NULL")
        return f"({sql})"

    def group_words(self, by: str | None) -> str:
        """SQL (grp, words) of :func:`~workbench.analyze.select.group_words`."""
        return (f"(SELECT g.grp, sum(greatest(s.words - coalesce(s.bp_words, 0), 0))::BIGINT "
                f"AS words FROM {self.name} s JOIN {self.labels(by)} g USING (article_id) "
                f"GROUP BY ALL)")

    def published_range(self) -> tuple[pd.Timestamp, pd.Timestamp] | None:
        """First and last publication day of the selected articles, or None."""
        lo, hi = self.db.con.execute(f"SELECT min(date_trunc('day', published)), "
                                     f"max(date_trunc('day', published)) "
                                     f"FROM {self.name}").fetchone()
        return None if lo is None else (pd.Timestamp(lo), pd.Timestamp(hi))
