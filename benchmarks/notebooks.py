"""Benchmark the notebooks: every notebook in notebooks/ run by papermill on the AllSides corpus.

What it measures
    A temporary corpus folder is built (untimed): the AllSides dump (all of it, or the first
    ``--n`` records) as one .jsonl.gz, and beside it a ``sources.csv`` mapping each outlet (the
    dataset's ``source``) to its AllSides rating (``bias_text``: left / center / right) as a
    ``group`` column — the loader joins it onto the articles. Outlets rated differently in
    different records get their most frequent rating (listed in the output).

    Then, in a separate process, ``open_corpus`` fills the caches once (timed and shown apart:
    with ``--cache-dir`` pointing at the cache kept by ``annotate_memory.py --keep-cache`` no
    article should need annotating; without it everything is annotated here with ``--jobs``
    workers, which takes tens of minutes for 10k), and a second, warm ``open_corpus`` is timed:
    the floor every notebook pays to get its tables.

    Every notebook is then executed with papermill, parameters ``corpus=<that folder>``,
    ``group_by="group"``, ``cache_dir=<the cache>``, and timed (wall clock, kernel start to
    finish). The kernel's peak RSS is read from /proc while it runs. For comparison, in the same
    run: one trivial papermill run (a one-cell notebook computing ``1+1``) before and after the
    notebooks — papermill's and the kernel's own fixed cost.

How to read the output
    "÷ trivial" is how many trivial papermill runs a notebook costs; "− trivial − open_corpus"
    is roughly the notebook's own analysis and charts. The slowest cells of each notebook
    (papermill's per-cell durations) say where that time goes. A notebook that fails is reported
    with its error, the others still run, and the script exits 1. Times are for a shared,
    noisy 2-core machine: compare within the run.

    .venv/bin/python benchmarks/notebooks.py --cache-dir /tmp/wb-cache-10k
    .venv/bin/python benchmarks/notebooks.py --n 300      # quick check, annotates 300 articles
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import _common as c

NOTEBOOKS = c.workbench_root() / "notebooks"  # beside the package measured (repo or snapshot)
DATASET_NAME = "allsides.jsonl.gz"


# --- child: fill the caches --------------------------------------------------------------------

def child(p: dict[str, Any]) -> None:
    from workbench.session import open_corpus

    t0 = time.perf_counter()
    ann = open_corpus(p["corpus"], cache_dir=p["cache"], jobs=p["jobs"], progress=False)
    first = time.perf_counter() - t0
    stats = dict(ann.stats)
    n, groups = len(ann.articles), ann.articles["group"].value_counts(dropna=False).to_dict()
    rows = {k: len(getattr(ann, k)) for k in ("mentions", "quotes", "dates")}
    del ann
    t0 = time.perf_counter()
    ann = open_corpus(p["corpus"], cache_dir=p["cache"], jobs=p["jobs"], progress=False)
    warm = time.perf_counter() - t0
    c.report({"first_s": first, "warm_s": warm, "stats": stats, "warm_stats": dict(ann.stats),
              "articles": n, "groups": {str(k): v for k, v in groups.items()}, "rows": rows,
              "pipeline": ann.pipeline.label})


# --- parent ------------------------------------------------------------------------------------

def build_corpus(corpus: Path, folder: Path, n: int | None) -> dict[str, Any]:
    folder.mkdir(parents=True)
    dataset = folder / DATASET_NAME
    if n is None:
        shutil.copyfile(corpus, dataset)
    else:
        c.write_subset(corpus, dataset, n)
    records = c.read_records(dataset)
    ratings: dict[str, Counter] = defaultdict(Counter)
    spelling: dict[str, str] = {}
    for r in records:
        outlet = str(r.get("source") or "").strip()
        if not outlet:
            continue
        key = outlet.casefold()
        spelling.setdefault(key, outlet)
        ratings[key][r.get("bias_text") or "unrated"] += 1
    mixed = {spelling[k]: dict(v) for k, v in ratings.items() if len(v) > 1}
    with open(folder / "sources.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "group"])
        for key in sorted(ratings):
            w.writerow([spelling[key], ratings[key].most_common(1)[0][0]])
    groups = Counter(v.most_common(1)[0][0] for v in ratings.values())
    return {"records": len(records), "outlets": len(ratings), "mixed": mixed,
            "outlet_groups": dict(groups)}


def trivial_notebook(path: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("1+1")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)
    return path


def run_papermill(src: Path, out: Path, params: dict[str, Any] | None,
                  timeout: float | None) -> dict[str, Any]:
    import papermill

    error = None
    with c.Peak(include_self=False) as peak:
        t0 = time.perf_counter()
        try:
            papermill.execute_notebook(str(src), str(out), parameters=params or {},
                                       cwd=str(src.parent), progress_bar=False,
                                       log_output=False, execution_timeout=timeout)
        except papermill.PapermillExecutionError as exc:
            error = (f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n"
                     + "\n".join(exc.traceback[-6:]))
        except Exception as exc:  # kernel died, timeout, bad parameters…
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "error": error, "kernel_peak_mib": peak.children_mib,
            "total_mib": peak.total_mib, "out": out,
            "out_mib": out.stat().st_size / c.MiB if out.exists() else None}


def slowest_cells(path: Path, k: int = 3) -> list[tuple[float, str]]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    cells = []
    for cell in nb.get("cells", []):
        d = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell.get("cell_type") == "code" and d is not None:
            src = "".join(cell.get("source", ""))
            first = next((ln for ln in src.splitlines() if ln.strip()
                          and not ln.lstrip().startswith("#")), src[:60])
            cells.append((float(d), first.strip()[:70]))
    return sorted(cells, reverse=True)[:k]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_corpus_arg(parser)
    parser.add_argument("--n", type=int, default=None,
                        help="only the first N records (default: the whole corpus)")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="annotation cache to use, e.g. the one kept by "
                             "annotate_memory.py --keep-cache (default: a fresh temporary "
                             "cache, so the warm-up annotates everything)")
    parser.add_argument("--jobs", type=int, default=2,
                        help="worker processes if the warm-up has to annotate "
                             "(default %(default)s)")
    parser.add_argument("--notebooks", nargs="*", type=Path, default=None,
                        help="notebooks to run (default: every notebooks/*.ipynb beside the "
                             "workbench package imported)")
    parser.add_argument("--output-dir", type=Path, default=None,
                        help="where the executed notebooks go (default: a temporary folder, "
                             "kept and printed)")
    parser.add_argument("--timeout", type=float, default=None,
                        help="per-cell timeout in seconds (default: none)")
    args = parser.parse_args()
    corpus = c.require_corpus(args.corpus)
    notebooks = sorted(args.notebooks or NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"error: no notebooks found in {NOTEBOOKS}")
    if args.cache_dir is not None and not args.cache_dir.is_dir():
        sys.exit(f"error: --cache-dir {args.cache_dir} does not exist (run "
                 f"benchmarks/annotate_memory.py --keep-cache {args.cache_dir} first, or leave "
                 "--cache-dir out to annotate here)")

    tmp = Path(tempfile.mkdtemp(prefix="wb-bench-notebooks-"))
    out_dir = args.output_dir or (tmp / "executed")
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = (args.cache_dir or tmp / "cache").expanduser().resolve()
    c.banner("notebooks benchmark", {"corpus": corpus, "records": args.n or "all",
                                     "cache": cache if args.cache_dir else f"{cache} (fresh)",
                                     "notebooks": ", ".join(p.name for p in notebooks),
                                     "executed notebooks": out_dir})
    failures: list[str] = []
    try:
        c.step("building the corpus folder and sources.csv (not timed)")
        folder = tmp / "corpus"
        built = build_corpus(corpus, folder, args.n)
        print(f"corpus folder {folder}: {built['records']:,} records, {built['outlets']} outlets "
              f"in sources.csv (outlets per group: {built['outlet_groups']})")
        if built["mixed"]:
            print("outlets rated differently across records (most frequent rating used): "
                  + "; ".join(f"{k} {v}" for k, v in built["mixed"].items()))

        c.step("filling the caches with open_corpus (separate process)")
        if args.cache_dir is None:
            print(f"note: no --cache-dir: the warm-up annotates every article with "
                  f"{args.jobs} workers (~{built['records'] / 7 / 60:.0f} min for "
                  f"{built['records']:,} articles here)", flush=True)
        warm = c.run_child(Path(__file__), {"corpus": str(folder), "cache": str(cache),
                                            "jobs": args.jobs})
        st = warm["stats"]
        print(f"open_corpus, first call: {warm['first_s']:.1f} s ({warm['articles']:,} articles; "
              f"annotated {st['annotated']:,}, from cache {st['from_cache']:,}; "
              f"{warm['rows']}); groups {warm['groups']}")
        print(f"open_corpus, warm: {warm['warm_s']:.1f} s (annotated "
              f"{warm['warm_stats']['annotated']}) — what each notebook pays for its tables")
        if args.cache_dir is not None and st["annotated"]:
            print(f"WARNING: {st['annotated']:,} articles were not in --cache-dir "
                  f"{args.cache_dir}; they were annotated during the warm-up")

        trivial = trivial_notebook(tmp / "trivial.ipynb")
        c.step("trivial papermill run (before)")
        triv = [run_papermill(trivial, out_dir / "trivial-before.ipynb", None, args.timeout)]
        results = {}
        for nb in notebooks:
            c.step(f"papermill {nb.name}")
            r = run_papermill(nb, out_dir / nb.name,
                              {"corpus": str(folder), "group_by": "group",
                               "cache_dir": str(cache)}, args.timeout)
            results[nb.name] = r
            status = "ok" if r["error"] is None else "FAILED"
            print(f"{nb.name}: {status} in {r['seconds']:.1f} s", flush=True)
            if r["error"]:
                failures.append(nb.name)
                print(f"  error in {nb.name}:\n    " + r["error"].replace("\n", "\n    "),
                      flush=True)
        c.step("trivial papermill run (after)")
        triv.append(run_papermill(trivial, out_dir / "trivial-after.ipynb", None, args.timeout))
        for t in triv:
            if t["error"]:
                failures.append("trivial notebook")
                print(f"trivial notebook failed: {t['error']}")
        t_triv = sum(t["seconds"] for t in triv) / len(triv)

        rows = [[f"trivial papermill (1+1), {w}", "ok" if t["error"] is None else "FAILED",
                 t["seconds"], t["seconds"] / t_triv, None, t["kernel_peak_mib"], t["out_mib"]]
                for w, t in zip(("before", "after"), triv)]
        for name, r in results.items():
            rows.append([name, "ok" if r["error"] is None else "FAILED", r["seconds"],
                         r["seconds"] / t_triv, r["seconds"] - t_triv - warm["warm_s"],
                         r["kernel_peak_mib"], r["out_mib"]])
        c.print_table(["notebook", "status", "seconds", "÷ trivial", "− trivial − open_corpus s",
                       "kernel peak MiB", "output MiB"], rows,
                      title=f"papermill runs on {warm['articles']:,} articles, group_by=\"group\" "
                            f"(trivial = mean of before/after: {t_triv:.1f} s; warm open_corpus "
                            f"{warm['warm_s']:.1f} s)")
        print("\nslowest cells (papermill's per-cell durations):")
        for name, r in results.items():
            for d, src in slowest_cells(r["out"]):
                print(f"  {name:<24} {d:7.1f} s  {src}")
        print(f"\nexecuted notebooks: {out_dir}")
        if failures:
            print(f"FAILED: {', '.join(failures)}")
        print(c.load_note())
    finally:
        shutil.rmtree(tmp / "corpus", ignore_errors=True)
        shutil.rmtree(tmp / "cache", ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    if (payload := c.child_payload()) is not None:
        child(payload)
    else:
        sys.exit(main())
