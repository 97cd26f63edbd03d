"""Shared helpers of the benchmark scripts (not a benchmark itself).

- where the AllSides corpus is and a clear error when it is missing;
- writing subsets of a JSON Lines dataset (untimed preparation);
- running one measurement in a child process (``run_child``) so that peak memory of one size
  never contaminates another, and reading peak memory there (``Peak``);
- printing tables and the machine/noise context every figure must be read with.

Peak memory is read from ``/proc/<pid>/status`` (``VmHWM``, the high-water mark of a process's
resident set), reset with ``/proc/self/clear_refs`` after the untimed setup of a measurement,
plus a sampler thread summing the PSS (proportional set size, so pages shared between a parent
and forked workers count once) of the process and all its descendants every 0.2 s. ``ru_maxrss``
is not used: on Linux it survives ``exec`` and can report the parent's peak.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
BENCH_DIR = REPO / "benchmarks"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "allsides-10k.jsonl.gz"
RESULT_MARK = "@@BENCH-RESULT@@ "
MiB = 1024 * 1024


# --- corpus ------------------------------------------------------------------------------------

def add_corpus_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS,
        help="the AllSides JSON Lines dump (default: ../shared/corpora/allsides-10k.jsonl.gz "
             "beside the repository, i.e. %(default)s)")


def require_corpus(path: Path) -> Path:
    """The corpus file, or exit with a message saying where it was looked for."""
    path = Path(path).expanduser()
    if not path.is_file():
        sys.exit(f"error: corpus not found: {path}\n"
                 f"The benchmarks use the AllSides dump (10,000 articles) expected at "
                 f"{DEFAULT_CORPUS} (../shared/corpora/ beside the repository). Pass another "
                 f"JSON Lines file (fields source, date, title, content_original, bias_text) "
                 f"with --corpus PATH.")
    return path


def parse_sizes(text: str) -> list[int]:
    """``--sizes "1000,5000,10000"`` → ascending, without repeats."""
    return sorted({int(s) for s in text.split(",") if s.strip()})


def read_records(path: Path, n: int | None = None) -> list[dict[str, Any]]:
    """The first ``n`` records (all when None) of a .jsonl(.gz) file."""
    out = []
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                out.append(json.loads(line))
                if n is not None and len(out) >= n:
                    break
    return out


def write_subset(src: Path, dst: Path, n: int) -> int:
    """Copy the first ``n`` records of ``src`` (.jsonl.gz) to ``dst`` (.jsonl.gz), byte for
    byte; return how many were written (fewer when the file is shorter)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with gzip.open(src, "rb") as fh, gzip.open(dst, "wb", compresslevel=1) as out:
        for line in fh:
            if not line.strip():
                continue
            out.write(line if line.endswith(b"\n") else line + b"\n")
            written += 1
            if written >= n:
                break
    return written


def count_records(src: Path) -> int:
    with gzip.open(src, "rb") as fh:
        return sum(1 for line in fh if line.strip())


# --- child processes ---------------------------------------------------------------------------

def run_child(script: Path, payload: dict[str, Any], *, log: bool = True,
              timeout: float | None = None) -> dict[str, Any]:
    """Run ``script --child JSON`` in a fresh interpreter and return the dict it reported with
    ``report``. The child's other output goes to our stderr (progress, warnings)."""
    cmd = [sys.executable, str(script), "--child", json.dumps(payload)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=None if log else subprocess.DEVNULL,
                            text=True, env=env, cwd=REPO)
    result = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(RESULT_MARK):
            result = json.loads(line[len(RESULT_MARK):])
        else:
            sys.stderr.write("    | " + line)
    rc = proc.wait(timeout=timeout)
    if rc != 0 or result is None:
        raise RuntimeError(f"measurement child failed (exit code {rc}): {payload}")
    return result


def report(result: dict[str, Any]) -> None:
    """In a child: hand ``result`` to the parent."""
    sys.stdout.flush()
    print(RESULT_MARK + json.dumps(result, default=str), flush=True)


def child_payload(argv: Sequence[str] | None = None) -> dict[str, Any] | None:
    """The payload when this process is a measurement child (``--child JSON``), else None."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) == 2 and argv[0] == "--child":
        return json.loads(argv[1])
    return None


# --- memory ------------------------------------------------------------------------------------

def _status_kib(pid: int | str, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_mib(pid: int | str = "self") -> float:
    return (_status_kib(pid, "VmRSS") or 0) / 1024


def hwm_mib(pid: int | str = "self") -> float:
    return (_status_kib(pid, "VmHWM") or 0) / 1024


def reset_hwm() -> bool:
    """Reset this process's peak RSS to its current RSS (Linux ≥ 4.0); False if not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _pss_kib(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _descendants(pid: int) -> list[int]:
    try:
        import psutil

        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except Exception:
        return []


class Peak:
    """Peak memory of this process and its descendants while the block runs.

    ``main_mib``: this process's high-water mark (VmHWM, exact);
    ``children_mib``: the largest high-water mark seen among descendants (workers, kernels);
    ``total_mib``: the largest sampled sum of PSS over the process tree (every ``interval`` s);
    ``baseline_mib``: RSS at the start (after the untimed setup).
    """

    def __init__(self, interval: float = 0.2, include_self: bool = True):
        self.interval = interval
        self.include_self = include_self
        self.main_mib = self.children_mib = self.total_mib = 0.0
        self.baseline_mib = 0.0
        self.children_seen = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._hwm: dict[int, float] = {}

    def __enter__(self) -> Peak:
        import gc

        gc.collect()
        self.reset_ok = reset_hwm()
        self.baseline_mib = rss_mib()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            self._one(me)
            self._stop.wait(self.interval)
        self._one(me)

    def _one(self, me: int) -> None:
        kids = _descendants(me)
        total = 0
        for pid in ([me] if self.include_self else []) + kids:
            total += _pss_kib(pid) or 0
        self.total_mib = max(self.total_mib, total / 1024)
        for pid in kids:
            h = hwm_mib(pid)
            if h:
                self._hwm[pid] = max(self._hwm.get(pid, 0.0), h)

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.main_mib = hwm_mib() if self.include_self else 0.0
        self.children_mib = max(self._hwm.values(), default=0.0)
        self.children_seen = len(self._hwm)

    def as_dict(self) -> dict[str, Any]:
        return {"main_mib": round(self.main_mib, 1), "children_mib": round(self.children_mib, 1),
                "total_mib": round(self.total_mib, 1), "baseline_mib": round(self.baseline_mib, 1),
                "children_seen": self.children_seen, "hwm_reset": self.reset_ok}


# --- output ------------------------------------------------------------------------------------

def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None
                ) -> None:
    rows = [[_fmt(v) for v in r] for r in rows]
    widths = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(str(h))
              for i, h in enumerate(headers)]
    if title:
        print(f"\n{title}")
    line = "  ".join(str(h).rjust(w) if i else str(h).ljust(w)
                     for i, (h, w) in enumerate(zip(headers, widths)))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(v.rjust(w) if i else v.ljust(w)
                        for i, (v, w) in enumerate(zip(r, widths))))
    sys.stdout.flush()


def _fmt(v: Any) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 100:
            return f"{v:.1f}"
        if abs(v) >= 10:
            return f"{v:.2f}"
        return f"{v:.3f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def load_note() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min) / {five:.2f} (5 min) on {os.cpu_count()} cores"


def workbench_root() -> Path:
    """The folder holding the ``workbench`` package that will be imported (the repository, or a
    snapshot put first on PYTHONPATH), found without importing it."""
    import importlib.util

    spec = importlib.util.find_spec("workbench")
    if spec is None or spec.origin is None:
        sys.exit("error: the workbench package is not importable (use .venv/bin/python)")
    return Path(spec.origin).resolve().parents[1]


def source_note() -> str:
    """Which code is measured: the commit, and whether workbench/ or notebooks/ had uncommitted
    changes (read-only git), or the SNAPSHOT file of a copy."""
    root = workbench_root()
    snap = root / "SNAPSHOT"
    if snap.is_file():
        return f"{root} ({snap.read_text(encoding='utf-8').strip()})"
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                "workbench", "notebooks", "data"],
                               capture_output=True, text=True, timeout=10).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return str(root)
    dirty = [d.strip() for d in dirty if d.strip()]
    return (f"{root} at commit {head or '?'}"
            + (f" + uncommitted changes ({', '.join(dirty[:4])}{'…' if len(dirty) > 4 else ''})"
               if dirty else ""))


def banner(what: str, extra: dict[str, Any] | None = None) -> None:
    """What ran, when, where: every figure is relative to this machine and this moment."""
    import importlib.metadata as md

    def version(name: str) -> str:
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return "not installed"

    print(f"== {what}")
    print(f"   {datetime.now().isoformat(timespec='seconds')}  {platform.node()}  "
          f"{platform.machine()}  Python {platform.python_version()}  "
          f"workbench {version('workbench')}  spaCy {version('spacy')}")
    print(f"   {load_note()}")
    print(f"   code measured: {source_note()}")
    for k, v in (extra or {}).items():
        print(f"   {k}: {v}")
    print("   Figures are for this machine at this moment (shared, noisy): read the ratios, "
          "not the absolute times.")
    sys.stdout.flush()


def step(msg: str) -> None:
    print(f"-- {time.strftime('%H:%M:%S')} {msg}  [{load_note()}]", file=sys.stderr, flush=True)


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None
