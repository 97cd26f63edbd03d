"""A corpus store seen the way a notebook sees ``open_corpus``'s result: ``StoreCorpus`` has
``mentions``, ``quotes``, ``dates`` and ``stories`` as :class:`StoreTable` handles (names of
store tables, never their rows), ``pipeline`` from the manifest, and the small pandas frames
the notebooks need are read by article id (``rows_for``) or by column (``selection_frame``).

The analyses of :mod:`workbench.analyze` recognise these handles (``analyze/dispatch.py``):
with a :class:`~workbench.analyze.sql.core.Selection` they aggregate in DuckDB; with a pandas
frame of a few articles (one story) they read those articles' rows and run the pandas code.
"""

from __future__ import annotations

import warnings
import weakref
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.analyze.sql.core import MEMORY_LIMIT, Selection, StoreDB, lits, q
from workbench.store import layout as L


def is_store(path: Any) -> bool:
    """Whether ``path`` (a folder or fsspec URL) holds a corpus store (``_store.json``)."""
    if path is None or str(path) == "":
        return False
    text = str(path)
    if "://" not in text:
        return (Path(text).expanduser() / L.MANIFEST).is_file()
    from workbench.store import files as F

    try:
        fs, root = F.resolve(text)
        return bool(fs.exists(f"{root}/{L.MANIFEST}"))
    except (OSError, ValueError, ImportError):
        return False


class Pipeline:
    """What annotated the stored corpus, from the manifest's ``pipeline`` (the attributes of
    :class:`workbench.annotate.pipeline.PipelineInfo` that reports and notebooks read)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = dict(data)
        self.name = str(data.get("name") or "")
        self.version = str(data.get("version") or "")
        self.fallback = bool(data.get("fallback", False))
        self.label = str(data.get("label") or f"{self.name} {self.version}".strip()
                         or "unknown pipeline")
        self.kb_path = data.get("kb_path")
        self.kb_fingerprint = str(data.get("kb_fingerprint") or "")
        self.model_arg = str(data.get("location") or data.get("name") or "")
        self.fingerprint = str(data.get("fingerprint") or "")


class StoreTable:
    """A table of the store by name (``columns``, ``len``), optionally narrowed to mention
    ``types``; its rows are read only for a few articles (:meth:`rows_for`)."""

    def __init__(self, db: StoreDB, name: str, types: list[str] | None = None) -> None:
        self.db = db
        self.name = name
        self.types = types
        self.attrs: dict[str, Any] = {}

    def __repr__(self) -> str:
        kind = f" of types {self.types}" if self.types else ""
        return f"<StoreTable {self.name}{kind} in {self.db.store.location}>"

    @property
    def columns(self) -> pd.Index:
        return pd.Index(self.db.columns(self.name))

    def __len__(self) -> int:
        return int(self.db.store.manifest["tables"].get(self.name, {}).get("rows", 0))

    def of_types(self, types: list[str] | None) -> StoreTable:
        """The same table narrowed to mentions of ``types`` (None: all)."""
        return StoreTable(self.db, self.name, list(types) if types else None)

    def where(self) -> str:
        """SQL condition of the type filter ("TRUE" without one)."""
        return f"type IN {lits(self.types)}" if self.types else "TRUE"

    def rows_for(self, ids: Any, *, key: str = "article_id") -> pd.DataFrame:
        """The table's rows whose ``key`` is in ``ids``, in the store's order, with the
        contract dtypes (as the pandas table restricted to them)."""
        from workbench.store.read import typed

        wanted = [str(v) for v in dict.fromkeys(pd.Series(ids, dtype=object).dropna())]
        cols = ", ".join(f"t.{q(c)}" for c in self.db.columns(self.name))
        view = self.db.temp("ids")
        # A temporary table, not con.register: register refuses to run while an earlier
        # result (a fetchone()) is still open on the connection.
        self.db.con.execute(f"CREATE TEMP TABLE {view} AS SELECT unnest(?::VARCHAR[]) AS k",
                            [wanted])
        try:
            out = self.db.df(f"SELECT {cols} FROM {self.db.source(self.name, order=True)} t "
                             f"WHERE t.{q(key)} IN (SELECT k FROM {view}) AND {self.where()} "
                             f"ORDER BY t._file, t._row")
        finally:
            self.db.con.execute(f"DROP TABLE {view}")
        return typed(out.reset_index(drop=True), self.name)


class StoreRows:
    """``restrict(table, selection)`` on a store: the table's rows of the selected articles,
    as SQL (``sel.rows``) — what the ``check_*`` functions count."""

    def __init__(self, table: StoreTable, sel: Selection) -> None:
        self.table = table
        self.sel = sel

    def __repr__(self) -> str:
        return f"<StoreRows of {self.table.name} for {self.sel!r}>"


class StoreEvents:
    """``dated_events`` of a selection, not materialised (one row per date expression is
    millions of rows at scale): ``events_by_date`` aggregates it in SQL."""

    def __init__(self, sel: Selection, by: str) -> None:
        self.sel = sel
        self.by = by
        self.attrs: dict[str, Any] = {"by": by}


class StoreCorpus:
    """``open_corpus``'s result for a store: table handles, the pipeline, no rows in memory."""

    def __init__(self, location: str | Path, *, memory_limit: str = MEMORY_LIMIT,
                 threads: int | None = None) -> None:
        self.db = StoreDB(location, memory_limit=memory_limit, threads=threads)
        # The connection's spill folder goes when this object (or the kernel) does.
        weakref.finalize(self, self.db.close)
        self.store = self.db.store
        self.pipeline = Pipeline(self.store.pipeline)
        self.problems: list[str] = list(self.store.manifest.get("problems") or [])
        pipelines = self.store.pipeline.get("pipelines")
        self.stats: dict[str, Any] = {"pipelines": pipelines} if pipelines else {}
        for name in ("articles", "mentions", "quotes", "dates", "stories"):
            if self.db.has(name):
                setattr(self, name, StoreTable(self.db, name))

    def __repr__(self) -> str:
        return f"<StoreCorpus {self.store!r}>"

    @property
    def fallback(self) -> bool:
        return self.pipeline.fallback

    @property
    def n_articles(self) -> int:
        return self.store.n_articles

    @property
    def fingerprint(self) -> str:
        """Short hash of the stored corpus: the manifest's per-part article-id digests."""
        import hashlib

        digests = [str(p.get("ids_digest", "")) for p in self.store.parts]
        return hashlib.sha256("\n".join(digests).encode()).hexdigest()[:16]

    def stories_with(self, options: Any = None) -> StoreTable:
        """The stored ``stories`` table. It was grouped with the default options when the
        store was written; other options cannot be regrouped here (a note says so)."""
        if not self.db.has("stories"):
            raise L.StoreError(f"{self.store.location}: the store holds no stories table "
                               "(write it with stories=True)")
        table = StoreTable(self.db, "stories")
        if options is not None:
            from dataclasses import asdict

            given, default = asdict(options), asdict(type(options)())
            changed = ", ".join(f"{k}={v!r}" for k, v in given.items() if default[k] != v)
            if changed:
                table.attrs["notes"] = [
                    f"Stories as stored (grouped with the default options when the store was "
                    f"written): {changed} would need the store written again with them."]
        return table

    def close(self) -> None:
        self.db.close()


def open_store_corpus(location: str | Path, **options: Any) -> StoreCorpus:
    """The store at ``location`` as a notebook's ``ann`` (see :class:`StoreCorpus`)."""
    return StoreCorpus(location, **options)


def selection_frame(sel: Selection, columns: list[str]) -> pd.DataFrame:
    """Columns of the selected articles as a compact frame (text columns as categories, no
    article ids): what the context box and the group ranges count, in a few bytes a row."""
    import pyarrow as pa

    db = sel.db
    have = [c for c in dict.fromkeys(columns) if c in db.columns("articles")
            and c != "published"]
    picked = [f"a.{q(c)}" for c in have] + ["s.published"] * ("published" in columns)
    query = (f"SELECT {', '.join(picked) or 'NULL AS _none'} FROM {sel.name} s JOIN (SELECT "
             f"{', '.join(q(c) for c in ['article_id', *have])} FROM "
             f"{db.source('articles')}) a USING (article_id)")
    with warnings.catch_warnings():  # "an extra copy": of a few narrow columns, as asked
        warnings.simplefilter("ignore")
        # execute, not con.sql: sql refuses to run while an earlier result is open
        table = db.con.execute(query).to_arrow_table()
    arrays = {}
    for name in table.column_names:
        col = table[name]
        if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
            col = col.dictionary_encode()
        arrays[name] = col
    out = pa.table(arrays).to_pandas()
    if "published" in out.columns:
        out["published"] = out["published"].astype("datetime64[ns]")
    out.attrs["notes"] = sel.notes
    return out
