"""Bounds on what the loader reads: untrusted files must not exhaust memory, disk or time.

Every cap is a field of :class:`Limits` with a flag or argument to raise it; hitting one costs
only the file or record concerned, with a one-line problem naming it and the limit.
"""

from __future__ import annotations

from dataclasses import dataclass

# Defined with the other input errors; importable here, as before.
from workbench.errors import LimitError  # noqa: F401

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one load may read. Pass to ``load_corpus(limits=…)``; CLI flags set the same."""

    max_file_mb: float = 10
    """One article file, and one record of a dataset (``--max-file-mb``)."""
    max_dataset_mb: float = 4096
    """Decompressed bytes read from one dataset file (``--max-dataset-mb``)."""
    max_ratio: float = 100
    """Decompressed ÷ compressed size beyond which a ``.gz`` is a compression bomb, not text
    (news compresses 3–6×); checked once 4 MB have been decompressed."""
    max_fields: int = 64
    """Extra (unmapped) dataset fields kept as columns per file; the rest are dropped."""
    follow_symlinks: bool = False
    """Follow symbolic links that lead outside the corpus folder (``--follow-symlinks``)."""

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_dataset_bytes(self) -> int:
        return int(self.max_dataset_mb * MB)


RATIO_CHECK_AFTER = 4 * MB

