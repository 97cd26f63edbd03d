"""The annotation cache follows the rules' source: editing a rule module is a new fingerprint
(cached annotations are redone) without anyone remembering to bump a number."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _fingerprint(package_parent: Path) -> str:
    code = ("import workbench.annotate.pipeline as p; assert p.__file__.startswith("
            f"{str(package_parent)!r}); print(p.rules_fingerprint())")
    result = subprocess.run([sys.executable, "-c", code], cwd=package_parent,
                            env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_editing_a_rule_module_changes_the_fingerprint(tmp_path):
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench",
                    ignore=shutil.ignore_patterns("__pycache__"))
    base = _fingerprint(tmp_path)
    assert base == _fingerprint(tmp_path)  # stable

    def edited(name: str) -> str:
        path = tmp_path / "workbench" / name
        original = path.read_text(encoding="utf-8")
        path.write_text(original + "\n# a rule changed\n", encoding="utf-8")
        try:
            return _fingerprint(tmp_path)
        finally:
            path.write_text(original, encoding="utf-8")

    for rule in ("annotate/quotes.py", "annotate/mentions.py", "dates.py", "tables.py"):
        assert edited(rule) != base, rule
    # Modules that cannot change what annotation produces keep the cache.
    for other in ("report/run.py", "analyze/frequency.py", "annotate/errors.py",
                  "annotate/surnames.py"):
        assert edited(other) == base, other
    assert _fingerprint(tmp_path) == base
