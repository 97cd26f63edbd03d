"""The corpus store: one corpus's tables as partitioned Parquet (``layout``), written
incrementally and atomically (``write``), read by column (``read``) — by the workbench, or by
pandas, pyarrow, DuckDB and Dask without it."""

from __future__ import annotations

from workbench.store.layout import StoreError
from workbench.store.read import Store, open_store
from workbench.store.write import StoreWriter, WriteReport, update_store, write_store

__all__ = ["Store", "StoreError", "StoreWriter", "WriteReport", "open_store", "update_store",
           "write_store"]
