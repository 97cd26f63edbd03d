"""Plain-text and Markdown articles: an optional ` date YYYY-MM-DD <title>` first line, or YAML
front matter (title, date, source/outlet, url, author)."""

from __future__ import annotations

import re

import yaml

from workbench.read.records import Record, parse_date_value
from workbench.read.yamlsafe import YAMLBombError, load_yaml

# The date starts with a digit, so "date night ideas…" stays a title of its own.
_HEADER = re.compile(r"^\ufeff?[ \t]*date[ \t]+(?P<date>\d\S*)(?:[ \t]+(?P<title>\S.*?))?\s*$")
_FRONT_MATTER = re.compile(
    r"^\ufeff?---[ \t]*\r?\n(?:(?P<yaml>.*?)\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|$)", re.DOTALL)

# Front-matter keys people use, by the field they mean (first present wins).
FRONT_MATTER_KEYS = {
    "title": ("title", "headline"),
    "published": ("date", "published", "publish_date", "pubdate", "published_at"),
    "outlet": ("outlet", "source", "publisher", "site", "site_name"),
    "url": ("url", "link", "canonical_url"),
    "author": ("author", "authors", "byline"),
}


def read_text(path: str, text: str) -> Record:
    """A Record from a decoded .txt/.md file; metadata problems become record warnings."""
    fm = _FRONT_MATTER.match(text)
    if fm:
        return _from_front_matter(path, text, fm)
    record = Record(path=path, raw_text=text)
    first, _, rest = text.partition("\n")
    header = _HEADER.match(first)
    if header:
        record.set("title", header["title"], "header")
        try:
            record.set("published", parse_date_value(header["date"]), "header")
        except ValueError as exc:
            record.warnings.append(f"header date {exc}; publication date left to inference")
        record.body = rest
    return record


def _from_front_matter(path: str, text: str, fm: re.Match[str]) -> Record:
    record = Record(path=path, raw_text=text)
    record.body = text[fm.end():]
    try:
        meta = load_yaml(fm["yaml"] or "", max_aliases=0) or {}
    except YAMLBombError as exc:
        record.warnings.append(f"front matter {exc}; metadata ignored")
        return record
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        record.warnings.append(f"front matter is not valid YAML{where}; metadata ignored")
        return record
    if not isinstance(meta, dict):
        record.warnings.append("front matter is not a key: value mapping; metadata ignored")
        return record
    lowered = {str(k).lower(): v for k, v in meta.items()}
    for name, keys in FRONT_MATTER_KEYS.items():
        value = next((lowered[k] for k in keys if lowered.get(k) not in (None, "")), None)
        if isinstance(value, list):
            value = ", ".join(map(str, value))
        if name == "published":
            try:
                value = parse_date_value(value)
            except ValueError as exc:
                record.warnings.append(f"front-matter date {exc}; publication date left to "
                                       "inference")
                continue
        elif value is not None:
            value = str(value)
        record.set(name, value, "front-matter")
    return record
