"""``StoreWriter``: a store written part by part, published at once.

Each part file is named after its bytes (``layout.part_name``), so a part whose rows did not
change has the same name as before and is not written again; one whose rows changed gets a new
file beside the old one. ``publish`` writes the manifest last, and only then removes the files
it no longer lists: a run killed at any moment leaves the previous store whole, and the next
write sweeps what the killed one left (and reuses the parts it had finished: same bytes, same
name). One writer per store at a time: a lock serialises local writers; on object stores, run
one.

For a corpus too large to hold in memory, add its batches one at a time::

    with StoreWriter("s3://bucket/corpus", pipeline=pipeline_info(ann)) as w:
        for batch in batches:            # {"articles": …, "mentions": …, "quotes": …, …}
            w.add(batch)
    # published on leaving the block without an exception; w.report says what was written
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd

from workbench import tables as contract
from workbench.store import files as F
from workbench.store import frames as T
from workbench.store import layout as L

MAX_PROBLEMS = 200  # problem lines kept in the manifest (the count is kept in full)


@dataclass
class WriteReport:
    """What one write did."""

    path: Path | str
    articles: int
    parts: int
    rewritten: int  # parts that are new or changed since the previous manifest
    files_written: int
    files_removed: int
    seconds: float

    def summary(self) -> str:
        """One line: ``12 parts, 3 rewritten (18 files written, 18 removed); 12000 articles``."""
        return (f"{_n(self.parts, 'part')}, {self.rewritten} rewritten "
                f"({_n(self.files_written, 'file')} written, {self.files_removed} removed); "
                f"{_n(self.articles, 'article')}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_destination(dest: str | Path) -> None:
    """Raise StoreError now if ``dest`` cannot take a store (an unknown URL scheme, a file, a
    folder holding other things), before a long annotation run."""
    fs, root = F.resolve(dest)
    try:
        _previous_manifest(fs, root)
    except OSError as exc:
        raise F.write_error(F.display(fs, root), exc) from None


class StoreWriter:
    """Write a store's parts, then publish them together (see the module's docstring).

    ``pipeline``: what annotated the corpus (``frames.pipeline_info(ann)``); ``problems``: the
    corpus's problem lines; ``raw_text``: keep ``articles.raw_text`` in ``texts``.
    """

    def __init__(self, dest: str | Path, *, pipeline: dict[str, Any] | None = None,
                 rows_per_part: int = L.ROWS_PER_PART, problems: list[str] | None = None,
                 raw_text: bool = False) -> None:
        if rows_per_part < 1:
            raise ValueError(f"rows_per_part must be 1 or more, got {rows_per_part}")
        self.dest = dest
        self.fs, self.root = F.resolve(dest)
        self.where = F.display(self.fs, self.root)
        self.raw_text = raw_text
        self.manifest = L.new_manifest(pipeline or {}, rows_per_part)
        self.problems = list(problems or [])
        self.previous: dict[str, Any] | None = None
        self.report: WriteReport | None = None
        self._existing: dict[str, set[str]] = {}
        self._written = 0
        self._started = time.perf_counter()
        self._held = contextlib.ExitStack()

    def __enter__(self) -> StoreWriter:
        check_destination(self.dest)  # before the lock file: a foreign folder stays untouched
        self._held.enter_context(F.lock(self.fs, self.root))
        try:
            self.previous = _previous_manifest(self.fs, self.root)
            self._existing = {name: set(F.listing(self.fs, f"{self.root}/{name}"))
                              for name in L.TABLES}
        except OSError as exc:
            self._held.close()
            raise F.write_error(self.where, exc) from None
        except BaseException:
            self._held.close()
            raise
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        with self._held:  # the lock goes, published or not
            if exc_type is None and self.report is None:
                self.publish()

    @property
    def rows_per_part(self) -> int:
        return int(self.manifest["rows_per_part"])

    def previous_batches(self) -> list[tuple[int, list[str]]]:
        """The previous manifest's parts and their article ids (when it was written with the
        same ``rows_per_part``; else none, so every part is planned afresh)."""
        if not self.previous or self.previous.get("rows_per_part") != self.rows_per_part:
            return []
        return _old_batches(self.fs, self.root, self.previous)

    def add(self, tables: Mapping[str, pd.DataFrame], number: int | None = None) -> None:
        """Write one part from a batch of tidy tables (``articles`` with its texts,
        ``mentions``, ``quotes``, ``dates`` — empty when left out — and optionally
        ``stories``), numbered after the parts added so far unless ``number`` is given."""
        batch = SimpleNamespace(**{name: tables[name] if name in tables else
                                   contract.empty(name) for name in
                                   ("articles", *L.ANNOTATION_TABLES)})
        if "stories" in tables:
            batch.stories = tables["stories"]
        frames = T.store_tables(batch, stories="stories" in tables, raw_text=self.raw_text)
        ids = frames["articles"]["article_id"].tolist()
        order = {name: T.split(df, [(0, ids)])[0] for name, df in frames.items()}
        arrow = {name: T.to_arrow(df).take(order[name]) for name, df in frames.items()}
        self.put_part(len(self.manifest["parts"]) if number is None else number, ids, arrow)

    def declare(self, name: str, columns: list[str]) -> None:
        """List table ``name`` in the manifest even if no part holds a row of it."""
        self.manifest["tables"].setdefault(name, {"rows": 0, "columns": list(columns)})

    def put_part(self, number: int, ids: list[str], tables: Mapping[str, Any]) -> None:
        """Write part ``number`` holding the articles ``ids`` from Arrow ``tables`` (rows
        already in the part's order); files with the same bytes are not written again."""
        self._check_part(number, tables)
        entry: dict[str, Any] = {"number": number, "articles": len(ids),
                                 "ids_digest": L.ids_digest(ids), "files": {}}
        for name, table in tables.items():
            data = T.encode(table)
            rel = L.part_name(name, number, L.content_digest(data))
            full = f"{self.root}/{rel}"
            if full not in self._existing.setdefault(name, set()):
                try:  # else unchanged, or left whole by a killed run: the same bytes
                    F.put(self.fs, full, data)
                except OSError as exc:
                    raise F.write_error(self.where, exc) from None
                self._existing[name].add(full)
                self._written += 1
            entry["files"][name] = {"path": rel, "rows": table.num_rows, "bytes": len(data)}
        self.manifest["parts"].append(entry)
        for name, table in tables.items():
            info = self.manifest["tables"].setdefault(name, {"rows": 0,
                                                             "columns": table.schema.names})
            info["rows"] += table.num_rows

    def _check_part(self, number: int, tables: Mapping[str, Any]) -> None:
        if "articles" not in tables:
            raise L.StoreError(f"{self.where}: a part needs its articles table")
        if any(p["number"] == number for p in self.manifest["parts"]):
            raise L.StoreError(f"{self.where}: part {number} was already written")
        for name, table in tables.items():
            known = self.manifest["tables"].get(name)
            if known is not None and known["columns"] != table.schema.names:
                raise L.StoreError(f"{self.where}: part {number} of `{name}` has columns "
                                   f"{table.schema.names}, the earlier parts "
                                   f"{known['columns']}")

    def publish(self) -> WriteReport:
        """Write the manifest, then remove what it no longer lists; returns the report."""
        manifest = self.manifest
        manifest["problems"] = self.problems[:MAX_PROBLEMS]
        manifest["n_problems"] = len(self.problems)
        manifest["written"] = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
        try:
            F.put(self.fs, f"{self.root}/{L.MANIFEST}", L.dump_manifest(manifest))
            removed = _sweep(self.fs, self.root, manifest, self._existing)
        except OSError as exc:
            raise F.write_error(self.where, exc) from None
        before = {p["number"]: p["files"] for p in (self.previous or {}).get("parts", [])}
        rewritten = sum(1 for p in manifest["parts"] if before.get(p["number"]) != p["files"])
        self.report = WriteReport(
            path=Path(self.root) if F.is_local(self.fs) else str(self.dest),
            articles=int(manifest["tables"].get("articles", {}).get("rows", 0)),
            parts=len(manifest["parts"]), rewritten=rewritten, files_written=self._written,
            files_removed=removed, seconds=round(time.perf_counter() - self._started, 3))
        return self.report


def _previous_manifest(fs: Any, root: str) -> dict[str, Any] | None:
    """The store's current manifest; None for a new (or empty) destination. StoreError when
    ``root`` holds something else, which a write must not sweep away."""
    where = F.display(fs, root)
    if fs.isfile(root):
        raise L.StoreError(f"{where}: is a file, not a store folder")
    try:
        data = fs.cat_file(f"{root}/{L.MANIFEST}")
    except FileNotFoundError:
        data = None
    if data is not None:
        return L.parse_manifest(data, f"{where}/{L.MANIFEST}")
    others = [p.rstrip("/").rsplit("/", 1)[-1] for p in F.listing(fs, root)]
    foreign = [n for n in others if n not in L.TABLES and not n.startswith(".")]
    if foreign:
        raise L.StoreError(f"{where}: not a store (no {L.MANIFEST}) and not empty "
                           f"({', '.join(sorted(foreign)[:3])}…); choose a new or empty folder")
    return None


def _old_batches(fs: Any, root: str, manifest: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """The previous parts' articles (their ``articles`` files' ids); an unreadable part is
    left out, so its articles are placed again as new ones."""
    import pyarrow.parquet as pq

    out = []
    for part in manifest["parts"]:
        path = part["files"].get("articles", {}).get("path")
        try:
            with fs.open(f"{root}/{path}", "rb") as fh:
                ids = pq.read_table(fh, columns=["article_id"]).column(0).to_pylist()
        except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
            continue
        out.append((int(part["number"]), [str(a) for a in ids]))
    return out


def _sweep(fs: Any, root: str, manifest: dict[str, Any], existing: dict[str, set[str]]) -> int:
    """Remove what the new manifest does not list: the previous parts, and whatever a killed
    write left (temporary files, parts it never published). Returns the part files removed."""
    live = {f"{root}/{p}" for p in L.live_files(manifest)}
    gone = [p for paths in existing.values() for p in paths if p not in live]
    F.remove(fs, gone)
    F.remove(fs, [p for p in F.listing(fs, root) if p.rsplit("/", 1)[-1].startswith(".")
                  and p.endswith(".tmp")])
    return sum(1 for p in gone if p.endswith(".parquet") and "/part-" in p)
