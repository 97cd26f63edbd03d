"""Across the corpus: a surname alone ("Obama") is the person the corpus names in full with it.

Inside one article, ``mentions.py`` links a one-word person name to the longer name it ends
("Posacki" after "Marcin Posacki").  Many articles never give the full name ("Obama said…"), so
after the cached tables are assembled a second rule links the one-word ``local:`` person
entities left over, corpus-wide, to a full person name ending in that word — only on the
corpus's own evidence: in the articles where the surname alone was linked to a full name (both
in one article), one full name has at least ``SHARE`` of those articles and at least
``MIN_ARTICLES`` of them.  An ambiguous surname ("Clinton": Hillary in some articles, Bill in
others) stays as written, and so does a model's mis-tagged span ("Could Ebola") that is never
followed by the surname alone.  The link applies to ``quotes.speaker_id`` too.  It runs on
the assembled tables, not in the cache, so it follows whichever corpus is loaded.
"""

from __future__ import annotations

import re

import pandas as pd

_POSSESSIVE = re.compile(r"['’]s?$")
SHARE = 0.9
MIN_ARTICLES = 5


def surname_links(mentions: pd.DataFrame) -> pd.DataFrame:
    """The links the rule makes: one row per one-word ``local:`` person id, with the
    ``entity_id``, ``entity`` and ``affiliation`` of the full name it stands for."""
    person = mentions[(mentions["type"] == "PERSON") & mentions["entity"].notna()]
    # Plain lists: per-row string work over Arrow-backed columns is several times slower.
    entities = person["entity"].astype(str).tolist()
    written = person["text"].astype(str).tolist()
    # Evidence: mentions the in-article rule linked — the surname written alone ("Obama said",
    # "President Obama") under a full name given elsewhere in the same article.
    rows, last = [], []
    for i, (entity, text) in enumerate(zip(entities, written)):
        if " " not in entity:
            continue
        surname = entity.rsplit(" ", 1)[1]
        text = _POSSESSIVE.sub("", text)
        if text.endswith(surname) and entity not in text:
            rows.append(i)
            last.append(surname)
    if not rows:
        return pd.DataFrame(columns=["from_id", "entity_id", "entity", "affiliation"])
    linked = person.iloc[rows].assign(last=pd.array(last, dtype="string"))
    counts = (linked.groupby(["last", "entity_id"], sort=False)
                    .agg(articles=("article_id", "nunique"), entity=("entity", "first"),
                         affiliation=("affiliation", "first"))
                    .reset_index())
    counts["share"] = counts["articles"] / counts.groupby("last")["articles"].transform("sum")
    best = counts[(counts["share"] >= SHARE) & (counts["articles"] >= MIN_ARTICLES)]
    one_word = pd.Series([" " not in e for e in entities], index=person.index, dtype=bool)
    single = person[one_word & person["entity_id"].astype(str).str.startswith("local:")]
    alone = single[["entity_id", "entity"]].drop_duplicates("entity_id")
    links = alone.merge(best, left_on="entity", right_on="last", suffixes=("_from", ""))
    links = links.rename(columns={"entity_id_from": "from_id"})
    return links[["from_id", "entity_id", "entity", "affiliation"]].reset_index(drop=True)


def link_surnames(mentions: pd.DataFrame, quotes: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``mentions`` and ``quotes`` with the corpus-wide surname links applied (new frames)."""
    links = surname_links(mentions)
    if links.empty:
        return mentions, quotes
    by_id = links.set_index("from_id")
    mentions = mentions.copy()
    hit = (mentions["entity_id"].isin(by_id.index)
           & (mentions["type"] == "PERSON")).fillna(False).astype(bool)
    target = mentions.loc[hit, "entity_id"]
    for col in ("entity_id", "entity", "affiliation"):
        mentions.loc[hit, col] = target.map(by_id[col]).to_numpy()
    quotes = quotes.copy()
    said = quotes["speaker_id"].isin(by_id.index).fillna(False).astype(bool)
    target = quotes.loc[said, "speaker_id"]
    quotes.loc[said, "speaker_id"] = target.map(by_id["entity_id"]).to_numpy()
    quotes.loc[said, "speaker_affiliation"] = target.map(by_id["affiliation"]).to_numpy()
    return mentions, quotes
