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

from workbench.errors import FieldError
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


MAX_RECORD_PROBLEMS = 20
"""Record-level problems listed per file; beyond that one line counts the rest (a CSV that is
not an article table would otherwise list every row)."""


def read_dataset(path: Path, display: str, fields: Mapping[str, str | Sequence[str]] | None = None,
                 problems: list[str] | None = None) -> Iterator[Record]:
    """Yield one Record per usable record; each bad record adds one line to ``problems``."""
    problems = problems if problems is not None else []
    keys = _field_keys(fields)
    name = path.name.lower().removesuffix(".gz")
    local: list[str] = []
    n_records = 0
    try:
        if path.stat().st_size == 0:
            problems.append(problem(display, "empty file"))
            return
        if name.endswith((".jsonl", ".ndjson")):
            rows = _jsonl_rows(path, display, local)
        elif name.endswith(".json"):
            rows = _json_rows(path, keys)
        else:
            rows = _csv_rows(path, display, keys, "\t" if name.endswith(".tsv") else None)
        for locator, row in rows:
            n_records += 1
            rec = _record(f"{display}:{locator}", row, keys, local)
            if rec is not None:
                yield rec
    except (OSError, EOFError, gzip.BadGzipFile, DecodeError, ValueError, csv.Error) as exc:
        # A truncated .gz or a broken JSON array: keep what was read, say where it stopped.
        local.append(problem(display, f"stopped reading: {_reason(exc)}"))
    finally:
        problems.extend(local[:MAX_RECORD_PROBLEMS])
        if len(local) > MAX_RECORD_PROBLEMS:
            problems.append(problem(display, f"{len(local) - MAX_RECORD_PROBLEMS} more record "
                                    f"problems not listed ({n_records} records read)"))


def _field_keys(fields: Mapping[str, str | Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    keys = dict(DEFAULT_FIELDS)
    for name, value in (fields or {}).items():
        if name not in keys:
            raise FieldError(f"unknown field '{name}' in the field mapping (--field/fields=); "
                             f"known: {', '.join(keys)}")
        keys[name] = (value,) if isinstance(value, str) else tuple(value)
    return keys


def _open_binary(path: Path):
    return gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")


def _jsonl_rows(path: Path, display: str, problems: list[str]) -> Iterator[tuple[str, Any]]:
    # Line by line in bytes, so one line in a stray encoding costs that line only and the
    # line numbers stay true.
    with _open_binary(path) as fh:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError:
                try:
                    line, encoding = decode_bytes(raw)
                except DecodeError as exc:
                    problems.append(problem(f"{display}:{lineno}", f"{exc}; record skipped"))
                    continue
                problems.append(problem(f"{display}:{lineno}", f"not UTF-8; read as {encoding}"))
            try:
                yield str(lineno), json.loads(line)
            except json.JSONDecodeError as exc:
                what = "truncated" if not raw.endswith(b"\n") else "invalid"
                problems.append(problem(f"{display}:{lineno}",
                                        f"{what} JSON ({exc.msg} at column {exc.colno}); "
                                        "record skipped"))


_WRAPPERS = ("articles", "data", "items", "records", "results", "documents", "docs")


def _read_text(path: Path) -> str:
    with _open_binary(path) as fh:
        data = fh.read()
    return decode_bytes(data)[0]


def _json_rows(path: Path, keys: dict[str, tuple[str, ...]]) -> Iterator[tuple[str, Any]]:
    data = json.loads(_read_text(path))
    if isinstance(data, dict):
        lowered = {str(k).lower(): v for k, v in data.items()}
        if any(k in lowered for k in keys["text"]):
            data = [data]  # one article saved as one object
        else:
            wrapped = [lowered[k] for k in _WRAPPERS if isinstance(lowered.get(k), list)]
            lists = wrapped or [v for v in data.values()
                                if isinstance(v, list) and v and isinstance(v[0], dict)]
            if len(lists) != 1:
                raise ValueError("JSON object holds no article text and no single list of "
                                 "articles")
            data = lists[0]
    if not isinstance(data, list):
        raise ValueError("JSON is neither a list of articles nor an object holding one")
    for i, row in enumerate(data):
        yield f"[{i}]", row


def _csv_rows(path: Path, display: str, keys: dict[str, tuple[str, ...]],
              delimiter: str | None) -> Iterator[tuple[str, Any]]:
    text = _read_text(path)
    if delimiter is None:
        try:  # "," in most exports, ";" where the comma is the decimal mark
            delimiter = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    csv.field_size_limit(sys.maxsize)  # article bodies are far longer than csv's 128 kB default
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = [str(c).strip().lower() for c in reader.fieldnames or []]
    if not any(k in columns for k in keys["text"]):
        raise ValueError(f"no article text column (looked for {', '.join(keys['text'])}; "
                         f"columns are {', '.join(columns[:12]) or 'none'}); use --field "
                         "text=COLUMN")
    for i, row in enumerate(reader, start=2):
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
    return str(exc) or type(exc).__name__
