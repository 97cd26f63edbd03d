"""Analyses in flat memory: the counts the notebooks chart, aggregated by DuckDB over a corpus
store (``workbench.store``) instead of in pandas — the same numbers as the pandas functions of
:mod:`workbench.analyze`, which stay the reference (``tests/test_store_sql.py``)::

    from workbench.analyze import sql

    with sql.StoreDB("corpus.store", memory_limit="1GB") as db:
        arts = sql.select(db, group_by="group", date_from="2019-06-01", common_period=True)
        freq = sql.entity_frequency(arts, by="group")
        mot = sql.mentions_over_time(arts, freq="W")

A selection (:class:`Selection`) is a DuckDB temporary table of article ids; each function
takes it where its pandas twin takes ``(table, articles)``, reads only the columns it needs
from the store's Parquet parts and returns the aggregated table, never the raw rows. DuckDB
keeps to ``memory_limit`` by spilling to a private temporary folder.

Not here, because they need the articles' text: ``word_counts`` (keyness of words), KWIC,
lexicon matches, sentence-level co-occurrence. Run the pandas functions on a small selection
for those.
"""

from __future__ import annotations

from workbench.analyze.sql.core import MEMORY_LIMIT, Selection, StoreDB
from workbench.analyze.sql.counts import (
    cooccurrence,
    entity_counts,
    entity_frequency,
    variant_shares,
    voices,
)
from workbench.analyze.sql.select import common_period, select, select_articles
from workbench.analyze.sql.stories import pick_story, stories_articles, story_coverage
from workbench.analyze.sql.timeline import (
    articles_over_time,
    dated_events,
    entity_ids,
    events_by_date,
    mentions_over_time,
)

__all__ = [
    "MEMORY_LIMIT", "Selection", "StoreDB",
    "select", "select_articles", "common_period", "stories_articles", "pick_story",
    "entity_frequency", "entity_counts", "variant_shares", "voices", "cooccurrence",
    "articles_over_time", "mentions_over_time", "entity_ids", "dated_events", "events_by_date",
    "story_coverage",
]
