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


def test_a_staged_load_gives_the_same_table_chunk_by_chunk(folder, tmp_path, monkeypatch):
    """``stage_corpus`` (the sharded store build's loader) gives ``load_corpus``'s rows chunk
    by chunk, with the corpus-wide steps run from disk: dates from the text bounded by the
    whole corpus's dates, identical copies, near-duplicates found across chunks, boilerplate
    per outlet from buckets of whole outlets, sources, and dataset fields missing from some
    chunks or typed differently in two."""
    import json
    import shutil

    from workbench.corpus import staged as S

    from conftest import SAMPLE

    corpus = tmp_path / "corpus"
    shutil.copytree(folder, corpus)
    shutil.copytree(SAMPLE, corpus / "sample")
    first = next(SAMPLE.glob("*.txt"))
    shutil.copy(first, corpus / "sample" / f"copy-{first.name}")  # identical content
    records = [json.loads(line) for line in (folder / "d.jsonl").open(encoding="utf-8")]
    near = dict(records[3], title="Another headline for the same story",
                content_original=records[3]["content_original"] + "\nOne more line glued on.",
                ID="near-copy")
    extra = [dict(near, rank=1, tags=["a", "b"]),
             {"text": records[5]["content_original"], "rank": 2},
             {"text": "On Wednesday, November 12, the council met again. " * 5,
              "source": records[0]["source"], "rank": "third"}]
    with open(corpus / "zz-extra.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in extra)

    reference = load.load_corpus(corpus)
    assert reference["duplicate_of"].notna().sum() >= 3  # copies and near copies
    assert reference["boilerplate_words"].gt(0).sum() >= 5
    assert (reference["published_source"] == "text").any()
    monkeypatch.setattr(S, "BUCKETS", 3)  # several outlets to a bucket
    monkeypatch.setattr(S, "CHUNKS_KEPT", 1)  # candidates read back from disk
    with S.stage_corpus(corpus, tmp_path / "staging", chunk_records=37) as staged:
        assert staged.n_chunks >= 6
        chunks = list(staged.chunks())
        assert staged.problems == reference.attrs["problems"]
        assert staged.skipped == reference.attrs["skipped"]
        folder_used = staged.folder
    assert not folder_used.exists()  # the staging is removed
    got = pd.concat(chunks, ignore_index=True)
    got.attrs = reference.attrs
    pd.testing.assert_frame_equal(got, reference)
