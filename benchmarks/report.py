"""How long `workbench report` takes on the sample corpus, against the bare tools.

Measures, in one run and each as a fresh process (so interpreter and import costs count on
both sides):

- baseline: one trivial notebook (`1 + 1`) executed by papermill and exported to HTML with
  nbconvert's standard HTML exporter — the least any notebook report can cost;
- warm: `workbench report` on the sample corpus with the annotation cache already filled
  (the everyday case: re-rendering after a change of parameters);
- cold: the same with an empty cache (loading and annotating with spaCy included).

Prints each as the median of ``--repeat`` runs and the ratio warm ÷ baseline (goal ≤ 1.5).
The machine is noisy: compare ratios, not absolute seconds.

    .venv/bin/python benchmarks/report.py [--repeat 3] [--corpus data/sample]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

BASELINE = """
import nbformat, papermill, sys
from nbconvert import HTMLExporter
nb = nbformat.v4.new_notebook()
nb.cells = [nbformat.v4.new_code_cell("1 + 1")]
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
nbformat.write(nb, sys.argv[1] + "/in.ipynb")
papermill.execute_notebook(sys.argv[1] + "/in.ipynb", sys.argv[1] + "/out.ipynb",
                           kernel_name="python3", progress_bar=False)
html, _ = HTMLExporter().from_filename(sys.argv[1] + "/out.ipynb")
open(sys.argv[1] + "/out.html", "w").write(html)
"""


def timed(cmd: list[str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{result.stderr[-2000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=str(ROOT / "data" / "sample"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    report = [str(BIN / "workbench"), "report", "--corpus", args.corpus]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = tmp / "cache"
        baseline, warm, cold = [], [], []
        for i in range(args.repeat):
            work = tmp / f"baseline{i}"
            work.mkdir()
            baseline.append(timed([sys.executable, "-c", BASELINE, str(work)]))
            fresh = tmp / f"cold-cache{i}"
            cold.append(timed([*report, "--out", str(tmp / f"cold{i}"),
                               "--cache-dir", str(fresh)]))
            if i == 0:  # fill the shared cache once before the warm runs
                timed([*report, "--out", str(tmp / "fill"), "--cache-dir", str(cache)])
            warm.append(timed([*report, "--out", str(tmp / f"warm{i}"),
                               "--cache-dir", str(cache)]))
    b, w, c = (statistics.median(x) for x in (baseline, warm, cold))
    print(f"{'run':<44} {'median s':>9}  all runs")
    print(f"{'baseline: papermill 1+1 + HTML export':<44} {b:9.2f}  {_fmt(baseline)}")
    print(f"{'workbench report, warm cache (3 notebooks)':<44} {w:9.2f}  {_fmt(warm)}")
    print(f"{'workbench report, cold cache':<44} {c:9.2f}  {_fmt(cold)}")
    print(f"\nwarm ÷ baseline = {w / b:.2f}  (goal ≤ 1.5)")
    print(f"cold ÷ warm     = {c / w:.2f}")
    return 0


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
