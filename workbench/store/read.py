"""Reading a corpus store: tables (only the columns asked), part file lists, the manifest.

The store is plain Parquet, so it needs no workbench to read (``pandas.read_parquet``, DuckDB
``read_parquet([...])``, ``dask.dataframe.read_parquet``); this module adds what the manifest
knows: which files are live (a consistent set while a write is running), the contract dtypes,
and the ``articles`` metadata joined to its texts on request.

DuckDB reads local files itself (``read_parquet(store.files("mentions"))``); for a store
behind another fsspec URL, hand it the file system first: ``con.register_filesystem(
store.fs)``, then ``read_parquet(store.files("mentions"))`` (protocol-qualified URLs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables as contract
from workbench.store import files as F
from workbench.store import layout as L

RETRIES = 3  # a newer write removed the files of the manifest we read: read the new one


class Store:
    """An opened store (``open_store``)."""

    def __init__(self, fs: Any, root: str) -> None:
        self.fs = fs
        self.root = root
        self.manifest: dict[str, Any] = {}
        self.reload()

    def __repr__(self) -> str:
        return (f"<Store {self.location}: {self.n_articles} articles in {len(self.parts)} "
                f"parts; {', '.join(self.tables)}>")

    @property
    def location(self) -> str:
        """The store's path (local) or URL."""
        return F.display(self.fs, self.root)

    def reload(self) -> None:
        """Read the manifest again (after another process updated the store)."""
        where = f"{self.location}/{L.MANIFEST}"
        try:
            data = self.fs.cat_file(f"{self.root}/{L.MANIFEST}")
        except FileNotFoundError:
            raise L.StoreError(f"{self.location}: no store here (no {L.MANIFEST}); build one "
                               "with `workbench store PATH --out STORE`") from None
        except OSError as exc:
            raise L.StoreError(f"{where}: cannot be read ({exc})") from None
        self.manifest = L.parse_manifest(data, where)

    @property
    def tables(self) -> list[str]:
        """Names of the tables the store holds."""
        return list(self.manifest["tables"])

    @property
    def parts(self) -> list[dict[str, Any]]:
        """The manifest's parts: ``number``, ``articles``, ``ids_digest``, ``files``."""
        return list(self.manifest["parts"])

    @property
    def n_articles(self) -> int:
        """Articles in the store."""
        return int(self.manifest["tables"].get("articles", {}).get("rows", 0))

    @property
    def pipeline(self) -> dict[str, Any]:
        """What annotated the corpus (``label``, ``fingerprint``, ``name``, ``version``…)."""
        return dict(self.manifest.get("pipeline", {}))

    def columns(self, name: str) -> list[str]:
        """Columns of table ``name``."""
        return list(self._table_info(name)["columns"])

    def files(self, name: str, *, urls: bool = False) -> list[str]:
        """The live part files of table ``name``, in part order: full paths for a local store
        (``urls=True``, or any other file system: protocol-qualified URLs)."""
        self._table_info(name)
        paths = [f"{self.root}/{p}" for p in L.part_files(self.manifest, name)]
        if urls or not F.is_local(self.fs):
            return [self.fs.unstrip_protocol(p) for p in paths]
        return paths

    def table(self, name: str, columns: list[str] | None = None, filter: Any = None
              ) -> pd.DataFrame:
        """Table ``name`` as a DataFrame with the contract dtypes, reading only ``columns``
        (default: all the table's own) and rows matching ``filter`` (a ``pyarrow.compute``
        expression, or pandas-style ``[("col", "==", value), …]``). ``articles`` also gives
        ``texts`` columns (``text``, ``raw_text``) when they are asked for by name."""
        for attempt in range(RETRIES + 1):
            try:
                if name == "articles" and columns is not None and \
                        set(columns) & set(L.TEXT_COLUMNS):
                    return self._articles_with_text(columns, filter)
                return self._read(name, columns, filter)
            except FileNotFoundError:
                if attempt == RETRIES:
                    raise
                self.reload()  # a newer write replaced those parts
        raise AssertionError("unreachable")

    def dataset(self, name: str) -> Any:
        """The table as a ``pyarrow.dataset.Dataset`` over its live files (for scanners that
        stream batches instead of building one frame)."""
        import pyarrow.dataset as ds

        paths = [f"{self.root}/{p}" for p in L.part_files(self.manifest, name)]
        self._table_info(name)
        return ds.dataset(paths, format="parquet", filesystem=self.fs)

    def iter_parts(self, name: str, columns: list[str] | None = None
                   ) -> Iterator[pd.DataFrame]:
        """Table ``name`` one part at a time (a bounded batch of articles each), for pandas
        work in flat memory; the parts of the manifest read when the iteration began."""
        self._table_info(name)
        for rel in L.part_files(self.manifest, name):
            import pyarrow.parquet as pq

            with self.fs.open(f"{self.root}/{rel}", "rb") as fh:
                yield typed(pq.read_table(fh, columns=columns).to_pandas(), name)

    def dask(self, name: str, columns: list[str] | None = None) -> Any:
        """The table as a ``dask.dataframe`` with one partition per part."""
        import dask.dataframe as dd

        return dd.read_parquet(self.files(name, urls=True), columns=columns)

    def _table_info(self, name: str) -> dict[str, Any]:
        info = self.manifest["tables"].get(name)
        if info is None:
            raise L.StoreError(f"{self.location}: the store holds no `{name}` table (it holds "
                               f"{', '.join(self.tables)})")
        return info

    def _read(self, name: str, columns: list[str] | None, filter: Any) -> pd.DataFrame:
        known = self.columns(name)
        if columns is not None:
            unknown = [c for c in columns if c not in known]
            if unknown:
                raise L.StoreError(f"{self.location}: table `{name}` has no column "
                                   f"{', '.join(unknown)}")
        if not L.part_files(self.manifest, name):  # an empty corpus: no parts, same columns
            return typed(pd.DataFrame({c: pd.Series(dtype=object) for c in columns or known}),
                         name)
        frame = self.dataset(name).to_table(columns=columns, filter=_expression(filter))
        return typed(frame.to_pandas(), name)

    def _articles_with_text(self, columns: list[str], filter: Any) -> pd.DataFrame:
        texts = [c for c in columns if c in L.TEXT_COLUMNS]
        meta = [c for c in columns if c not in L.TEXT_COLUMNS]
        df = self._read("articles", list(dict.fromkeys(["article_id", *meta])), filter)
        import pyarrow.dataset as ds

        ids = None if filter is None else \
            ds.field("article_id").isin(df["article_id"].astype(object).tolist())
        body = self._read("texts", ["article_id", *texts], ids)
        out = df.merge(body, on="article_id", how="left", validate="one_to_one")
        return out[columns]


def open_store(path_or_url: str | Path) -> Store:
    """Open the store at a local path or fsspec URL (``memory://``, ``file://``, ``s3://``…)."""
    fs, root = F.resolve(path_or_url)
    return Store(fs, root)


def typed(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` with each contract column it has cast to the contract dtype, and categories
    sorted as ``tables.conform`` sorts them (``texts`` are a slice of ``articles``)."""
    table = L.CONTRACT.get(name, "articles" if name == "texts" else None)
    if table is None:
        return df
    dtypes = {c.name: c.dtype for c in contract.TABLES[table]}
    want = {c: dtypes[c] for c in df.columns if c in dtypes and str(df[c].dtype) != dtypes[c]}
    return _cast(df, want)


def _cast(df: pd.DataFrame, want: dict[str, str]) -> pd.DataFrame:
    cats = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]
    if not want and not cats:
        return df
    out = df.copy(deep=False)
    for col in cats:  # each part has its own dictionary: the categories in the contract order
        out[col] = out[col].cat.reorder_categories(out[col].cat.categories.sort_values())
    for col, dtype in want.items():
        out[col] = _as(out[col], dtype)
    return out


def _as(s: pd.Series, dtype: str) -> pd.Series:
    """``s`` cast as ``tables.conform`` casts a column (one column: conform would build every
    other column of the table too)."""
    if dtype == contract.DATE:
        return pd.to_datetime(s, errors="coerce").astype(dtype)
    if dtype == contract.INT:
        return pd.to_numeric(s, errors="coerce").astype(dtype)
    if dtype == contract.STR:
        return s.astype(object).where(s.notna(), None).astype(dtype)
    return s.astype(dtype)


def _expression(filter: Any) -> Any:
    if filter is None or not isinstance(filter, list | tuple):
        return filter
    import pyarrow.parquet as pq

    return pq.filters_to_expression(filter)
