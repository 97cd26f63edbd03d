"""Which way a dated expression points from the publication date: the tense and cues around it.

"Zelenskyy will visit Washington on Wednesday" (published Tuesday) means the coming Wednesday;
"the talks stalled on Wednesday" the last one. ``direction`` reads the clause that governs the
expression: with a spaCy ``Doc`` (UD or ClearNLP labels) the governing verb, its auxiliaries
and the verbs it depends on; without one, the nearest tense cue in the words of the sentence.
Returns ``"future"``, ``"past"``, ``"present"`` or ``""`` (no cue: the caller's default).
"""

from __future__ import annotations

import re
from typing import Any

FUTURE, PAST, PRESENT, NONE = "future", "past", "present", ""

# Lemmas whose complement lies ahead: "is expected to meet", "was scheduled to take place",
# "talks are set for Thursday", "plans to visit", "is going to sign".
_AHEAD = {"expect", "schedule", "set", "due", "slate", "plan", "intend", "go", "hope", "aim",
          "prepare", "threaten", "vow", "promise", "pledge", "propose", "poise", "likely",
          "expected", "scheduled", "slated", "planned", "poised", "upcoming", "await"}
# Present-tense verbs of narration ("Putin says on Monday …") look back, not ahead.
_SPEECH = {"say", "tell", "announce", "report", "confirm", "write", "state", "add", "claim",
           "note", "insist", "argue", "explain", "reply", "respond", "warn", "acknowledge"}
_AUX_DEPS = {"aux", "aux:pass", "auxpass", "cop"}
_FUTURE_AUX = {"will", "'ll", "shall", "wo", "would", "ll"}
_CLAUSE_DEPS = {"xcomp", "ccomp", "advcl", "acl", "acl:relcl", "relcl", "conj", "parataxis"}

# Words next to the expression that settle it whatever the verb says.
_NEAR_AHEAD = re.compile(r"\b(?:ahead\s+of|upcoming|coming|scheduled\s+(?:for|on)|set\s+for|"
                         r"slated\s+for|due\s+(?:on|in|by)|planned\s+for|expected\s+(?:on|in|by)|"
                         r"starting|beginning|from\s+now)\s*$", re.IGNORECASE)
_NEAR_BEFORE = re.compile(r"\b(?:since|ago|earlier|previous|past)\s*$", re.IGNORECASE)

# Text-only fallback: the nearest cue before the expression in its sentence, else after it.
_TEXT_CUE = re.compile(
    r"(?P<fut>\b(?:will|shall|won't|wo\s+n't|would|going\s+to|due\s+to|scheduled\s+to|"
    r"expected\s+to|set\s+to|slated\s+to|plans?\s+to|planning\s+to|intends?\s+to|poised\s+to|"
    r"upcoming|ahead\s+of)\b|'ll\b)"
    r"|(?P<past>\b(?:said|was|were|had|did|told|announced|reported|met|came|went|took|gave|"
    r"made|held|began|left|won|lost|saw|found|got|sent|spoke|wrote|ago|"
    r"(?!(?:need|feed|seed|speed|proceed|exceed|succeed|indeed|embed|bleed|breed)\b)"
    r"[a-z]{3,}ed)\b)"
    r"|(?P<pres>\b(?:is|are|am|says|begins|starts|opens|ends|takes|meets|has|have)\b)",
    re.IGNORECASE)
_SENT_END = re.compile(r"[.!?;]\s+(?=[A-Z\"“‘'(])|\n")


def direction(text: str, start: int, end: int, doc: Any = None) -> str:
    """Whether the expression at ``text[start:end]`` points ahead of or before publication."""
    before = text[max(0, start - 40):start]
    if _NEAR_AHEAD.search(before):
        return FUTURE
    if _NEAR_BEFORE.search(before):
        return PAST
    if doc is not None:
        found = _doc_direction(doc, start, end)
        if found is not None:
            return found
    return _text_direction(text, start, end)


def _doc_direction(doc: Any, start: int, end: int) -> str | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    tok = span.root
    for _ in range(12):  # up to the clause that holds the expression
        if _is_clause_head(tok) or tok.head is tok:
            break
        tok = tok.head
    if not _is_clause_head(tok):
        return None
    return _clause_tense(tok, depth=0)


def _is_clause_head(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or any(c.dep_ in _AUX_DEPS for c in tok.children)


def _clause_tense(verb: Any, depth: int) -> str:
    lemma = verb.lemma_.lower()
    auxes = [c for c in verb.children if c.dep_ in _AUX_DEPS]
    if any(a.lower_ in _FUTURE_AUX or a.lemma_.lower() in _FUTURE_AUX for a in auxes):
        return FUTURE
    if lemma in _AHEAD and (auxes or verb.tag_ == "JJ"):
        return FUTURE  # "talks are set for Thursday", "the vote is due Friday"
    # "is going to sign": the progressive of "go" followed by an infinitive.
    if lemma == "go" and verb.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in verb.children):
        return FUTURE
    if verb.dep_ == "xcomp" and depth < 3 and verb.head is not verb:
        head = verb.head
        if head.lemma_.lower() in _AHEAD:
            return FUTURE  # "is expected to meet on Wednesday"
        return _clause_tense(head, depth + 1)
    if any("Past" in a.morph.get("Tense") or a.tag_ == "VBD" for a in auxes):
        return PAST
    if any(a.lemma_.lower() == "have" for a in auxes) and verb.tag_ == "VBN":
        return PAST  # present perfect: "has met on Monday"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxes and verb.dep_ in
                              ("ROOT", "root", "conj", "ccomp", "advcl", "parataxis")):
        return PAST
    if verb.tag_ == "MD":
        return FUTURE if verb.lower_ in _FUTURE_AUX else PRESENT
    if verb.tag_ in ("VBZ", "VBP", "VB", "VBG") or auxes:
        if lemma in _SPEECH and not auxes:
            return PAST  # "Putin says on Monday": narrative present
        return PRESENT
    return NONE


def _text_direction(text: str, start: int, end: int) -> str:
    lo = 0
    for m in _SENT_END.finditer(text, max(0, start - 400), start):
        lo = m.end()
    hi_m = _SENT_END.search(text, end, end + 400)
    hi = hi_m.start() if hi_m else min(len(text), end + 400)
    cues = [(m.start(), m) for m in _TEXT_CUE.finditer(text, lo, hi)
            if m.end() <= start or m.start() >= end]
    before = [m for pos, m in cues if pos < start]
    after = [m for pos, m in cues if pos >= end]
    for m in ([before[-1]] if before else []) + after[:1]:
        return FUTURE if m.group("fut") else PAST if m.group("past") else PRESENT
    return NONE
