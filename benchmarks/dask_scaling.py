"""Benchmark annotation on a Dask cluster: throughput against 1 and 2 workers and bare spaCy.

What it measures, on the same texts (the ``text`` column of the first ``--n`` AllSides articles
after ``load_corpus``; default 300), each cold, into a fresh private cache, in a fresh process:

  bare    ``spacy.load(name)`` + ``nlp.pipe(texts, batch_size=16)`` in one process: the same
          pipeline the workbench picks (en_conll_ewt_sm here) doing the same NER, tagging and
          parsing, without the workbench's components, rules, cache or tables;
  local   ``annotate(articles, jobs=1, cache_dir=<fresh>)`` — today's default path;
  dask-1  ``annotate(..., scheduler=ADDRESS)`` on a local ``dask scheduler`` and one
          ``dask worker --nworkers 1 --nthreads 1`` (``--nthreads`` is configurable);
  dask-2  the same with ``--nworkers 2``.

The cluster is started (on 127.0.0.1, as ``tests/test_distributed.py`` does) before each Dask
measurement and is not timed; the workers' first task builds the pipeline, which is timed, as
``spacy.load`` is on the bare side and ``build_nlp`` on the local one. The timed part ends when
``annotate`` has returned the tables (the client reads the parts the workers wrote).

The four configurations are run ``--repeat`` times, in alternating order (bare, local, dask-1,
dask-2, then the reverse), so a burst of load from other users of the 2 shared cores hits all of
them about equally; each round's ratios are computed within the round, and the spread over rounds
is shown. Printed per run: seconds, articles/s, ratio to bare (bare time ÷ this time, same round),
CPU seconds per article (this process plus, for Dask, the worker processes; the scheduler's and
nannies' CPU apart), peak RSS (VmHWM) of the annotating process (bare, local: counted from
after loading the corpus, whose RSS is shown as "from") or of each worker, the load average,
and how many cores *other* processes kept busy meanwhile (the machine's busy time from
/proc/stat minus ours, ÷ wall time): the noise each figure must be read with.

Scaling efficiency = t(dask-1) ÷ (2 × t(dask-2)): 1.0 is perfect on 2 workers; on a 2-core
machine it is capped by what other processes take.

    .venv/bin/python benchmarks/dask_scaling.py                      # 300 articles, 2 rounds
    .venv/bin/python benchmarks/dask_scaling.py --n 30 --repeat 1    # a quick check
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

CONFIGS = ("bare", "local", "dask-1", "dask-2")
TICK = os.sysconf("SC_CLK_TCK")


# --- CPU accounting from /proc -----------------------------------------------------------------

def proc_cpu_s(pid: int | str = "self") -> float:
    """User + system CPU seconds of one process (its own threads, not its children)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14, 15)


def machine_busy_s() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: all but idle and iowait)."""
    with open("/proc/stat") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    return (sum(values[:8]) - values[3] - values[4]) / TICK


class Meter:
    """Wall time, the CPU of the processes we name, and what everything else took."""

    def __init__(self, pids: list[int] | None = None):
        self.pids = pids or []

    def __enter__(self) -> Meter:
        self.load0 = os.getloadavg()[0]
        self.cpu0 = {p: proc_cpu_s(p) for p in self.pids}
        self.self0 = proc_cpu_s()
        self.busy0 = machine_busy_s()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self.t0
        self.busy = machine_busy_s() - self.busy0
        self.self_cpu = proc_cpu_s() - self.self0
        self.cpu = {p: proc_cpu_s(p) - self.cpu0[p] for p in self.pids}
        self.load1 = os.getloadavg()[0]

    def noise(self) -> dict[str, float]:
        ours = self.self_cpu + sum(self.cpu.values())
        return {"seconds": self.seconds, "load_start": self.load0, "load_end": self.load1,
                "others_cores": max(0.0, self.busy - ours) / self.seconds}


# --- a local Dask cluster ----------------------------------------------------------------------

def _dask() -> str:
    return str(Path(sys.executable).with_name("dask"))


def start_cluster(folder: Path, nworkers: int, nthreads: int, profiler: bool = True,
                  trim: bool = True) -> tuple[str, list[subprocess.Popen]]:
    """A ``dask scheduler`` and one ``dask worker --nworkers N`` on 127.0.0.1 (each in its own
    process group); returns the address and the processes once every worker has joined.
    ``trim=False`` keeps the nanny from setting ``MALLOC_TRIM_THRESHOLD_`` in its workers."""
    from distributed import Client

    sched_file = folder / "scheduler.json"
    # Dask's own statistical profiler samples every worker thread's stack every 10 ms.
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": str(profiler)}
    if not trim:  # a None value in the nanny's pre-spawn environment unsets the variable
        env["DASK_DISTRIBUTED__NANNY__PRE_SPAWN_ENVIRON__MALLOC_TRIM_THRESHOLD_"] = "None"

    def start(args: list[str], log: str) -> subprocess.Popen:
        return subprocess.Popen([_dask(), *args], stdout=(folder / log).open("w"),
                                stderr=subprocess.STDOUT, start_new_session=True, cwd=c.REPO,
                                env=env)

    procs = [start(["scheduler", "--host", "127.0.0.1", "--port", "0", "--dashboard-address",
                    "127.0.0.1:0", "--scheduler-file", str(sched_file)], "scheduler.log")]
    deadline = time.monotonic() + 60
    while not sched_file.exists():
        if time.monotonic() > deadline:
            stop_cluster(procs)
            raise RuntimeError(f"the dask scheduler did not start (see {folder}/scheduler.log)")
        time.sleep(0.2)
    address = json.loads(sched_file.read_text())["address"]
    procs.append(start(["worker", "--scheduler-file", str(sched_file), "--nworkers",
                        str(nworkers), "--nthreads", str(nthreads), "--no-dashboard",
                        "--memory-limit", "0"], "worker.log"))
    with Client(address, timeout="30s") as client:
        client.wait_for_workers(nworkers, timeout=120)
    return address, procs


def stop_cluster(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)


def worker_pids(address: str) -> list[int]:
    """The worker processes (not their nannies) of the cluster at ``address``."""
    from distributed import Client

    with Client(address, timeout="30s") as client:
        return sorted(client.run(os.getpid).values())


def cluster_pids(procs: list[subprocess.Popen]) -> list[int]:
    """Every process of the cluster: scheduler, nanny, workers."""
    import psutil

    out = []
    for proc in procs:
        out.append(proc.pid)
        try:
            out += [p.pid for p in psutil.Process(proc.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return out


# --- one measurement (in a fresh child process) ------------------------------------------------

def child(payload: dict[str, Any]) -> dict[str, Any]:
    from workbench.corpus.load import load_corpus

    articles = load_corpus(payload["subset"])
    n = len(articles)
    config = payload["config"]
    cache = Path(payload["cache"])
    if config == "bare":
        import spacy

        texts = articles["text"].fillna("").astype(str).tolist()
        c.reset_hwm()
        base_rss = c.rss_mib()
        with Meter() as m:
            nlp = spacy.load(payload["pipeline"])
            tokens = sum(len(doc) for doc in nlp.pipe(texts, batch_size=16))
        return {**m.noise(), "n": n, "cpu_s": m.self_cpu, "client_cpu_s": m.self_cpu,
                "rss_mib": [c.hwm_mib()], "base_rss_mib": base_rss, "tokens": tokens}
    from workbench.annotate import distributed
    from workbench.annotate.run import annotate

    if config == "local":
        c.reset_hwm()
        base_rss = c.rss_mib()
        with Meter() as m:
            ann = annotate(articles, model=payload["model"], jobs=1, cache_dir=cache,
                           progress=False)
        return {**m.noise(), "n": n, "cpu_s": m.self_cpu, "client_cpu_s": m.self_cpu,
                "rss_mib": [c.hwm_mib()], "base_rss_mib": base_rss, **_rows(ann)}
    nworkers = int(config.split("-")[1])
    if payload.get("partition"):
        distributed.PARTITION_ARTICLES = payload["partition"]
    folder = Path(tempfile.mkdtemp(prefix="dask-", dir=cache.parent))
    address, procs = start_cluster(folder, nworkers, payload["nthreads"],
                                   payload.get("profiler", True), payload.get("trim", True))
    try:
        workers = worker_pids(address)
        others = [p for p in cluster_pids(procs) if p not in workers]
        c.reset_hwm()
        with Meter(workers + others) as m:
            ann = annotate(articles, model=payload["model"], cache_dir=cache, progress=False,
                           scheduler=address)
        rss = [c.hwm_mib(p) for p in workers]
        worker_cpu = sum(m.cpu[p] for p in workers)
        return {**m.noise(), "n": n, "cpu_s": worker_cpu + m.self_cpu,
                "worker_cpu_s": worker_cpu, "client_cpu_s": m.self_cpu,
                "cluster_cpu_s": sum(m.cpu[p] for p in others),
                "per_worker_cpu_s": [m.cpu[p] for p in workers], "rss_mib": rss,
                "client_rss_mib": c.hwm_mib(), **_rows(ann)}
    finally:
        stop_cluster(procs)


def _rows(ann: Any) -> dict[str, Any]:
    return {"annotated": ann.stats["annotated"], "mentions": len(ann.mentions),
            "quotes": len(ann.quotes), "dates": len(ann.dates)}


# --- the run -----------------------------------------------------------------------------------

def main() -> int:
    payload = c.child_payload()
    if payload is not None:
        c.report(child(payload))
        return 0
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_corpus_arg(parser)
    parser.add_argument("--n", type=int, default=300, help="articles (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="rounds of the four configurations (default %(default)s)")
    parser.add_argument("--nthreads", type=int, default=1,
                        help="threads per Dask worker (default %(default)s)")
    parser.add_argument("--no-profiler", action="store_true",
                        help="turn off Dask's statistical profiler in the workers (on by "
                             "default, as on any cluster)")
    parser.add_argument("--no-trim", action="store_true",
                        help="keep the nanny from setting MALLOC_TRIM_THRESHOLD_=65536 in the "
                             "workers (set by default, as on any cluster; setting it turns off "
                             "glibc's dynamic mmap threshold)")
    parser.add_argument("--partition", type=int, default=None,
                        help="articles per Dask task (default: the workbench's, "
                             "distributed.PARTITION_ARTICLES)")
    parser.add_argument("--only", default=",".join(CONFIGS),
                        help="configurations to run (default %(default)s)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: choose_model())")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="parent folder for the fresh caches (default: a temporary folder)")
    args = parser.parse_args()
    corpus = c.require_corpus(args.corpus)
    configs = [x for x in CONFIGS if x in args.only.split(",")]

    from workbench.annotate import distributed
    from workbench.annotate.models import choose_model

    choice = choose_model(args.model)
    if choice.fallback:
        sys.exit("error: no trained spaCy pipeline is installed; this benchmark needs one")
    c.banner("distributed annotation benchmark",
             {"corpus": corpus, "articles": args.n, "pipeline": choice.name,
              "rounds": args.repeat, "threads per worker": args.nthreads,
              "articles per task": args.partition or distributed.PARTITION_ARTICLES,
              "Dask profiler": "off" if args.no_profiler else "on (default)",
              "nanny's MALLOC_TRIM_THRESHOLD_": "unset" if args.no_trim else "65536 (default)"})
    if args.cache_dir:
        args.cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-distributed-", dir=args.cache_dir))
    try:
        subset = tmp / "corpus" / "subset.jsonl.gz"
        got = c.write_subset(corpus, subset, args.n)
        base = {"subset": str(subset), "pipeline": choice.name, "model": args.model,
                "nthreads": args.nthreads, "partition": args.partition,
                "profiler": not args.no_profiler, "trim": not args.no_trim}
        c.step("warm-up: bare spaCy on 3 articles (reads the model files; not reported)")
        small = tmp / "corpus-warm" / "w.jsonl.gz"
        c.write_subset(corpus, small, 3)
        c.run_child(Path(__file__), {**base, "subset": str(small), "config": "bare",
                                     "cache": str(tmp / "warm")})
        runs: list[dict[str, Any]] = []
        for r in range(args.repeat):
            for config in (configs if r % 2 == 0 else configs[::-1]):
                c.step(f"round {r + 1}/{args.repeat}: {config} on {got} articles")
                res = c.run_child(Path(__file__), {**base, "config": config,
                                                   "cache": str(tmp / f"cache-{config}-{r}")})
                res.update(config=config, round=r + 1)
                runs.append(res)
                print(f"round {r + 1} {config}: {res['seconds']:.1f} s, "
                      f"{res['n'] / res['seconds']:.2f} articles/s, others kept "
                      f"{res['others_cores']:.2f} cores busy", flush=True)
        summarise(runs, configs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def summarise(runs: list[dict[str, Any]], configs: list[str]) -> None:
    by = {(r["round"], r["config"]): r for r in runs}
    rounds = sorted({r["round"] for r in runs})
    rows = []
    for r in runs:
        bare = by.get((r["round"], "bare"))
        rows.append([f"{r['round']} {r['config']}", r["n"], r["seconds"], r["n"] / r["seconds"],
                     c.ratio(bare and bare["seconds"], r["seconds"]), r["cpu_s"] / r["n"],
                     r.get("worker_cpu_s"), r["client_cpu_s"], r.get("cluster_cpu_s"),
                     " / ".join(f"{x:.0f}" for x in r["rss_mib"])
                     + (f" (from {r['base_rss_mib']:.0f})" if "base_rss_mib" in r else ""),
                     f"{r['load_start']:.1f}→{r['load_end']:.1f}", r["others_cores"],
                     r.get("mentions"), r.get("quotes"), r.get("dates")])
    c.print_table(["round config", "articles", "seconds", "articles/s", "÷ bare",
                   "CPU s/article", "workers CPU s", "client CPU s", "sched+nanny CPU s",
                   "peak RSS MiB (process or each worker)", "load 1 min", "others' cores",
                   "mentions", "quotes", "dates"], rows,
                  title="every run (÷ bare: bare seconds ÷ these, same round)")

    def spread(values: list[float]) -> str:
        if not values:
            return "–"
        med = statistics.median(values)
        return f"{med:.3f}" + (f" ({min(values):.3f}–{max(values):.3f})" if len(values) > 1
                               else "")

    summary = []
    for config in configs:
        mine = [r for r in runs if r["config"] == config]
        ratios = [by[(r["round"], "bare")]["seconds"] / r["seconds"] for r in mine
                  if (r["round"], "bare") in by]
        summary.append([config, spread([r["n"] / r["seconds"] for r in mine]), spread(ratios),
                        spread([r["cpu_s"] / r["n"] for r in mine]),
                        f"{max(x for r in mine for x in r['rss_mib']):.0f}",
                        spread([r["others_cores"] for r in mine])])
    c.print_table(["config", "articles/s", "÷ bare", "CPU s/article", "max peak RSS MiB",
                   "others' cores"], summary,
                  title="median over rounds (min–max)")
    eff = [by[(r, "dask-1")]["seconds"] / (2 * by[(r, "dask-2")]["seconds"]) for r in rounds
           if (r, "dask-1") in by and (r, "dask-2") in by]
    if eff:
        print(f"scaling efficiency t(1 worker) ÷ (2 × t(2 workers)) = {spread(eff)} "
              f"[rounds: {', '.join(f'{e:.3f}' for e in eff)}]; 1.0 = perfect; two shared "
              "cores cap it at about (2 − others' cores) ÷ 2")
    same = {(r.get("mentions"), r.get("quotes"), r.get("dates")) for r in runs
            if r["config"] != "bare"}
    print("tables: " + ("the same row counts on every workbench run" if len(same) == 1 else
                        f"DIFFERENT row counts: {sorted(same, key=str)}"))
    print(c.load_note())


if __name__ == "__main__":
    sys.exit(main())
