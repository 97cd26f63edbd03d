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
4. Junk never becomes an entity: a statistical entity with no proper noun in it ("Immediately",
   "Therefore", "Experts"), a lone generic word ("Justice" from "Minister of Justice") or site
   chrome word ("Photo", "Select", if cleaning let one through), numbers, dates and one-letter
   spans are dropped.
Labels of both schemes map to one ``type``: OntoNotes (PERSON, GPE, NORP…) and CoNLL (PER, LOC…).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from typing import Any

from workbench.annotate.kb import KnowledgeBase
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
acting interim the a an adviser advisor aide economy finance energy justice
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


def sentence_starts(doc: Any) -> list[int]:
    """Character offset where each sentence of ``doc`` starts."""
    return [s.start_char for s in doc.sents]


def normalise_entities(doc: Any, kb: KnowledgeBase) -> Any:
    """Merge the statistical entities with the knowledge base, in place (the work of the
    ``workbench_entities`` pipeline component, rules 2 and 4 above): an entity the ruler did not
    match is looked up under its normalised name and, when found, gets the KB id (``ent.id_``);
    junk is removed from ``doc.ents``. Linked spans are remembered with their variant tag in
    ``doc.user_data["workbench_linked"]`` so the mention rows can say the model found them."""
    tagged = doc.has_annotation("TAG") or doc.has_annotation("POS")
    linked: dict[tuple[int, int], str | None] = {}
    kept = []
    changed = False
    for ent in doc.ents:
        if ent.label_ in NOT_ENTITIES or ent.id_:
            kept.append(ent)
            continue
        name = normalise_name(ent)
        found = kb.lookup(name) if name else None
        if found is not None:
            ent.id_ = found[0].id
            linked[(ent.start_char, ent.end_char)] = found[1]
            kept.append(ent)
        elif name and _looks_like_a_name(ent, tagged) and name.casefold() not in _NOT_NAMES:
            kept.append(ent)
        else:
            changed = True
    if changed:
        doc.ents = kept
    doc.user_data["workbench_linked"] = linked
    return doc


def doc_mentions(doc: Any, kb: KnowledgeBase, starts: list[int] | None = None
                 ) -> list[dict[str, Any]]:
    """Mention rows (the ``mentions`` table without ``article_id``) for one Doc that went
    through ``normalise_entities`` (the pipeline does this)."""
    if "workbench_linked" not in doc.user_data:
        normalise_entities(doc, kb)
    linked = doc.user_data["workbench_linked"]
    starts = starts if starts is not None else sentence_starts(doc)
    rows: list[dict[str, Any]] = []
    for ent in doc.ents:
        if ent.label_ in NOT_ENTITIES:
            continue
        row = _mention(ent, kb, linked)
        if row is None:
            continue
        row["sent_index"] = bisect_right(starts, ent.start_char) - 1
        rows.append(row)
    _link_surnames(rows)
    return rows


def _mention(ent: Any, kb: KnowledgeBase, linked: dict[tuple[int, int], str | None]
             ) -> dict[str, Any] | None:
    text = ent.text.strip()
    start = ent.start_char + len(ent.text) - len(ent.text.lstrip())
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
    return {**row, "type": LABEL_TYPES.get(ent.label_, "OTHER"), "entity_id": local_id(name),
            "entity": name, "affiliation": None, "source": "model"}


def _from_kb(entity: Any) -> dict[str, Any]:
    return {"type": entity.type, "entity_id": entity.id, "entity": entity.name,
            "affiliation": entity.affiliation}


def normalise_name(ent: Any) -> str:
    """The entity's words without leading titles, a leading article or a trailing possessive."""
    tokens = [t for t in ent if not t.is_space]
    while len(tokens) > 1 and (tokens[0].lower_ in TITLES or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].lower_ in ("'s", "’s", "'", "’")):
        tokens = tokens[:-1]
    text = "".join(t.text_with_ws for t in tokens).strip()
    text = _POSSESSIVE.sub("", text)
    return " ".join(text.split())


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


def _link_surnames(rows: list[dict[str, Any]]) -> None:
    full: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r["type"] == "PERSON" and r["source"] == "model" and " " in r["entity"]:
            full.setdefault(r["entity"].split()[-1], (r["entity_id"], r["entity"]))
    for r in rows:
        if r["type"] == "PERSON" and r["entity_id"].startswith("local:") and " " not in r["entity"]:
            hit = full.get(r["entity"])
            if hit:
                r["entity_id"], r["entity"] = hit
