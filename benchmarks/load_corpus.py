"""Benchmark ``load_corpus``: speed, linear growth and peak memory, against bare reading.

What it measures
    ``workbench.load_corpus`` on the first 1k, 5k and 10k records of the AllSides dump (each
    written first as its own .jsonl.gz, untimed), and on a folder of 2,000 individual .txt files
    made from the same records (the file-by-file path), in two styles: with YAML front matter
    (title, date, source, url, author: metadata read from the file) and as plain text (the
    loader infers title, outlet and date from the text).

    Each measurement runs in its own fresh Python process (``--repeat`` times; the fastest run is
    reported): imports and a warm-up load happen first and are not timed (they
    load the language-identification model and compile rules once per process), then the one
    timed ``load_corpus`` call. Peak RSS is that process's high-water mark, reset after the
    warm-up, so it is what the load itself needs on top of the interpreter and libraries
    (``baseline``). The warm-up folder holds 20 records touching every code path once
    (ISO, non-ISO and missing dates; .txt with and without front matter).

    The bare library baseline, in the same run and also one process per measurement: reading the
    same records without the workbench — ``gzip`` + ``json.loads`` of every line into a list of
    dicts for the datasets, and ``Path.read_text`` of every file for the .txt folders.

How to read the output
    ``s/1k articles`` should be about the same for every size, and ``10k ÷ 1k time`` ≈ 10: the
    load grows linearly. ``workbench ÷ bare`` is how many times longer the workbench takes than
    just reading the records (it also cleans every text, detects its language, infers missing
    metadata and finds near-duplicates). Peak RSS should grow in proportion to the corpus (the
    table itself is in memory), not faster. Times are wall-clock on a shared 2-core machine:
    compare ratios within one run, never absolute seconds across runs.

    .venv/bin/python benchmarks/load_corpus.py                 # 1k, 5k, 10k + 2,000 .txt
    .venv/bin/python benchmarks/load_corpus.py --sizes 1000,2000 --txt-files 500 --repeat 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

WARMUP_RECORDS = 20


# --- child: one measurement --------------------------------------------------------------------

def child(p: dict[str, Any]) -> None:
    path = Path(p["path"])
    if p["kind"] == "workbench":
        from workbench.corpus.load import load_corpus

        load_corpus(p["warmup"])  # not timed: first-use costs (language model, regexes)
        with c.Peak(include_self=True) as peak:
            t0 = time.perf_counter()
            df = load_corpus(path)
            seconds = time.perf_counter() - t0
        n = len(df)
        extra = {"problems": len(df.attrs.get("problems", [])),
                 "duplicates": int(df["duplicate_of"].notna().sum()),
                 "table_mib": round(df.memory_usage(deep=True).sum() / c.MiB, 1)}
    else:
        import gzip
        import json

        with c.Peak(include_self=True) as peak:
            t0 = time.perf_counter()
            if path.is_dir():
                records = [f.read_text(encoding="utf-8") for f in sorted(path.glob("*.txt"))]
            else:
                with gzip.open(path, "rt", encoding="utf-8") as fh:
                    records = [json.loads(line) for line in fh if line.strip()]
            seconds = time.perf_counter() - t0
        n = len(records)
        extra = {}
    c.report({"seconds": seconds, "n": n, **peak.as_dict(), **extra})


# --- parent ------------------------------------------------------------------------------------

def make_txt_folder(records: list[dict[str, Any]], folder: Path, front_matter: bool) -> None:
    import yaml

    folder.mkdir(parents=True)
    for i, r in enumerate(records):
        body = r.get("content_original") or ""
        if front_matter:
            meta = {k: v for k, v in (("title", r.get("title")), ("date", r.get("date")),
                                      ("source", r.get("source")), ("url", r.get("url")),
                                      ("author", r.get("authors"))) if v}
            head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
            body = f"---\n{head}---\n{body}"
        (folder / f"{i:05d}.txt").write_text(body, encoding="utf-8")


def make_warmup(corpus: Path, folder: Path) -> Path:
    """A small folder touching every code path once (a dataset with ISO, non-ISO and missing
    dates; a .txt with front matter; a plain .txt), so first-use costs such as dateparser's
    time-zone tables are paid before the timed load."""
    import gzip
    import json

    records = c.read_records(corpus, WARMUP_RECORDS)
    records[0] = {**records[0], "date": "7/23/17"}
    records[1] = {**records[1], "date": ""}
    folder.mkdir(parents=True)
    with gzip.open(folder / "warmup.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in records[2:])
    make_txt_folder(records[:2], folder / "fm", front_matter=True)
    make_txt_folder(records[:2], folder / "plain", front_matter=False)
    return folder


def measure(kind: str, path: Path, warmup: Path, repeat: int) -> dict[str, Any]:
    runs = [c.run_child(Path(__file__), {"kind": kind, "path": str(path), "warmup": str(warmup)})
            for _ in range(repeat)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "all_seconds": [r["seconds"] for r in runs],
            "peak_mib": max(r["main_mib"] for r in runs)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_corpus_arg(parser)
    parser.add_argument("--sizes", default="1000,5000,10000",
                        help="dataset sizes (first N records), comma-separated "
                             "(default %(default)s)")
    parser.add_argument("--txt-files", type=int, default=2000,
                        help="how many .txt files for the file-path measurement; 0 skips it "
                             "(default %(default)s)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="runs per measurement, each in a fresh process; the fastest is "
                             "reported (default %(default)s)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="where to write the subsets (default: a temporary folder, removed)")
    args = parser.parse_args()
    corpus = c.require_corpus(args.corpus)
    sizes = c.parse_sizes(args.sizes)

    c.banner("load_corpus benchmark", {"corpus": corpus, "sizes": sizes,
                                       "txt files": args.txt_files, "repeat": args.repeat})
    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-load-", dir=args.workdir))
    try:
        c.step("writing subsets (not timed)")
        available = c.count_records(corpus)
        datasets: list[tuple[str, Path, int]] = []
        for n in sizes:
            if n > available:
                print(f"note: the corpus has {available:,} records; size {n:,} skipped")
                continue
            path = tmp / f"n{n}" / f"allsides-{n}.jsonl.gz"
            c.write_subset(corpus, path, n)
            datasets.append((f"jsonl.gz {n // 1000}k" if n % 1000 == 0 else f"jsonl.gz {n}",
                             path, n))
        warmup = make_warmup(corpus, tmp / "warmup")
        if args.txt_files:
            records = c.read_records(corpus, args.txt_files)
            for style, fm in (("front matter", True), ("plain text", False)):
                folder = tmp / f"txt-{'fm' if fm else 'plain'}-{len(records)}"
                make_txt_folder(records, folder, fm)
                datasets.append((f"{len(records):,} .txt ({style})", folder, len(records)))

        rows, results = [], {}
        for label, path, n in datasets:
            c.step(f"{label}: workbench")
            wb = measure("workbench", path, warmup, args.repeat)
            c.step(f"{label}: bare")
            bare = measure("bare", path, warmup, args.repeat)
            results[label] = (n, wb, bare)
            rows.append([label, wb["n"], wb["seconds"], wb["n"] / wb["seconds"],
                         wb["seconds"] / wb["n"] * 1000, wb["peak_mib"], wb["baseline_mib"],
                         wb["peak_mib"] - wb["baseline_mib"],
                         wb["table_mib"], bare["seconds"], bare["peak_mib"],
                         c.ratio(wb["seconds"], bare["seconds"])])
            if wb["n"] != n:
                print(f"note: {label}: {wb['n']:,} articles loaded from {n:,} records "
                      f"({wb['problems']} problems)")

        c.print_table(["input", "articles", "workbench s", "articles/s", "s/1k articles",
                       "peak RSS MiB", "baseline MiB", "peak-baseline MiB", "table MiB", "bare s",
                       "bare peak MiB",
                       "workbench ÷ bare"], rows,
                      title=f"load_corpus, best of {args.repeat} (each run in a fresh process)")
        print("peak RSS: high-water mark of the loading process, reset after imports and "
              "warm-up (baseline = RSS then, so peak-baseline is what the load itself "
              "needed); table = the articles DataFrame it returns (deep size).")

        # Linear growth: the per-article cost of each size against the smallest.
        ds = [(label, n) for label, _, n in datasets if label.startswith("jsonl")]
        if len(ds) >= 2:
            first_label, first_n = ds[0]
            t_first = results[first_label][1]["seconds"]
            lin = []
            for label, n in ds:
                t = results[label][1]["seconds"]
                lin.append([label, t, t / t_first, n / first_n,
                            (t / t_first) / (n / first_n),
                            results[label][1]["peak_mib"] / results[first_label][1]["peak_mib"]])
            c.print_table(["input", "seconds", f"time ÷ {first_label}", "size ratio",
                           "time ratio ÷ size ratio", "peak RSS ratio"], lin,
                          title="linearity (1.0 in the 5th column = perfectly linear)")
            last_label, last_n = ds[-1]
            print(f"{last_label} time ÷ {first_label} time = "
                  f"{results[last_label][1]['seconds'] / t_first:.2f} "
                  f"(expected ≈ {last_n / first_n:.0f} if linear)")
        spread = [f"{label}: {', '.join(f'{s:.2f}' for s in wb['all_seconds'])} s"
                  for label, (_, wb, _) in results.items()]
        print("all workbench runs (noise): " + "; ".join(spread))
        if args.repeat > 1:
            rel = [statistics.pstdev(wb["all_seconds"]) / statistics.mean(wb["all_seconds"])
                   for _, wb, _ in results.values()]
            print(f"largest run-to-run spread: {max(rel) * 100:.0f}% of the mean")
        print(c.load_note())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if (payload := c.child_payload()) is not None:
        child(payload)
    else:
        sys.exit(main())
