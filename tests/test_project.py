"""The project's promises about itself: two README commands, CI running the same test command,
environment.yml agreeing with pyproject.toml, the sample corpus unchanged, no model weights."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]

# pip name → conda-forge name, where they differ.
CONDA_NAMES = {"bleach[css]": "bleach-with-css", "dask[distributed]": "dask",
               "duckdb": "python-duckdb"}
CONDA_ONLY = {"python", "pip", "spacy-model-en_core_web_sm"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.match(r"```\w*\n(.*?)\n```", text, re.S)
    assert m, "README.md must open with a code block"
    return [line for line in m.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands():
    setup, tests = readme_commands()  # exactly two lines
    assert setup.startswith("python3 ") and "bootstrap.py" in setup
    bootstrap = (ROOT / "scripts" / "bootstrap.py").read_text(encoding="utf-8")
    assert "EnvBuilder" in bootstrap and '"report"' in bootstrap  # venv, install, main job
    assert tests.startswith(".venv/") and "pytest" in tests


def test_ci_runs_the_readme_test_command():
    _, tests = readme_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in [line.strip() for line in ci]
    assert any("bootstrap.py" in line for line in ci)
    assert any("chromium" in line for line in ci) and any("WORKBENCH_CI=1" in line for line in ci)


def test_environment_yml_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pip_deps = {}
    for dep in project["project"]["dependencies"]:
        req = Requirement(dep)
        name = f"{req.name}[{','.join(sorted(req.extras))}]" if req.extras else req.name
        pip_deps[_norm(CONDA_NAMES.get(name, name))] = str(req.specifier)
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda_deps = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):  # the pip: section
            for item in dep["pip"]:
                req = Requirement(item)
                conda_deps[_norm(req.name)] = str(req.specifier)
            continue
        name, spec = re.match(r"([\w.-]+)\s*(.*)", dep).groups()
        if name in CONDA_ONLY:
            continue
        conda_deps[_norm(name)] = str(Requirement(f"x{spec.replace(' ', '')}").specifier)
    assert conda_deps == pip_deps
    for package in ("jupyterlab", "pandas", "altair", "spacy", "papermill"):
        assert package in pip_deps
    assert any(str(d).startswith("spacy-model-en_core_web_sm") for d in env["dependencies"])


def test_sample_corpus_is_the_seed_corpus_unchanged():
    seed = ROOT.parent / "shared" / "seed-corpus"
    if not seed.exists():
        pytest.skip("../shared is not beside the checkout")
    for original in sorted(seed.glob("*.txt")):
        assert (ROOT / "data" / "sample" / original.name).read_bytes() == original.read_bytes()
    assert len(list((ROOT / "data" / "sample").glob("*.txt"))) == 5
    meta = (ROOT / "data" / "sample" / "metadata.csv").read_text(encoding="utf-8")
    assert "https://en.iz.ru/en/node/1989905" in meta and "Moldova 1" in meta


def test_no_model_weights_or_wheels_committed():
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert not [f for f in files if f.endswith((".whl", ".bin", ".safetensors", ".spacy"))]
    big = [f for f in files if (ROOT / f).exists() and (ROOT / f).stat().st_size > 2_000_000]
    assert big == []
    # Rendered reports are outputs, never sources.
    assert [f for f in files if f.endswith(".html")] == []


def test_cli_help_for_every_command():
    for command in ([], ["corpus"], ["annotate"], ["entities"], ["report"], ["tables"],
                    ["init"]):
        result = subprocess.run([sys.executable, "-m", "workbench",
                                 *command, "--help"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "usage: workbench" in result.stdout


def test_no_module_grows_too_large():
    sizes = {p.relative_to(ROOT): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "workbench").rglob("*.py")}
    # One concern per module: past 450 lines a module is split by concern.
    assert max(sizes.values()) <= 450, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]


def test_every_result_metadata_key_is_documented():
    """Keys analyses set in ``df.attrs`` are a contract too: each is in tables.RESULT_ATTRS."""
    from workbench.tables import RESULT_ATTRS

    set_keys: dict[str, str] = {}
    pattern = re.compile(r"\.attrs\[\"(\w+)\"\]\s*=|\.attrs\.update\(((?:\w+=[^,()]+,?\s*)+)\)")
    for path in [*(ROOT / "workbench" / "analyze").glob("*.py"),
                 ROOT / "workbench" / "corpus" / "load.py"]:
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            keys = [match.group(1)] if match.group(1) else re.findall(r"(\w+)=", match.group(2))
            for key in keys:
                set_keys.setdefault(key, path.name)
    assert {"by", "notes", "freq", "group_totals", "problems"} <= set(set_keys)  # found them
    undocumented = {k: v for k, v in set_keys.items() if k not in RESULT_ATTRS}
    assert undocumented == {}, "document these in workbench/tables.py RESULT_ATTRS"


def test_cli_init_refuses_to_overwrite(tmp_path):
    from workbench.cli import main

    assert main(["init", str(tmp_path / "p")]) == 0
    kb = tmp_path / "p" / "data" / "kb" / "entities.yaml"
    kb.write_text("# edited\n" + kb.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["init", str(tmp_path / "p")]) == 1
    assert kb.read_text(encoding="utf-8").startswith("# edited\n")
    config = yaml.safe_load((tmp_path / "p" / "report.yml").read_text(encoding="utf-8"))
    assert config["kb"] == "data/kb/entities.yaml" and config["notebook_dir"] == "notebooks"


def test_readme_layout_table_covers_every_folder_and_top_level_module():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = "\n".join(line for line in text.splitlines() if line.startswith("| `"))
    named = set(re.findall(r"`([^`]+)`", table))
    expected = {f"workbench/{p.name}/" for p in (ROOT / "workbench").iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.name for p in (ROOT / "workbench").glob("*.py")}
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    expected |= {f"{f.split('/')[0]}/" for f in tracked if "/" in f and not f.startswith(
        ("workbench/", "data/", "."))}
    expected |= {"/".join(f.split("/")[:2]) + "/" for f in tracked if f.startswith("data/")}
    # A folder is covered by its own row or by a row naming a file in it.
    missing = sorted(e for e in expected if not any(n.startswith(e) for n in named))
    # A module may be named by its path or, in a row that starts with one, by its file name.
    missing += sorted(m for m in modules if f"workbench/{m}" not in named and m not in named)
    assert missing == [], "add them to README.md's layout table"


def test_a_project_folder_supplies_the_default_knowledge_base(tmp_path, monkeypatch):
    from workbench.annotate.kb import KBError, default_kb_path
    from workbench.project import init_project
    from workbench.resources import path as resource_path

    monkeypatch.delenv("WORKBENCH_KB", raising=False)
    monkeypatch.chdir(tmp_path)
    assert default_kb_path() == resource_path("kb") / "entities.yaml"  # no project: shipped KB
    init_project(tmp_path / "study")
    kb = (tmp_path / "study" / "data" / "kb" / "entities.yaml").resolve()
    monkeypatch.chdir(tmp_path / "study" / "notebooks")  # where JupyterLab runs a notebook
    assert default_kb_path() == kb
    monkeypatch.setenv("WORKBENCH_KB", str(resource_path("kb") / "entities.yaml"))
    assert default_kb_path() == resource_path("kb") / "entities.yaml"  # the variable wins
    monkeypatch.delenv("WORKBENCH_KB")
    (tmp_path / "study" / "report.yml").write_text("kb: [unclosed\n", encoding="utf-8")
    with pytest.raises(KBError, match="report.yml: cannot read the project settings: line 2 "
                       "not valid YAML") as e:
        default_kb_path()
    assert "\n" not in str(e.value)


def test_every_input_error_is_a_workbench_error():
    """One hierarchy: error classes are defined in workbench/errors.py (and re-exported where
    they are raised), so the command line catches WorkbenchError and nothing is listed by hand."""
    import ast

    elsewhere = {}
    for path in (ROOT / "workbench").rglob("*.py"):
        if path.name == "errors.py" and path.parent.name == "workbench":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error"):
                elsewhere[node.name] = str(path.relative_to(ROOT))
    # A YAML bomb is a yaml.YAMLError to the YAML loaders that raise and catch it.
    assert {k: v for k, v in elsewhere.items() if k != "YAMLBombError"} == {}

    from workbench import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.WorkbenchError)
