"""What the readers hand to the corpus layer: one ``Record`` per article, and problem lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass
class Record:
    """One article as read from a file or a dataset row, before cleaning and inference.

    Metadata fields come with the name of where they were found (``*_source``), so the articles
    table can say how each value is known.
    """

    path: str
    raw_text: str
    body: str | None = None  # the article part of raw_text after any header or front matter
    title: str | None = None
    title_source: str | None = None
    outlet: str | None = None
    outlet_source: str | None = None
    published: date | None = None
    published_source: str | None = None
    url: str | None = None
    author: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, name: str, value: Any, source: str) -> None:
        """Set a metadata field (title, outlet, published, url, author) with its provenance."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        setattr(self, name, value.strip() if isinstance(value, str) else value)
        if hasattr(self, f"{name}_source"):
            setattr(self, f"{name}_source", source)


def problem(path: object, message: str) -> str:
    """A one-line problem message that names the file."""
    return f"{path}: {' '.join(str(message).split())}"


MIN_YEAR, MAX_YEAR = 1800, 2100
_NUMERIC = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{2,4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])")


def parse_date_value(value: Any) -> date | None:
    """A metadata date (header, front matter, sidecar, dataset field) as a ``date``.

    Empty → None. Raises ValueError with a readable reason when the value is not a date, so the
    caller can report it and fall back to inference rather than store a wrong one.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):  # YAML's unquoted dates arrive parsed: check them the same
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"'{value.isoformat()}' is outside {MIN_YEAR}–{MAX_YEAR}, not a "
                             "publication date")
        return value
    text = str(value).strip()
    if not text or text.lower() in ("nan", "nat", "none", "null"):
        return None
    m = _ISO.match(text)
    if m:
        try:
            parsed = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            raise ValueError(f"'{text}' is not a valid date") from None
    else:
        numeric = _NUMERIC.match(text)
        if numeric and int(numeric[1]) <= 12 and int(numeric[2]) <= 12 \
                and numeric[1] != numeric[2]:
            raise ValueError(f"'{text}' is ambiguous (day/month or month/day?); write it as "
                             "YYYY-MM-DD")
        import dateparser  # only for non-ISO spellings datasets use ("May 6, 2014", RFC 2822…)

        # Absolute dates only: "yesterday" or "3 days ago" in metadata says nothing without
        # the moment it was written.
        order = "DMY" if numeric and int(numeric[1]) > 12 else "MDY"
        found = dateparser.parse(text, languages=["en"], settings={
            "STRICT_PARSING": True, "PARSERS": ["timestamp", "absolute-time"],
            "DATE_ORDER": order})
        if found is None:
            raise ValueError(f"'{text}' is not a recognisable date")
        parsed = found.date()
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        # Placeholder dates (0001-01-01, 1970-01-01 epochs are rarer) mean "unknown".
        raise ValueError(f"'{text}' is outside {MIN_YEAR}–{MAX_YEAR}, not a publication date")
    return parsed
