"""Where caches live, and writing files so that an interrupted run never leaves half a file."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ENV_VAR = "WORKBENCH_CACHE_DIR"


def default_cache_dir() -> Path:
    """``$WORKBENCH_CACHE_DIR``, else the user cache folder (``~/.cache/workbench`` on Linux).

    Not inside the corpus folder: corpora are often read-only (shared drives, raw data kept
    immutable), and one cache serves every corpus since entries are keyed by content.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("workbench", appauthor=False))


def new_tmp_dir(parent: Path, prefix: str) -> Path:
    """A fresh hidden work folder under ``parent``, published later with ``publish``."""
    parent.mkdir(parents=True, exist_ok=True)
    path = parent / f".{prefix}-{uuid.uuid4().hex}.tmp"
    path.mkdir()
    return path


def publish(tmp: Path, final: Path) -> None:
    """Atomically give a finished work folder (or file) its final name."""
    os.replace(tmp, final)


def sweep_stale(parent: Path, max_age_s: float = 3600) -> None:
    """Remove work folders left by runs that were killed (older than ``max_age_s``, so a run
    still writing in parallel is left alone)."""
    if not parent.exists():
        return
    now = time.time()
    for p in parent.glob(".*.tmp"):
        try:
            if now - p.stat().st_mtime > max_age_s:
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
        except OSError:
            pass


def write_entry(parent: Path, key: str, fill: Callable[[Path], None]) -> bool:
    """Write the cache entry ``parent/key`` atomically, best effort: ``fill`` writes its files
    into a fresh work folder, which then takes the final name. False when it could not be
    written (another process cached the same entry first, or the cache is read-only)."""
    tmp = None
    try:
        sweep_stale(parent)
        tmp = new_tmp_dir(parent, key)
        fill(tmp)
        publish(tmp, parent / key)
        tmp = None
        return True
    except OSError:
        return False
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

