"""Benchmark building a store: `workbench store` whole (today's path: the corpus loaded and
assembled in one process) against `workbench store --shard N` (a shard at a time), on the
real annotated AllSides 10k and on SYNTHETIC copies of it.

What it measures
    Each size runs `workbench store CORPUS --out STORE --cache-dir CACHE` in its own process,
    once whole and once with ``--shard``, into a new store; the annotation cache must already
    hold the corpus (``workbench annotate CORPUS --cache-dir CACHE`` first), so what is timed
    is loading, the corpus-wide steps, assembling and writing. Reported: wall time and the
    process's peak RSS (``wait4``), and the sharded/whole ratios at each size.

    SYNTHETIC ×k: the 10k's dataset file copied k times into one folder. Every copy is real
    text with its real annotation (from the cache: same text and date, same key), but copies
    are identical content: ids get ``-2``, ``-3``…, every copy is a duplicate, and the corpus's
    distinct names do not grow — so the name rules' summaries (``annotate.links``) stay the
    10k's size where a real corpus's would grow with its vocabulary of names.

    .venv/bin/python benchmarks/store_build.py --corpus /work/bench10k/corpus \\
        --cache /work/bench10k/cache --copies 1,3,10 --whole-up-to 3
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def synthetic(corpus: Path, k: int, root: Path) -> Path:
    """A folder with ``k`` copies of ``corpus``'s dataset files and its sources.csv."""
    if k == 1:
        return corpus
    dest = root / f"x{k}"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(corpus / "sources.csv", dest / "sources.csv")
    for f in sorted(corpus.glob("*.jsonl")):
        for i in range(k):
            target = dest / f"{f.stem}-{i:03d}{f.suffix}"
            if not target.exists():
                os.link(f, target) if f.stat().st_dev == root.stat().st_dev else \
                    shutil.copy(f, target)
    return dest


def run(argv: list[str]) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in bytes and the last output lines of one command."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({status}): {' '.join(argv)}\n{out[-2000:]}")
    return seconds, usage.ru_maxrss * 1024, "\n".join(out.strip().splitlines()[:3])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--copies", default="1,3,10")
    ap.add_argument("--whole-up-to", type=int, default=3,
                    help="run the whole path only up to this many copies (memory)")
    ap.add_argument("--shard", type=int, default=5000)
    ap.add_argument("--work", type=Path, default=None, help="folder for corpora and stores")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="store-build-"))
    work.mkdir(parents=True, exist_ok=True)
    wb = [sys.executable, "-m", "workbench", "store"]
    rows = []
    for k in [int(x) for x in args.copies.split(",")]:
        corpus = synthetic(args.corpus, k, work)
        label = "real 10k" if k == 1 else f"SYNTHETIC ×{k}"
        found = {}
        modes = [("sharded", ["--shard", str(args.shard)])]
        if k <= args.whole_up_to:
            modes.insert(0, ("whole", []))
        for mode, extra in modes:
            store = work / f"store-{k}-{mode}"
            shutil.rmtree(store, ignore_errors=True)
            secs, rss, said = run([*wb, str(corpus), "--out", str(store), "--cache-dir",
                                   str(args.cache), *extra])
            found[mode] = (secs, rss)
            print(f"{label:>15} {mode:>8}: {secs:8.1f} s  peak {rss / 2**20:8.0f} MiB   "
                  f"| {said.splitlines()[0] if said else ''}", flush=True)
            shutil.rmtree(store, ignore_errors=True)
        rows.append((label, found))
    print("\n| corpus | whole: time, peak | sharded: time, peak | sharded ÷ whole |")
    print("|---|---|---|---|")
    for label, found in rows:
        s = found["sharded"]
        w = found.get("whole")
        whole = f"{w[0]:.0f} s, {w[1] / 2**20:,.0f} MiB" if w else "—"
        ratio = f"time {s[0] / w[0]:.2f}, memory {s[1] / w[1]:.2f}" if w else "—"
        print(f"| {label} | {whole} | {s[0]:.0f} s, {s[1] / 2**20:,.0f} MiB | {ratio} |")


if __name__ == "__main__":
    main()
