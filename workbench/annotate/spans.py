"""Span repairs and context rules for entity mentions, inside one Doc (used by mentions.py).

- Hyphenated names whole: spaCy splits "Jean-Pierre" into three tokens and the statistical NER
  often cuts there ("Karine Jean" + "Pierre"); a person span glued to a hyphen and a capitalised
  word is extended over them (and over the entity the model made of the rest).
- Glued punctuation off: a span written "Sergey Lavrov(RUSSIAN", "Tenn.)Josh Hawley" or
  "Griner ―" keeps only its name part (:func:`trim_glued`), in the row and in the name.
- Type evidence for a statistical PERSON the knowledge base does not know: a last word that
  names an organisation ("… News", "… Agency", "… Times") or a place ("… Street", "… Airport"),
  or an acronym in capitals never written in lower case in the article ("NASA"), is not a
  person (:func:`type_evidence`).
- Another first name: a surname the knowledge base matched alone right after a first name
  ("Crystal Griner", not Brittney Griner) is another person (:func:`other_first_name`).
- Nationality adjectives: "Russian troops" is the adjective entity; used as a noun ("a Russian
  said", "the Ukrainian was") it is the people group its ``group`` field names
  (:func:`context_entity`). Plural forms ("Russians", "the Russians") are the group through
  their own aliases.
- City or region: a bare "Donetsk" is the city; it is the oblast when "region(s)"/"oblast(s)"
  follows ("Donetsk and Luhansk regions") or when the sentence enumerates regions ("four
  regions — Donetsk, Zaporizhzhia, Kherson and Luhansk").
"""

from __future__ import annotations

import re
from typing import Any

from workbench.annotate.kb import Entity, KnowledgeBase
from workbench.annotate.name_order import family_first, given_syllable
from workbench.date_holidays import HOLIDAY

PERSON_LABELS = frozenset({"PER", "PERSON"})
_HYPHENS = frozenset({"-", "\u2010", "\u2011"})
# Characters no name contains: a span is cut there and its longest part kept.
_GLUE = re.compile(r"[()\[\]{}\u2012-\u2015|\\\"“”«»<>*+=;:!?•·…]+")
_EDGE = " \t\n,.'’‘-\u2010\u2011\u00b7"

ORG_HEADS = frozenset("""
news agency times post journal tribune herald gazette daily magazine network networks channel
television tv radio press media inc inc. corp corp. corporation company co. ltd llc group holdings
institute university college school party committee council ministry bank foundation association
airlines airways service services commission department office administration fund union league
club team studios center centre organization organisation federation alliance bureau
""".split())
PLACE_HEADS = frozenset("""
street st. avenue ave. road square airport bridge river sea ocean island islands mountains
peninsula strait bay valley oblast region province county city district
""".split())
_DETERMINERS = frozenset({"a", "an", "the", "one", "another", "every", "each", "no", "any",
                          "this", "that"})
_NOUN_TAGS = frozenset({"NOUN", "PROPN", "ADJ", "NUM"})
# Words before a surname that are not first names (with mentions.TITLES).
_RANKS = frozenset("""
officer agent sgt sergeant captain capt lieutenant major private corporal admiral marshal judge
coach father pope bishop patriarch prince princess lord lady professor prof reverend rev dame
detective inspector trooper deputy speaker leader candidate nominee host anchor
""".split())
# Feasts the news calendar names that the date rules do not resolve (moving, or lunar).
FEASTS = frozenset({"Easter", "Easter Sunday", "Good Friday", "Passover", "Ramadan", "Eid",
                    "Hanukkah", "Diwali", "Lent", "Yom Kippur", "Rosh Hashanah"})
_FEAST_TAIL = frozenset({"weekend", "sunday", "monday", "season", "holiday", "holidays",
                         "break", "eve", "day", "week", "vacation", "recess", "services"})


def is_feast(name: str) -> bool:
    """"Easter", "Christmas", "Easter Weekend", "Thanksgiving Day": a feast or holiday, with
    the words for its days after it."""
    words = name.split()
    while len(words) > 1 and words[-1].casefold() in _FEAST_TAIL:
        words.pop()
    bare = " ".join(words)
    return bool(HOLIDAY.fullmatch(name) or HOLIDAY.fullmatch(bare) or bare in FEASTS)


REGION_WORDS = frozenset({"region", "regions", "oblast", "oblasts", "province", "provinces"})
_PLURAL_REGION_WORDS = frozenset({"regions", "oblasts", "provinces"})


def trim_glued(text: str) -> tuple[int, int]:
    """``(start, end)`` of the name part of ``text``: cut at punctuation no name contains and
    trimmed of edge commas, quotes and dashes."""
    best, best_letters = (0, len(text)), -1
    start = 0
    for m in [*_GLUE.finditer(text), None]:
        end = m.start() if m else len(text)
        letters = sum(c.isalpha() for c in text[start:end])
        if letters > best_letters:
            best, best_letters = (start, end), letters
        start = m.end() if m else start
    lo, hi = best
    while lo < hi and text[lo] in _EDGE:
        lo += 1
    while hi > lo and text[hi - 1] in _EDGE:
        # A full stop inside a span ends an abbreviation ("Tenn.", "Jr.", "U.S."): spaCy
        # leaves a sentence's own full stop out of entities.
        if text[hi - 1] == ".":
            break
        hi -= 1
    return lo, hi


def merge_hyphenated(doc: Any, ents: list[Any]) -> list[Any]:
    """``ents`` with person spans extended over a glued hyphen and capitalised word
    ("Karine Jean" + "-" + "Pierre" → "Karine Jean-Pierre"), absorbing entities there."""
    from spacy.tokens import Span

    if not any(e.label_ in PERSON_LABELS for e in ents):
        return ents
    covered = {i: e for e in ents for i in range(e.start, e.end)}  # token → its entity
    out, absorbed, changed = [], set(), False
    for ent in ents:
        if id(ent) in absorbed:
            continue
        if ent.label_ not in PERSON_LABELS or ent.id_:
            out.append(ent)
            continue
        start, end = ent.start, ent.end
        korean = family_first(doc[start].text)  # "Kim Jong" + "-un": one name
        while end + 1 < len(doc) and _glued_hyphen(doc, end) and (
                _name_word(doc[end + 1]) or (korean and given_syllable(doc[end + 1].text))):
            nxt = covered.get(end + 1)
            if end in covered or (nxt is not None and (nxt.id_ or nxt.start != end + 1)):
                break  # the hyphen is another entity's, or a known entity follows it
            end = nxt.end if nxt is not None else end + 2
            if nxt is not None:
                absorbed.add(id(nxt))
        while start >= 2 and _glued_hyphen(doc, start - 1) and _name_word(doc[start - 2]):
            before = covered.get(start - 1) or covered.get(start - 2)
            if before is None:
                start -= 2
                continue
            # The model split a name at its hyphen ("Jean-" + "Marie Le Pen"): one person.
            # Any other entity there ("Dodd-" an ORG before "Frank Act") is left whole.
            if (out and out[-1] is before and before.end == start and not before.id_
                    and before.label_ in PERSON_LABELS):
                out.pop()
                start = before.start
            break
        if (start, end) != (ent.start, ent.end):
            changed = True
            ent = Span(doc, start, end, label=ent.label_)
        out.append(ent)
    return out if changed else ents


def _glued_hyphen(doc: Any, i: int) -> bool:
    """Token ``i`` is a hyphen written with no space on either side."""
    return (doc[i].text in _HYPHENS and not doc[i].whitespace_ and i > 0
            and not doc[i - 1].whitespace_)


def _name_word(token: Any) -> bool:
    return token.is_alpha and token.text[:1].isupper()


def type_evidence(ent: Any, name: str, doc: Any) -> str | None:
    """The type a statistical PERSON span really has when its own words say so, else None."""
    if ent.label_ not in PERSON_LABELS or not name:
        return None
    if is_feast(name):
        return "OTHER"  # "Easter", "Christmas weekend": a day of the calendar, not a person
    words = name.split()
    last = words[-1].casefold()
    if len(words) > 1 and last in ORG_HEADS:
        return "ORG"
    if len(words) > 1 and last in PLACE_HEADS:
        return "PLACE"
    if (len(words) == 1 and 2 <= len(name) <= 5 and name.isupper() and name.isalpha()
            and name.title() not in doc.text):
        return "ORG"  # an acronym ("NASA"), never a name written in capitals ("BIDEN")
    return None


def other_first_name(ent: Any, entity: Entity, titles: frozenset[str]) -> Any | None:
    """A person span over "Crystal Griner" when the knowledge base matched only the surname
    ("Griner", Brittney Griner's alias) after a first name that is not its person's: the
    knowledge base lists the full names it knows, so another first name is another person."""
    from spacy.tokens import Span

    if entity.type != "PERSON" or ent.start == 0 or len(ent) != 1:
        return None
    prev = ent.doc[ent.start - 1]
    if (prev.ent_iob_ not in ("O", "") or not prev.is_alpha or not prev.text[:1].isupper()
            or prev.is_upper or prev.lower_ in titles or prev.lower_ in _RANKS
            or prev.pos_ not in ("PROPN", "NOUN")
            or prev.whitespace_ != " "):
        return None
    return Span(ent.doc, ent.start - 1, ent.end, label="PERSON")


def context_entity(ent: Any, entity: Entity, kb: KnowledgeBase, doc: Any) -> Entity | None:
    """Another knowledge-base entity this ruler match stands for in its context, else None."""
    if entity.group:
        return _as_noun(ent, entity, kb)
    if entity.type == "PLACE":
        region = _region_twin(kb, ent.text, entity)
        if region is not None and _says_region(ent, doc, kb):
            return region
    return None


def _as_noun(ent: Any, entity: Entity, kb: KnowledgeBase) -> Entity | None:
    """"a Russian said": the adjective used as a noun is one of the people."""
    doc = ent.doc
    if ent.start == 0 or doc[ent.start - 1].lower_ not in _DETERMINERS:
        return None
    if not (doc.has_annotation("TAG") or doc.has_annotation("POS")):
        return None
    nxt = doc[ent.end] if ent.end < len(doc) else None
    if nxt is not None and nxt.text in _HYPHENS and not doc[ent.end - 1].whitespace_:
        return None  # "a Russian-born journalist"
    if nxt is not None and not nxt.is_sent_start and (nxt.pos_ in _NOUN_TAGS
                                                      or nxt.text[:1].isupper()):
        return None
    return kb.get(entity.group)


_TWINS: dict[tuple[int, str], Entity | None] = {}


def _region_twin(kb: KnowledgeBase, text: str, entity: Entity) -> Entity | None:
    """The region whose alias is "<text> region", when it is not ``entity`` itself."""
    key = (id(kb), text)
    if key not in _TWINS:
        hit = kb.lookup(f"{text} region") or kb.lookup(f"{text} oblast")
        _TWINS[key] = hit[0] if hit and hit[0] is not entity and hit[0].type == "PLACE" \
            else None
    return _TWINS[key]


def _says_region(ent: Any, doc: Any, kb: KnowledgeBase) -> bool:
    # "Donetsk and Luhansk regions", "Donetsk, Kherson or Zaporizhzhia oblasts"
    for tok in doc[ent.end:min(len(doc), ent.end + 8)]:
        if tok.lower_ in REGION_WORDS:
            return True
        if not (tok.is_punct or tok.lower_ in ("and", "or", "&") or tok.text[:1].isupper()):
            break
    # "four regions — Donetsk, Zaporizhzhia, Kherson and Luhansk": the sentence names regions
    # and lists at least two of the names that are both a city and a region.
    sent = ent.sent
    if not any(t.lower_ in _PLURAL_REGION_WORDS for t in sent):
        return False
    others = {e.text for e in doc.ents if e.start >= sent.start and e.end <= sent.end
              and e.id_ and (kb.get(e.id_) is not None)
              and _region_twin(kb, e.text, kb.get(e.id_)) is not None}
    return len(others) >= 2
