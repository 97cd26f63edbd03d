"""Across the corpus: a surname alone ("Obama") is the person the corpus names in full with it
(a family name written first, "Kim" for "Kim Jong-un", likewise: ``name_order.py``).

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

Two more corpus-level rules run first, on the same evidence-only footing (:func:`corpus_rules`):
- Majority type: a name the model typed PERSON in a minority of its mentions and one other type
  in more than half of them ("Twitter": PER 3 times, ORG 40 times) takes that type everywhere.
- One spelling per id: a ``local:`` id written "Michael COHEN" in a few mentions and "Michael
  Cohen" in most is "Michael Cohen" everywhere.
- Middle initials: "Antony J. Blinken" and "Antony Blinken" (local ids) are one person when the
  corpus writes that name with one set of initials only; "George W. Bush" and "George H. W.
  Bush" both present keep the initialled forms apart (the bare form stays as written).
A one-word ``local:`` name the model typed OTHER, ORG or PLACE ("Biden" as MISC, "Flynn" as LOC)
is linked like a person's surname (knowledge-base places and organisations never are).
"""

from __future__ import annotations

import re

import pandas as pd

from workbench.annotate.name_order import family_name

_POSSESSIVE = re.compile(r"['’]s?$")
_INITIAL = re.compile(r"[A-Z]\.?")
MAJORITY = 0.5
SURNAME_TYPES = ["PERSON", "OTHER", "ORG", "PLACE"]
SHARE = 0.9
MIN_ARTICLES = 5


def surname_links(mentions: pd.DataFrame) -> pd.DataFrame:
    """The links the rule makes: one row per one-word ``local:`` person id, with the
    ``entity_id``, ``entity`` and ``affiliation`` of the full name it stands for."""
    person = mentions[(mentions["type"] == "PERSON") & mentions["entity"].notna()]
    return links_from_counts(surname_counts(person), mentions)


def surname_counts(person: pd.DataFrame) -> pd.DataFrame:
    """The rule's evidence counted: per surname (``last``) and full name (``entity_id``), the
    ``articles`` linking them, the ``entity`` and ``affiliation`` of the first such mention,
    and where it is (``first_article``, ``first_start``)."""
    rows, last = surname_evidence(person)
    if not rows:
        return pd.DataFrame(columns=["last", "entity_id", "articles", "entity", "affiliation",
                                     "first_article", "first_start"])
    linked = person.iloc[rows].assign(last=pd.array(last, dtype="string"))
    return (linked.groupby(["last", "entity_id"], sort=False)
                  .agg(articles=("article_id", "nunique"), entity=("entity", "first"),
                       affiliation=("affiliation", "first"),
                       first_article=("article_id", "first"), first_start=("start", "first"))
                  .reset_index())


def links_from_counts(counts: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """:func:`surname_links` from the evidence's ``counts`` (:func:`surname_counts`) and the
    ``mentions`` whose one-word names may be linked."""
    if counts.empty:
        return pd.DataFrame(columns=["from_id", "entity_id", "entity", "affiliation"])
    counts = counts.copy()
    counts["share"] = counts["articles"] / counts.groupby("last")["articles"].transform("sum")
    best = counts[(counts["share"] >= SHARE) & (counts["articles"] >= MIN_ARTICLES)]
    # The surname alone, typed PERSON or (by the model's mistake) OTHER, ORG or PLACE.
    loose = mentions[mentions["type"].isin(SURNAME_TYPES) & mentions["entity"].notna()]
    one_word = pd.Series([" " not in str(e) for e in loose["entity"]], index=loose.index,
                         dtype=bool)
    single = loose[one_word & loose["entity_id"].astype(str).str.startswith("local:")]
    alone = single[["entity_id", "entity"]].drop_duplicates("entity_id")
    links = alone.merge(best, left_on="entity", right_on="last", suffixes=("_from", ""))
    links = links.rename(columns={"entity_id_from": "from_id"})
    return links[["from_id", "entity_id", "entity", "affiliation"]].reset_index(drop=True)


def link_surnames(mentions: pd.DataFrame, quotes: pd.DataFrame
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``mentions`` and ``quotes`` with the corpus-wide rules applied (new frames): majority
    type and middle initials (:func:`corpus_rules`), then the surname links."""
    mentions, quotes = corpus_rules(mentions, quotes)
    return apply_surname_links(mentions, quotes, surname_links(mentions))


def apply_surname_links(mentions: pd.DataFrame, quotes: pd.DataFrame, links: pd.DataFrame
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``mentions`` and ``quotes`` with ``links`` (:func:`surname_links`) applied."""
    if links.empty:
        return mentions, quotes
    by_id = links.set_index("from_id")
    mentions = mentions.copy()
    hit = (mentions["entity_id"].isin(by_id.index)
           & mentions["type"].isin(SURNAME_TYPES)).fillna(False).astype(bool)
    target = mentions.loc[hit, "entity_id"]
    for col in ("entity_id", "entity", "affiliation"):
        mentions.loc[hit, col] = target.map(by_id[col]).to_numpy()
    mentions.loc[hit, "type"] = "PERSON"
    quotes = quotes.copy()
    said = quotes["speaker_id"].isin(by_id.index).fillna(False).astype(bool)
    target = quotes.loc[said, "speaker_id"]
    quotes.loc[said, "speaker_id"] = target.map(by_id["entity_id"]).to_numpy()
    quotes.loc[said, "speaker_affiliation"] = target.map(by_id["affiliation"]).to_numpy()
    return mentions, quotes


def surname_evidence(person: pd.DataFrame) -> tuple[list[int], list[str]]:
    """The positions in ``person`` (person mentions with a name) the in-article rule linked —
    the surname written alone ("Obama said", "President Obama") under a full name given
    elsewhere in the same article — and each one's surname as written."""
    # Plain lists: per-row string work over Arrow-backed columns is several times slower.
    entities = person["entity"].astype(str).tolist()
    written = person["text"].astype(str).tolist()
    rows, last = [], []
    for i, (entity, text) in enumerate(zip(entities, written, strict=True)):
        if " " not in entity:
            continue
        surname = entity.rsplit(" ", 1)[1]
        text = _POSSESSIVE.sub("", text)
        if text.endswith(surname) and entity not in text:
            rows.append(i)
            last.append(surname)
        elif (family := family_name(entity)) and text == family:  # "Kim" for "Kim Jong-un"
            rows.append(i)
            last.append(family)
    return rows, last


def corpus_rules(mentions: pd.DataFrame, quotes: pd.DataFrame
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The majority-type and middle-initials rules (module docstring) on new frames."""
    if mentions.empty:
        return mentions, quotes
    mentions = one_spelling(majority_types(mentions))
    merges = initial_merges(mentions)
    if merges:
        mentions = mentions.copy()
        ids = mentions["entity_id"].astype(object)
        hit = ids.isin(list(merges)).fillna(False).astype(bool) & (mentions["type"] == "PERSON")
        mentions.loc[hit, "entity"] = ids[hit].map(lambda i: merges[i][1]).to_numpy()
        mentions.loc[hit, "entity_id"] = ids[hit].map(lambda i: merges[i][0]).to_numpy()
        quotes = quotes.copy()
        said = quotes["speaker_id"].isin(list(merges)).fillna(False).astype(bool)
        quotes.loc[said, "speaker_id"] = quotes.loc[said, "speaker_id"].map(
            lambda i: merges[i][0]).to_numpy()
    return mentions, quotes


def one_spelling(mentions: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` where every ``local:`` id has one name: the one most of its mentions
    carry ("Michael Cohen", not also "Michael COHEN" from a court filing's capitals)."""
    local = mentions["entity_id"].astype(str).str.startswith("local:") & mentions["entity"].notna()
    sub = mentions.loc[local, ["entity_id", "entity"]].astype(str)
    counts = _count(sub, mentions.loc[local]).reset_index(name="n")
    if counts["entity_id"].is_unique:
        return mentions
    # Most mentions first, then the name in the most common case style, then alphabetical.
    counts = counts.sort_values(["entity_id", "n", "entity"], ascending=[True, False, True])
    best = counts.drop_duplicates("entity_id").set_index("entity_id")["entity"]
    mentions = mentions.copy()
    mentions.loc[local, "entity"] = mentions.loc[local, "entity_id"].map(best).to_numpy()
    return mentions


def majority_types(mentions: pd.DataFrame) -> pd.DataFrame:
    """``mentions`` where a ``local:`` name typed PERSON in a minority of its mentions takes
    the type of the majority (more than ``MAJORITY`` of them, one type)."""
    local = mentions["entity_id"].astype(str).str.startswith("local:")
    sub = mentions.loc[local, ["entity_id", "type"]].astype(str)
    if sub.empty:
        return mentions
    counts = _count(sub, mentions.loc[local]).unstack(fill_value=0)
    if "PERSON" not in counts.columns:
        return mentions
    total = counts.sum(axis=1)
    top = counts.drop(columns="PERSON").idxmax(axis=1) if counts.shape[1] > 1 else None
    if top is None:
        return mentions
    top_n = counts.drop(columns="PERSON").max(axis=1)
    flip = top[(top_n > MAJORITY * total) & (counts["PERSON"] > 0)]
    if flip.empty:
        return mentions
    mentions = mentions.copy()
    hit = (local & mentions["entity_id"].isin(flip.index)
           & (mentions["type"] == "PERSON")).fillna(False).astype(bool)
    mentions.loc[hit, "type"] = mentions.loc[hit, "entity_id"].map(flip).to_numpy()
    return mentions


def _count(sub: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Mentions per distinct row of ``sub``: its rows, or the sum of their ``n`` where
    ``rows`` stand for several mentions each (a corpus's counts gathered shard by shard)."""
    keys = list(sub.columns)
    if "n" not in rows.columns:
        return sub.groupby(keys).size()
    return sub.assign(n=rows["n"].to_numpy()).groupby(keys)["n"].sum()


def initial_merges(mentions: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """``{local id: (id, name)}``: initialled person names merged into their bare form, when
    the corpus writes that bare name with one set of middle initials only."""
    person = mentions[(mentions["type"] == "PERSON") & mentions["entity"].notna()]
    names = person.drop_duplicates("entity_id")[["entity_id", "entity"]].astype(str)
    groups: dict[str, list[tuple[str, str, str]]] = {}
    for eid, name in zip(names["entity_id"], names["entity"], strict=True):
        words = name.split()
        inner = [w for w in words[1:-1] if _INITIAL.fullmatch(w)]
        bare = " ".join([words[0], *[w for w in words[1:-1] if not _INITIAL.fullmatch(w)],
                         words[-1]]) if len(words) >= 3 else name
        groups.setdefault(bare, []).append((eid, name, " ".join(inner)))
    merges: dict[str, tuple[str, str]] = {}
    for forms in groups.values():
        initials = {i for _, _, i in forms if i}
        if len(initials) != 1 or len(forms) < 2:
            continue
        # The bare form's own id when the corpus has it (a KB entity wins), else the first.
        target = next(((e, n) for e, n, i in forms if not i), None)
        if target is None:
            continue
        for eid, _name, inner in forms:
            if inner and eid.startswith("local:"):
                merges[eid] = target
    return merges
