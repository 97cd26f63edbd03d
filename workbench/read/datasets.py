"""Dataset dumps: JSON Lines, JSON and CSV/TSV files (optionally gzip-compressed), one article per
record, with a field mapping whose defaults fit the common names."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.read.decode import DecodeError, decode_bytes
from workbench.read.records import Record, parse_date_value, problem

# Record field → dataset keys tried in order (case-insensitive). `fields=` overrides per field.
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "content_original", "body", "maintext", "article", "full_text"),
    "title": ("title", "headline", "heading"),
    "published": ("date", "published", "publish_date", "date_publish", "pubdate",
                  "published_at", "datetime", "timestamp"),
    "outlet": ("source", "outlet", "publisher", "source_name", "site_name", "sitename", "domain"),
    "url": ("url", "link", "article_url"),
    "author": ("author", "authors", "byline"),
}

DATASET_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".tsv")


def is_dataset(path: Path) -> bool:
    """True for names like `x.jsonl`, `x.csv.gz`."""
    name = path.name.lower().removesuffix(".gz")
    return name.endswith(DATASET_SUFFIXES)


def read_dataset(path: Path, display: str, fields: Mapping[str, str | Sequence[str]] | None = None,
                 problems: list[str] | None = None) -> Iterator[Record]:
    """Yield one Record per usable record; each bad record adds one line to ``problems``."""
    problems = problems if problems is not None else []
    keys = _field_keys(fields)
    name = path.name.lower().removesuffix(".gz")
    try:
        if name.endswith((".jsonl", ".ndjson")):
            rows = _jsonl_rows(path, display, problems)
        elif name.endswith(".json"):
            rows = _json_rows(path)
        else:
            rows = _csv_rows(path, "\t" if name.endswith(".tsv") else ",")
        for locator, row in rows:
            rec = _record(f"{display}:{locator}", row, keys, problems)
            if rec is not None:
                yield rec
    except (OSError, EOFError, gzip.BadGzipFile, DecodeError, ValueError, csv.Error) as exc:
        # A truncated .gz or a broken JSON array: keep what was read, say where it stopped.
        problems.append(problem(display, f"stopped reading: {_reason(exc)}"))


def _field_keys(fields: Mapping[str, str | Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    keys = dict(DEFAULT_FIELDS)
    for name, value in (fields or {}).items():
        if name not in keys:
            raise ValueError(f"unknown field '{name}' in fields=; known: {', '.join(keys)}")
        keys[name] = (value,) if isinstance(value, str) else tuple(value)
    return keys


def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")
    return io.TextIOWrapper(raw, encoding="utf-8", errors="strict", newline="")


def _jsonl_rows(path: Path, display: str, problems: list[str]) -> Iterator[tuple[str, Any]]:
    with _open_text(path) as fh:
        lineno = 0
        while True:
            try:
                line = fh.readline()
            except UnicodeDecodeError:
                lineno += 1
                problems.append(problem(f"{display}:{lineno}", "not UTF-8 text; record skipped"))
                continue
            if not line:
                return
            lineno += 1
            if not line.strip():
                continue
            try:
                yield str(lineno), json.loads(line)
            except json.JSONDecodeError as exc:
                what = "truncated" if not line.endswith("\n") else "invalid"
                problems.append(problem(f"{display}:{lineno}",
                                        f"{what} JSON ({exc.msg} at column {exc.colno}); "
                                        "record skipped"))


def _json_rows(path: Path) -> Iterator[tuple[str, Any]]:
    with _open_text(path) as fh:
        data = json.load(fh)
    if isinstance(data, dict):  # {"articles": [...]} / {"data": [...]} wrappers
        lists = [v for v in data.values() if isinstance(v, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        raise ValueError("JSON is neither a list of articles nor an object holding one")
    for i, row in enumerate(data):
        yield f"[{i}]", row


def _csv_rows(path: Path, delimiter: str) -> Iterator[tuple[str, Any]]:
    data = path.read_bytes()
    if path.name.lower().endswith(".gz"):
        data = gzip.decompress(data)
    text, _ = decode_bytes(data)
    csv.field_size_limit(sys.maxsize)  # article bodies are far longer than csv's 128 kB default
    for i, row in enumerate(csv.DictReader(io.StringIO(text), delimiter=delimiter), start=2):
        yield str(i), row


def _record(locator: str, row: Any, keys: dict[str, tuple[str, ...]],
            problems: list[str]) -> Record | None:
    if not isinstance(row, dict):
        problems.append(problem(locator, "record is not an object with fields; skipped"))
        return None
    lowered = {str(k).lower(): v for k, v in row.items()}
    found = {name: _first(lowered, options) for name, options in keys.items()}
    text_key, text = found["text"]
    if not isinstance(text, str) or not text.strip():
        problems.append(problem(locator, f"no article text (looked for: "
                                f"{', '.join(keys['text'])}); record skipped"))
        return None
    rec = Record(path=locator, raw_text=text, body=text)
    for name in ("title", "outlet", "url", "author"):
        value = found[name][1]
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        rec.set(name, None if value is None else str(value), "dataset")
    try:
        rec.set("published", parse_date_value(found["published"][1]), "dataset")
    except ValueError as exc:
        rec.warnings.append(f"dataset date {exc}; publication date left to inference")
    used = {key for key, _ in found.values() if key}
    rec.extra = {k: v for k, v in row.items()
                 if str(k).lower() not in used and isinstance(v, (str, int, float, bool))}
    return rec


def _first(row: dict[str, Any], options: tuple[str, ...]) -> tuple[str | None, Any]:
    for key in options:
        value = row.get(key.lower())
        if value not in (None, ""):
            return key.lower(), value
    return None, None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "compressed file ends early (truncated download?)"
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON at line {exc.lineno} column {exc.colno} ({exc.msg})"
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    return str(exc) or type(exc).__name__
