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
from workbench.read.decode import DecodeError, decode
from workbench.read.html import read_html
from workbench.read.limits import Limits
from workbench.read.records import Record, problem
from workbench.read.sidecar import METADATA_NAME, SOURCES_NAME
from workbench.read.streams import is_regular_file
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
    problems: list[str] = field(default_factory=list)  # refused: links out, special files


def find_files(path: str | Path, *, follow_symlinks: bool = False) -> Found:
    """The article files under ``path`` (recursive, hidden entries skipped) or ``path`` itself.

    Only regular files are read (a FIFO would block, a device never end). Symbolic links are
    followed only when they lead inside the corpus folder, unless ``follow_symlinks``: a
    downloaded archive of "articles" must not pull in any file the user can read. Folders the
    workbench wrote itself (report output) are skipped, so a report written inside a corpus is
    never read back as articles.
    """
    root = Path(path).expanduser()
    if not root.exists() and not root.is_symlink():
        raise CorpusError(f"{root}: no such file or folder")
    if root.is_symlink() and root.is_dir():
        root = root.resolve()
    if not root.is_dir():
        if not is_regular_file(root):
            raise CorpusError(f"{display_path(root)}: not a regular file (a FIFO, device or "
                              "broken link); nothing to read")
        # A sources.csv beside a corpus *file* applies to it, as one in a corpus folder does.
        beside = root.parent / SOURCES_NAME
        return Found(root=root.parent, files=[root],
                     sources=beside if is_regular_file(beside) else None)
    found = Found(root=root)
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here != root and _is_report_folder(here):
            found.skipped.append(f"{display_path(here)}: a workbench report folder, not "
                                 "articles; skipped")
            dirnames[:] = []
            continue
        dirnames[:] = sorted((d for d in dirnames if not d.startswith(".")), key=_natural)
        for name in sorted(filenames, key=_natural):
            p = Path(dirpath, name)
            if name.startswith("."):
                continue
            why = _not_readable(p, real_root, follow_symlinks)
            if why:
                found.problems.append(problem(display_path(p), why))
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


def _not_readable(p: Path, real_root: Path, follow_symlinks: bool) -> str | None:
    """Why ``p`` is not read, or None."""
    if p.is_symlink():
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError):
            return "cannot read: broken symbolic link"
        if not follow_symlinks and not target.is_relative_to(real_root):
            return ("symbolic link to a file outside the corpus folder; skipped "
                    "(follow_symlinks=True / --follow-symlinks reads it)")
    if not is_regular_file(p):
        return "not a regular file (FIFO, device or socket); skipped"
    return None


def _is_report_folder(folder: Path) -> bool:
    # What `workbench report` writes: index.html beside a manifest.json with its provenance.
    manifest = folder / "manifest.json"
    if not (folder / "index.html").exists() or not is_regular_file(manifest):
        return False
    try:
        with open(manifest, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    return b'"pipeline"' in head and b'"knowledge_base"' in head


def read_file(path: Path, display: str, *, max_file_mb: float | None = None,
              fields: Mapping[str, str | Sequence[str]] | None,
              problems: list[str], limits: Limits | None = None) -> Iterator[Record]:
    """The Records in one file (one for an article file, many for a dataset), within
    ``limits`` (``max_file_mb``, when given, overrides its cap on one article)."""
    limits = limits or Limits()
    if max_file_mb is not None and max_file_mb != limits.max_file_mb:
        from dataclasses import replace

        limits = replace(limits, max_file_mb=max_file_mb)
    if is_dataset(path):
        yield from read_dataset(path, display, fields, problems, limits)
        return
    cap = limits.max_file_bytes
    try:
        # Read one byte past the cap rather than trust st_size (a link to /dev/zero says 0).
        with open(path, "rb") as fh:
            data = fh.read(cap + 1)
    except OSError as exc:
        problems.append(problem(display, f"cannot read: {exc.strerror or exc}"))
        return
    if len(data) > cap:
        try:
            size = f"{path.stat().st_size / 1024 / 1024:.1f} MB is"
        except OSError:
            size = "it is"
        problems.append(problem(display, f"{size} over the {limits.max_file_mb:g} MB limit "
                                "for one article (max_file_mb=, --max-file-mb); skipped"))
        return
    if not data.strip():
        problems.append(problem(display, "empty file" if not data else
                                "file holds only whitespace"))
        return
    try:
        decoded = decode(data)
    except DecodeError as exc:
        problems.append(problem(display, f"{exc}; skipped"))
        return
    text, encoding = decoded.text, decoded.encoding
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
    for note in decoded.notes():
        record.warnings.append(note)
        problems.append(problem(display, note))
    yield record


def display_path(path: Path) -> str:
    """A path as text that survives every table and message: file names that are not valid
    UTF-8 (a cp1251 archive unpacked on Linux) get backslash escapes, line breaks are shown."""
    raw = os.fsencode(path)
    return raw.decode("utf-8", "backslashreplace").replace("\n", "\\n").replace("\r", "\\r")


def _natural(name: str) -> list[object]:
    # file2 before file10, as a person sorts them
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", name)]
