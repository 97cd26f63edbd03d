"""Speech verbs and the token tests the quote rules share (``quotes.py``, ``speakers.py``).

Verbs are lemmas in British spelling (`emphasise`, `criticise`), as ``tables.py`` shows.
``TAIL_VERBS`` only attribute a quotation that ends just before them (`“…,” he continued`,
`… !” Boxer shrieked`): elsewhere they are not speech ("the war continued").
"""

from __future__ import annotations

from typing import Any

SPEECH_VERBS: frozenset[str] = frozenset("""
say tell add stress emphasise emphasize note state claim warn insist confirm announce suggest
argue explain declare believe urge accuse deny inform write quote comment reply ask draw allege
maintain demand promise pledge vow assert reiterate recall acknowledge admit assure report respond
answer remark observe predict conclude underline underscore highlight mention reveal concede
contend complain threaten caution criticise criticize recommend think hint point tweet exclaim
shout yell scream shriek quip joke testify
""".split())
TAIL_VERBS: frozenset[str] = frozenset("continue".split())
_IRREGULAR = {"said": "say", "told": "tell", "wrote": "write", "written": "write",
              "drew": "draw", "drawn": "draw", "thought": "think"}
_MODIFIER_DEPS = {"acl", "amod", "nmod", "compound", "acl:relcl", "relcl"}
_PASSIVE_DEPS = {"aux:pass", "auxpass", "nsubj:pass", "nsubjpass", "obl:agent", "agent"}
_FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
_NEGATING = {"refuse", "decline", "fail", "neither", "nor"}  # "refused to reveal", "nor did"


def speech_lemma(tok: Any, lenient: bool = False, tail: bool = False) -> str | None:
    """The speech-verb lemma of ``tok`` in British spelling, or None. ``lenient`` also takes an
    inflected form the tagger called a noun ("Oleinik emphasizes", "— X draws attention");
    ``tail`` also takes the verbs that only follow a quotation (``TAIL_VERBS``)."""
    if tok.pos_ != "VERB" and not (lenient and tok.pos_ in ("NOUN", "ADJ") and not tok.ent_type_
                                   and tok.lower_.endswith(("s", "ed"))):
        return None
    lemma = tok.lemma_.lower()
    known = SPEECH_VERBS | TAIL_VERBS if tail else SPEECH_VERBS
    if lemma not in known and (lemma := _deinflect(tok.lower_, known)) is None:
        return None
    near = {c.lower_ for c in tok.children} | {tok.nbor(1).lower_ if tok.i + 1 < len(tok.doc)
                                               else ""}
    if (lemma == "draw" and "attention" not in near) or (lemma == "point" and "out" not in near):
        return None  # only "draws attention", "pointed out"
    return lemma[:-3] + "ise" if lemma.endswith("ize") and lemma[:-3] + "ise" in SPEECH_VERBS \
        else lemma


def _deinflect(word: str, known: frozenset[str]) -> str | None:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for cut, add in ((0, ""), (1, ""), (2, ""), (1, "e"), (3, ""), (3, "e"), (3, "y")):
        if (stem := (word[:-cut] if cut else word) + add) in known:
            return stem
    return None


def finite(tok: Any) -> bool:
    """A finite verb of its own clause (not a participle modifying a noun)."""
    if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in _MODIFIER_DEPS:
        return False
    return tok.tag_ in _FINITE_TAGS or "Fin" in tok.morph.get("VerbForm")


def passive(tok: Any) -> bool:
    """"was told", "an effort reported by", "Asked whether …,": the subject did not speak."""
    fronted = tok.dep_ == "advcl" and tok.i < tok.head.i and not any(
        c.dep_ in ("nsubj",) for c in tok.children)
    return any(c.dep_ in _PASSIVE_DEPS for c in tok.children) or (
        tok.tag_ in ("VBN", "VBD") and (fronted or tok.dep_ in ("acl", "amod")))


def negated(verb: Any) -> bool:
    """Speech that did not happen: "did not say", "never said", "refused to reveal", "Neither
    did he reveal", "would not elaborate"."""
    if any(c.dep_ == "neg" or c.lower_ in ("not", "n't", "never", "neither", "nor")
           for c in verb.children):
        return True
    head = verb.head
    return verb.dep_ == "xcomp" and head.i != verb.i and (
        head.lemma_.lower() in _NEGATING or negated(head))


def after_preposition(doc: Any, a: int, b: int) -> bool:
    """Is the name in tokens ``a:b`` the object of a preposition ("a spokesman for (President)
    Putin", "with Mr. Kim"), past the titles attached to it ("Secretary of State Marco Rubio"
    is not)?"""
    inside = set(range(a, b))
    i = a - 1
    while i >= 0 and doc[i].head.i in inside and not doc[i].is_punct and doc[i].pos_ != "ADP":
        inside.add(i)
        i -= 1
    if i < 0 or doc[i].pos_ != "ADP" or doc[i].head.i not in inside:
        return False
    # "Secretary of State Marco Rubio": an "of" before capitalised title words is the title's
    return not (doc[i].lower_ == "of" and i < a - 1 and doc[i + 1].is_title)
