"""The loaded-corpus cache: a folder's articles table, kept until a file or the loader changes.

Loading 10,000 articles (decode, clean, infer, find duplicates) takes tens of seconds; every
notebook of a report needs the same table. The key covers each file's path, size and
modification time, the load options, and the loader's own source code, so an edited article,
a new sidecar or a changed cleaning rule all give a fresh load.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.cache.paths import write_entry

# Globs under the package: every module the loader's result depends on (dates.py and its
# date_*.py helpers infer publication dates from the text).
_LOADER_MODULES = ("read", "corpus", "dates.py", "date_*.py", "tables.py")


def corpus_key(path: str | Path, options: dict[str, Any]) -> str | None:
    """Cache key for loading ``path`` with ``options``; None when the path cannot be listed
    (the loader then reports the problem itself)."""
    from workbench.read.files import CorpusError, find_files

    limits = options.get("limits")
    try:
        found = find_files(path, follow_symlinks=bool(getattr(limits, "follow_symlinks", False)))
    except CorpusError:
        return None
    h = hashlib.sha256()
    for p in [*found.files, *found.metadata, *([found.sources] if found.sources else [])]:
        try:
            st = p.stat()
        except OSError:
            continue
        h.update(f"{p.resolve()}\x1f{st.st_size}\x1f{st.st_mtime_ns}\n".encode())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    h.update(_loader_fingerprint().encode())
    return h.hexdigest()[:24]


def read_cached(cache_dir: Path, key: str) -> pd.DataFrame | None:
    """The cached articles table for ``key``, or None."""
    folder = cache_dir / "corpora" / key
    try:
        df = pd.read_parquet(folder / "articles.parquet")
        df.attrs.update(json.loads((folder / "attrs.json").read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None
    return df


def write_cached(cache_dir: Path, key: str, articles: pd.DataFrame) -> None:
    """Store an articles table atomically (best effort: a read-only cache is not an error)."""
    def fill(folder: Path) -> None:
        articles.to_parquet(folder / "articles.parquet", index=False)
        attrs = {k: v for k, v in articles.attrs.items() if k in ("problems", "skipped")}
        (folder / "attrs.json").write_text(json.dumps(attrs), encoding="utf-8")

    write_entry(cache_dir / "corpora", key, fill)


_FINGERPRINT: str | None = None


def _loader_fingerprint() -> str:
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for name in _LOADER_MODULES:
            for target in sorted(root.glob(name)):
                files = sorted(target.rglob("*.py")) if target.is_dir() else [target]
                for f in files:
                    h.update(f.read_bytes())
        _FINGERPRINT = h.hexdigest()[:16]
    return _FINGERPRINT
