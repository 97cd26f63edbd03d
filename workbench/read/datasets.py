"""Dataset dumps: JSON Lines, JSON and CSV/TSV files (optionally gzip-compressed), one article per
record, with a field mapping whose defaults fit the common names."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from workbench.errors import FieldError
from workbench.read.decode import DecodeError, decode, decode_bytes
from workbench.read.limits import Limits
from workbench.read.records import Record, parse_date_value, problem
from workbench.read.streams import lines, open_bounded, read_all

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
                 problems: list[str] | None = None, limits: Limits | None = None
                 ) -> Iterator[Record]:
    """Yield one Record per usable record; each bad record adds one line to ``problems``.

    Read as a stream within ``limits``: a record over ``max_file_mb`` is skipped, the file
    stops (keeping what was read) past ``max_dataset_mb`` or at a compression bomb, and
    unmapped fields beyond ``max_fields`` are dropped with one line saying so.
    """
    problems = problems if problems is not None else []
    limits = limits or Limits()
    keys = _field_keys(fields)
    name = path.name.lower().removesuffix(".gz")
    local: list[str] = []
    extra = _ExtraFields(limits.max_fields)
    n_records = 0
    try:
        if path.stat().st_size == 0:
            problems.append(problem(display, "empty file"))
            return
        if name.endswith((".jsonl", ".ndjson")):
            rows = _jsonl_rows(path, display, local, limits)
        elif name.endswith(".json"):
            rows = _json_rows(path, keys, limits)
        else:
            rows = _csv_rows(path, display, keys, "\t" if name.endswith(".tsv") else None,
                             limits, local)
        for locator, row in rows:
            n_records += 1
            rec = _record(f"{display}:{locator}", row, keys, local, extra)
            if rec is not None:
                yield rec
    except (OSError, EOFError, gzip.BadGzipFile, DecodeError, ValueError, csv.Error,
            RecursionError) as exc:
        # A truncated .gz, a broken JSON array, a limit: keep what was read, say where it
        # stopped.
        local.append(problem(display, f"stopped reading after {n_records:,} records: "
                                      f"{_reason(exc)}" if n_records else
                             f"stopped reading: {_reason(exc)}"))
    finally:
        if extra.dropped:
            local.insert(0, problem(display, f"{len(extra.dropped):,} more fields than the "
                                    f"max_fields={limits.max_fields} limit for extra columns; "
                                    f"dropped (e.g. {', '.join(sorted(extra.dropped)[:3])})"))
        problems.extend(local[:MAX_RECORD_PROBLEMS])
        if len(local) > MAX_RECORD_PROBLEMS:
            problems.append(problem(display, f"{len(local) - MAX_RECORD_PROBLEMS} more record "
                                    f"problems not listed ({n_records} records read)"))


class _ExtraFields:
    """Which unmapped fields of one file become columns: the first ``limit`` names seen."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: set[str] = set()
        self.dropped: set[str] = set()

    def keep(self, key: str) -> bool:
        if key in self.kept:
            return True
        if len(self.kept) < self.limit:
            self.kept.add(key)
            return True
        if len(self.dropped) < 10_000:  # only named in the message; bounded too
            self.dropped.add(key)
        return False


def _field_keys(fields: Mapping[str, str | Sequence[str]] | None) -> dict[str, tuple[str, ...]]:
    keys = dict(DEFAULT_FIELDS)
    for name, value in (fields or {}).items():
        if name not in keys:
            raise FieldError(f"unknown field '{name}' in the field mapping (--field/fields=); "
                             f"known: {', '.join(keys)}")
        keys[name] = (value,) if isinstance(value, str) else tuple(value)
    return keys


def _jsonl_rows(path: Path, display: str, problems: list[str],
                limits: Limits) -> Iterator[tuple[str, Any]]:
    # Line by line in bytes, so one line in a stray encoding costs that line only and the
    # line numbers stay true.
    with open_bounded(path, limits) as fh:
        for lineno, raw in lines(fh, limits.max_file_bytes):
            if raw is None:
                problems.append(problem(f"{display}:{lineno}", f"record over the "
                                        f"{limits.max_file_mb:g} MB limit for one article "
                                        "(max_file_mb=, --max-file-mb); skipped"))
                continue
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
                row = json.loads(line)
            except RecursionError:
                problems.append(problem(f"{display}:{lineno}", "JSON nested too deeply; "
                                        "record skipped"))
                continue
            except json.JSONDecodeError as exc:
                what = "truncated" if not raw.endswith(b"\n") else "invalid"
                problems.append(problem(f"{display}:{lineno}",
                                        f"{what} JSON ({exc.msg} at column {exc.colno}); "
                                        "record skipped"))
                continue
            yield str(lineno), row


_WRAPPERS = ("articles", "data", "items", "records", "results", "documents", "docs")


def _json_rows(path: Path, keys: dict[str, tuple[str, ...]],
               limits: Limits) -> Iterator[tuple[str, Any]]:
    try:
        data = json.loads(decode(read_all(path, limits)).text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
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
              delimiter: str | None, limits: Limits,
              problems: list[str]) -> Iterator[tuple[str, Any]]:
    # Streamed: the encoding is judged on the first 256 kB, then each row is read as it
    # comes; a row with bytes that are not in that encoding is decoded on its own.
    with open_bounded(path, limits) as fh:
        sample = fh.peek(256 * 1024)[:256 * 1024]
        encoding = _stream_encoding(sample)
        if delimiter is None:
            try:  # "," in most exports, ";" where the comma is the decimal mark
                head = sample[:20_000].decode(encoding, "ignore")
                delimiter = csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        # Article bodies are far longer than csv's 128 kB default; one record's cap instead.
        csv.field_size_limit(limits.max_file_bytes)
        text = io.TextIOWrapper(fh, encoding=encoding, errors="surrogateescape", newline="")
        reader = csv.DictReader((line.replace("\x00", "") for line in text),
                                delimiter=delimiter)
        columns = [str(c).strip().lower() for c in reader.fieldnames or []]
        if not any(k in columns for k in keys["text"]):
            raise ValueError(f"no article text column (looked for {', '.join(keys['text'])}; "
                             f"columns are {', '.join(columns[:12]) or 'none'}); use --field "
                             "text=COLUMN")
        for row in reader:
            locator = str(reader.line_num)
            if any(_has_stray(v) for v in row.values()):
                row, how = _redecode(row)
                problems.append(problem(f"{display}:{locator}", f"row not {encoding}; {how}"))
            yield locator, row
        fh.raw.raise_pending()


def _stream_encoding(sample: bytes) -> str:
    """The codec for a whole dataset stream, judged line by line on its first bytes: UTF-8
    when at least half of the lines with non-ASCII bytes are valid UTF-8 (the others are then
    decoded one by one), else the detected legacy codec."""
    valid = invalid = 0
    for line in sample.split(b"\n")[:-1] or [sample]:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            valid += 1
        except UnicodeDecodeError:
            invalid += 1
    if valid >= invalid:
        return "utf-8-sig" if sample.startswith(b"\xef\xbb\xbf") else "utf-8"
    return decode(sample).encoding


def _has_stray(value: Any) -> bool:
    return isinstance(value, str) and any("\udc80" <= ch <= "\udcff" for ch in value)


def _redecode(row: dict[Any, Any]) -> tuple[dict[Any, Any], str]:
    """The row with its stray bytes decoded field by field, and how."""
    how = "utf-8"
    out = {}
    for k, v in row.items():
        if _has_stray(v):
            d = decode(v.encode("utf-8", "surrogateescape"))
            v = d.text
            how = "; ".join(d.notes()) if d.replaced else f"read as {d.encoding}"
        out[k] = v
    return out, how


def _record(locator: str, row: Any, keys: dict[str, tuple[str, ...]],
            problems: list[str], extra: _ExtraFields | None = None) -> Record | None:
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
                 if str(k).lower() not in used and isinstance(v, (str, int, float, bool))
                 and (extra is None or extra.keep(str(k)))}
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
