"""Installed as a new user installs it: a wheel (not editable) in a fresh virtual environment,
run from a folder that has nothing to do with the repository.

Installing every dependency anew from the registry would take minutes, so the fresh venv sees
this project's site-packages through a ``.pth`` path line (and its Jupyter data files through
``$JUPYTER_PATH``). Such a line only extends sys.path:
the ``.pth`` files in that folder (among them the editable install's hook) are not processed,
so ``import workbench`` finds the wheel's copy or nothing — checked below.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [pytest.mark.slow, pytest.mark.model]


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: int = 600
         ) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, object]:
    """A fresh venv with the workbench installed from a freshly built wheel."""
    try:
        import hatchling  # noqa: F401 - the build backend, from the test extras
    except ImportError:
        if os.environ.get("WORKBENCH_CI") == "1":
            pytest.fail("hatchling (test extras) is not installed")
        pytest.skip("the test extras (hatchling) are not installed")
    tmp = tmp_path_factory.mktemp("install")
    env = {k: v for k, v in os.environ.items()
           if k not in ("WORKBENCH_KB", "PYTHONPATH", "VIRTUAL_ENV")}
    # The dependencies' data files (nbconvert's base templates, the kernel spec), which a real
    # install would put in the fresh venv's share/jupyter, are this project's.
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    # No build isolation: the build backend comes from the test extras, not the registry.
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
          "--wheel-dir", str(tmp / "dist"), str(ROOT)], cwd=tmp, env=env)
    wheels = list((tmp / "dist").glob("workbench-*.whl"))
    assert len(wheels) == 1

    fresh = tmp / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    python = fresh / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()"
                      "['purelib'])"], cwd=tmp, env=env).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "project_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
          str(wheels[0])], cwd=tmp, env=env)
    elsewhere = tmp / "elsewhere"  # an unrelated working folder
    elsewhere.mkdir()
    return {"python": python, "workbench": fresh / "bin" / "workbench", "site": site,
            "env": env, "cwd": elsewhere, "wheel": wheels[0]}


def test_the_wheel_carries_the_notebooks_kb_and_sample(installed):
    import zipfile

    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"workbench/_data/notebooks/{notebook.name}" in names
    assert "workbench/_data/kb/entities.yaml" in names
    assert "workbench/_data/sample/metadata.csv" in names
    assert "workbench/report/templates/offline/index.html.j2" in names
    for lexicon in (ROOT / "data" / "lexicons").glob("*.yaml"):
        assert f"workbench/_data/lexicons/{lexicon.name}" in names


def test_the_fresh_venv_imports_the_wheel_not_the_repository(installed):
    out = _run([str(installed["python"]), "-c",
                "import json, workbench, workbench.resources as r; print(json.dumps("
                "[workbench.__file__, *(str(r.path(n)) for n in r.NAMES)]))"],
               cwd=installed["cwd"], env=installed["env"]).stdout
    paths = [Path(p) for p in json.loads(out)]
    for path in paths:
        assert path.is_relative_to(installed["site"]), path
        assert not path.is_relative_to(ROOT), path


def test_sample_reports_render_from_an_unrelated_folder(installed, trained_model):
    cwd = installed["cwd"]
    out = _run([str(installed["workbench"]), "report", "--out", "reports", "--model",
                trained_model, "--cache-dir", str(cwd / "cache")], cwd=cwd,
               env=installed["env"]).stdout
    reports = cwd / "reports"
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * 4, out  # all shipped
    assert {n["name"] for n in manifest["notebooks"]} == {
        p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    # No corpus given: the sample shipped in the wheel.
    assert Path(manifest["corpus"]["path"]).is_relative_to(installed["site"])
    assert manifest["corpus"]["articles"] == 5
    for run in manifest["notebooks"]:
        html = (reports / run["html"]).read_text(encoding="utf-8")
        assert html.count("window.vegaEmbed=") == 1, run["name"]


def test_init_then_report_with_an_edited_kb(installed, trained_model):
    env, cwd = installed["env"], installed["cwd"]
    _run([str(installed["workbench"]), "init", "project"], cwd=cwd, env=env)
    project = cwd / "project"
    kb = project / "data" / "kb" / "entities.yaml"
    assert (project / "report.yml").is_file() and kb.is_file()
    assert sorted(p.name for p in (project / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    # A second init never overwrites the researcher's files.
    again = subprocess.run([str(installed["workbench"]), "init", "project"], cwd=cwd, env=env,
                           capture_output=True, text=True)
    assert again.returncode == 1 and "already holds" in again.stderr

    # The researcher renames an entity in their copy of the KB and retitles a notebook.
    text = kb.read_text(encoding="utf-8")
    assert text.count("    name: Kyiv\n") == 1
    kb.write_text(text.replace("    name: Kyiv\n", "    name: Kyiv City Edited\n"),
                  encoding="utf-8")
    import nbformat

    notebook = project / "notebooks" / "entity_frequency.ipynb"
    nb = nbformat.read(str(notebook), as_version=4)
    nb.metadata["title"] = "Entity frequency, project copy"
    nbformat.write(nb, str(notebook))

    # Run from inside the project: report.yml is found, and names its notebooks and KB.
    _run([str(installed["workbench"]), "report", "--notebooks", "entity_frequency",
          "--model", trained_model, "--cache-dir", str(cwd / "cache")], cwd=project / "data",
         env=env)
    reports = project / "reports"
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"], manifest["notebooks"]
    assert manifest["notebooks"][0]["title"] == "Entity frequency, project copy"
    assert Path(manifest["corpus"]["path"]) == (project / "data" / "sample").resolve()
    assert Path(manifest["knowledge_base"]["path"]) == kb.resolve()
    page = (reports / "entity_frequency.html").read_text(encoding="utf-8")
    assert "Kyiv City Edited" in page  # the notebooks' kernels linked against the edited KB
    # The command line's annotate, run in the project, uses the project's KB too.
    out = _run([str(installed["workbench"]), "entities", "data/sample", "--model",
                trained_model, "--cache-dir", str(cwd / "cache"), "--type", "place"],
               cwd=project, env=env).stdout
    assert "Kyiv City Edited" in out
