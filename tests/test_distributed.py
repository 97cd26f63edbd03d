"""Annotation on a real Dask cluster: a `dask scheduler` and two `dask worker` processes on
127.0.0.1, started here; real AllSides articles; the local path as the reference."""

from __future__ import annotations

import json
import os
import shutil
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

from conftest import write_rated_allsides

pytestmark = [pytest.mark.slow, pytest.mark.model]
DASK = str(Path(sys.executable).with_name("dask"))
N_ARTICLES = 200  # the store tests' articles: one local annotation for all
N_KILLED = 40  # articles of the run that loses a worker (5 tasks)


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
def local(trained_model, cache_root, tmp_path_factory):
    """The reference: the 200 rated AllSides articles of the store tests, annotated locally
    (through the session's cache, so annotated once for all of them)."""
    import workbench as wb

    folder = write_rated_allsides(tmp_path_factory.mktemp("allsides-dask"), N_ARTICLES)
    return wb.open_corpus(folder, model=trained_model, cache_dir=cache_root, progress=False)


@pytest.fixture(scope="module")
def articles(local):
    return local.articles


@pytest.fixture(scope="module")
def remote(cluster, articles, trained_model, tmp_path_factory, small_partitions):
    """(annotations, cache folder, stderr) of the articles annotated on the cluster."""
    import contextlib
    import io

    cache = tmp_path_factory.mktemp("remote")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        ann = annotate(articles, model=trained_model, cache_dir=cache, scheduler=cluster[0],
                       progress=False)
    return ann, cache, err.getvalue()


@pytest.fixture(scope="module", autouse=True)
def small_partitions():
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(distributed, "PARTITION_ARTICLES", 8)  # several tasks per run
        yield


def _same_tables(a, b) -> None:
    for name in ("mentions", "quotes", "dates"):
        x = getattr(a, name).reset_index(drop=True)
        y = getattr(b, name).reset_index(drop=True)
        pd.testing.assert_frame_equal(x, y, obj=name)


def _stored_keys(cache: Path) -> pd.Series:
    return pd.concat([pd.read_parquet(p / "keys.parquet")["key"]
                      for p in (cache / "annotations").glob("*/part-*")], ignore_index=True)


def test_cluster_tables_equal_the_local_ones(remote, local):
    ann, cache, err = remote
    assert ann.stats["annotated"] == N_ARTICLES
    _same_tables(ann, local)
    keys = _stored_keys(cache)
    assert keys.is_unique and len(keys) == N_ARTICLES
    assert "dashboard:" in err


def test_a_resumed_run_annotates_only_what_is_missing(cluster, remote, articles, local,
                                                      trained_model, tmp_path):
    _, cache, _ = remote
    shutil.copytree(cache, tmp_path, dirs_exist_ok=True)
    parts = sorted((tmp_path / "annotations").glob("*/part-*"))
    lost = parts[: len(parts) // 5]  # as if the run had stopped before writing these
    n_lost = sum(len(pd.read_parquet(p / "keys.parquet")) for p in lost)
    for part in lost:
        shutil.rmtree(part)
    again = annotate(articles, model=trained_model, cache_dir=tmp_path, scheduler=cluster[0],
                     progress=False)
    assert 0 < n_lost < N_ARTICLES and again.stats["annotated"] == n_lost
    _same_tables(again, local)
    assert _stored_keys(tmp_path).is_unique


def test_a_retried_task_writes_no_second_part(remote, articles, trained_model):
    """A task run again after it finished (its worker died before reporting back) finds its
    part by name and writes nothing."""
    from workbench import tables as contract
    from workbench.annotate.kb import load_kb
    from workbench.annotate.run import article_jobs

    ann, cache, _ = remote
    fingerprint = ann.pipeline.fingerprint
    parts = sorted((cache / "annotations" / fingerprint).glob("part-t-*"))
    assert len(parts) == -(-N_ARTICLES // distributed.PARTITION_ARTICLES)  # one per task
    keys = set(pd.read_parquet(parts[0] / "keys.parquet")["key"])
    _, jobs, _ = article_jobs(contract.conform(articles, "articles"))
    task = [job for key, job in jobs.items() if key in keys]
    assert distributed.part_name(task, fingerprint) == parts[0].name.removeprefix("part-")
    assert distributed.annotate_partition(task, trained_model, load_kb(None), str(cache),
                                          fingerprint) == 0
    assert sorted((cache / "annotations" / fingerprint).glob("part-t-*")) == parts


def test_a_killed_worker_costs_nothing(cluster, articles, trained_model, cache_root,
                                      tmp_path):
    address, procs = cluster
    subset = articles.head(N_KILLED)
    # The reference for these articles alone (the corpus-wide surname links follow the
    # corpus), from the session's cache.
    local = annotate(subset, model=trained_model, cache_dir=cache_root, progress=False)
    assert local.stats["annotated"] == 0
    done: dict[str, object] = {}

    def run() -> None:
        try:
            done["ann"] = annotate(subset, model=trained_model, cache_dir=tmp_path,
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
    assert keys.is_unique and len(keys) == N_KILLED  # each article once, no partial part


def test_loading_on_the_cluster_gives_the_local_table(cluster, tmp_path, monkeypatch):
    """The loader's per-article cleaning and per-outlet boilerplate search, run as tasks on the
    cluster (several of each), give the very table the local load gives."""
    import contextlib
    import io

    from workbench.corpus import boilerplate, load

    folder = write_rated_allsides(tmp_path, N_ARTICLES)
    reference = load.load_corpus(folder)
    assert reference["boilerplate_words"].gt(0).sum() >= 5  # the per-outlet step has work
    monkeypatch.setattr(load, "TASK_RECORDS", 40)
    monkeypatch.setattr(boilerplate, "TASK_TEXTS", 30)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        remote = load.load_corpus(folder, scheduler=cluster[0])
    assert "loading" in err.getvalue() and "finding boilerplate" in err.getvalue()
    assert err.getvalue().count("dashboard:") == 2
    pd.testing.assert_frame_equal(remote, reference)
    assert remote.attrs == reference.attrs


def test_a_sharded_store_build_on_the_cluster_is_the_whole_store(cluster, remote,
                                                                  trained_model, tmp_path):
    """``workbench store --shard --scheduler``: loading, boilerplate and the annotation of
    what the cache lacks run on the cluster, shard by shard; the store is the one written
    from the whole corpus annotated in one piece."""
    import contextlib
    import io

    import workbench as wb
    from workbench.store import write_store
    from workbench.store.build import build_store

    _, cache, _ = remote
    shutil.copytree(cache, tmp_path / "cache")
    for part in sorted((tmp_path / "cache" / "annotations").glob("*/part-t-*"))[:2]:
        shutil.rmtree(part)  # their articles are annotated again, on the cluster
    folder = tmp_path / "corpus"
    folder.mkdir()
    write_rated_allsides(folder, N_ARTICLES)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        built = build_store(folder, tmp_path / "sharded", shard_articles=50, rows_per_part=25,
                            model=trained_model, cache_dir=tmp_path / "cache",
                            scheduler=cluster[0], progress=False)
    assert built.stats["shards"] == 4 and built.stats["annotated"] > 0
    assert "loading" in err.getvalue() and "finding boilerplate" in err.getvalue()
    whole = wb.open_corpus(folder, model=trained_model, cache_dir=tmp_path / "cache",
                           progress=False)
    assert whole.stats["annotated"] == 0
    ref = write_store(whole, tmp_path / "whole", rows_per_part=25)
    files = sorted(p.relative_to(ref) for p in ref.rglob("*.parquet"))
    assert files == sorted(p.relative_to(tmp_path / "sharded")
                           for p in (tmp_path / "sharded").rglob("*.parquet"))
    for f in files:
        assert (tmp_path / "sharded" / f).read_bytes() == (ref / f).read_bytes(), f
