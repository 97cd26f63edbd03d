"""The annotation cache: Parquet parts keyed by article content and pipeline fingerprint.

Layout: ``<cache>/annotations/<fingerprint>/part-<id>/{keys,mentions,quotes,dates}.parquet``.
A part is written into a hidden work folder and renamed into place when complete, so a run
killed at any moment (Ctrl-C, ``kill -9``) leaves only whole parts: the next run reads them and
annotates the rest. Keys found in two parts (two runs racing) are read once.
"""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables
from workbench.cache.paths import new_tmp_dir, publish, sweep_stale

TABLES = ("mentions", "quotes", "dates")
KEY_COLUMNS = {"key": "string", "status": "string", "message": "string", "n_chunks": "Int64"}
COMPACT_AFTER = 32  # parts; more than this are merged into one on the next read


class AnnotationStore:
    """Cached annotations of one pipeline fingerprint."""

    def __init__(self, cache_dir: Path, fingerprint: str, info: dict[str, Any] | None = None):
        self.root = Path(cache_dir) / "annotations" / fingerprint
        self.root.mkdir(parents=True, exist_ok=True)
        sweep_stale(self.root)
        if info is not None and not (self.root / "pipeline.json").exists():
            (self.root / "pipeline.json").write_text(json.dumps(info, indent=2), "utf-8")

    def parts(self) -> list[Path]:
        return sorted(p for p in self.root.glob("part-*") if (p / "keys.parquet").exists())

    def known_keys(self) -> set[str]:
        """Keys of every article annotated in a complete part."""
        keys: set[str] = set()
        for part in self.parts():
            keys.update(pd.read_parquet(part / "keys.parquet", columns=["key"])["key"])
        return keys

    def write_part(self, keys: list[dict[str, Any]], rows: dict[str, list[dict[str, Any]]]
                   ) -> Path:
        """Store annotated articles as one new part, atomically."""
        tmp = new_tmp_dir(self.root, "part")
        _frame(keys, KEY_COLUMNS).to_parquet(tmp / "keys.parquet", index=False)
        for name in TABLES:
            _table_frame(rows.get(name, []), name).to_parquet(tmp / f"{name}.parquet",
                                                              index=False)
        final = self.root / f"part-{uuid.uuid4().hex}"
        publish(tmp, final)
        return final

    def read(self, keys: Iterable[str]) -> dict[str, pd.DataFrame]:
        """The cached rows of ``keys``: ``keys`` (status per article) and the three tables, each
        with a ``key`` column instead of ``article_id``."""
        wanted = set(keys)
        parts = self.parts()
        if len(parts) > COMPACT_AFTER:
            parts = [self._compact(parts)]
        out: dict[str, list[pd.DataFrame]] = {name: [] for name in ("keys", *TABLES)}
        seen: set[str] = set()
        for part in parts:
            k = pd.read_parquet(part / "keys.parquet")
            fresh = set(k["key"]) & wanted - seen
            if not fresh:
                continue
            seen |= fresh
            out["keys"].append(k[k["key"].isin(fresh)])
            for name in TABLES:
                t = pd.read_parquet(part / f"{name}.parquet")
                out[name].append(t[t["key"].isin(fresh)])
        result = {"keys": _concat(out["keys"], _frame([], KEY_COLUMNS))}
        for name in TABLES:
            result[name] = _concat(out[name], _table_frame([], name))
        return result

    def _compact(self, parts: list[Path]) -> Path:
        """Merge many small parts into one (new part first, then the old ones go: a crash in
        between leaves duplicates, which ``read`` skips)."""
        merged = {name: [pd.read_parquet(p / f"{name}.parquet") for p in parts]
                  for name in ("keys", *TABLES)}
        keys = pd.concat(merged["keys"]).drop_duplicates("key")
        rows = {name: pd.concat(merged[name]) for name in TABLES}
        tmp = new_tmp_dir(self.root, "part")
        keys.to_parquet(tmp / "keys.parquet", index=False)
        for name in TABLES:
            rows[name].to_parquet(tmp / f"{name}.parquet", index=False)
        final = self.root / f"part-{uuid.uuid4().hex}"
        publish(tmp, final)
        for p in parts:
            shutil.rmtree(p, ignore_errors=True)
        return final


def _table_frame(rows: list[dict[str, Any]], name: str) -> pd.DataFrame:
    df = tables.conform(pd.DataFrame(rows), name).drop(columns="article_id")
    if "key" not in df.columns:
        df["key"] = pd.Series(dtype="string")
    df["key"] = df["key"].astype("string")
    return df[["key"] + [c for c in df.columns if c != "key"]]


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    return df.astype(columns)


def _concat(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty
