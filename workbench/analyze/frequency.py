"""Entity frequency: who and what each group of articles talks about, normalised by length."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .select import group_words, grouped

OTHER = "(other)"

FREQ_COLUMNS = ["group", "entity_id", "entity", "type", "mentions", "articles", "words",
                "per_1k_words", "share"]


def entity_frequency(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    types: Iterable[str] | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Mentions per (group, entity): ``mentions``, ``articles`` (distinct articles mentioning it),
    ``words`` (all words in the group's articles), ``per_1k_words`` and ``share`` of the group's
    mentions (of the kept ``types``).  ``top_n`` keeps the top entities overall and lumps the
    rest into one ``"(other)"`` row per group (see :func:`top_entities`).  Rows are sorted by
    group, then mentions (descending)."""
    m = grouped(mentions, articles, by)
    if types is not None:
        wanted = {types.upper()} if isinstance(types, str) else {t.upper() for t in types}
        m = m[m["type"].astype("string").str.upper().isin(wanted).fillna(False).astype(bool)]
    m = m.assign(entity_id=_key(m), entity=m["entity"].fillna(m["text"]),
                 type=m["type"].fillna("OTHER"))
    freq = (m.groupby(["group", "entity_id"], sort=False)
             .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
             .reset_index())
    # One name and type per entity across the corpus, so groups line up in charts.
    freq["entity"] = freq["entity_id"].map(most_common(m, "entity_id", "entity"))
    freq["type"] = freq["entity_id"].map(most_common(m, "entity_id", "type"))
    freq = _normalise(freq, group_words(articles, by))
    freq = _sorted(freq)
    freq.attrs["by"] = by
    if top_n is not None:
        freq = top_entities(freq, top_n)
    return freq


def top_entities(freq: pd.DataFrame, n: int, *, other: bool = True) -> pd.DataFrame:
    """Keep the ``n`` entities with most mentions over all groups (ties: more articles, then
    name); with ``other`` the rest become one ``"(other)"`` row per group, whose ``articles`` is
    missing (articles may mention several lumped entities, so the count is not a sum)."""
    real = freq[freq["entity_id"] != OTHER]
    totals = (real.groupby("entity_id")
                  .agg(mentions=("mentions", "sum"), articles=("articles", "sum"),
                       entity=("entity", "first"))
                  .sort_values(["mentions", "articles", "entity"],
                               ascending=[False, False, True]))
    keep = set(totals.index[:n])
    top = freq[freq["entity_id"].isin(keep)]
    rest = freq[~freq["entity_id"].isin(keep)]
    if not other or rest.empty:
        out = top.copy()
    else:
        lumped = (rest.groupby("group", sort=False)
                      .agg(mentions=("mentions", "sum"), words=("words", "first"),
                           share=("share", "sum"))
                      .reset_index()
                      .assign(entity_id=OTHER, entity=OTHER, type=OTHER,
                              articles=pd.NA))
        lumped["articles"] = lumped["articles"].astype("Int64")
        lumped["per_1k_words"] = _per_1k(lumped["mentions"], lumped["words"])
        out = pd.concat([top, lumped[FREQ_COLUMNS]], ignore_index=True)
    out = _sorted(out)
    out.attrs = dict(freq.attrs)
    return out


def most_mentioned(freq: pd.DataFrame, kind: str = "PERSON") -> str:
    """The entity of type ``kind`` with most mentions over all groups of an
    :func:`entity_frequency` table (of any type when it has none of ``kind``); "" when empty:
    the keyword-in-context default for a corpus of any subject."""
    real = freq[freq["entity_id"] != OTHER]
    pick = real[real["type"] == kind]
    top = top_entities(pick if len(pick) else real, 1, other=False)
    return str(top["entity"].iloc[0]) if len(top) else ""


def _key(m: pd.DataFrame) -> pd.Series:
    # Mentions the knowledge base could not link still count, keyed by their written form.
    fallback = "text:" + m["text"].astype("string").str.strip().str.lower()
    return m["entity_id"].astype("string").fillna(fallback).astype(object)


def _normalise(freq: pd.DataFrame, words: pd.Series) -> pd.DataFrame:
    freq["words"] = freq["group"].map(words).fillna(0).astype("int64")
    freq["per_1k_words"] = _per_1k(freq["mentions"], freq["words"])
    totals = freq.groupby("group")["mentions"].transform("sum")
    freq["share"] = freq["mentions"] / totals
    freq["mentions"] = freq["mentions"].astype("int64")
    freq["articles"] = freq["articles"].astype("Int64")
    return freq[FREQ_COLUMNS]


def _per_1k(mentions: pd.Series, words: pd.Series) -> pd.Series:
    w = words.astype("float64")
    return (mentions.astype("float64") * 1000.0 / w.where(w > 0)).astype("float64")


def _sorted(freq: pd.DataFrame) -> pd.DataFrame:
    is_other = freq["entity_id"] == OTHER
    return (freq.assign(_other=is_other)
                .sort_values(["group", "_other", "mentions", "entity"],
                             ascending=[True, True, False, True], kind="stable")
                .drop(columns="_other")
                .reset_index(drop=True))


def most_common(df: pd.DataFrame, key: str, col: str) -> pd.Series:
    """For each value of ``key``, the most frequent non-missing ``col`` (ties: alphabetical)."""
    pairs = df[[key, col]].dropna().astype(str)
    counts = pairs.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["n", col], ascending=[False, True], kind="stable")
    return counts.drop_duplicates(key).set_index(key)[col]


def weighted_most_common(counts: pd.DataFrame, key: str, col: str) -> pd.Series:
    """:func:`most_common` over rows that stand for ``counts["n"]`` rows each (ties:
    alphabetical)."""
    c = counts.dropna(subset=[key, col]).groupby([key, col])["n"].sum().reset_index()
    c = c.sort_values(["n", col], ascending=[False, True], kind="stable")
    return c.drop_duplicates(key).set_index(key)[col]


def entity_ids(mentions: pd.DataFrame, wanted: str | Iterable[str]) -> list[str]:
    """The ``entity_id``\\ s meant by ``wanted``: ids, canonical names, or spellings as written
    (case-insensitive, tried in that order per item), in the order given, without repeats."""
    items = [wanted] if isinstance(wanted, str) else list(wanted)
    ids = mentions["entity_id"].astype("string")
    fields = [ids.str.lower(), mentions["entity"].astype("string").str.lower(),
              mentions["text"].astype("string").str.strip().str.lower()]
    found: list[str] = []
    for item in items:
        needle = str(item).strip().lower()
        for field in fields:
            hit = ids[(field == needle).fillna(False).astype(bool)].dropna().unique()
            if len(hit):
                found.extend(h for h in hit if h not in found)
                break
    return found
