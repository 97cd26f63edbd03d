"""The annotation cache under faults: concurrent runs and readers, swapped files, full and
read-only disks, a script without a main guard. Real processes, real files, real mounts."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from workbench.annotate.run import annotate
from workbench.cache.annotations import COMPACT_AFTER, AnnotationStore
from workbench.errors import AnnotateError

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def annotated(tmp_path_factory, sample_articles, trained_model):
    """The sample annotated once into a cache of its own: (cache dir, Annotations)."""
    cache = tmp_path_factory.mktemp("cache")
    return cache, annotate(sample_articles, model=trained_model, cache_dir=cache)


def _store(cache: Path, ann) -> AnnotationStore:
    return AnnotationStore(cache, ann.pipeline.fingerprint)


@contextlib.contextmanager
def _tmpfs(path: Path, options: str):
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        if os.environ.get("WORKBENCH_CI") == "1":
            pytest.fail(f"cannot mount a tmpfs for the disk tests: {done.stderr.strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_readers_while_the_store_compacts_see_every_article(tmp_path, annotated):
    cache, ann = annotated
    src = _store(cache, ann)
    real = src.read(src.known_keys())
    store_dir = tmp_path / "c"
    store = AnnotationStore(store_dir, "fp")
    # COMPACT_AFTER + 8 parts of the sample's real rows, each under keys of its own.
    for i in range(COMPACT_AFTER + 8):
        keys = real["keys"].assign(key=real["keys"]["key"] + f"-{i}")
        rows = {name: real[name].assign(key=real[name]["key"] + f"-{i}").to_dict("records")
                for name in ("mentions", "quotes", "dates")}
        store.write_part(keys.to_dict("records"), rows)
    n_keys = len(store.known_keys())
    reader = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from workbench.cache.annotations import AnnotationStore
        store = AnnotationStore(Path({str(store_dir)!r}), "fp")
        got = store.read(store.known_keys())
        print(json.dumps({{"keys": len(got["keys"]), "mentions": len(got["mentions"]),
                          "problems": store.problems}}))
    """)
    procs = [subprocess.Popen([sys.executable, "-c", reader], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outs = [json.loads(p.communicate(timeout=120)[0].strip().splitlines()[-1]) for p in procs]
    for out in outs:
        assert out["problems"] == [], out
        assert out["keys"] == n_keys
        assert out["mentions"] == len(real["mentions"]) * (COMPACT_AFTER + 8)
    assert len(store.parts()) < COMPACT_AFTER  # it did compact


def test_two_runs_on_one_cache_annotate_each_article_once(tmp_path, trained_model):
    script = textwrap.dedent(f"""
        from workbench.corpus.load import load_corpus
        from workbench.annotate.run import annotate
        ann = annotate(load_corpus({str(ROOT / 'data' / 'sample')!r}), model={trained_model!r},
                       cache_dir={str(tmp_path / 'cache')!r}, progress=False)
        print("annotated", ann.stats["annotated"])
    """)
    procs = [subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    counts = sorted(int(out.strip().split()[-1]) for out, _ in outs)
    assert counts == [0, 5]  # the second waited and found everything done
    assert any("waiting for another run" in err for _, err in outs)
    keys = pd.concat(pd.read_parquet(p / "keys.parquet")
                     for p in (tmp_path / "cache" / "annotations").glob("*/part-*"))
    assert keys["key"].is_unique and len(keys) == 5


def test_a_part_with_a_swapped_file_is_set_aside_and_redone(tmp_path, sample_articles,
                                                             annotated, trained_model):
    cache, ann = annotated
    mine = tmp_path / "cache"
    shutil.copytree(cache, mine)
    part = next((mine / "annotations").glob("*/part-*"))
    shutil.copy(part / "quotes.parquet", part / "mentions.parquet")
    again = annotate(sample_articles, model=trained_model, cache_dir=mine)
    assert any("mentions file does not hold that table's columns" in p
               for p in again.problems), again.problems
    assert len(again.mentions) == len(ann.mentions)  # redone, none silently missing
    assert again.stats["annotated"] == 5


def test_full_disk_is_one_line_and_leaves_no_temp_files(tmp_path, sample_articles,
                                                        trained_model):
    with _tmpfs(tmp_path / "full", "size=1m") as disk:
        with open(disk / "filler", "wb", buffering=0) as fh:  # fill it to the last block
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"x" * 4096)
        with pytest.raises(AnnotateError) as err:
            annotate(sample_articles, model=trained_model, cache_dir=disk)
        message = str(err.value)
        assert "\n" not in message and str(disk) in message
        assert "disk is full" in message or "No space" in message
        assert not list(disk.rglob(".part-*.tmp"))


def test_read_only_cache_is_one_line(tmp_path, sample_articles, trained_model):
    with _tmpfs(tmp_path / "ro", "ro,size=1m") as disk:
        with pytest.raises(AnnotateError, match="read-only file system"):
            annotate(sample_articles, model=trained_model, cache_dir=disk)


def test_cli_reports_a_read_only_out_folder_in_one_line(tmp_path, trained_model):
    with _tmpfs(tmp_path / "ro", "ro,size=1m") as disk:
        done = subprocess.run(
            [sys.executable, "-m", "workbench", "report", "--corpus",
             str(ROOT / "data" / "sample"), "--out", str(disk / "reports"), "--model",
             trained_model, "--cache-dir", str(tmp_path / "cache")],
            capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "read-only" in errors[0].lower(), done.stderr[-3000:]


def test_script_without_main_guard_annotates_in_process(tmp_path, trained_model):
    script = tmp_path / "study.py"
    script.write_text(textwrap.dedent(f"""
        import workbench as wb
        ann = wb.open_corpus({str(tmp_path / 'corpus')!r}, jobs=2, model={trained_model!r},
                             cache_dir={str(tmp_path / 'cache')!r}, progress=False)
        print("annotated", ann.stats["annotated"], "jobs", ann.stats["jobs"])
    """), encoding="utf-8")
    shutil.copytree(ROOT / "data" / "sample", tmp_path / "corpus")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "jobs 1" in done.stdout
    assert 'if __name__ == "__main__":' in done.stderr and str(script) in done.stderr


def test_a_load_option_given_at_its_default_shares_the_cached_corpus(tmp_path, sample_dir,
                                                                      monkeypatch):
    """`nb.setup` passes sources=None where open_corpus() and the CLI leave it out: the first
    notebook on a 10k corpus loaded it again (65 s) although the corpus was cached."""
    from workbench import session

    first = session.load_corpus_cached(sample_dir, cache_dir=tmp_path)

    def no_load(*args, **kwargs):
        raise AssertionError("loaded again instead of read from the corpus cache")

    monkeypatch.setattr(session, "load_corpus", no_load)
    again = session.load_corpus_cached(sample_dir, cache_dir=tmp_path, sources=None,
                                       metadata=True, dedupe=True)
    pd.testing.assert_frame_equal(first, again)
    with pytest.raises(AssertionError, match="loaded again"):  # another option: another load
        session.load_corpus_cached(sample_dir, cache_dir=tmp_path, dedupe=False)
