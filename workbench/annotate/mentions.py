"""Entity mentions of one annotated text, normalised to one canonical entity each.

Rules, in order (``RULES_VERSION`` in pipeline.py changes with them); 1, 2 and 4 run inside
the spaCy pipeline (the ``workbench_kb`` ruler and the ``workbench_entities`` component, so
``nlp(text).ents`` are already linked and clean), 3 on the mention rows of an article:
1. A knowledge-base match (the ``workbench_kb`` ruler) is the entity, with its variant tag.
2. A statistical entity is normalised — leading titles ("President", "Kremlin spokesman"),
   possessive 's and a leading "the" removed — and looked up in the knowledge base.
3. An entity the knowledge base does not know counts under its normalised name, with a
   ``local:`` id made from it; a one-word person name that ends a longer person name in the same
   article ("Posacki" after "Marcin Posacki") is that person (and, across the corpus, see
   ``surnames.py``).
   A one-word name the model typed OTHER, ORG or PLACE ("Biden" as MISC, "Flynn" as LOC) that
   ends a person's name in the article is that person too (a knowledge-base place or
   organisation, "Washington", is never relinked).
4. Junk never becomes an entity: a statistical entity with no proper noun in it ("Immediately",
   "Therefore", "Experts"), a lone generic word ("Justice" from "Minister of Justice") or site
   chrome word ("Photo", "Select", if cleaning let one through), numbers, dates and one-letter
   spans are dropped.
Labels of both schemes map to one ``type``: OntoNotes (PERSON, GPE, NORP…) and CoNLL (PER, LOC…).
Span repairs and context rules (hyphenated names whole, glued punctuation off, type evidence,
nationality adjective or people, city or region) are in ``spans.py``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from workbench.annotate.kb import KnowledgeBase
from workbench.annotate.name_order import family_name
from workbench.annotate.spans import (
    PERSON_LABELS,
    context_entity,
    merge_hyphenated,
    other_first_name,
    trim_glued,
    type_evidence,
)
from workbench.corpus.clean import CHROME_LINES

LABEL_TYPES = {
    "PER": "PERSON", "PERSON": "PERSON",
    "ORG": "ORG",
    "LOC": "PLACE", "GPE": "PLACE", "FAC": "PLACE",
    "NORP": "GROUP",
    "EVENT": "EVENT",
    "MISC": "OTHER", "PRODUCT": "OTHER", "WORK_OF_ART": "OTHER", "LAW": "OTHER",
    "LANGUAGE": "OTHER",
}
NOT_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
                          "CARDINAL"})

# Words that precede a name without being part of it.
TITLES = frozenset("""
president prime minister deputy foreign defense defence secretary general spokesman spokeswoman
spokesperson mr mrs ms dr sir madam chancellor king queen senator rep representative governor
mayor ambassador envoy special commander gen general lt colonel col chief head leader
official officials press state us u.s. uk russian ukrainian american kremlin vice former
acting interim the a an adviser advisor aide economy finance energy justice sen rep. gov
""".split())
# Capitalised common nouns the statistical NER takes for names when they stand alone
# ("the Minister of Justice" → "Justice"); a longer name containing them is kept.
GENERIC_WORDS = frozenset("""
ministry minister justice energy defense defence office government council parliament department
committee state republic federation region oblast agency service court army navy police
president administration embassy commission union alliance bureau party parties media
photo photos image video caption
""".split())
_NOT_NAMES = GENERIC_WORDS | CHROME_LINES
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_INITIAL = re.compile(r"[A-Z]\.?")
# A one-word name the model typed any of these ("Flynn" as LOC after "Michael Flynn") can be a
# surname; groups and events never are.
_SURNAME_TYPES = ("PERSON", "OTHER", "ORG", "PLACE")


def sentence_starts(doc: Any) -> list[int]:
    """Character offset where each sentence of ``doc`` starts."""
    return [s.start_char for s in doc.sents]


def normalise_entities(doc: Any, kb: KnowledgeBase) -> Any:
    """Merge the statistical entities with the knowledge base, in place (the work of the
    ``workbench_entities`` pipeline component, rules 2 and 4 above): an entity the ruler did not
    match is looked up under its normalised name and, when found, gets the KB id (``ent.id_``);
    junk is removed from ``doc.ents``. Linked spans are remembered with their variant tag in
    ``doc.user_data["workbench_linked"]`` so the mention rows can say the model found them."""
    from spacy.tokens import Span

    tagged = doc.has_annotation("TAG") or doc.has_annotation("POS")
    linked: dict[tuple[int, int], str | None] = {}
    types: dict[tuple[int, int], str] = {}
    ents = list(doc.ents)
    kept = merge_hyphenated(doc, ents)
    changed = kept is not ents
    ents, kept = kept, []
    for ent in ents:
        if ent.label_ in NOT_ENTITIES:
            kept.append(ent)
            continue
        if ent.id_:
            entity = kb.get(ent.id_)
            if entity is None:
                kept.append(ent)
                continue
            person = other_first_name(ent, entity, TITLES)
            if person is not None and kb.lookup(person.text) is not None \
                    and kb.lookup(person.text)[0] is entity:
                # "Donald TRUMP": the knowledge base's own name in another case.
                person = Span(doc, person.start, person.end, label=ent.label_, span_id=entity.id)
            if person is not None:
                if kept and kept[-1].end > person.start:  # never overlap the previous entity
                    kept.append(ent)
                    continue
                kept.append(person)
                changed = True
                continue
            other = context_entity(ent, entity, kb, doc)
            if other is not None:
                ent = Span(doc, ent.start, ent.end, label=other.type, span_id=other.id)
                changed = True
            kept.append(ent)
            continue
        name = normalise_name(ent)
        found = _lookup(kb, name, ent.label_) if name else None
        if found is not None:
            # A new span: an id set on a span of doc.ents is lost unless doc.ents is set again.
            ent = Span(doc, ent.start, ent.end, label=ent.label_, span_id=found[0].id)
            linked[(ent.start_char, ent.end_char)] = found[1]
            kept.append(ent)
            changed = True
        elif name and _looks_like_a_name(ent, tagged) and name.casefold() not in _NOT_NAMES:
            kind = type_evidence(ent, name, doc)
            if kind is not None:
                types[(ent.start_char, ent.end_char)] = kind
            kept.append(ent)
        else:
            changed = True
    if changed:
        doc.ents = kept
    doc.user_data["workbench_linked"] = linked
    doc.user_data["workbench_types"] = types
    return doc


def _lookup(kb: KnowledgeBase, name: str, label: str):
    """The knowledge-base entry for a normalised name; a person's middle initials may be left
    out ("Antony J. Blinken" is the KB's "Antony Blinken")."""
    found = kb.lookup(name)
    if found is None and label in PERSON_LABELS:
        bare = drop_initials(name)
        if bare != name:
            found = kb.lookup(bare)
    return found


def drop_initials(name: str) -> str:
    """A name without its middle initials ("Antony J. Blinken" → "Antony Blinken")."""
    words = name.split()
    if len(words) < 3:
        return name
    inner = [w for w in words[1:-1] if not _INITIAL.fullmatch(w)]
    return " ".join([words[0], *inner, words[-1]])


def doc_mentions(doc: Any, kb: KnowledgeBase, starts: list[int] | None = None
                 ) -> list[dict[str, Any]]:
    """Mention rows (the ``mentions`` table without ``article_id``) for one Doc that went
    through ``normalise_entities`` (the pipeline does this)."""
    if "workbench_linked" not in doc.user_data:
        normalise_entities(doc, kb)
    linked = doc.user_data["workbench_linked"]
    types = doc.user_data.get("workbench_types", {})
    starts = starts if starts is not None else sentence_starts(doc)
    rows: list[dict[str, Any]] = []
    for ent in doc.ents:
        if ent.label_ in NOT_ENTITIES:
            continue
        row = _mention(ent, kb, linked, types)
        if row is None:
            continue
        row["sent_index"] = bisect_right(starts, ent.start_char) - 1
        rows.append(row)
    added = _honorific_rows(doc, rows)
    if added:
        for r in added:
            r["sent_index"] = bisect_right(starts, r["start"]) - 1
        rows = sorted(rows + added, key=lambda r: r["start"])
    _link_surnames(rows, kb)
    return rows


_HONORIFICS = frozenset({"Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Dr.", "Dr"})


def _honorific_rows(doc: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"Mr. Kim", "Ms. Ardern" the model left untagged, as mentions of the one person the
    article names in full with that surname (or family name written first). House styles
    that write "Mr." at every later reference (the New York Times) would otherwise count that
    person far less than outlets writing the surname alone, which the model tags better."""
    people = _one_person_each((key, r) for r in rows
                              if r["type"] == "PERSON" and " " in r["entity"]
                              for key in {r["entity"].split()[-1], family_name(r["entity"])}
                              if key)
    if not people:
        return []
    covered = {i for e in doc.ents for i in range(e.start, e.end)}
    out = []
    for tok in doc[:-1]:
        nxt = doc[tok.i + 1]
        if (tok.text not in _HONORIFICS or nxt.i in covered
                or (person := people.get(nxt.text)) is None):
            continue
        out.append({"start": nxt.idx, "end": nxt.idx + len(nxt.text), "text": nxt.text,
                    "label": person["label"], "variant": None, "type": "PERSON",
                    "entity_id": person["entity_id"], "entity": person["entity"],
                    "affiliation": person["affiliation"], "source": "rule"})
    return out


def _mention(ent: Any, kb: KnowledgeBase, linked: dict[tuple[int, int], str | None],
             types: dict[tuple[int, int], str]) -> dict[str, Any] | None:
    lo, hi = trim_glued(ent.text)
    text = ent.text[lo:hi].strip()
    if not text:
        return None
    start = ent.start_char + lo + len(ent.text[lo:hi]) - len(ent.text[lo:hi].lstrip())
    row = {"start": start, "end": start + len(text), "text": text, "label": ent.label_,
           "variant": None}
    entity = kb.get(ent.id_) if ent.id_ else None
    if entity is not None:
        key = (ent.start_char, ent.end_char)
        if key in linked:
            return {**row, **_from_kb(entity), "variant": linked[key], "source": "model"}
        return {**row, **_from_kb(entity), "variant": kb.variant_of(text), "source": "kb"}
    name = normalise_name(ent)
    if not name:
        return None
    kind = types.get((ent.start_char, ent.end_char)) or LABEL_TYPES.get(ent.label_, "OTHER")
    return {**row, "type": kind, "entity_id": local_id(name),
            "entity": name, "affiliation": None, "source": "model"}


def _from_kb(entity: Any) -> dict[str, Any]:
    return {"type": entity.type, "entity_id": entity.id, "entity": entity.name,
            "affiliation": entity.affiliation}


def normalise_name(ent: Any) -> str:
    """The entity's words without glued punctuation ("Lavrov(RUSSIAN"), leading titles, a
    leading article or a trailing possessive."""
    return clean_name(ent.text)


def clean_name(text: str) -> str:
    """:func:`normalise_name` on a plain string."""
    lo, hi = trim_glued(text)
    words = text[lo:hi].split()
    while len(words) > 1 and (_is_title(words[0]) or not any(c.isalnum() for c in words[0])):
        words = words[1:]
    while words and not any(c.isalnum() for c in words[-1]):
        words = words[:-1]
    text = _POSSESSIVE.sub("", " ".join(words))
    return " ".join(text.split())


def _is_title(word: str) -> bool:
    word = word.casefold()
    return word in TITLES or word.rstrip(".") in TITLES


def _looks_like_a_name(ent: Any, tagged: bool) -> bool:
    text = ent.text.strip()
    if len(text) < 2 or not any(c.isalpha() for c in text):
        return False
    if "\n" in text:
        return False
    # Without a tagger (the rules-only pipeline) only the knowledge base finds entities.
    if not tagged:
        return False
    return any(t.pos_ == "PROPN" or (t.is_upper and len(t.text) > 1) for t in ent)


def local_id(name: str) -> str:
    """``local:`` id from a normalised name: a slug, ASCII where the name allows it."""
    folded = unicodedata.normalize("NFKD", name)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return "local:" + (re.sub(r"[\W_]+", "-", folded).strip("-") or "unnamed")


def _one_person_each(pairs: Iterable[tuple[str, dict[str, Any]]]
                     ) -> dict[str, dict[str, Any] | None]:
    """Name → the one person's mention row among ``(name, row)`` pairs; None where rows of two
    different people share the name (two Kims: "Kim" alone is neither)."""
    out: dict[str, dict[str, Any] | None] = {}
    for key, r in pairs:
        seen = out.setdefault(key, r)
        if seen is not None and seen["entity_id"] != r["entity_id"]:
            out[key] = None
    return out


def _link_surnames(rows: list[dict[str, Any]], kb: KnowledgeBase) -> None:
    full: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r["type"] == "PERSON" and r["source"] == "model" and " " in r["entity"]:
            full.setdefault(r["entity"].split()[-1], (r["entity_id"], r["entity"]))
    # "Kim" → "Kim Jong-un": a family name written first (name_order.py).
    firsts = _one_person_each((family_name(r["entity"]), r) for r in rows
                              if r["type"] == "PERSON" and r["source"] == "model"
                              and family_name(r["entity"]))
    family = {k: (r["entity_id"], r["entity"]) if r else None for k, r in firsts.items()}
    # Knowledge-base people the article names in full ("Brittney Griner"): their surname
    # alone is theirs even when another person with that surname is named too.
    named = {r["entity_id"] for r in rows
             if not r["entity_id"].startswith("local:") and " " in r["text"]}
    # …and a surname the knowledge base does not list alone ("Boris Johnson … Johnson said")
    # is the one KB person of that surname the article names in full.
    kb_full = _one_person_each((r["entity"].split()[-1], r) for r in rows
                               if r["type"] == "PERSON" and r["source"] == "kb"
                               and " " in r["entity"])
    # Where a knowledge-base person's surname alone comes before the article's own person of
    # that surname is introduced ("President Trump and Melania Trump … Mr. Trump"), the
    # surname is the knowledge base's person all through: news names a new person in full
    # first ("Officer Crystal Griner … Griner said").
    full_at = {surname: next(r["start"] for r in rows if r["entity_id"] == hit[0])
               for surname, hit in full.items()}
    kb_first: dict[str, int] = {}
    for r in rows:
        if r["source"] == "kb" and r["type"] == "PERSON" and " " not in r["text"]:
            kb_first.setdefault(r["text"], r["start"])
    for r in rows:
        if r["type"] not in _SURNAME_TYPES or " " in r["text"]:
            continue
        hit = (full.get(r["entity"]) or family.get(r["entity"])) if " " not in r["entity"] \
            else None
        if r["entity_id"].startswith("local:") and hit:
            r["entity_id"], r["entity"], r["type"] = (*hit, "PERSON")
        elif (r["source"] == "model" and kb.get(r["entity_id"]) is None
              and (person := kb_full.get(r["entity"])) is not None):
            r.update(entity_id=person["entity_id"], entity=person["entity"], type="PERSON",
                     affiliation=person["affiliation"])
        elif (r["source"] == "kb" and r["type"] == "PERSON" and r["entity_id"] not in named
              and (hit := full.get(r["text"])) and hit[0].startswith("local:")
              and full_at[r["text"]] < kb_first[r["text"]]):
            # "Crystal Griner … Griner said": the article's own Griner, not the KB's.
            r["entity_id"], r["entity"], r["affiliation"], r["variant"] = (*hit, None, None)
            r["source"] = "model"
