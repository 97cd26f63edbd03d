"""Writing a run's files so that a reader never sees half of one run and half of another.

A run writes into a hidden staging folder inside its output folder and moves each file into
place when it is done (the index, what a reader opens, last). A run killed before that leaves
the previous run's files untouched; its staging folder is removed by the next run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from workbench.report.errors import ReportError

_STAGE_PREFIX = ".staging-"


def staging_folder(out: Path) -> Path:
    """A fresh hidden folder in ``out`` for one run's files (stale ones of killed runs are
    removed first)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = out / f"{_STAGE_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}.tmp"
        stage.mkdir()
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the reports ({exc.strerror or exc}); choose "
                          "another folder with --out") from None
    for old in out.glob(f"{_STAGE_PREFIX}*.tmp"):
        try:
            pid = int(old.name[len(_STAGE_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if not pid_alive(pid):
            shutil.rmtree(old, ignore_errors=True)
    return stage


def swap_in(stage: Path, out: Path) -> None:
    """Move a finished run's files from ``stage`` into ``out``: each file by an atomic rename,
    the executed notebooks and pages first, the manifest and the index (what a reader opens
    first) last."""
    files = [p for p in stage.rglob("*") if p.is_file()]
    last = {stage / "manifest.json": 1, stage / "index.html": 2}
    for src in sorted(files, key=lambda p: last.get(p, 0)):
        dest = out / src.relative_to(stage)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dest)
    shutil.rmtree(stage, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
