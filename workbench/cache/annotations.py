"""The annotation cache: Parquet parts keyed by article content and pipeline fingerprint.

Layout: ``<cache>/annotations/<fingerprint>/part-<id>/{keys,mentions,quotes,dates}.parquet``.
A part is written into a hidden work folder and renamed into place when complete, so a run
killed at any moment (Ctrl-C, ``kill -9``) leaves only whole parts: the next run reads them and
annotates the rest. Keys found in two parts (two runs racing) are read once. A part that cannot
be read (a disk error, a file truncated by power loss, a file of the wrong table) is moved
aside and reported; its articles are simply annotated again.

Runs sharing a cache: annotation and compaction hold the store's lock (``lock()``), so a second
run waits for the first and then annotates only what is still missing. Readers take no lock:
compaction publishes the merged part before the old ones go, and a reader that finds a part
gone re-lists the parts and reads again rather than calling the part unreadable.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables
from workbench.cache.paths import new_tmp_dir, publish, sweep_stale
from workbench.errors import AnnotateError

TABLES = ("mentions", "quotes", "dates")
FILES = ("keys", *TABLES)
KEY_COLUMNS = {"key": "string", "status": "string", "message": "string", "n_chunks": "Int64"}
COMPACT_AFTER = 32  # parts; more than this are merged on the next read…
COMPACT_KEYS = 5000  # …into parts of at most this many articles (one merged part in memory)


class AnnotationStore:
    """Cached annotations of one pipeline fingerprint."""

    def __init__(self, cache_dir: Path, fingerprint: str, info: dict[str, Any] | None = None,
                 *, sweep: bool = True):
        self.cache_dir = Path(cache_dir)
        self.root = self.cache_dir / "annotations" / fingerprint
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if sweep:  # cluster tasks do not: listing a shared folder per task grows with it
                sweep_stale(self.root)
            if info is not None and not (self.root / "pipeline.json").exists():
                (self.root / "pipeline.json").write_text(json.dumps(info, indent=2), "utf-8")
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        self.problems: list[str] = []
        self._index: dict[str, Path] | None = None

    @contextlib.contextmanager
    def lock(self, *, wait: bool = True, note: str | None = None) -> Iterator[bool]:
        """Hold the store's lock (an ``flock`` on ``.lock``); yields False when ``wait`` is
        False and another process holds it. ``note`` is printed while waiting."""
        import fcntl

        try:
            fh = open(self.root / ".lock", "a+b")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise _write_error(self.root, exc) from None
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    yield False
                    return
                if note:
                    print(note, file=sys.stderr)
                fcntl.flock(fh, fcntl.LOCK_EX)
            self._index = None  # another run may have written parts meanwhile
            yield True
        finally:
            fh.close()  # releases the lock

    def refresh(self) -> None:
        """Forget what was listed: parts were written by other processes (cluster workers)."""
        self._index = None

    def parts(self) -> list[Path]:
        """Complete parts, oldest name first."""
        return sorted(p for p in self.root.glob("part-*") if (p / "keys.parquet").exists())

    def known_keys(self) -> set[str]:
        """Keys of every article annotated in a readable part."""
        return set(self._key_index())

    def write_part(self, keys: list[dict[str, Any]], rows: dict[str, list[dict[str, Any]]],
                   name: str | None = None) -> Path:
        """Store annotated articles as one new part, atomically. ``name``: the part's fixed
        name (:meth:`has_part`), for work that may be done twice (a cluster task retried):
        when a part of that name exists already, this one is dropped."""
        tmp = None
        final = self.root / f"part-{name or uuid.uuid4().hex}"
        try:
            tmp = new_tmp_dir(self.root, "part")
            _frame(keys, KEY_COLUMNS).to_parquet(tmp / "keys.parquet", index=False)
            for table in TABLES:
                _table_frame(rows.get(table, []), table).to_parquet(tmp / f"{table}.parquet",
                                                                    index=False)
            try:
                publish(tmp, final)
            except OSError as exc:
                # Renaming onto a non-empty folder fails: another try of the same work
                # published this part first (told by the error, not by looking again: a
                # network file system may still answer from its cache that it is not there).
                if name is None or exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                    raise
                shutil.rmtree(tmp, ignore_errors=True)
        except OSError as exc:
            if tmp is not None:  # never leave a half-written part holding the space
                shutil.rmtree(tmp, ignore_errors=True)
            raise _write_error(self.root, exc) from None
        self._index = None
        return final

    def has_part(self, name: str) -> bool:
        """Whether the part named ``name`` (:meth:`write_part`) was published."""
        return (self.root / f"part-{name}" / "keys.parquet").exists()

    def write_results(self, results: list[Any], name: str | None = None) -> None:
        """Write annotated articles (``annotate.extract.Result``) as one part (named ``name``,
        see :meth:`write_part`); none: nothing."""
        if not results:
            return
        keys = [{"key": r.key, "status": r.status, "message": r.message,
                 "n_chunks": r.n_chunks} for r in results]
        rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
        for r in results:
            for table in TABLES:
                rows[table].extend({**row, "key": r.key} for row in r.rows[table])
        self.write_part(keys, rows, name)

    def read(self, keys: Iterable[str]) -> dict[str, pd.DataFrame]:
        """The cached rows of ``keys``: ``keys`` (status per article) and the three tables, each
        with a ``key`` column instead of ``article_id``; each key from one part only."""
        if len(self.parts()) > COMPACT_AFTER:
            with self.lock(wait=False) as mine:
                if mine:  # else another run is writing or compacting: read as it is
                    self._compact()
        return self._read(keys)

    def statuses(self, keys: Iterable[str]) -> dict[str, pd.DataFrame]:
        """Only the ``keys`` table (status and message per article) of ``keys``."""
        by_part = self._keys_by_part(keys)
        frames = []
        for part, wanted in by_part.items():
            k = pd.read_parquet(part / "keys.parquet")
            frames.append(k[k["key"].isin(wanted)])
        return {"keys": _concat(frames, _frame([], KEY_COLUMNS))}

    def _keys_by_part(self, keys: Iterable[str]) -> dict[Path, set[str]]:
        """The cached ``keys`` grouped by the part that holds them (uncached keys left out)."""
        by_part: dict[Path, set[str]] = {}
        index = self._key_index()
        for key in set(keys):
            if key in index:
                by_part.setdefault(index[key], set()).add(key)
        return by_part

    def _read(self, keys: Iterable[str]) -> dict[str, pd.DataFrame]:
        keys = list(keys)
        for _ in range(5):
            try:
                return self._read_once(keys)
            except _PartGone:
                self._index = None  # compacted away meanwhile: list the parts again
        return self._read_once(keys)

    def _read_once(self, keys: list[str]) -> dict[str, pd.DataFrame]:
        by_part = self._keys_by_part(keys)
        out: dict[str, list[pd.DataFrame]] = {name: [] for name in FILES}
        for part, wanted in by_part.items():
            frames = self._read_part(part)
            if frames is None:
                continue
            for name in FILES:
                f = frames[name]
                out[name].append(f[f["key"].isin(wanted)])
        result = {"keys": _concat(out["keys"], _frame([], KEY_COLUMNS))}
        for name in TABLES:
            result[name] = _concat(out[name], _table_frame([], name))
        return result

    def _key_index(self) -> dict[str, Path]:
        """Which part holds each key (the first part, by name, when two hold one)."""
        if self._index is None:
            index: dict[str, Path] = {}
            for part in self.parts():
                try:
                    keys = pd.read_parquet(part / "keys.parquet", columns=["key"])["key"]
                except Exception as exc:  # noqa: BLE001 — any unreadable part is set aside
                    if part.exists():
                        self._quarantine(part, exc)
                    continue  # compacted away while listing: its keys are in the new part
                for key in keys:
                    index.setdefault(key, part)
            self._index = index
        return self._index

    def _read_part(self, part: Path) -> dict[str, pd.DataFrame] | None:
        try:
            frames = {name: pd.read_parquet(part / f"{name}.parquet") for name in FILES}
        except Exception as exc:  # noqa: BLE001 — see _key_index
            if not part.exists():
                raise _PartGone(part) from None
            self._quarantine(part, exc)
            return None
        wrong = [name for name in FILES if not _schema_ok(frames[name], name)]
        if wrong:
            self._quarantine(part, None, f"its {', '.join(wrong)} file does not hold that "
                                         "table's columns")
            return None
        return frames

    def _quarantine(self, part: Path, exc: BaseException | None, why: str = "") -> None:
        why = why or f"unreadable ({type(exc).__name__})"
        self.problems.append(f"annotation cache part {part.name}: {why}; set aside, its "
                             "articles are redone")
        self._index = None
        try:  # a hidden .tmp name: out of every listing, swept like any leftover
            os.replace(part, part.with_name(f".dead-{part.name}.tmp"))
        except OSError:
            pass

    def _compact(self) -> None:
        """Merge the small parts into parts of up to :data:`COMPACT_KEYS` articles, one merged
        part at a time, so compacting a cluster run's thousands of parts never holds more than
        one merged part in memory. Each merged part is published before its old parts go
        (renamed aside before deletion, so a crash never leaves half a part under a part
        name)."""
        index = self._key_index()
        counts: dict[Path, int] = {}
        for part in index.values():
            counts[part] = counts.get(part, 0) + 1
        groups: list[list[Path]] = [[]]
        size = 0
        for part in self.parts():
            n = counts.get(part, 0)  # 0: every key of it is read from an older part
            if n >= COMPACT_KEYS // 2:
                continue  # big enough already: left as it is
            if size + n > COMPACT_KEYS and groups[-1]:
                groups.append([])
                size = 0
            groups[-1].append(part)
            size += n
        for group in groups:
            if len(group) > 1 and not self._merge(group, index):
                return  # no room to merge: the parts stay as they are, still readable
        self._index = None

    def _merge(self, group: list[Path], index: dict[str, Path]) -> bool:
        """Replace the parts of ``group`` by one holding the keys they are read from."""
        members = set(group)
        merged = self._read([key for key, part in index.items() if part in members])
        tmp = None
        try:
            tmp = new_tmp_dir(self.root, "part")
            for name in FILES:
                merged[name].to_parquet(tmp / f"{name}.parquet", index=False)
            publish(tmp, self.root / f"part-{uuid.uuid4().hex}")
        except OSError:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
            return False
        for part in group:
            dead = part.with_name(f".dead-{part.name}.tmp")
            try:
                os.replace(part, dead)
            except OSError:
                continue
            shutil.rmtree(dead, ignore_errors=True)
        return True


class _PartGone(Exception):
    """A listed part disappeared before it was read (another run compacted the store)."""


def _schema_ok(frame: pd.DataFrame, name: str) -> bool:
    """The part file holds the table it is named for (a swapped file would silently lose
    rows otherwise)."""
    expected = set(KEY_COLUMNS) if name == "keys" else \
        {"key", *tables.columns(name)} - {"article_id"}
    return expected <= set(frame.columns)


def _write_error(path: Path, exc: OSError) -> AnnotateError:
    what = {errno.ENOSPC: "the disk is full", errno.EROFS: "read-only file system",
            errno.EACCES: "permission denied", errno.EDQUOT: "disk quota exceeded"
            }.get(exc.errno or 0, exc.strerror or str(exc))
    return AnnotateError(f"{path}: cannot write the annotation cache ({what}); free space, or "
                         "choose another folder with --cache-dir / $WORKBENCH_CACHE_DIR")


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
