"""The notebooks and a whole ``workbench report`` on corpus stores of 10k, 100k and 1M articles:
time and peak kernel memory (issue 13's goal: kernel peak ≤ 2 GiB at 1M, flat from 10k).

    nice -n 10 .venv/bin/python benchmarks/store_report.py --stores /work/bench-stores \\
        --sizes 10000,100000,1000000

The stores are ``benchmarks/store_scale.py``'s (built by it, reused here; ``--build`` builds the
missing ones with its builder): ``store-base`` is the real, annotated AllSides 10k
(``workbench export`` tables + their stories), ``store-<N>-SYNTHETIC`` are N / 10k copies of it
(new ids, dates shifted by a day per copy). Every line about such a store says SYNTHETIC.

Measured, per store: every notebook run by papermill with ``corpus=<store>``,
``group_by="group"`` (the AllSides rating) — wall time, kernel start to finish, and the
kernel's peak RSS (``VmHWM`` of /proc/<kernel pid>/status, sampled while it runs; imports
included) — then one ``workbench report`` (``render_reports``: every notebook in parallel
kernels, HTML export, index): its wall time and the largest kernel peak. Notes the notebooks
showed about a sample of the texts (word keyness, lexicon, KWIC, quotes) are printed: they
are the approximation used at that size. Times are for a shared, noisy 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

NOTEBOOKS = c.workbench_root() / "notebooks"
NAMES = ("entity_frequency", "source_bias", "stories", "timeline")
GROUP_BY = "group"
_NOTE = re.compile(r"<div class='nb-note[^>]*>(.*?)</div>", re.S)


def store_path(root: Path, size: int) -> Path:
    """``store_scale.py``'s layout: the real 10k base, or the SYNTHETIC copies."""
    base = root / "store-base"
    if size == _rows(base):
        return base
    return root / f"store-{size}-SYNTHETIC"


def _rows(path: Path) -> int | None:
    try:
        return json.loads((path / "_store.json").read_text())["tables"]["articles"]["rows"]
    except (OSError, ValueError, KeyError):
        return None


def build(root: Path, tables: Path, sizes: list[int]) -> None:
    """The missing stores, by ``store_scale.py``'s builder (not a copy of it)."""
    import store_scale

    base = root / "store-base"
    if _rows(base) is None:
        print(f"building {base} from {tables}", flush=True)
        store_scale.build_base(tables, base)
    n_base = _rows(base) or 1
    for size in sizes:
        copies = max(1, round(size / n_base))
        dest = root / f"store-{size}-SYNTHETIC"
        if copies > 1 and _rows(dest) is None:
            print(f"building SYNTHETIC {dest} ({copies} copies)", flush=True)
            store_scale.build_synthetic(base, dest, copies)


def sample_notes(path: Path) -> list[str]:
    """The notes a rendered notebook showed about a sample of the texts."""
    import html

    if not path.exists():
        return []
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            text = "".join(o.get("data", {}).get("text/html", ""))
            found += [html.unescape(n) for n in _NOTE.findall(text) if "random sample" in n]
    return found


def run_notebook(name: str, store: Path, out: Path, timeout: float) -> dict[str, Any]:
    import papermill

    error = None
    dest = out / f"{name}.ipynb"
    with c.Peak(include_self=False) as peak:
        t0 = time.perf_counter()
        try:
            papermill.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(dest),
                                       parameters={"corpus": str(store), "group_by": GROUP_BY},
                                       cwd=str(NOTEBOOKS), progress_bar=False,
                                       log_output=False, execution_timeout=timeout)
        except papermill.PapermillExecutionError as exc:  # reported; the others go on
            error = f"cell {exc.exec_count}: {exc.ename}: {exc.evalue[:300]}"
        except Exception as exc:  # noqa: BLE001 - kernel died, timeout…
            error = f"{type(exc).__name__}: {str(exc)[-300:]}"
        seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 1), "kernel_peak_mib": round(peak.children_mib),
            "error": error, "slowest": _slowest(dest), "sample_notes": sample_notes(dest)}


def _slowest(path: Path, k: int = 3) -> list[str]:
    if not path.exists():
        return []
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [(c_.get("metadata", {}).get("papermill", {}).get("duration") or 0.0,
              "".join(c_["source"]).strip().splitlines()[0][:60])
             for c_ in nb["cells"] if c_["cell_type"] == "code" and c_["source"]]
    return [f"{s:.1f} s {src}" for s, src in sorted(cells, reverse=True)[:k]]


def _trivial_seconds() -> float:
    """One trivial papermill run (``notebooks.py``'s one-cell notebook): the same-run yardstick
    the notebooks' times are divided by, as ``notebooks.py`` does for the pandas path."""
    from notebooks import run_papermill, trivial_notebook

    with tempfile.TemporaryDirectory(prefix="store-report-trivial-") as tmp:
        nb = trivial_notebook(Path(tmp) / "trivial.ipynb")
        return float(run_papermill(nb, Path(tmp) / "out.ipynb", None, 120)["seconds"])


def run_report(store: Path, out: Path) -> dict[str, Any]:
    from workbench.report.run import render_reports

    with c.Peak(include_self=True) as peak:
        t0 = time.perf_counter()
        try:
            result = render_reports(store, out / "reports", parameters={"group_by": GROUP_BY})
            failed = [f"{r.name}: {(r.error or '')[-300:]}" for r in result.failed]
            each = [f"{r.name} {r.seconds} s {r.status}" for r in result.runs]
        except Exception as exc:  # noqa: BLE001
            failed, each = [f"{type(exc).__name__}: {exc}"], []
        seconds = time.perf_counter() - t0
    return {"seconds": round(seconds, 1), "kernel_peak_mib": round(peak.children_mib),
            "report_process_mib": round(peak.main_mib), "failed": failed, "each": each}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stores", type=Path, default=Path("/work/bench-stores"),
                    help="store_scale.py's --out folder")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--notebooks", default=",".join(NAMES))
    ap.add_argument("--no-report", action="store_true", help="skip the whole-report run")
    ap.add_argument("--build", action="store_true", help="build missing stores (store_scale)")
    ap.add_argument("--tables", type=Path, default=Path("/work/bench10k/tables"))
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--out", type=Path, default=None,
                    help="keep the executed notebooks and reports here (default: a temporary "
                         "folder, removed)")
    args = ap.parse_args()
    sizes = c.parse_sizes(args.sizes)
    c.banner("notebooks and workbench report on corpus stores", {"stores": args.stores})
    if args.build:
        build(args.stores, args.tables, sizes)
    rows, failures = [], 0
    trivial = _trivial_seconds()
    print(f"one trivial papermill run (a one-cell notebook): {trivial:.2f} s; "
          f"{c.load_note()}", flush=True)
    for size in sizes:
        store = store_path(args.stores, size)
        if _rows(store) is None:
            print(f"store {size:,}: not built ({store}); run store_scale.py or --build")
            continue
        tag = "SYNTHETIC " if "SYNTHETIC" in store.name else "real "
        with tempfile.TemporaryDirectory(prefix="store-report-") as scratch:
            tmp = args.out / f"{size}" if args.out else Path(scratch)
            tmp.mkdir(parents=True, exist_ok=True)
            for name in [n for n in args.notebooks.split(",") if n]:
                c.step(f"{tag}{size:,} {name}")
                r = run_notebook(name, store, Path(tmp), args.timeout)
                failures += bool(r["error"])
                failed = f"; FAILED {r['error']}" if r["error"] else ""
                print(f"{tag}store {size:,} {name}: {r['seconds']} s, kernel peak "
                      f"{r['kernel_peak_mib']:,} MiB{failed}; {c.load_note()}", flush=True)
                for line in r["slowest"]:
                    print(f"    {line}")
                for note in dict.fromkeys(r["sample_notes"]):
                    print(f"    approximation: {note}")
                rows.append([f"{tag}{size:,}", name, r["seconds"],
                             round(r["seconds"] / trivial, 1), r["kernel_peak_mib"],
                             "FAILED" if r["error"] else "ok"])
            if not args.no_report:
                c.step(f"{tag}{size:,} workbench report")
                r = run_report(store, Path(tmp))
                failures += bool(r["failed"])
                print(f"{tag}store {size:,} workbench report: {r['seconds']} s, largest kernel "
                      f"peak {r['kernel_peak_mib']:,} MiB, report process "
                      f"{r['report_process_mib']:,} MiB, failed {r['failed'] or 'none'}; "
                      f"{c.load_note()}", flush=True)
                print(f"    notebooks in the report (in parallel): {'; '.join(r['each'])}")
                rows.append([f"{tag}{size:,}", "workbench report", r["seconds"],
                             round(r["seconds"] / trivial, 1), r["kernel_peak_mib"],
                             "FAILED" if r["failed"] else "ok"])
    trivial = (trivial + _trivial_seconds()) / 2  # before and after: the machine drifts
    print(f"trivial papermill run, mean of before and after: {trivial:.2f} s")
    c.print_table(["store", "notebook", "seconds", "÷ trivial (before)", "kernel peak MiB",
                   "status"], rows,
                  title="notebooks on corpus stores (group_by=group)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
