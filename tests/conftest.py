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
