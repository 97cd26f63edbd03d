"""The corpus store's layout: where each table's parts live and what the manifest says.

A store is a folder, or any fsspec URL (``memory://``, ``file://``, ``s3://``…)::

    <store>/_store.json                          the manifest, written last
    <store>/articles/part-00000-<digest>.parquet every articles column but the texts
    <store>/texts/part-00000-<digest>.parquet    article_id, title, text
    <store>/mentions/part-00000-<digest>.parquet the tidy tables of ``workbench.tables``
    <store>/quotes/… <store>/dates/… <store>/aside_mentions/… <store>/stories/…

A *part* is a bounded batch of articles; part ``N`` of every table holds the rows of the same
articles. ``<digest>`` is 16 hex digits of the file's own bytes, so a file whose rows changed
gets a new name and never replaces a live one in place: a writer publishes the new files, then
the manifest, and only then removes what the manifest no longer lists. Readers take the file
list from the manifest, never from a listing, so they never see a half-written update.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from workbench.errors import StoreError

FORMAT = "workbench-store"
VERSION = 1
MANIFEST = "_store.json"
ROWS_PER_PART = 1000
"""Articles per part by default: ~1–3 MB of mentions per part, a few hundred parts at 1M."""

TEXT_COLUMNS = ("text", "raw_text")
"""Articles columns kept apart, in ``texts``: analyses that need no text never read them."""
TEXTS = ("article_id", "title", "text")
ANNOTATION_TABLES = ("mentions", "quotes", "dates", "aside_mentions")
TABLES = ("articles", "texts", *ANNOTATION_TABLES, "stories")
CONTRACT = {name: name for name in TABLES if name != "texts"}
"""The ``workbench.tables`` contract each store table follows (``texts``: a slice of
``articles``)."""


def part_name(table: str, number: int, digest: str) -> str:
    """A part file's path relative to the store root."""
    return f"{table}/part-{number:05d}-{digest}.parquet"


def content_digest(data: bytes) -> str:
    """The 16 hex digits naming a part file after its bytes."""
    return hashlib.sha256(data).hexdigest()[:16]


def ids_digest(ids: Iterable[str]) -> str:
    """Digest of a part's article ids (order-free): tells which articles a part holds."""
    h = hashlib.sha256()
    for aid in sorted(ids):
        h.update(aid.encode("utf-8", "surrogatepass") + b"\n")
    return h.hexdigest()[:16]


def new_manifest(pipeline: dict[str, Any], rows_per_part: int) -> dict[str, Any]:
    """An empty manifest (parts and tables are filled by the writer)."""
    return {"format": FORMAT, "version": VERSION, "pipeline": pipeline,
            "rows_per_part": rows_per_part, "tables": {}, "parts": []}


def parse_manifest(data: bytes, where: str) -> dict[str, Any]:
    """The manifest in ``data`` (read from ``where``), checked; StoreError when it is not a
    store manifest this workbench can read."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"{where}: not a readable store manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError(f"{where}: not a workbench store manifest")
    if int(manifest.get("version", 0)) > VERSION:
        raise StoreError(f"{where}: store format version {manifest.get('version')} is newer "
                         f"than this workbench reads ({VERSION}); upgrade the workbench")
    if not isinstance(manifest.get("parts"), list) or not isinstance(manifest.get("tables"),
                                                                       dict):
        raise StoreError(f"{where}: store manifest without its parts or tables")
    return manifest


def dump_manifest(manifest: dict[str, Any]) -> bytes:
    """The manifest as the bytes written to ``_store.json``."""
    return (json.dumps(manifest, indent=1, ensure_ascii=False, default=str) + "\n").encode()


def live_files(manifest: dict[str, Any]) -> set[str]:
    """Every file the manifest lists (paths relative to the root)."""
    return {f["path"] for part in manifest.get("parts", []) for f in part["files"].values()}


def part_files(manifest: dict[str, Any], table: str) -> list[str]:
    """The files of ``table``, in part order (relative paths)."""
    return [part["files"][table]["path"] for part in manifest.get("parts", [])
            if table in part["files"]]
