"""Find the article files under a path and read each into Records — the I/O edge of the loader.

One bad file never stops the rest: whatever goes wrong with a file becomes one problem line
naming it, and reading goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from workbench.errors import CorpusError
from workbench.read.datasets import is_dataset, read_dataset
from workbench.read.decode import DecodeError, decode_bytes
from workbench.read.html import read_html
from workbench.read.records import Record, problem
from workbench.read.sidecar import METADATA_NAME, SOURCES_NAME
from workbench.read.text import read_text

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")

# Files that document a corpus rather than belong to it.
_DOC_NAMES = re.compile(r"^(readme|provenance|license|licence|copying|changelog|notice)"
                        r"(\.[\w.]+)?$|\.(license|licence)$", re.IGNORECASE)


@dataclass
class Found:
    """What a corpus path holds."""

    root: Path
    files: list[Path] = field(default_factory=list)
    metadata: list[Path] = field(default_factory=list)
    sources: Path | None = None
    skipped: list[str] = field(default_factory=list)  # not articles, by design (docs, other types)


def find_files(path: str | Path) -> Found:
    """The article files under ``path`` (recursive, hidden entries skipped) or ``path`` itself."""
    root = Path(path).expanduser()
    if not root.exists() and not root.is_symlink():
        raise CorpusError(f"{root}: no such file or folder")
    if root.is_file() or root.is_symlink():
        return Found(root=root.parent, files=[root])
    found = Found(root=root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted((d for d in dirnames if not d.startswith(".")), key=_natural)
        for name in sorted(filenames, key=_natural):
            p = Path(dirpath, name)
            if name.startswith("."):
                continue
            lower = name.lower()
            if lower == METADATA_NAME:
                found.metadata.append(p)
            elif lower == SOURCES_NAME and Path(dirpath) == root:
                found.sources = p
            elif _DOC_NAMES.search(name):
                found.skipped.append(f"{display_path(p)}: documentation file, not an article")
            elif lower.endswith(TEXT_SUFFIXES + HTML_SUFFIXES) or is_dataset(p):
                found.files.append(p)
            else:
                found.skipped.append(f"{display_path(p)}: unsupported file type "
                                     f"'{''.join(p.suffixes) or name}'; skipped")
    return found


def read_file(path: Path, display: str, *, max_file_mb: float,
              fields: Mapping[str, str | Sequence[str]] | None,
              problems: list[str]) -> Iterator[Record]:
    """The Records in one file (one for an article file, many for a dataset)."""
    if is_dataset(path):
        yield from read_dataset(path, display, fields, problems)
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(problem(display, f"cannot read: {exc.strerror or exc}"))
        return
    if size > max_file_mb * 1024 * 1024:
        problems.append(problem(display, f"{size / 1024 / 1024:.1f} MB is over the "
                                f"{max_file_mb:g} MB limit for one article (max_file_mb=); "
                                "skipped"))
        return
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.append(problem(display, f"cannot read: {exc.strerror or exc}"))
        return
    if not data.strip():
        problems.append(problem(display, "empty file" if not data else
                                "file holds only whitespace"))
        return
    try:
        text, encoding = decode_bytes(data)
    except DecodeError as exc:
        problems.append(problem(display, f"{exc}; skipped"))
        return
    if not text.strip():
        problems.append(problem(display, "file holds only whitespace"))
        return
    if path.name.lower().endswith(HTML_SUFFIXES):
        record = read_html(display, text)
    else:
        record = read_text(display, text)
    if encoding not in ("utf-8", "utf-8-sig", "ascii"):
        # Detected, not declared: worth a look if the text reads oddly.
        record.warnings.append(f"not UTF-8; decoded as {encoding}")
    yield record


def display_path(path: Path) -> str:
    """A path as text that survives every table and message: file names that are not valid
    UTF-8 (a cp1251 archive unpacked on Linux) get backslash escapes, line breaks are shown."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace").replace("\n", "\\n").replace("\r", "\\r")


def _natural(name: str) -> list[object]:
    # file2 before file10, as a person sorts them
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]
