"""Loading in local worker processes (``jobs``) gives the table the one-process load gives:
real AllSides records, several cleaning tasks and several boilerplate tasks."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.corpus import boilerplate, load
from workbench.errors import CorpusError

from conftest import write_rated_allsides


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return write_rated_allsides(tmp_path_factory.mktemp("allsides-load"), 200)


def test_worker_processes_give_the_same_table(folder, monkeypatch):
    reference = load.load_corpus(folder)
    assert reference["boilerplate_words"].gt(0).sum() >= 5
    monkeypatch.setattr(load, "TASK_RECORDS", 40)
    monkeypatch.setattr(boilerplate, "TASK_TEXTS", 30)
    parallel = load.load_corpus(folder, jobs=2)
    pd.testing.assert_frame_equal(parallel, reference)
    assert parallel.attrs == reference.attrs


def test_a_broken_worker_is_one_clear_error(folder, monkeypatch):
    """A task that dies in a worker process stops the load with a CorpusError naming the
    step, not a traceback from the pool."""
    monkeypatch.setattr(load, "TASK_RECORDS", 40)
    monkeypatch.setattr(load, "_articles_frame", _dies)
    with pytest.raises(CorpusError, match=r"loading .* failed in a worker process"):
        load.load_corpus(folder, jobs=2)


def _dies(records, known):
    import os

    os._exit(3)  # a worker killed mid-task (out of memory, say)
