"""`workbench report` always finishes: a dead kernel, Ctrl-C and a killed run, for real.

Each test runs the real command in a child process with a notebook that announces its kernel's
pid and then waits, so the fault lands while a notebook is executing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
pytestmark = [pytest.mark.slow, pytest.mark.model]


def _sleeper(folder: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell('corpus = ""\ncache_dir = ""\nmodel = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Waits"), params, nbformat.v4.new_code_cell(
        "import os, time\n"
        "open(os.environ['WB_TEST_PIDFILE'], 'w').write(str(os.getpid()))\n"
        "time.sleep(300)")]
    nbformat.write(nb, folder / "waits.ipynb")


@pytest.fixture
def notebook_dir(tmp_path: Path) -> Path:
    """The real timeline notebook beside one that waits."""
    from workbench import resources

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(resources.path("notebooks") / "timeline.ipynb", folder)
    _sleeper(folder)
    return folder


def _start(tmp_path: Path, notebook_dir: Path, out: Path, trained_model: str,
           cache: Path) -> tuple[subprocess.Popen, Path]:
    pidfile = tmp_path / f"kernel-{time.monotonic_ns()}.pid"
    env = {**os.environ, "WB_TEST_PIDFILE": str(pidfile)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "report", "--corpus", str(SAMPLE), "--out", str(out),
         "--notebook-dir", str(notebook_dir), "--model", trained_model, "--cache-dir",
         str(cache)], env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True)
    return proc, pidfile


def _wait_for(pidfile: Path, proc: subprocess.Popen, timeout: float = 240) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pidfile.exists() and pidfile.read_text().strip():
            return int(pidfile.read_text())
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.2)
    proc.kill()
    raise AssertionError("the waiting notebook never started")


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a zombie child of an exited process is gone for our purposes
            if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.2)
    return False


def test_dead_kernel_fails_that_notebook_and_the_others_render(tmp_path, notebook_dir,
                                                               trained_model):
    out = tmp_path / "out"
    proc, pidfile = _start(tmp_path, notebook_dir, out, trained_model, tmp_path / "cache")
    os.kill(_wait_for(pidfile, proc), signal.SIGKILL)
    killed = time.monotonic()
    try:
        output, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("report still running 30 s after its kernel died") from None
    assert time.monotonic() - killed < 30
    assert proc.returncode != 0, output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"timeline": "ok", "waits": "failed"}, output
    assert "DeadKernel" in next(n["error"] for n in manifest["notebooks"]
                                if n["name"] == "waits")
    assert (out / "timeline.html").stat().st_size > 10_000
    assert (out / "waits.html").exists()  # the failed one still gets its page


def test_ctrl_c_stops_everything_within_seconds(tmp_path, notebook_dir, trained_model):
    proc, pidfile = _start(tmp_path, notebook_dir, tmp_path / "out", trained_model,
                           tmp_path / "cache")
    kernel = _wait_for(pidfile, proc)
    proc.send_signal(signal.SIGINT)
    try:
        proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("report still running 10 s after Ctrl-C") from None
    assert proc.returncode != 0
    assert _gone(kernel, within=5), "the notebook's kernel outlived the report"
    assert not list((tmp_path / "out").glob(".staging-*"))  # nothing half-written left


def test_killed_report_leaves_the_previous_run_whole(tmp_path, notebook_dir, trained_model):
    from workbench.report.staging import staging_folder

    out, cache = tmp_path / "out", tmp_path / "cache"
    only_timeline = tmp_path / "one"
    only_timeline.mkdir()
    shutil.copy(notebook_dir / "timeline.ipynb", only_timeline)
    done = subprocess.run(
        [sys.executable, "-m", "workbench", "report", "--corpus", str(SAMPLE), "--out", str(out),
         "--notebook-dir", str(only_timeline), "--model", trained_model, "--cache-dir",
         str(cache)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    proc, pidfile = _start(tmp_path, notebook_dir, out, trained_model, cache)
    kernel = _wait_for(pidfile, proc)
    time.sleep(1)  # the timeline notebook is being written by now, or done
    proc.kill()
    proc.wait()
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # index, manifest and pages all still the first run's
    assert _gone(kernel, within=15), "the kernel outlived its killed report"
    staged = list(out.glob(".staging-*"))
    assert staged  # the killed run's files, hidden, never mixed in
    staging_folder(out)  # the next run clears what a dead run left
    assert not any(p.exists() for p in staged)
