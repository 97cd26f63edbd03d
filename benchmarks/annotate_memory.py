"""Benchmark the peak memory of ``annotate`` as the corpus grows (1k, 5k, 10k articles).

What it measures
    For each size (the first N articles of the AllSides dump, loaded once with ``load_corpus``
    and saved as Parquet, untimed), a fresh Python process reads the articles table, then runs
    one cold ``annotate(articles, jobs=--jobs, cache_dir=<empty folder>)``. Its peak memory:

    - main peak: the annotating process's RSS high-water mark (VmHWM), reset after the articles
      were read, so the input table is in the baseline and the peak is what annotation adds
      plus the result tables;
    - worker peak: the largest high-water mark of a worker process (jobs > 1: spaCy runs there);
    - total peak: the largest sum of PSS over the process and its workers, sampled every 0.2 s
      (PSS counts pages shared between processes once) — what the machine must have free.

    The same for bare spaCy, in its own process per size: ``spacy.load(name)`` then
    ``for doc in nlp.pipe(texts, n_process=jobs, batch_size=16)``, keeping nothing (the
    workbench also streams to its cache). batch_size 16 is the workbench's; spaCy's default
    (1000) needs ~3.7 GB for 200 of these articles per process.

    ``--keep-cache DIR`` keeps the largest size's annotation cache (it must be empty or absent:
    the measurement is cold), for ``benchmarks/notebooks.py --cache-dir DIR``.

How to read the output
    Memory should be flat in the number of articles (10k ÷ 1k ≈ 1) except for what the result
    necessarily holds: the final tables (mentions, quotes, dates; their in-memory size is shown)
    grow with the corpus. Compare the workbench's peaks with bare spaCy's on the same texts in
    the same run. Times are printed for information only (shared, noisy 2-core machine); 10k
    cold with 2 workers takes tens of minutes — run it in the background:

    nohup .venv/bin/python benchmarks/annotate_memory.py --keep-cache /tmp/wb-cache-10k \\
        > /tmp/annotate_memory.log 2>&1 &
    .venv/bin/python benchmarks/annotate_memory.py --sizes 100,300 --no-bare   # quick check
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

# --- children ----------------------------------------------------------------------------------

def child(p: dict[str, Any]) -> None:
    import pandas as pd

    if p["kind"] == "prep":
        from workbench.corpus.load import load_corpus

        t0 = time.perf_counter()
        articles = load_corpus(p["corpus"])
        seconds = time.perf_counter() - t0
        out = {}
        for n in p["sizes"]:
            path = Path(p["dir"]) / f"articles-{n}.parquet"
            articles.head(n).to_parquet(path, index=False)
            out[str(n)] = {"path": str(path), "n": min(n, len(articles))}
        c.report({"seconds": seconds, "sizes": out, "articles": len(articles)})
        return

    if p["kind"] == "workbench":
        from workbench.annotate.run import annotate

        articles = pd.read_parquet(p["articles"])
        with c.Peak() as peak:
            t0 = time.perf_counter()
            ann = annotate(articles, model=p["model"], jobs=p["jobs"], cache_dir=p["cache"],
                           progress=False)
            seconds = time.perf_counter() - t0
        sizes = {name: round(getattr(ann, name).memory_usage(deep=True).sum() / c.MiB, 1)
                 for name in ("mentions", "quotes", "dates")}
        rows = {name: len(getattr(ann, name)) for name in ("mentions", "quotes", "dates")}
        c.report({"seconds": seconds, "n": len(articles), "stats": ann.stats,
                  "pipeline": ann.pipeline.label, "tables_mib": sizes, "rows": rows,
                  "articles_mib": round(articles.memory_usage(deep=True).sum() / c.MiB, 1),
                  **peak.as_dict()})
        return

    if p["kind"] == "bare":
        import spacy

        texts = pd.read_parquet(p["articles"], columns=["text"])["text"].fillna("").tolist()
        with c.Peak() as peak:
            t0 = time.perf_counter()
            nlp = spacy.load(p["model"])
            tokens = 0
            for doc in nlp.pipe(texts, batch_size=p["batch_size"], n_process=p["jobs"]):
                tokens += len(doc)
            seconds = time.perf_counter() - t0
        c.report({"seconds": seconds, "n": len(texts), "tokens": tokens, **peak.as_dict()})
        return
    raise ValueError(p["kind"])


# --- parent ------------------------------------------------------------------------------------

def dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / c.MiB


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_corpus_arg(parser)
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="corpus sizes (first N articles), comma-separated "
                             "(default %(default)s)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="worker processes, for the workbench and bare spaCy's n_process "
                             "(default %(default)s)")
    parser.add_argument("--model", default=None,
                        help="spaCy pipeline (default: the workbench's choose_model())")
    parser.add_argument("--bare-batch-size", type=int, default=16,
                        help="nlp.pipe batch_size of the bare side (default %(default)s)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare spaCy runs")
    parser.add_argument("--keep-cache", type=Path, default=None, metavar="DIR",
                        help="keep the largest size's annotation cache in DIR (must be empty "
                             "or absent)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="parent of the temporary folder (default: the system's)")
    args = parser.parse_args()
    corpus = c.require_corpus(args.corpus)
    sizes = c.parse_sizes(args.sizes)
    keep = args.keep_cache.expanduser().resolve() if args.keep_cache else None
    if keep is not None and keep.exists() and any(keep.iterdir()):
        sys.exit(f"error: --keep-cache {keep} is not empty; the measurement must start cold. "
                 "Remove it or name a new folder.")

    from workbench.annotate.models import choose_model

    choice = choose_model(args.model)
    if choice.fallback and not args.no_bare:
        sys.exit("error: no trained spaCy pipeline is installed (use --no-bare to measure the "
                 "rules-only fallback alone)")
    c.banner("annotate memory benchmark",
             {"corpus": corpus, "sizes": sizes, "jobs": args.jobs, "pipeline": choice.name,
              "bare": "no" if args.no_bare else f"nlp.pipe(n_process={args.jobs}, "
                                                 f"batch_size={args.bare_batch_size})",
              "keep cache": keep or "no"})
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-annmem-", dir=args.workdir))
    failed = False
    try:
        c.step(f"loading the first {max(sizes):,} records and saving each size (not timed)")
        subset = tmp / "corpus" / "subset.jsonl.gz"
        c.write_subset(corpus, subset, max(sizes))
        prep = c.run_child(Path(__file__), {"kind": "prep", "corpus": str(subset),
                                            "sizes": sizes, "dir": str(tmp)})
        print(f"loaded {prep['articles']:,} articles in {prep['seconds']:.1f} s (not part of "
              "the figures)", flush=True)

        rows, bare_rows, wb_res, bare_res = [], [], {}, {}
        for i, n in enumerate(sizes):
            info = prep["sizes"][str(n)]
            largest = i == len(sizes) - 1
            cache = keep if (keep is not None and largest) else tmp / f"cache-{n}"
            c.step(f"{n:,} articles: workbench annotate, jobs={args.jobs}, cold cache {cache}")
            try:
                wb = c.run_child(Path(__file__), {"kind": "workbench", "articles": info["path"],
                                                  "model": args.model, "jobs": args.jobs,
                                                  "cache": str(cache)})
            except RuntimeError as exc:
                print(f"FAILED: {n:,} articles, workbench: {exc}", flush=True)
                failed = True
                continue
            wb["cache_mib"] = dir_mib(cache)
            wb_res[n] = wb
            t = wb["tables_mib"]
            print(f"{n:,} articles: workbench {wb['seconds']:.0f} s, main peak "
                  f"{wb['main_mib']:.0f} MiB, worker peak {wb['children_mib']:.0f} MiB, total "
                  f"{wb['total_mib']:.0f} MiB; stats {wb['stats']}", flush=True)
            rows.append([f"{info['n']:,}", wb["seconds"], info["n"] / wb["seconds"],
                         wb["baseline_mib"], wb["main_mib"], wb["children_mib"], wb["total_mib"],
                         wb["articles_mib"], t["mentions"] + t["quotes"] + t["dates"],
                         sum(wb["rows"].values()), wb["cache_mib"]])
            if cache != keep:
                shutil.rmtree(cache, ignore_errors=True)
            if args.no_bare:
                continue
            c.step(f"{n:,} articles: bare nlp.pipe, n_process={args.jobs}")
            try:
                bare = c.run_child(Path(__file__), {"kind": "bare", "articles": info["path"],
                                                    "model": choice.name, "jobs": args.jobs,
                                                    "batch_size": args.bare_batch_size})
            except RuntimeError as exc:
                print(f"FAILED: {n:,} articles, bare: {exc}", flush=True)
                failed = True
                continue
            bare_res[n] = bare
            print(f"{n:,} articles: bare {bare['seconds']:.0f} s, main peak "
                  f"{bare['main_mib']:.0f} MiB, worker peak {bare['children_mib']:.0f} MiB, "
                  f"total {bare['total_mib']:.0f} MiB", flush=True)
            bare_rows.append([f"{bare['n']:,}", bare["seconds"], bare["n"] / bare["seconds"],
                              bare["baseline_mib"], bare["main_mib"], bare["children_mib"],
                              bare["total_mib"], c.ratio(wb["total_mib"], bare["total_mib"]),
                              c.ratio(bare["seconds"], wb["seconds"])])

        c.print_table(["articles", "seconds", "articles/s", "baseline MiB", "main peak MiB",
                       "worker peak MiB", "total peak MiB", "articles table MiB",
                       "result tables MiB", "result rows", "cache on disk MiB"], rows,
                      title=f"workbench annotate, cold, jobs={args.jobs} (one process per size)")
        if bare_rows:
            c.print_table(["articles", "seconds", "articles/s", "baseline MiB", "main peak MiB",
                           "worker peak MiB", "total peak MiB", "workbench ÷ bare total peak",
                           "workbench ÷ bare speed"], bare_rows,
                          title=f"bare spaCy nlp.pipe(n_process={args.jobs}, "
                                f"batch_size={args.bare_batch_size}) on the same texts")
        if len(wb_res) >= 2:
            lo, hi = min(wb_res), max(wb_res)
            a, b = wb_res[lo], wb_res[hi]
            print(f"\n{hi:,} ÷ {lo:,} articles (target: flat, ≈ 1):")
            for label, key in (("main peak", "main_mib"), ("worker peak", "children_mib"),
                               ("total peak", "total_mib")):
                line = f"  workbench {label}: {b[key] / a[key]:.2f}" if a[key] else \
                    f"  workbench {label}: –"
                if lo in bare_res and hi in bare_res and bare_res[lo][key]:
                    line += f"   (bare spaCy: {bare_res[hi][key] / bare_res[lo][key]:.2f})"
                print(line)
            growth = b["main_mib"] - a["main_mib"]
            tables = (sum(b["tables_mib"].values()) - sum(a["tables_mib"].values()))
            print(f"  main-process growth {growth:.0f} MiB, of which result tables "
                  f"{tables:.0f} MiB and the input articles table "
                  f"{b['articles_mib'] - a['articles_mib']:.0f} MiB (in the baseline)")
        if keep is not None and max(sizes) in wb_res:
            print(f"\nkept the {max(sizes):,}-article cache in {keep} "
                  f"({dir_mib(keep):.0f} MiB): benchmarks/notebooks.py --cache-dir {keep}")
        print(c.load_note())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if (payload := c.child_payload()) is not None:
        child(payload)
    else:
        sys.exit(main())
