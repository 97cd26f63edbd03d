"""Is there enough data for a statistic to mean anything?

Each ``check_*`` returns a short sentence saying why not — for a notebook to print instead of
drawing noise — or ``None`` when the analysis is worth showing.  They take the same inputs as
the analysis they guard, after :func:`~workbench.analyze.select.select_articles`.
"""

from __future__ import annotations

import pandas as pd

from .select import restrict

MIN_WORDS = 500          # below this, per-1k-word rates rest on a handful of mentions
MIN_GROUP_TOKENS = 200   # counted terms (after stop words) a group needs for keyness
MIN_COOC_ARTICLES = 3    # articles naming two or more entities
MIN_DATED = 2            # dated articles, on at least two different days
MIN_QUOTES = 5


def check_frequency(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                    min_words: int = MIN_WORDS) -> str | None:
    """Too little for entity frequencies: no articles, no mentions, or under ``min_words``."""
    if articles.empty:
        return "No articles are selected."
    if restrict(mentions, articles).empty:
        return "The selected articles mention no entities."
    words = int(pd.to_numeric(articles["n_words"], errors="coerce").fillna(0).sum())
    if words < min_words:
        return (f"The selected articles hold only {words} words (fewer than {min_words}); "
                f"rates per 1,000 words would rest on a handful of mentions.")
    return None


def check_keyness(counts: pd.DataFrame, *, min_groups: int = 2,
                  min_tokens: int = MIN_GROUP_TOKENS) -> str | None:
    """Too little for keyness: fewer than ``min_groups`` groups with ``min_tokens`` counted
    terms each (keyness compares a group with the rest, so it needs two) — within one
    language, when the counts have a ``language`` column of several (word counts)."""
    if "language" in counts.columns and counts["language"].nunique() > 1:
        return _check_languages(counts, min_groups, min_tokens)
    totals = counts.groupby("group")["count"].sum()
    if len(totals) < min_groups:
        names = ", ".join(map(str, totals.index)) or "none"
        return (f"Keyness compares groups, but the selection has {len(totals)} "
                f"({names}); it needs at least {min_groups}.")
    enough = totals[totals >= min_tokens]
    if len(enough) < min_groups:
        thin = ", ".join(f"{g} ({n})" for g, n in totals.items())
        return (f"Too few counted words for keyness: it needs {min_groups} groups with at "
                f"least {min_tokens} each; counts per group: {thin}.")
    return None


def _check_languages(counts: pd.DataFrame, min_groups: int, min_tokens: int) -> str | None:
    """check_keyness for counts in several languages: enough when one language is."""
    from .languages import language_name

    totals = counts.groupby(["language", "group"])["count"].sum()
    enough = totals[totals >= min_tokens].groupby(level=0).size()
    if (enough >= min_groups).any():
        return None
    if str(counts.attrs.get("by", "group")) == "language":
        return ("Grouped by language, each group is a language of its own, and words are "
                "compared within one language only (a Russian word is never set against "
                "English ones): compare entities instead, which are the same in every language.")
    each = "; ".join(f"{language_name(lang)}: " + ", ".join(f"{g} ({n})" for g, n in
                                                              totals[lang].items())
                     for lang in totals.index.get_level_values(0).unique())
    return (f"Words are compared within one language only, and no language has {min_groups} "
            f"groups with at least {min_tokens} counted terms; per language: {each}.")


def thin_groups(counts: pd.DataFrame, *, min_tokens: int = MIN_GROUP_TOKENS) -> list[str]:
    """Groups with fewer than ``min_tokens`` counted terms, whose keyness scores are shaky."""
    totals = counts.groupby("group")["count"].sum()
    return [str(g) for g in totals.index[totals < min_tokens]]


def check_cooccurrence(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                       min_articles: int = MIN_COOC_ARTICLES) -> str | None:
    """Too little for co-occurrence: fewer than ``min_articles`` articles naming two or more
    different entities."""
    m = restrict(mentions, articles).dropna(subset=["entity_id"])
    n = int((m.groupby("article_id")["entity_id"].nunique() >= 2).sum())
    if n < min_articles:
        return (f"Only {n} article{'' if n == 1 else 's'} name two or more entities; "
                f"co-occurrence needs at least {min_articles} to show more than one "
                f"article's cast.")
    return None


def check_cooccurrence_groups(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                              by: str = "outlet",
                              min_articles: int = MIN_COOC_ARTICLES) -> str | None:
    """Too little for co-occurrence by group: fewer than two groups each with
    ``min_articles`` articles naming two or more different entities."""
    from .select import group_column

    m = restrict(mentions, articles).dropna(subset=["entity_id"])
    rich = m.groupby("article_id")["entity_id"].nunique() >= 2
    labels = pd.Series(group_column(articles, by).to_numpy(), index=articles["article_id"])
    labels = labels[~labels.index.duplicated()]
    per_group = labels.reindex(rich.index[rich]).value_counts()
    n = int((per_group >= min_articles).sum())
    if n < 2:
        return (f"{n} {by} group{'' if n == 1 else 's'} with at least {min_articles} articles "
                f"naming two or more entities; comparing who appears together needs two.")
    return None


def check_timeline(articles: pd.DataFrame, *, min_dated: int = MIN_DATED,
                   freq: str = "D") -> str | None:
    """Too little for a publication timeline: fewer than ``min_dated`` dated articles, or all
    of them in one period (day, week or month, as ``freq``)."""
    from .timeline import periods, resolve_freq

    dated = articles["published"].dropna()
    freq = resolve_freq(freq, dated)
    starts = periods(dated, freq)["period"].unique() if len(dated) >= min_dated else []
    return timeline_note(len(articles), len(dated), len(starts),
                         starts[0] if len(starts) else None, min_dated=min_dated, freq=freq)


def timeline_note(total: int, dated: int, n_periods: int, first: object, *, min_dated: int,
                  freq: str) -> str | None:
    """:func:`check_timeline`'s finding from its counts — articles, dated ones, the periods
    they fall in and the first period's start — for the pandas and the store's SQL path."""
    from .timeline import PERIOD_NAMES

    undated = total - dated
    tail = f" ({undated} undated)" if undated else ""
    if dated < min_dated:
        return (f"Only {dated} of {total} articles have a publication date"
                f"{tail}; a timeline needs at least {min_dated}.")
    if n_periods < 2:
        name = PERIOD_NAMES.get(freq, "period")
        when = (f"on {pd.Timestamp(first):%Y-%m-%d}" if freq == "D"
                else f"in the {name} from {pd.Timestamp(first):%Y-%m-%d}")
        return (f"All {dated} dated articles appeared {when}{tail}; there is no change "
                f"over time to show.")
    return None


def check_events(dates: pd.DataFrame, articles: pd.DataFrame) -> str | None:
    """Too little for an events timeline: no date expression resolved to a calendar date."""
    d = restrict(dates, articles)
    if d.empty:
        return "No date expressions were found in the selected articles."
    if d["date"].notna().sum() == 0:
        n = len(d)
        return (f"None of the {n} date expression{'' if n == 1 else 's'} found in the "
                f"selected articles could be resolved to a calendar date.")
    return None


def check_variants(mentions: pd.DataFrame, articles: pd.DataFrame) -> str | None:
    """Nothing to compare for naming variants: no entity appears under two or more tags."""
    m = restrict(mentions, articles).dropna(subset=["entity_id", "variant"])
    if (m.groupby("entity_id")["variant"].nunique() >= 2).sum() == 0:
        return ("No entity appears under two or more tagged spellings in the selected "
                "articles, so there are no naming choices to compare.")
    return None


def check_voices(quotes: pd.DataFrame, articles: pd.DataFrame, *,
                 min_quotes: int = MIN_QUOTES) -> str | None:
    """Too little for voice shares: fewer than ``min_quotes`` attributed quotes."""
    n = len(restrict(quotes, articles))
    if n < min_quotes:
        return (f"Only {n} attributed quote{'' if n == 1 else 's'} in the selected articles; "
                f"shares of voices need at least {min_quotes}.")
    return None
