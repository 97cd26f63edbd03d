"""Annotation on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, started here; real AllSides articles; the local path as the reference."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from workbench.annotate import distributed
from workbench.annotate.run import annotate

from conftest import SHARED

pytestmark = [pytest.mark.slow, pytest.mark.model]
DASK = str(Path(sys.executable).with_name("dask"))
N_ARTICLES = 60


def _start(args: list[str], log: Path) -> subprocess.Popen:
    # Own process group: the worker's nanny and its child go down together.
    return subprocess.Popen([DASK, *args], stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """(scheduler address, {name: worker process}) — torn down after the module."""
    pytest.importorskip("distributed")
    folder = tmp_path_factory.mktemp("dask")
    sched_file = folder / "scheduler.json"
    procs = {"scheduler": _start(["scheduler", "--host", "127.0.0.1", "--port", "0",
                                  "--dashboard-address", "127.0.0.1:0", "--scheduler-file",
                                  str(sched_file)], folder / "scheduler.log")}
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        address = json.loads(sched_file.read_text())["address"]
        for name in ("w1", "w2"):
            procs[name] = _start(["worker", "--scheduler-file", str(sched_file), "--name", name,
                                  "--nthreads", "1", "--nworkers", "1", "--no-dashboard",
                                  "--memory-limit", "3GB"], folder / f"{name}.log")
        from distributed import Client

        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address, procs
    finally:
        for proc in procs.values():
            _stop(proc)


@pytest.fixture(scope="module")
def articles(tmp_path_factory):
    from workbench.corpus.load import load_corpus

    folder = tmp_path_factory.mktemp("allsides")
    with gzip.open(SHARED / "corpora" / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(N_ARTICLES)]
    (folder / "d.jsonl").write_text("".join(lines), encoding="utf-8")
    return load_corpus(folder)


@pytest.fixture(scope="module")
def local(articles, trained_model, tmp_path_factory):
    return annotate(articles, model=trained_model, cache_dir=tmp_path_factory.mktemp("local"),
                    progress=False)


@pytest.fixture(autouse=True)
def small_partitions(monkeypatch):
    monkeypatch.setattr(distributed, "PARTITION_ARTICLES", 8)  # several tasks per run


def _same_tables(a, b) -> None:
    for name in ("mentions", "quotes", "dates"):
        x = getattr(a, name).reset_index(drop=True)
        y = getattr(b, name).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, obj=name)


def _stored_keys(cache: Path) -> pd.Series:
    return pd.concat([pd.read_parquet(p / "keys.parquet")["key"]
                      for p in (cache / "annotations").glob("*/part-*")], ignore_index=True)


def test_cluster_tables_equal_the_local_ones(cluster, articles, local, trained_model, tmp_path,
                                            capsys):
    address, _ = cluster
    remote = annotate(articles, model=trained_model, cache_dir=tmp_path, scheduler=address,
                      progress=False)
    assert remote.stats["annotated"] == N_ARTICLES
    _same_tables(remote, local)
    keys = _stored_keys(tmp_path)
    assert keys.is_unique and len(keys) == N_ARTICLES
    assert "dashboard:" in capsys.readouterr().err


def test_a_resumed_run_annotates_only_what_is_missing(cluster, articles, local, trained_model,
                                                      tmp_path):
    address, _ = cluster
    annotate(articles.head(25), model=trained_model, cache_dir=tmp_path, scheduler=address,
             progress=False)
    again = annotate(articles, model=trained_model, cache_dir=tmp_path, scheduler=address,
                     progress=False)
    assert again.stats["annotated"] == N_ARTICLES - 25
    _same_tables(again, local)


def test_a_killed_worker_costs_nothing(cluster, articles, local, trained_model, tmp_path):
    address, procs = cluster
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["ann"] = annotate(articles, model=trained_model, cache_dir=tmp_path,
                                   scheduler=address, progress=False)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            done["error"] = exc

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 240
    while not list((tmp_path / "annotations").glob("*/part-*")):
        assert time.monotonic() < deadline and thread.is_alive(), done
        time.sleep(0.2)
    _stop(procs["w1"])  # mid-run: its running task is retried on the other worker
    thread.join(timeout=600)
    assert not thread.is_alive() and "error" not in done, done
    _same_tables(done["ann"], local)
    keys = _stored_keys(tmp_path)
    assert keys.is_unique and len(keys) == N_ARTICLES  # each article once, no partial part
