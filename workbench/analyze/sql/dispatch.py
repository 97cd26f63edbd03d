"""How an analysis of :mod:`workbench.analyze` runs when it is handed store objects
(``analyze/dispatch.py`` sends them here): with a selection (``Selection``, or ``StoreRows``
from ``restrict``) the SQL twin of :mod:`workbench.analyze.sql` or :mod:`.checks` aggregates in
DuckDB; the text analyses read a bounded sample (:mod:`.sample`); with a pandas frame of a few
articles (one story), store tables are read for those articles and the pandas function runs.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pandas as pd

from workbench.analyze import sql
from workbench.analyze.sql import checks as C
from workbench.analyze.sql import sample as S
from workbench.analyze.sql.core import Selection
from workbench.store.corpus import StoreEvents, StoreRows, StoreTable


def _sel(a: dict[str, Any], table: str | None = None, articles: str = "articles"
         ) -> Selection:
    """The selection to run on: the articles argument, narrowed to the mention types of
    the table argument (a typed ``StoreTable`` or ``StoreRows``)."""
    x = a[articles]
    sel = x.sel if isinstance(x, StoreRows | StoreEvents) else x
    t = a.get(table) if table else None
    if isinstance(t, StoreRows):
        t = t.table
    return C.typed(sel, t.types if isinstance(t, StoreTable) else None)


def _events(a: dict[str, Any]) -> StoreEvents:
    return StoreEvents(_sel(a, "dates"), a["by"])


def _events_by_date(a: dict[str, Any]) -> pd.DataFrame:
    ev = a["events"]
    return sql.events_by_date(ev.sel, by=ev.by, per_group=a["per_group"])


def _sampled(fn: Callable[..., pd.DataFrame], what: str) -> Callable[[dict[str, Any]], Any]:
    """A text analysis of the selection's text sample (its note added to the result)."""
    def run(a: dict[str, Any]) -> pd.DataFrame:
        sample = S.text_sample(a["articles"], a.get("by"), what)
        out = fn(**{**a, "articles": sample})
        out.attrs = {**out.attrs, "notes": list(out.attrs.get("notes", []))}
        return S.sample_note(out, sample)
    return run


def _kwic(a: dict[str, Any]) -> pd.DataFrame:
    """KWIC lines from the articles that mention the entity (sampled per group)."""
    from workbench.analyze.kwic import kwic

    sel = _sel(a, "mentions")
    ids = sql.entity_ids(sel, a["entity"])
    where = S.ids_sql(ids) if ids else S.spelled("text", a["entity"])
    frame, note = S.hit_sample(sel, "mentions", where, a["by"], "Keyword in context")
    out = kwic(_load(a["mentions"], frame), frame, a["entity"], width=a["width"], by=a["by"])
    return out if note is None else S.sample_note(out, frame.pipe(_noted, note))


def _quotes(a: dict[str, Any]) -> pd.DataFrame:
    from workbench.analyze.voices import quotes_table

    sel = _sel(a)
    frame, note = S.hit_sample(sel, "quotes", "TRUE", a["by"], "Quotes")
    out = quotes_table(_load(a["quotes"], frame), frame, by=a["by"])
    return out if note is None else S.sample_note(out, frame.pipe(_noted, note))


def _noted(df: pd.DataFrame, note: str) -> pd.DataFrame:
    df.attrs = {**df.attrs, "notes": [*df.attrs.get("notes", []), note]}
    return df


def _lexicon_matches(a: dict[str, Any]) -> pd.DataFrame:
    from workbench.analyze.lexicon import lexicon_matches

    sample = S.text_sample(a["articles"], _by(a["articles"]), "Phrase lexicon matches",
                           per_group=S.LEXICON_PER_GROUP)
    quotes = a["quotes"]
    if isinstance(quotes, StoreTable | StoreRows):
        quotes = _load(quotes, sample)
    out = lexicon_matches(sample, a["lexicon"], quotes)
    return S.sample_note(out, sample)


def _lexicon_counts(a: dict[str, Any]) -> pd.DataFrame:
    from workbench.analyze.lexicon import lexicon_counts

    sample = S.text_sample(a["articles"], _by(a["articles"]), "Phrase lexicon matches",
                           per_group=S.LEXICON_PER_GROUP)
    out = lexicon_counts(a["matches"], sample, by=a["by"], per=a["per"], freq=a["freq"])
    return S.sample_note(out, sample)


def _by(sel: Selection) -> str | None:
    """The grouping the notebook compares (set by ``notebook.setup``): lexicon matches are
    sampled within its groups, as word keyness is."""
    return getattr(sel, "sample_by", None)


def _story_articles(a: dict[str, Any]) -> pd.DataFrame:
    sel = a["articles"]
    sid = a["story_id"]
    if sid is None:
        return S.articles_frame(sel, pd.Series([], dtype=object))
    ids = sel.db.df(f"SELECT article_id FROM {sel.db.source('stories')} WHERE story_id = "
                    f"{sql_lit(sid)} AND article_id IN (SELECT article_id FROM {sel.name})")
    return S.articles_frame(sel, ids["article_id"])


def sql_lit(value: Any) -> str:
    from workbench.analyze.sql.core import lit

    return lit(value)


# name → run(arguments) for calls with a selection; arguments bound to the pandas signature,
# defaults applied.
SQL: dict[str, Callable[[dict[str, Any]], Any]] = {
    "entity_frequency": lambda a: sql.entity_frequency(_sel(a, "mentions"), by=a["by"],
                                                        types=a["types"], top_n=a["top_n"]),
    "entity_counts": lambda a: sql.entity_counts(_sel(a, "mentions"), by=a["by"]),
    "variant_shares": lambda a: sql.variant_shares(_sel(a, "mentions"), by=a["by"],
                                                    min_variants=a["min_variants"]),
    "voices": lambda a: sql.voices(_sel(a), by=a["by"], mentions=a["mentions"] is not None,
                                   top_n=a["top_n"]),
    "cooccurrence": lambda a: sql.cooccurrence(_sel(a, "mentions"), top_n=a["top_n"],
                                               unit=a["unit"], min_together=a["min_together"],
                                               by=a["by"]),
    "articles_over_time": lambda a: sql.articles_over_time(a["articles"], by=a["by"],
                                                            freq=a["freq"]),
    "mentions_over_time": lambda a: sql.mentions_over_time(
        _sel(a, "mentions"), a["entities"], freq=a["freq"], top_n=a["top_n"], by=a["by"]),
    "dated_events": _events,
    "events_by_date": _events_by_date,
    "story_coverage": lambda a: sql.story_coverage(a["articles"], by=a["by"]),
    "story_summary": lambda a: C.story_summary(a["articles"], by=a["by"]),
    "stories_articles": lambda a: sql.stories_articles(
        a["articles"], story=a["story"], min_groups=a["min_groups"], by=a["by"]),
    "pick_story": lambda a: sql.pick_story(a["articles"], a["query"]),
    "common_period": lambda a: sql.common_period(a["articles"], by=a["by"]),
    "restrict": lambda a: StoreRows(a["table"], a["articles"]),
    "check_frequency": lambda a: C.check_frequency(_sel(a, "mentions"),
                                                   min_words=a["min_words"]),
    "check_cooccurrence": lambda a: C.check_cooccurrence(_sel(a, "mentions"),
                                                         min_articles=a["min_articles"]),
    "check_cooccurrence_groups": lambda a: C.check_cooccurrence_groups(
        _sel(a, "mentions"), by=a["by"], min_articles=a["min_articles"]),
    "check_timeline": lambda a: C.check_timeline(a["articles"], min_dated=a["min_dated"],
                                                 freq=a["freq"]),
    "check_events": lambda a: C.check_events(_sel(a)),
    "check_variants": lambda a: C.check_variants(_sel(a, "mentions")),
    "check_voices": lambda a: C.check_voices(_sel(a), min_quotes=a["min_quotes"]),
    "kwic": _kwic,
    "quotes_table": _quotes,
    "lexicon_matches": _lexicon_matches,
    "lexicon_counts": _lexicon_counts,
    "story_articles": _story_articles,
}


def _text_functions() -> None:
    from workbench.analyze.keyness import word_counts
    from workbench.analyze.slices import word_counts_by_period

    SQL.setdefault("word_counts", _sampled(word_counts, "Word keyness"))
    SQL.setdefault("word_counts_by_period", _sampled(word_counts_by_period, "Word keyness"))


def call(name: str, fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
         ) -> Any:
    """``fn(*args, **kwargs)`` where some argument is a store object."""
    bound = inspect.signature(fn).bind(*args, **kwargs)
    bound.apply_defaults()
    a = dict(bound.arguments)
    if any(isinstance(v, Selection | StoreRows | StoreEvents) for v in a.values()):
        _text_functions()
        if name not in SQL:
            raise TypeError(f"{name}() has no store version: run it on a pandas selection "
                            f"(a small corpus opened with open_corpus)")
        return SQL[name](a)
    frame = next((v for v in a.values() if isinstance(v, pd.DataFrame)
                  and "article_id" in v.columns), None)
    if frame is None:
        raise TypeError(f"{name}(): store tables need a selection or a frame of articles")
    for key, value in a.items():
        if isinstance(value, StoreTable | StoreRows):
            a[key] = _speakers(value, a) if key == "mentions" and "quotes" in a \
                else _load(value, frame)
    return fn(**a)


def _load(table: StoreTable | StoreRows | pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """The store table's rows for the articles of ``frame``."""
    if isinstance(table, pd.DataFrame):
        return table
    t = table.table if isinstance(table, StoreRows) else table
    return t.rows_for(frame["article_id"])


def _speakers(mentions: StoreTable | StoreRows, a: dict[str, Any]) -> pd.DataFrame:
    """``voices(..., mentions=)`` names speakers by their entity's most common name over the
    whole corpus: here that name, one row per quoted speaker's entity (``most_common`` of
    these rows is the corpus-wide one), computed in SQL — a well-known speaker's mentions
    are millions of rows at scale."""
    from workbench.analyze.sql.core import lits, most_common

    t = mentions.table if isinstance(mentions, StoreRows) else mentions
    quotes = a["quotes"]
    ids = quotes["speaker_id"].dropna().unique() if isinstance(quotes, pd.DataFrame) else []
    rows = (f"(SELECT entity_id, entity FROM {t.db.source('mentions')} "
            f"WHERE entity_id IN {lits(sorted(map(str, ids)))})")
    best = most_common(rows, "entity_id", "entity")
    named = t.db.df(f"SELECT k AS entity_id, v AS entity FROM {best}")
    return named.astype({"entity_id": object, "entity": object})
