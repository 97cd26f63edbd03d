"""What the knowledge base is missing, found in the corpus: ``workbench kb suggest``.

:func:`suggest` ranks the people and organisations the annotator found but could not link to a
knowledge-base entity (``local:`` ids), most mentioned first, and for each says what a
researcher needs to decide:

Unlinked means an id the knowledge base does not have (the knowledge base's own entities may
have ``local:`` ids too).

* ``merge_into`` — a knowledge-base entity it probably is: its name (or its name without a
  possessive) is a KB alias once case, accents and punctuation are ignored, or it is a one-word
  name that ends exactly one KB person's name ("Pelosi" → Nancy Pelosi);
* ``surname_of`` — for a one-word person name, the unlinked full names in the corpus ending in
  it ("Haley" → Nikki Haley), most mentioned first;
* ``variants`` — other unlinked names spelled almost alike ("Zelenskyy"/"Zelensky"; difflib
  ratio ≥ 0.88, same first letter, same type);
* ``type_conflict`` — the model typed it two ways (PERSON in 30 % of mentions, ORG in 70 %), or
  an organisation-like ("… Party", "… Committee") or place-like ("Baltic Seas") name was
  typed PERSON.

What is not an entity is left out before ranking — page chrome and fragments: a name that
stands alone on its line in half its mentions or more ("AD" between paragraphs), a person's
name still carrying a title or party ("Democrat Hillary Clinton", "Director Mueller") or
starting with a stop word ("Whatever Clinton"), text with a line
break, URL, e-mail or handle, no capital letter, a number, only stop words, a dangling
hyphen or apostrophe, a stop word at the end ("Barents and"), a lower-case word inside (other
than name particles and linking words), more than six words, or a possessive ("Trump's" counts
under "Trump").

The pure functions here take the tidy tables; ``kb_review.py`` writes the review file and merges
an edited one into a knowledge base.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from typing import Any

import pandas as pd

from workbench.analyze.tokens import stop_words
from workbench.annotate.kb import KnowledgeBase, normalise

SUGGEST_TYPES = ("PERSON", "ORG")
SUGGESTION_COLUMNS = ["entity_id", "name", "type", "mentions", "articles", "outlets",
                      "spellings", "examples", "merge_into", "merge_name", "surname_of",
                      "variants", "type_conflict"]
VARIANT_RATIO = 0.88
CHROME_SHARE = 0.5  # a name alone on its line in at least this share of mentions is chrome
CONFLICT_SHARE = 0.2  # a second type in at least this share of mentions is a conflict
MAX_WORDS = 6

_ORG_WORDS = frozenset("""party committee ministry department agency council university college
school institute foundation association union league bank corporation corp inc llc ltd company
group network news times post journal press television radio court commission office bureau
administration congress senate house parliament government army navy police service society
church fund center centre organization organisation coalition campaign club federation""".split())
_PLACE_WORDS = frozenset("""sea seas ocean river lake bay gulf strait island islands mountains
peninsula valley region oblast province county state city street square avenue hill
mountain""".split())
_TITLE_WORDS = frozenset("""democrat democratic republican gop independent liberal conservative
president former sen senator rep representative gov governor secretary mr mrs ms dr minister
spokesman spokeswoman chairman chairwoman candidate nominee director chief judge justice
attorney general speaker leader commissioner ambassador sheriff officer""".split())
_PARTICLES = frozenset("de da del della der den di du la le van von bin al el ibn y".split())
_JUNK = re.compile(r"https?:|www\.|@|\.com\b|\.org\b|[|©®™#<>{}\[\]\\/=_*]")
_POSSESSIVE = re.compile(r"['’]s?$")
_TITLE_CASE = re.compile(r"^[A-Z0-9]")


def is_entity_like(name: str) -> bool:
    """False for page chrome and fragments (see the module docstring)."""
    if not name or "\n" in name or _JUNK.search(name):
        return False
    words = name.split()
    if len(words) > MAX_WORDS or not _TITLE_CASE.match(name):
        return False
    if not re.search(r"[^\W\d_]{2}", name) or re.search(r"\d", name):
        return False
    if name[-1] in "-'’" or name[0] in "-'’" or _POSSESSIVE.search(name):
        return False
    stops = stop_words()
    if all(w.lower().strip(".,") in stops for w in words):
        return False
    if len(words) > 1 and words[-1].lower() in stops:  # "Barents and": a cut-off span
        return False
    # Every word capitalised, apart from name particles ("Ludwig van Beethoven") and small
    # linking words inside organisation names ("Bank of America").
    for w in words[1:]:
        if w[0].islower() and w not in _PARTICLES and w.lower() not in stops:
            return False
    return True


def suggest(mentions: pd.DataFrame, articles: pd.DataFrame, kb: KnowledgeBase, *,
            min_mentions: int = 3, top: int | None = 200, examples: int = 2) -> pd.DataFrame:
    """Unlinked people and organisations worth adding, most mentioned first: one row per
    ``local:`` entity with ``mentions`` ≥ ``min_mentions`` (columns :data:`SUGGESTION_COLUMNS`;
    ``examples`` sentences from different articles, ``spellings`` most common first)."""
    # Unlinked: an id the knowledge base does not have (its own entities may be local: too).
    ids_ = mentions["entity_id"].astype("string")
    m = mentions[(ids_.str.startswith("local:").fillna(False).astype(bool)
                  & ~ids_.isin(list(kb.entities)).fillna(False).astype(bool)).to_numpy()]
    m = m.assign(name=m["entity"].astype("string").str.strip().map(_clean))
    # Names mostly typed PERSON or ORG; their other types stay in (for the type conflicts).
    m = m.assign(key=m["name"].map(_fold))
    main_type = m.groupby("key")["type"].agg(lambda t: t.value_counts().index[0])
    m = m[m["key"].map(main_type).isin(SUGGEST_TYPES).to_numpy()]
    m = m[m["name"].map(is_entity_like)]
    m = m[~m.apply(lambda r: r["type"] == "PERSON" and title_leftover(r["name"]), axis=1)
          .astype(bool)] if len(m) else m
    if m.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    texts = articles.drop_duplicates("article_id").set_index("article_id")["text"]
    m = m.assign(alone=_alone_on_line(m, texts))
    outlet = articles.drop_duplicates("article_id").set_index("article_id")["outlet"]
    m = m.assign(outlet=m["article_id"].map(outlet))
    stats = m.groupby("key", sort=False).agg(mentions=("key", "size"),
                                             articles=("article_id", "nunique"),
                                             outlets=("outlet", "nunique"),
                                             alone=("alone", "mean"))
    # Page chrome: a "name" that mostly stands alone on its line ("AD" between paragraphs).
    stats = stats[(stats["mentions"] >= min_mentions) & (stats["alone"] < CHROME_SHARE)]
    if stats.empty:
        return pd.DataFrame(columns=SUGGESTION_COLUMNS)
    stats = stats.sort_values(["mentions", "articles"], ascending=False, kind="stable")
    m = m[m["key"].isin(stats.index)]
    by_key = m.groupby("key", sort=False)
    names = {k: Counter(g).most_common(1)[0][0] for k, g in by_key["name"]}
    types = {k: Counter(g.dropna()) for k, g in by_key["type"]}
    spellings = {k: [t for t, _ in Counter(g.astype(str).map(str.strip)).most_common(5)]
                 for k, g in by_key["text"]}
    ids = {k: Counter(g).most_common(1)[0][0] for k, g in by_key["entity_id"]}
    rows_of = {k: g for k, g in by_key}
    kb_index = _kb_index(kb)
    rows = []
    for key_, row in stats.iterrows():
        kind = types[key_].most_common(1)[0][0] if types[key_] else "PERSON"
        name = names[key_]
        rows.append({
            "entity_id": ids[key_], "name": name, "type": kind,
            "mentions": int(row["mentions"]), "articles": int(row["articles"]),
            "outlets": int(row["outlets"]), "spellings": spellings[key_],
            "examples": _examples(rows_of[key_], texts, examples),
            **_kb_merge(name, kind, kb_index),
            "type_conflict": _type_conflict(name, types[key_]),
        })
    out = pd.DataFrame(rows)
    _add_clusters(out)
    out = out[SUGGESTION_COLUMNS]
    return out.head(top).reset_index(drop=True) if top else out


def title_leftover(name: str) -> bool:
    """A person's name still carrying a title or party ("Democrat Hillary Clinton")."""
    words = name.split()
    first = words[0].lower().rstrip(".")
    # A stop word first is a cut-off span too ("Whatever Clinton").
    return len(words) > 1 and (first in _TITLE_WORDS or first in stop_words())


def _alone_on_line(m: pd.DataFrame, texts: pd.Series) -> list[bool]:
    """For each mention: is it the whole of its line?"""
    out = []
    for aid, start, end in zip(m["article_id"], m["start"], m["end"], strict=True):
        text = texts.get(aid)
        if not isinstance(text, str):
            out.append(False)
            continue
        before = text[:int(start)].rsplit("\n", 1)[-1]
        after = text[int(end):].split("\n", 1)[0]
        out.append(not before.strip() and not after.strip())
    return out


def _clean(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    name = " ".join(name.split())
    return _POSSESSIVE.sub("", name) if len(name) > 3 else name


def _fold(name: str) -> str:
    return re.sub(r"[\W_]+", " ", normalise(name).casefold()).strip()


def _examples(rows: pd.DataFrame, texts: pd.Series, n: int) -> list[str]:
    """Up to ``n`` sentences around the mention, from different articles."""
    out: list[str] = []
    for r in rows.drop_duplicates("article_id").head(n).itertuples():
        text = texts.get(r.article_id)
        if isinstance(text, str):
            out.append(sentence_at(text, int(r.start), int(r.end)))
    return out


def sentence_at(text: str, start: int, end: int, width: int = 240) -> str:
    """The sentence around ``text[start:end]`` (cut to about ``width`` characters)."""
    lo = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start))
    lo = 0 if lo < 0 else lo + 1
    hi_dot, hi_nl = text.find(". ", end), text.find("\n", end)
    hi = min([h for h in (hi_dot + 1 if hi_dot >= 0 else -1, hi_nl) if h >= 0],
             default=len(text))
    if lo < start - width // 2:  # cut long sentences at a word boundary
        lo = text.find(" ", start - width // 2, start) + 1 or start
    if hi > end + width // 2:
        cut = text.rfind(" ", end, end + width // 2)
        hi = cut if cut > 0 else end
    return " ".join(text[lo:hi].split())


def _kb_index(kb: KnowledgeBase) -> dict[str, Any]:
    """Folded alias → entity, and surname → the KB persons whose name ends in it."""
    alias: dict[str, Any] = {}
    surname: dict[str, list] = defaultdict(list)
    for entity in kb.entities.values():
        for a in entity.aliases:
            alias.setdefault(_fold(a.text), entity)
        if entity.type == "PERSON" and " " in entity.name:
            surname[_fold(entity.name.split()[-1])].append(entity)
    return {"alias": alias, "surname": surname}


def _kb_merge(name: str, kind: str, index: dict[str, Any]) -> dict[str, Any]:
    key = _fold(name)
    hit = index["alias"].get(key)
    if hit is None and kind == "PERSON" and " " not in name:
        persons = index["surname"].get(key, [])
        hit = persons[0] if len(persons) == 1 else None
    return {"merge_into": hit.id if hit else None, "merge_name": hit.name if hit else None}


def _type_conflict(name: str, types: Counter) -> str | None:
    total = sum(types.values())
    if len(types) > 1 and total:
        (first, n1), (second, n2) = types.most_common(2)
        if n2 / total >= CONFLICT_SHARE:
            return (f"typed {first} in {n1 / total:.0%} of mentions, {second} in "
                    f"{n2 / total:.0%}")
    if types.most_common(1)[0][0] == "PERSON":
        later = [w.lower() for w in name.split()[1:]]
        if any(w in _ORG_WORDS for w in later):
            return "typed PERSON, but the name looks like an organisation's"
        if any(w in _PLACE_WORDS for w in later):
            return "typed PERSON, but the name looks like a place's"
    return None


def _add_clusters(out: pd.DataFrame) -> None:
    """``surname_of`` and ``variants`` columns, from the suggestions themselves."""
    names = out["name"].tolist()
    kinds = out["type"].tolist()
    counts = out["mentions"].tolist()
    by_last: dict[str, list[int]] = defaultdict(list)
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        if kind == "PERSON" and " " in name:
            by_last[_fold(name.split()[-1])].append(i)
    surname_of, variants = [], []
    for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        full = by_last.get(_fold(name), []) if kind == "PERSON" and " " not in name else []
        surname_of.append([f"{names[j]} ({counts[j]})" for j in full][:5])
        near = []
        for j, other in enumerate(names):
            if j == i or kinds[j] != kind or other[:1].lower() != name[:1].lower():
                continue
            if abs(len(other) - len(name)) > 3:
                continue
            if difflib.SequenceMatcher(None, name.lower(), other.lower()).ratio() \
                    >= VARIANT_RATIO:
                near.append(f"{other} ({counts[j]})")
        variants.append(near[:5])
    out["surname_of"] = surname_of
    out["variants"] = variants
