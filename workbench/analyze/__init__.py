"""Pure analysis functions: the tidy tables of :mod:`workbench.tables` in, DataFrames out.

Select once, pass the selection everywhere::

    arts = analyze.select_articles(ann.articles, date_from="2025-11-01")
    freq = analyze.entity_frequency(ann.mentions, arts, by="outlet")

Grouped outputs name the grouping column ``group`` (the ``by`` column's name is kept in
``df.attrs["by"]``); what a step left out is described in ``df.attrs["notes"]``.
"""

from .adequacy import (
                       check_cooccurrence,
                       check_cooccurrence_groups,
                       check_events,
                       check_frequency,
                       check_keyness,
                       check_timeline,
                       check_variants,
                       check_voices,
                       thin_groups,
)
from .cooccurrence import cooccurrence
from .dispatch import lexicon_counts, lexicon_matches, of_types, story_articles, wrapped
from .frequency import OTHER, entity_frequency, entity_ids, most_mentioned, top_entities
from .keyness import (
                       by_language,
                       entity_counts,
                       keyness,
                       top_keyness,
                       word_counts,
)
from .kwic import kwic, sample_across
from .languages import language_name
from .periods import common_period, group_ranges, period_warning, shared_range
from .select import UNKNOWN, group_column, notes, restrict, select_articles
from .slices import (
                       check_keyness_by_period,
                       entity_counts_by_period,
                       keyness_by_period,
                       timing_terms,
                       word_counts_by_period,
)
from .stories import StoryOptions, bcubed, group_stories, story_summary
from .story_coverage import blindspots, pick_story, stories_articles, story_coverage
from .timeline import (
                       articles_over_time,
                       dated_events,
                       event_window,
                       events_by_date,
                       mentions_over_time,
                       most_cited,
                       periods,
                       resolve_freq,
                       split_events,
                       when,
)
from .tokens import count_terms, stop_words, terms, tokens
from .variants import variant_shares
from .voices import quotes_table, voices

# The same calls on a corpus store (notebook.setup's selection and table handles).
globals().update(wrapped(globals()))

__all__ = [
    "OTHER", "UNKNOWN",
    "select_articles", "restrict", "group_column", "notes",
    "group_ranges", "period_warning", "shared_range", "common_period",
    "entity_frequency", "top_entities", "entity_ids", "most_mentioned",
    "cooccurrence",
    "word_counts", "entity_counts", "keyness", "top_keyness", "by_language", "language_name",
    "word_counts_by_period", "entity_counts_by_period", "keyness_by_period", "timing_terms",
    "check_keyness_by_period",
    "tokens", "terms", "count_terms", "stop_words",
    "variant_shares", "voices",
    "articles_over_time", "dated_events", "events_by_date", "mentions_over_time", "periods",
    "most_cited", "resolve_freq", "event_window", "split_events", "when",
    "kwic", "sample_across", "quotes_table",
    "check_frequency", "check_keyness", "check_cooccurrence", "check_cooccurrence_groups",
    "check_timeline",
    "check_events", "check_variants", "check_voices", "thin_groups",
    "StoryOptions", "group_stories", "story_summary", "bcubed", "story_coverage",
    "blindspots", "pick_story", "stories_articles",
    "of_types", "story_articles", "lexicon_matches", "lexicon_counts",
]
