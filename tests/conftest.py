"""Shared fixtures: the real sample corpus, and copies of it to damage."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
SHARED = ROOT.parent / "shared"


def sample_text(name: str) -> str:
    """One sample article's file content, by its number prefix ("002")."""
    return next(SAMPLE.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    return SAMPLE


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus (articles and sidecars)."""
    dest = tmp_path / "corpus"
    shutil.copytree(SAMPLE, dest)
    return dest


@pytest.fixture(scope="session")
def sample_articles():
    from workbench.corpus.load import load_corpus

    return load_corpus(SAMPLE)


def _in_ci() -> bool:
    import os

    return os.environ.get("WORKBENCH_CI") == "1"


@pytest.fixture(scope="session")
def trained_model() -> str:
    """Name of the installed trained English pipeline the tests annotate with.

    Skips (fails under WORKBENCH_CI=1, where one must be installed) when there is none.
    """
    from workbench.annotate.models import installed_english_pipelines

    found = installed_english_pipelines()
    if not found:
        message = ("no trained English spaCy pipeline installed (see README: "
                   "scripts/bootstrap.py installs one)")
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    return found[0]


def write_rated_allsides(folder: Path, n: int) -> Path:
    """The first ``n`` real AllSides records as ``folder/d.jsonl``, with a ``sources.csv``
    giving each outlet its AllSides rating as ``group``; the folder (skips without the file).
    Tests sharing ``n`` share their annotation through ``cache_root``."""
    import csv
    import gzip
    import json

    path = SHARED / "corpora" / "allsides-10k.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not available")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [next(fh) for _ in range(n)]
    (folder / "d.jsonl").write_text("".join(lines), encoding="utf-8")
    rows = [json.loads(line) for line in lines]
    with open(folder / "sources.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "group"])
        w.writerows(sorted({(r["source"], r["bias_text"]) for r in rows}))
    return folder


@pytest.fixture(scope="session")
def cache_root(tmp_path_factory) -> Path:
    """One annotation cache for the session's tests on the sample (annotated once)."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session")
def sample_annotations(trained_model, cache_root, sample_articles):
    from workbench.annotate.run import annotate

    return annotate(sample_articles, model=trained_model, cache_dir=cache_root)
