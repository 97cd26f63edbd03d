"""One notebook code for both corpora: the analyses exported by :mod:`workbench.analyze` take
pandas tables (the reference) or the objects ``notebook.setup`` returns for a corpus store —
a DuckDB selection and table handles — and then run their store version
(:mod:`workbench.analyze.sql.dispatch`: SQL aggregations, text analyses on a bounded sample).

The store objects are recognised by the modules that define them (``workbench.store.*``,
``workbench.analyze.sql.*``), so this module imports no store code until one is passed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

# The analyses that accept store objects (every one the notebooks call with a table or the
# selection).
STORE_AWARE = (
    "entity_frequency", "entity_counts", "variant_shares", "voices", "cooccurrence",
    "articles_over_time", "mentions_over_time", "dated_events", "events_by_date",
    "story_coverage", "story_summary", "stories_articles", "pick_story", "common_period",
    "restrict", "check_frequency", "check_cooccurrence", "check_cooccurrence_groups",
    "check_timeline", "check_events", "check_variants", "check_voices", "kwic",
    "quotes_table", "word_counts", "word_counts_by_period",
)


def on_store(value: Any) -> bool:
    """Whether ``value`` is a store object: a table handle of :mod:`workbench.store` or a
    selection of :mod:`workbench.analyze.sql`."""
    module = type(value).__module__
    return module.startswith(("workbench.store.", "workbench.analyze.sql."))


def store_aware(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn``, which runs its store version when any argument is a store object."""
    if getattr(fn, "store_aware", False):
        return fn

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        if any(on_store(v) for v in (*args, *kwargs.values())):
            from workbench.analyze.sql import dispatch

            return dispatch.call(fn.__name__, fn, args, kwargs)
        return fn(*args, **kwargs)

    call.store_aware = True  # type: ignore[attr-defined]
    return call


def wrapped(namespace: dict[str, Any]) -> dict[str, Any]:
    """The :data:`STORE_AWARE` functions of ``namespace``, wrapped by :func:`store_aware`."""
    return {name: store_aware(namespace[name]) for name in STORE_AWARE if name in namespace}


def of_types(mentions: Any, types: Iterable[str] | None) -> Any:
    """Mentions of the entity ``types`` only (None or empty: all) — a pandas table or a
    store's table handle."""
    if not types:
        return mentions
    wanted = [types] if isinstance(types, str) else list(types)
    if on_store(mentions):
        return mentions.of_types(wanted)
    return mentions[mentions["type"].isin(wanted)]


def _story_articles(articles: pd.DataFrame, stories: pd.DataFrame,
                    story_id: str | None) -> pd.DataFrame:
    return articles[articles["article_id"].isin(
        stories.loc[stories["story_id"] == story_id, "article_id"])]


@store_aware
def story_articles(articles: pd.DataFrame, stories: pd.DataFrame,
                   story_id: str | None) -> pd.DataFrame:
    """The ``articles`` of the story ``story_id`` (a pandas frame, with their text, on a store
    too: one story is a few articles)."""
    return _story_articles(articles, stories, story_id)


@store_aware
def lexicon_matches(articles: pd.DataFrame, lexicon: Any = None,
                    quotes: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`workbench.analyze.lexicon.lexicon_matches` (on a store: of a text sample)."""
    from .lexicon import lexicon_matches as matches

    return matches(articles, lexicon, quotes)


@store_aware
def lexicon_counts(matches: pd.DataFrame, articles: pd.DataFrame, *, by: str = "outlet",
                   per: str = "frame", freq: str | None = None) -> pd.DataFrame:
    """:func:`workbench.analyze.lexicon.lexicon_counts` (on a store: of the same sample)."""
    from .lexicon import lexicon_counts as counts

    return counts(matches, articles, by=by, per=per, freq=freq)
