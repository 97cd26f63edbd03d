"""The corpus-wide name rules as mappings, for a corpus annotated in shards.

``surnames.link_surnames`` (majority types, one spelling, middle initials, then surname links)
and ``cyrillic_kb.link_across_languages`` need the whole corpus's evidence, but what they do to
a mention depends only on its ``entity_id``, ``entity``, ``type`` and ``affiliation`` (and to
a quote, on its ``speaker_id``). So they run on two narrow summaries of the shards, gathered
shard by shard, and what they change becomes ``Links``, applied to each shard's tables — the
tables the rules give run on the whole corpus at once (tested on real corpora):

1. ``NameCounts``: per distinct name (id, name, type) its mentions and first place — all that
   the majority-type, one-spelling and middle-initial rules read — gives the first mapping;
2. ``SurnameEvidence``: per shard, after that mapping, the surname rule's evidence counted (a
   surname alone under a full name in one article: articles per surname and full name) and
   every distinct (id, name, type, affiliation) — all that the surname links and the
   Cyrillic↔Latin rule read — gives the second.

Held: a row per distinct name (and affiliation) and per surname linked to a full name; these
grow with the corpus's vocabulary of names, not with its articles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.annotate.cyrillic_kb import link_across_languages
from workbench.annotate.surnames import (
    apply_surname_links,
    corpus_rules,
    links_from_counts,
    surname_counts,
)

RULE_COLUMNS = ["article_id", "start", "entity_id", "entity", "type", "text", "affiliation"]
NAME = ["entity_id", "entity", "type"]
KEY = ["entity_id", "entity", "type", "affiliation"]
_NA = "\x00"  # stands for a missing value in a key
_UNSET = "\x00unset"  # a speaker affiliation a rule left alone


def rule_rows(mentions: pd.DataFrame) -> pd.DataFrame:
    """The rows and columns of ``mentions`` the corpus-wide rules read: mentions of ``local:``
    ids (names the knowledge base lacks) and of persons."""
    ids = mentions["entity_id"].astype("string")
    keep = (ids.str.startswith("local:") | (mentions["type"] == "PERSON")).fillna(False)
    return mentions.loc[keep.to_numpy(dtype=bool), RULE_COLUMNS].reset_index(drop=True)


@dataclass
class Stage:
    """One mapping: ``mentions`` maps a key of ``columns`` (as one string) to their new
    values; ``speakers`` maps a ``speaker_id`` to its new id and affiliation (``_UNSET``
    where the affiliation stays)."""

    columns: list[str]
    mentions: pd.DataFrame
    speakers: pd.DataFrame

    def apply(self, mentions: pd.DataFrame, quotes: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
        mentions = mentions.copy()
        if len(self.mentions) and len(mentions):
            pos = self.mentions.index.get_indexer(_keys(mentions, self.columns))
            hit = pos >= 0
            if hit.any():
                new = self.mentions.iloc[pos[hit]]
                for col in self.columns:
                    mentions.loc[hit, col] = new[col].to_numpy()
        quotes = quotes.copy()
        if len(self.speakers) and len(quotes):
            pos = self.speakers.index.get_indexer(_keys(quotes, ["speaker_id"]))
            hit = pos >= 0
            if hit.any():
                new = self.speakers.iloc[pos[hit]]
                quotes.loc[hit, "speaker_id"] = new["speaker_id"].to_numpy()
                aff = new["speaker_affiliation"].to_numpy(dtype=object)
                setting = np.array([not (isinstance(a, str) and a == _UNSET) for a in aff],
                                   dtype=bool)
                rows = quotes.index[np.flatnonzero(hit)[setting]]
                quotes.loc[rows, "speaker_affiliation"] = aff[setting]
        return mentions, quotes


@dataclass
class Links:
    """The corpus-wide rules' changes, stage after stage (see the module's docstring)."""

    stages: list[Stage] = field(default_factory=list)

    def apply(self, mentions: pd.DataFrame, quotes: pd.DataFrame
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``mentions`` and ``quotes`` (new frames) as the rules leave them."""
        for stage in self.stages:
            mentions, quotes = stage.apply(mentions, quotes)
        return mentions, quotes


class NameCounts:
    """Step 1, shard by shard: ``add`` each shard's mentions, then ``stage``."""

    def __init__(self) -> None:
        self._names: pd.DataFrame | None = None

    def add(self, mentions: pd.DataFrame) -> None:
        rows = rule_rows(mentions)
        counted = rows.groupby(NAME, dropna=False, sort=False).agg(
            n=("start", "size"), article_id=("article_id", "first"),
            start=("start", "first")).reset_index()
        both = counted if self._names is None else pd.concat([self._names, counted])
        self._names = _fold(both)

    def stage(self) -> Stage:
        """The majority-type, one-spelling and middle-initial rules' mapping."""
        names = self._names if self._names is not None else pd.DataFrame(
            columns=[*NAME, "n", "article_id", "start"])
        names = names.reset_index(drop=True)
        speakers = _speakers(names)
        after, said = corpus_rules(names, speakers)
        return _stage(names, after, NAME, speakers, said)


class SurnameEvidence:
    """Step 2, shard by shard: ``add`` each shard's mentions (step 1 applied), then
    ``stage``."""

    def __init__(self) -> None:
        self._counts: pd.DataFrame | None = None
        self._names: pd.DataFrame | None = None

    def add(self, mentions: pd.DataFrame) -> None:
        rows = rule_rows(mentions)
        person = rows[(rows["type"] == "PERSON") & rows["entity"].notna()]
        counts = surname_counts(person)
        if len(counts):
            both = counts if self._counts is None else pd.concat([self._counts, counts])
            # An article is in one shard: its shards' article counts add up.
            both = both.sort_values(["first_article", "first_start"], kind="stable")
            self._counts = both.groupby(["last", "entity_id"], sort=False).agg(
                articles=("articles", "sum"), entity=("entity", "first"),
                affiliation=("affiliation", "first"), first_article=("first_article", "first"),
                first_start=("first_start", "first")).reset_index()
        distinct = rows[KEY].drop_duplicates()
        both = distinct if self._names is None else pd.concat([self._names, distinct])
        self._names = both.drop_duplicates()

    def stage(self) -> Stage:
        """The surname links' and the Cyrillic↔Latin rule's mapping."""
        # Every name once: a surname alone to link, a Latin name to match, a name to map.
        names = self._names if self._names is not None else pd.DataFrame(columns=KEY)
        names = names.reset_index(drop=True)
        counts = self._counts if self._counts is not None else surname_counts(names.head(0))
        speakers = _speakers(names)
        after, said = apply_surname_links(names, speakers, links_from_counts(counts, names))
        after = link_across_languages(after)
        return _stage(names, after, KEY, speakers, said)


def _fold(names: pd.DataFrame) -> pd.DataFrame:
    """Shards' name counts as one: counts summed, the first place kept, in order of it."""
    names = names.sort_values(["article_id", "start"], kind="stable")
    return names.groupby(NAME, dropna=False, sort=False).agg(
        n=("n", "sum"), article_id=("article_id", "first"),
        start=("start", "first")).reset_index()


def _speakers(rows: pd.DataFrame) -> pd.DataFrame:
    """One stand-in quote per id of ``rows``, its affiliation unset."""
    ids = pd.Series(rows["entity_id"].dropna().unique(), dtype="string")
    return pd.DataFrame({"speaker_id": ids,
                         "speaker_affiliation": pd.Series([_UNSET] * len(ids), dtype="string")})


def _stage(before: pd.DataFrame, after: pd.DataFrame, columns: list[str],
           speakers: pd.DataFrame, said: pd.DataFrame) -> Stage:
    """The mapping that turned ``before`` into ``after`` (and ``speakers`` into ``said``)."""
    keys = _keys(before, columns)
    changed = keys != _keys(after, columns)
    mentions = after.loc[changed, columns].set_axis(pd.Index(keys[changed]))
    mentions = mentions[~mentions.index.duplicated()]
    ids = speakers["speaker_id"]
    moved = ((said["speaker_id"] != ids).fillna(True)
             | (said["speaker_affiliation"].astype("string") != _UNSET).fillna(True))
    moved = moved.to_numpy(dtype=bool)
    spoke = said.loc[moved].set_axis(pd.Index(ids[moved].astype(object)))
    return Stage(columns=columns, mentions=mentions, speakers=spoke)


def _keys(df: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """One string per row joining ``columns`` (a missing value as ``_NA``)."""
    parts = [df[c].astype(object).where(df[c].notna(), _NA).astype(str).to_numpy(dtype=object)
             for c in columns]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return np.asarray(out, dtype=object)
