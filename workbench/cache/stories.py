"""The stories cache: the ``stories`` table of a corpus, kept until its articles, their
entities, the grouping options or the grouping code change.

Grouping 10,000 articles takes tens of seconds; every notebook of a report that asks for
stories needs the same table. Written atomically like the other caches; a cache that cannot
be written is no error (the table is simply computed again next time).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from workbench.cache.paths import write_entry


def stories_key(articles: pd.DataFrame, mentions: pd.DataFrame, options: dict[str, Any]) -> str:
    """Key of a grouping: article ids and dates, the entity ids mentioned, the options and
    the source of the grouping code (``analyze/stories.py``, ``analyze/story_vectors.py``)."""
    from workbench.analyze import stories, story_vectors

    h = hashlib.sha256()
    h.update(pd.util.hash_pandas_object(
        articles[["article_id", "published"]].astype("string"), index=False).to_numpy().tobytes())
    if len(mentions):
        h.update(pd.util.hash_pandas_object(
            mentions[["article_id", "entity_id", "type"]].astype("string"), index=False
        ).to_numpy().tobytes())
    h.update(json.dumps(options, sort_keys=True, default=str).encode())
    for module in (stories, story_vectors):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:24]


def read_stories(cache_dir: Path, key: str) -> pd.DataFrame | None:
    """The cached stories table for ``key``, or None."""
    try:
        return pd.read_parquet(cache_dir / "stories" / key / "stories.parquet")
    except (OSError, ValueError):
        return None


def write_stories(cache_dir: Path, key: str, stories: pd.DataFrame) -> None:
    """Store a stories table atomically (best effort)."""
    write_entry(cache_dir / "stories", key,
                lambda folder: stories.to_parquet(folder / "stories.parquet", index=False))
