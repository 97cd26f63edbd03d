"""Benchmark loading spread over workers: ``load_corpus`` in one process, in 2 local worker
processes (``jobs=2``) and on a local Dask cluster of 2 workers (``scheduler=``), against bare
reading of the same records.

What it measures
    The first ``--n`` records of the AllSides dump (default all 10k), written once as a folder
    (untimed). Each configuration loads it ``--repeat`` times in alternating order; the fastest
    wall-clock time is reported. What is spread is the per-article work (cleaning, language,
    inferred metadata) and the per-outlet boilerplate search; reading the files, dates from the
    text, ids and near-duplicates stay in the calling process (``workbench.corpus.load``).
    Every configuration's table is checked equal to the one-process table.

    The bare baseline is ``gzip`` + ``json.loads`` of every line. The cluster is a ``dask
    scheduler`` and one ``dask worker --nworkers 2 --nthreads 1`` on 127.0.0.1, started by the
    script (its start-up is not timed; the client's connection is).

How to read the output
    ``speed-up`` = one-process time ÷ this configuration's time: at most 2 on 2 cores, less by
    the share of the work that stays in the calling process. Machines here are shared and
    noisy: compare within one run.

    .venv/bin/python benchmarks/load_scaling.py                 # 10k records, 2 rounds
    .venv/bin/python benchmarks/load_scaling.py --n 2000 --repeat 1
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import pandas as pd
from dask_scaling import start_cluster, stop_cluster


def bare(path: Path) -> int:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return len([json.loads(line) for line in fh])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    c.add_corpus_arg(parser)
    parser.add_argument("--n", type=int, default=10_000, help="records (default 10000)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds (default 2)")
    args = parser.parse_args()
    src = c.require_corpus(Path(args.corpus))
    c.banner("loading spread over workers", {"records": args.n, "rounds": args.repeat})
    from workbench.corpus.load import load_corpus

    work = Path(tempfile.mkdtemp(prefix="load-scaling-"))
    folder = work / "corpus"
    folder.mkdir()
    n = c.write_subset(src, folder / "allsides.jsonl.gz", args.n)
    load_corpus(folder, boilerplate=False)  # warm-up: imports, the language model
    address, procs = start_cluster(work, nworkers=2, nthreads=1)
    configs: dict[str, dict[str, Any]] = {"one process": {}, "jobs=2": {"jobs": 2},
                                          "dask, 2 workers": {"scheduler": address}}
    times: dict[str, list[float]] = {name: [] for name in ["bare", *configs]}
    reference: pd.DataFrame | None = None
    equal: dict[str, bool] = {}
    try:
        for r in range(args.repeat):
            order = list(configs) if r % 2 == 0 else list(reversed(configs))
            t = time.perf_counter()
            bare(folder / "allsides.jsonl.gz")
            times["bare"].append(time.perf_counter() - t)
            for name in order:
                c.step(f"round {r + 1}: {name}")
                t = time.perf_counter()
                df = load_corpus(folder, **configs[name])
                times[name].append(time.perf_counter() - t)
                if name == "one process":  # first in round 1, so the others compare to it
                    reference = df if reference is None else reference
                else:
                    equal[name] = equal.get(name, True) and _same(df, reference)
    finally:
        stop_cluster(procs)
    base = min(times["one process"])
    rows = [["bare read (gzip + json)", n, round(min(times["bare"]), 2), "", ""]]
    for name in configs:
        best = min(times[name])
        rows.append([name, n, round(best, 2), round(base / best, 2),
                     "" if name == "one process" else ("yes" if equal[name] else "NO")])
    c.print_table(["configuration", "records", "seconds (best)", "speed-up", "same table"],
                  rows, title="load_corpus")
    print(f"one process ÷ bare read: {base / min(times['bare']):.1f}×")
    print(c.load_note())
    return 0 if all(equal.values()) else 1


def _same(a: pd.DataFrame, b: pd.DataFrame | None) -> bool:
    if b is None:
        return False
    try:
        pd.testing.assert_frame_equal(a, b)
    except AssertionError:
        return False
    return a.attrs == b.attrs


if __name__ == "__main__":
    raise SystemExit(main())
