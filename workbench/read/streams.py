"""Reading dataset files as bounded byte streams: decompressed size, compression ratio and
record length capped (see :mod:`workbench.read.limits`)."""

from __future__ import annotations

import gzip
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from workbench.read.limits import MB, RATIO_CHECK_AFTER, LimitError, Limits


class BoundedReader(io.RawIOBase):
    """A readable binary stream over a file (gzip-decompressed for ``.gz``) that raises
    :class:`LimitError` past ``limits.max_dataset_mb`` decompressed bytes or past the
    compression-bomb ratio."""

    def __init__(self, path: Path, limits: Limits) -> None:
        super().__init__()
        self._raw = open(path, "rb")  # noqa: SIM115 - closed in close()
        self._gz = path.name.lower().endswith(".gz")
        self._inner: IO[bytes] = gzip.GzipFile(fileobj=self._raw) if self._gz else self._raw
        self._limits = limits
        self.read_bytes = 0
        self.error: BaseException | None = None  # a truncated .gz, raised after what was read

    def raise_pending(self) -> None:
        """Raise the error that ended the stream early, once its data has been consumed."""
        if self.error is not None:
            raise self.error

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is not None:
            return 0
        try:
            # read1: at most one read below, so a truncated .gz loses only its last chunk.
            data = self._inner.read1(len(b))
        except EOFError as exc:
            self.error = exc
            return 0
        n = len(data)
        b[:n] = data
        self.read_bytes += n
        self._check()
        return n

    def _check(self) -> None:
        lim = self._limits
        if self.read_bytes > lim.max_dataset_bytes:
            raise LimitError(f"over the {lim.max_dataset_mb:g} MB limit for one dataset file "
                             "(max_dataset_mb=, --max-dataset-mb)")
        if self._gz and self.read_bytes > RATIO_CHECK_AFTER:
            compressed = max(self._raw.tell(), 1)
            if self.read_bytes / compressed > lim.max_ratio:
                raise LimitError(f"decompresses more than {lim.max_ratio:g}:1 "
                                 f"({compressed / MB:.1f} MB → over "
                                 f"{self.read_bytes / MB:.0f} MB): a compression bomb, not text")

    def close(self) -> None:
        try:
            if self._gz:
                self._inner.close()
            self._raw.close()
        finally:
            super().close()


def open_bounded(path: Path, limits: Limits) -> io.BufferedReader:
    """``path`` as a buffered binary stream with the limits applied."""
    return io.BufferedReader(BoundedReader(path, limits), buffer_size=1024 * 1024)


def read_all(path: Path, limits: Limits) -> bytes:
    """The whole (decompressed) file, within the limits."""
    with open_bounded(path, limits) as fh:
        data = fh.read()
        fh.raw.raise_pending()
        return data


def lines(fh: io.BufferedReader, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` for each line; ``None`` for a line over ``max_bytes``, which is
    skipped without being held in memory."""
    lineno = 0
    while True:
        line = fh.readline(max_bytes + 1)
        if not line or (not line.endswith(b"\n") and fh.raw.error is not None):
            fh.raw.raise_pending()  # a line cut by a truncated .gz is not a record
            return
        lineno += 1
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while True:  # drain the rest of the over-long line, chunk by chunk
                rest = fh.readline(MB)
                if not rest or rest.endswith(b"\n"):
                    break
            yield lineno, None
            continue
        yield lineno, line


def is_regular_file(path: Path) -> bool:
    """True for a regular file (after symlinks): FIFOs, devices and sockets are not articles
    and could block or never end."""
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
