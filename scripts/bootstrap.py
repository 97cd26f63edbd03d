#!/usr/bin/env python3
"""Set up the workbench on a fresh machine and run the main job on the sample corpus.

    python3 scripts/bootstrap.py            # .venv + install + spaCy pipeline + reports/
    python3 scripts/bootstrap.py --no-run   # set up only (CI)

Steps: create `.venv` (Python 3.11+, no conda needed), install the package with its test
extras, make sure an English spaCy pipeline is installed, then render the reports for
`data/sample` into `reports/`. Only the standard library is used here, since nothing else is
installed yet.

The spaCy pipeline: an already-installed English pipeline is kept; otherwise wheels in
`$WORKBENCH_MODEL_WHEELS` or `../shared/models/` (the offline pipeline tests use) are installed;
otherwise `python -m spacy download en_core_web_sm` is tried. When all fail (no network), the
workbench still runs with its rules-only fallback and says so in every output.
"""

from __future__ import annotations

import argparse
import glob
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PY = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-run", action="store_true", help="set up only; skip the reports")
    args = parser.parse_args()
    if sys.version_info < (3, 11):  # noqa: UP036 - runs under any python3, to say which
        sys.exit(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
    if not PY.exists():
        step(f"creating {VENV.relative_to(ROOT)}")
        venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
    step("installing the workbench and its dependencies")
    pip("install", "--quiet", "--disable-pip-version-check", "-e", f"{ROOT}[test]")
    ensure_pipeline()
    if args.no_run:
        return 0
    step("rendering the reports for the sample corpus")
    cmd = [str(VENV / "bin" / "workbench"), "report", "--corpus", "data/sample", "--out", "reports"]
    code = subprocess.call(cmd, cwd=ROOT)
    if code == 0:
        print(f"\nOpen {ROOT / 'reports' / 'index.html'} in a browser.")
    return code


def ensure_pipeline() -> None:
    found = run_py("import spacy.util as u, json; print(json.dumps(sorted("
                   "m for m in u.get_installed_models() if m.startswith('en_'))))")
    if found.strip() not in ("", "[]"):
        step(f"spaCy pipeline already installed: {found.strip()}")
        return
    wheel_dir = os.environ.get("WORKBENCH_MODEL_WHEELS") or str(ROOT.parent / "shared" / "models")
    wheels = sorted(glob.glob(os.path.join(wheel_dir, "*.whl")))
    if wheels:
        step(f"installing the spaCy pipeline from {wheel_dir}")
        pip("install", "--quiet", "--disable-pip-version-check", *wheels)
        return
    step("downloading en_core_web_sm")
    result = subprocess.run([str(PY), "-m", "spacy", "download", "en_core_web_sm"],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        print("  could not download en_core_web_sm (no network?). The workbench will use its "
              "rules-only fallback and label every output as such.\n  To install a pipeline "
              "later: .venv/bin/python -m spacy download en_core_web_sm, or pip install a "
              "pipeline wheel, or set WORKBENCH_MODEL_WHEELS to a folder of wheels and rerun.")


def pip(*args: str) -> None:
    subprocess.run([str(PY), "-m", "pip", *args], check=True)


def run_py(code: str) -> str:
    return subprocess.run([str(PY), "-c", code], capture_output=True, text=True).stdout


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
