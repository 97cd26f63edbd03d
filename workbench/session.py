"""``open_corpus``: what a notebook calls — load a corpus and annotate it, both through caches."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.annotate.run import Annotations, annotate
from workbench.cache.corpus import corpus_key, read_cached, write_cached
from workbench.cache.paths import default_cache_dir
from workbench.corpus.load import load_corpus

_LOAD_DEFAULTS = {name: p.default for name, p in
                  inspect.signature(load_corpus).parameters.items()
                  if p.default is not inspect.Parameter.empty}
_HOW = frozenset({"progress", "jobs", "scheduler"})


def load_corpus_cached(path: str | Path, *, cache_dir: str | Path | None = None,
                       **options: Any) -> pd.DataFrame:
    """``load_corpus`` with its result cached until a file, option or loader rule changes."""
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    options.setdefault("today", date.today())
    # An option given at its default value is the same load as one left out: `nb.setup`
    # passes sources=None, open_corpus() and the CLI leave it out, and all must share an entry.
    # How the work is spread (jobs, scheduler) and shown does not change the table.
    key = corpus_key(path, {k: v for k, v in options.items() if k not in _HOW
                            and not (k in _LOAD_DEFAULTS and v == _LOAD_DEFAULTS[k])})
    if key is not None:
        cached = read_cached(cache, key)
        if cached is not None:
            return cached
    articles = load_corpus(path, **options)
    if key is not None:
        write_cached(cache, key, articles)
    return articles


def open_corpus(path: str | Path, *, model: str | None = None, jobs: int = 1,
                cache_dir: str | Path | None = None, kb: str | Path | None = None,
                progress: bool | None = None, tables: bool = True,
                scheduler: str | None = None, **load_options: Any) -> Annotations:
    """Load the corpus at ``path`` and annotate it; a warm cache makes both steps fast.

    ``load_options`` go to ``load_corpus`` (``fields``, ``sources``, ``metadata``…); the rest to
    ``annotate``. ``jobs`` (local processes) and ``scheduler`` (a Dask scheduler's address)
    spread both the loading and the annotation. The result's ``articles``,
    ``mentions``, ``quotes`` and ``dates`` are the tidy tables documented in
    ``workbench.tables``.
    """
    articles = load_corpus_cached(path, cache_dir=cache_dir, jobs=jobs, scheduler=scheduler,
                                  **load_options)
    ann = annotate(articles, model=model, jobs=jobs, cache_dir=cache_dir, kb=kb,
                   progress=progress, tables=tables, scheduler=scheduler)
    ann.problems = [*articles.attrs.get("problems", []), *ann.problems]
    return ann
