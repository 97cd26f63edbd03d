"""File-system edges of the store: URLs to fsspec file systems, whole-file writes, the lock.

Local folders (plain paths and ``file://``) write each file under a hidden temporary name and
``os.replace`` it into place, so a killed run leaves no half file under a real name. Object
stores have no atomic rename but do write an object whole (a PUT is all or nothing): there a
file is written straight to its final, unique name (``layout.part_name`` names a part after
its bytes), and the manifest — one PUT, written last — decides which files are live.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workbench.store.layout import StoreError

_WHY = {errno.ENOSPC: "the disk is full", errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied", errno.EDQUOT: "disk quota exceeded",
        errno.ENOTDIR: "a file is in the way", errno.EEXIST: "a file is in the way"}


def resolve(dest: str | Path) -> tuple[Any, str]:
    """The fsspec file system and root path of ``dest`` (a path or any fsspec URL)."""
    import fsspec

    try:
        fs, root = fsspec.core.url_to_fs(str(dest))
    except (ValueError, ImportError) as exc:  # an unknown protocol, its package missing
        raise StoreError(f"{dest}: cannot open this store location ({exc})") from None
    return fs, root.rstrip("/") or "/"


def is_local(fs: Any) -> bool:
    """True for the local file system (atomic rename, ``flock``)."""
    from fsspec.implementations.local import LocalFileSystem

    return isinstance(fs, LocalFileSystem)


def display(fs: Any, root: str) -> str:
    """``root`` as the user would write it: a plain path locally, else the URL."""
    return root if is_local(fs) else fs.unstrip_protocol(root)


def write_error(where: str, exc: OSError) -> StoreError:
    """One line saying why ``where`` could not be written."""
    why = _WHY.get(exc.errno or 0, exc.strerror or str(exc) or type(exc).__name__)
    return StoreError(f"{where}: cannot write the store ({why})")


def put(fs: Any, path: str, data: bytes) -> None:
    """Write ``data`` as the whole file ``path``: readers see the old file or the new one."""
    if is_local(fs):
        folder, name = os.path.split(path)
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{name}.{uuid.uuid4().hex[:12]}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    else:
        fs.pipe_file(path, data)


def remove(fs: Any, paths: list[str]) -> None:
    """Delete ``paths``, best effort (a file already gone is no error)."""
    for path in paths:
        with contextlib.suppress(FileNotFoundError, OSError):
            fs.rm_file(path)


def listing(fs: Any, folder: str) -> list[str]:
    """Paths of the files directly in ``folder`` (none when it does not exist)."""
    try:
        return [p for p in fs.ls(folder, detail=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []


@contextlib.contextmanager
def lock(fs: Any, root: str) -> Iterator[None]:
    """One writer per local store at a time (``flock`` on ``<root>/.lock``); a second one
    waits. Object stores have no lock: run one writer per store there."""
    if not is_local(fs):
        yield
        return
    import fcntl

    try:
        os.makedirs(root, exist_ok=True)
        fh = open(os.path.join(root, ".lock"), "a+b")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise write_error(root, exc) from None
    try:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield
    finally:
        fh.close()
