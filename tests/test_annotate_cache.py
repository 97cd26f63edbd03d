"""The annotation cache: warm runs, changed articles, interrupted runs, parallel workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from workbench.annotate import run
from workbench.annotate.run import annotate
from workbench.cache.annotations import AnnotationStore

pytestmark = pytest.mark.model


def test_warm_run_annotates_nothing(sample_articles, trained_model, tmp_path):
    cold = annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    warm = annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    assert cold.stats["annotated"] == 5 and warm.stats["annotated"] == 0
    for name in ("mentions", "quotes", "dates"):
        pd.testing.assert_frame_equal(getattr(cold, name), getattr(warm, name))


def test_one_changed_article_is_the_only_one_redone(sample_articles, trained_model, tmp_path):
    annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    changed = sample_articles.copy()
    i = changed.index[changed["path"].str.contains("/004_")][0]
    changed.loc[i, "text"] = changed.loc[i, "text"] + "\nPeskov said on Friday that talks stalled."
    again = annotate(changed, model=trained_model, cache_dir=tmp_path)
    assert again.stats["annotated"] == 1
    assert again.mentions["article_id"].nunique() == 5


def test_a_new_publication_date_redoes_the_article(sample_articles, trained_model, tmp_path):
    annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    dated = sample_articles.copy()
    dated.loc[dated["path"].str.contains("/004_"), "published"] = pd.Timestamp("2025-09-12")
    again = annotate(dated, model=trained_model, cache_dir=tmp_path)
    assert again.stats["annotated"] == 1
    fri = again.dates[(again.dates["text"] == "on Friday")]
    assert (fri["date"] == pd.Timestamp("2025-09-12")).any()  # now anchored


def test_kb_change_is_a_new_fingerprint(sample_articles, trained_model, tmp_path):
    kb = tmp_path / "kb.yaml"
    source = (Path(__file__).resolve().parents[1] / "data" / "kb" / "entities.yaml")
    kb.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    first = annotate(sample_articles, model=trained_model, cache_dir=tmp_path / "c", kb=kb)
    kb.write_text(kb.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    second = annotate(sample_articles, model=trained_model, cache_dir=tmp_path / "c", kb=kb)
    assert first.pipeline.fingerprint != second.pipeline.fingerprint
    assert second.stats["annotated"] == 5


def test_unfinished_part_is_ignored_and_swept(sample_articles, trained_model, tmp_path):
    ann = annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    root = tmp_path / "annotations" / ann.pipeline.fingerprint
    junk = root / ".part-dead.tmp"
    junk.mkdir()
    (junk / "keys.parquet").write_bytes(b"half a file")
    old = time.time() - 7200
    os.utime(junk, (old, old))
    again = annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    assert again.stats["annotated"] == 0
    assert not junk.exists()


def test_kill_9_mid_run_leaves_a_cache_the_next_run_resumes(trained_model, tmp_path):
    """A run killed with SIGKILL after some parts were written: the next run annotates only the
    rest and ends with the same tables as an uninterrupted run."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    base = (Path(__file__).resolve().parents[1] / "data" / "sample")
    texts = [p.read_text(encoding="utf-8") for p in sorted(base.glob("0*.txt"))]
    for i in range(40):  # 40 distinct articles (a numbered sentence makes each unique)
        (corpus / f"a{i:02d}.txt").write_text(
            texts[i % 5] + f"\nThis is note number {i} from the desk.", encoding="utf-8")
    cache = tmp_path / "cache"
    script = textwrap.dedent(f"""
        import sys
        from workbench.annotate import run
        from workbench.corpus.load import load_corpus
        run.FLUSH_ARTICLES = 3   # write a part every 3 articles
        arts = load_corpus({str(corpus)!r})
        run.annotate(arts, model={trained_model!r}, cache_dir={str(cache)!r}, progress=False)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 240
    parts_dir = None
    while time.time() < deadline and proc.poll() is None:
        found = list(cache.glob("annotations/*/part-*/keys.parquet"))
        if len(found) >= 2:
            parts_dir = found[0].parents[1]
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert parts_dir is not None
    from workbench.corpus.load import load_corpus

    arts = load_corpus(corpus)
    resumed = annotate(arts, model=trained_model, cache_dir=cache)
    assert 0 < resumed.stats["from_cache"] < 40
    assert resumed.stats["annotated"] == 40 - resumed.stats["from_cache"]
    clean = annotate(arts, model=trained_model, cache_dir=tmp_path / "clean")
    for name in ("mentions", "quotes", "dates"):
        pd.testing.assert_frame_equal(getattr(resumed, name), getattr(clean, name))


def test_parallel_workers_give_the_same_tables(sample_articles, trained_model, tmp_path,
                                               monkeypatch):
    monkeypatch.setattr(run, "TASK_ARTICLES", 1)  # five tasks for two workers
    par = annotate(sample_articles, model=trained_model, jobs=2, cache_dir=tmp_path / "p")
    ser = annotate(sample_articles, model=trained_model, jobs=1, cache_dir=tmp_path / "s")
    for name in ("mentions", "quotes", "dates"):
        pd.testing.assert_frame_equal(getattr(par, name), getattr(ser, name))


def _one_key_parts(store: AnnotationStore, n: int, prefix: str = "k") -> None:
    for i in range(n):
        key = f"{prefix}{i}"
        store.write_part([{"key": key, "status": "ok", "message": None, "n_chunks": 1}],
                         {"mentions": [{"key": key, "sent_index": 0, "start": 0, "end": 4,
                                        "text": "Kyiv", "label": "LOC", "type": "PLACE",
                                        "entity_id": "Q1899", "entity": "Kyiv",
                                        "variant": "kyiv", "affiliation": "Ukraine",
                                        "source": "kb"}]})


def test_many_parts_are_compacted(tmp_path):
    store = AnnotationStore(tmp_path, "fp")
    _one_key_parts(store, 40)
    got = store.read({f"k{i}" for i in range(40)})
    assert len(got["mentions"]) == 40 and len(got["keys"]) == 40
    assert len(store.parts()) == 1


def test_compaction_merges_into_bounded_parts(tmp_path, monkeypatch):
    """Thousands of small parts (a cluster run) are merged into parts of at most COMPACT_KEYS
    articles, one at a time, not into one part the size of the corpus; a key written twice
    (two tries of a task) is kept once; parts already big are left alone."""
    from workbench.cache import annotations

    monkeypatch.setattr(annotations, "COMPACT_KEYS", 10)
    store = AnnotationStore(tmp_path, "fp")
    _one_key_parts(store, 5, prefix="big")
    big = store.parts()
    store._merge(big, store._key_index())  # one part of 5 keys: big enough at COMPACT_KEYS 10
    (big_part,) = store.parts()
    _one_key_parts(store, 40)
    _one_key_parts(store, 3)  # k0, k1, k2 again
    keys = {f"k{i}" for i in range(40)} | {f"big{i}" for i in range(5)}
    got = store.read(keys)
    assert sorted(got["keys"]["key"]) == sorted(keys)
    assert len(got["mentions"]) == len(keys)
    sizes = sorted(len(pd.read_parquet(p / "keys.parquet")) for p in store.parts())
    assert big_part in store.parts() and max(sizes) <= 10 and sum(sizes) == len(keys)
    assert len(store.parts()) == 5  # the big part, and 40 keys in parts of 10
    assert store.read(keys)["keys"].equals(got["keys"])


def test_filling_the_cache_without_loading_the_tables(sample_articles, trained_model, tmp_path):
    filled = annotate(sample_articles, model=trained_model, cache_dir=tmp_path, tables=False)
    assert filled.stats["annotated"] == 5 and filled.mentions.empty
    full = annotate(sample_articles, model=trained_model, cache_dir=tmp_path)
    assert full.stats["annotated"] == 0 and len(full.mentions) > 300
