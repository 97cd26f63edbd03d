"""Which way a dated expression points from the publication date: the tense and cues around it.

"Zelenskyy will visit Washington on Wednesday" (published Tuesday) means the coming Wednesday;
"the talks stalled on Wednesday" the last one. ``direction`` reads the clause that governs the
expression: with a spaCy ``Doc`` (UD or ClearNLP labels) the governing verb, its auxiliaries
and the verbs it depends on; without one, the nearest tense cue in the words of the sentence.
Returns ``"future"``, ``"past"``, ``"present"`` or ``""`` (no cue: the caller's default).
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
# Modals look ahead: "that could come as early as Wednesday", "may vote before the recess".
_MODALS = {"could", "may", "might", "can", "should", "must", "ca"}

# Words just before the expression that settle it whatever the verb says (word tuples; the
# expression's last words before it must be one of them).
_TAIL_AHEAD = tuple(f" {w} " for w in (
    "upcoming", "coming", "as early as", "as soon as", "scheduled for", "scheduled on", "set for",
    "slated for", "due on", "due in", "due by", "planned for", "expected on", "expected in",
    "expected by", "starting", "beginning", "next"))
_TAIL_BEFORE = tuple(f" {w} " for w in ("since", "ago", "earlier", "previous", "past", "last"))
# A deadline ("until at least Oct. 31", "by Friday") lies ahead unless its clause is past.
_TAIL_DEADLINE = tuple(f" {w} " for w in (
    "until", "till", "through", "by", "before", "until at least", "until at the earliest",
    "by at least", "by the latest", "through at least", "before at least"))
# A present perfect in the clause before a deadline ("has postponed … until", "have been
# extended through"): no sentence end between it and the expression.
_PERFECT = re.compile(r"\b(?:has|have|has been|have been)\s+(?:\w+\s+){0,2}?\w+(?:ed|en)\b"
                      r"[^.!?;\n]*$", re.I)
# "in the run-up to the March for Life rally Friday": up to five words may come in between.
_LEAD_UP = tuple(f" {w} " for w in ("ahead of", "run-up to", "run up to", "heading into",
                                    "leading up to", "in advance of", "in time for",
                                    "countdown to"))

# Text-only fallback: the nearest cue word before the expression in its sentence, else after it.
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?")
_FUT_WORDS = {"will", "shall", "won't", "won’t", "would", "upcoming", "tomorrow"}
_FUT_BEFORE_TO = {"going", "due", "scheduled", "expected", "set", "slated", "plan", "plans",
                  "planning", "intend", "intends", "poised", "likely"}
_PAST_WORDS = {"said", "was", "were", "had", "did", "told", "announced", "reported", "met",
               "came", "went", "took", "gave", "made", "held", "began", "left", "won", "lost",
               "saw", "found", "got", "sent", "spoke", "wrote", "ago", "yesterday", "wasn't",
               "weren't", "didn't", "hadn't"}
_NOT_PAST = {"need", "feed", "seed", "speed", "proceed", "exceed", "succeed", "indeed", "embed",
             "bleed", "breed", "red", "bed", "shed", "wed", "led", "fled", "bred"}
_PRES_WORDS = {"is", "are", "am", "says", "begins", "starts", "opens", "ends", "takes", "meets",
               "has", "have", "isn't", "aren't"}
_SENT_END = re.compile(r"[.!?;]\s+(?=[A-Z\"“‘'(])|\n")


def direction(text: str, start: int, end: int, doc: Any = None, reach: int = 1,
              breaks: list[int] | None = None, token_starts: Any = None) -> str:
    """Whether the expression at ``text[start:end]`` points ahead of or before publication.

    ``reach``: through how many words (nouns) between the expression and its verb a present
    tense still counts — 1 for weekdays ("the attack on Monday is investigated" says nothing
    of when), 2 for months ("seeks a second term in November"). ``breaks``: the text's
    ``sentence_breaks``, and ``token_starts`` the doc's ``token_starts``, when many
    expressions of one long text are read."""
    # The words just before, lowercased and single-spaced, so that cues are suffix tests.
    before = " " + " ".join(text[max(0, start - 60):start].lower().split()) + " "
    if before.endswith(_TAIL_AHEAD) or _lead_up(before):
        return FUTURE
    if before.endswith(_TAIL_BEFORE):
        return PAST
    found = _doc_direction(doc, start, end, reach, token_starts) if doc is not None else None
    if found is None:  # a word in "-ed" may be a participle ("now delayed until"): not "own"
        found = _text_direction(text, start, end, breaks)
    tense, own = found
    if before.endswith(_TAIL_DEADLINE):  # "now delayed until at least Oct. 31"
        # "has postponed the tariffs until June 1": the perfect says what stands now, so the
        # deadline lies ahead; "the talks lasted until June 1" is over.
        perfect = _PERFECT.search(text, max(0, start - 200), start) is not None
        return PAST if tense == PAST and own and not perfect else FUTURE
    return tense


def _lead_up(before: str) -> bool:
    for cue in _LEAD_UP:
        at = before.rfind(cue)
        if at >= 0 and before.count(" ", at + len(cue)) <= 5:  # at most five words in between
            return True
    return False


def token_starts(doc: Any) -> Any:
    """Character offset of every token of ``doc`` (a NumPy array; ``Doc.char_span`` scans)."""
    return doc.to_array("IDX")


def _doc_direction(doc: Any, start: int, end: int, reach: int, starts: Any = None
                   ) -> tuple[str, bool] | None:
    """The tense of the nearest clause above the expression that has one, and whether it was
    the expression's own clause; None when the expression is not a span of ``doc``."""
    if starts is None:
        starts = token_starts(doc)
    first = int(starts.searchsorted(start, "right")) - 1
    last = int(starts.searchsorted(end, "left"))
    span = doc[max(first, 0):last] if len(doc) else None
    if span is None or not len(span):
        return None
    possessive = span.end < len(doc) and doc[span.end].tag_ == "POS"
    tok, hops, own = span.root, 0, True
    for _ in range(16):
        if _is_clause_head(tok):
            tense = _clause_tense(tok, depth=0)
            if tense != NONE:
                # Through nouns ("Thursday's strikes are emblematic") the present says little
                # about when; through a chain of them ("the expiration on March 27 of the
                # measure") neither does the past.
                if tense == PRESENT and (hops > reach or possessive):
                    return NONE, own
                if tense == PAST and hops > 2:
                    return NONE, own
                return tense, own
            own = False  # a participle ("done", "delayed"): the clause above decides
        if tok.head is tok:
            break
        tok, hops = tok.head, hops + 1
    return NONE, own


def _is_clause_head(tok: Any) -> bool:
    return tok.pos_ in ("VERB", "AUX") or any(c.dep_ in _AUX_DEPS for c in tok.children)


def _clause_tense(verb: Any, depth: int) -> str:
    lemma = verb.lemma_.lower()
    auxes = [c for c in verb.children if c.dep_ in _AUX_DEPS]
    if any(a.lower_ in _FUTURE_AUX or a.lemma_.lower() in _FUTURE_AUX for a in auxes):
        return FUTURE
    # "has met", "should have been a lesson": a perfect looks back, modal or not.
    perfect = any(a.lemma_.lower() == "have" for a in auxes) and (
        verb.tag_ == "VBN" or any(a.lower_ == "been" for a in auxes))
    if not perfect and any(a.lower_ in _MODALS for a in auxes):
        return FUTURE
    if lemma in _AHEAD and (auxes or verb.tag_ == "JJ"):
        return FUTURE  # "talks are set for Thursday", "the vote is due Friday"
    # "is going to sign": the progressive of "go" followed by an infinitive.
    if lemma == "go" and verb.tag_ == "VBG" and any(c.dep_ == "xcomp" for c in verb.children):
        return FUTURE
    # An infinitive or a bare participle ("Speaking to reporters Friday, Trump said") takes the
    # time of the clause it hangs on.
    bare_participle = verb.tag_ == "VBG" and not auxes and verb.dep_ in ("advcl", "acl", "xcomp")
    if (verb.dep_ == "xcomp" or bare_participle) and depth < 3 and verb.head is not verb:
        head = verb.head
        if head.lemma_.lower() in _AHEAD:
            return FUTURE  # "is expected to meet on Wednesday"
        return _clause_tense(head, depth + 1)
    if any("Past" in a.morph.get("Tense") or a.tag_ == "VBD" for a in auxes):
        return PAST
    if perfect:
        return PAST  # present perfect: "has met on Monday"
    if verb.tag_ == "VBD" or (verb.tag_ == "VBN" and not auxes and verb.dep_ in ("ROOT", "root")):
        return PAST  # (a headline's "Talks held Monday")
    if verb.tag_ == "VB" and (verb.dep_ in ("ROOT", "root") or verb.head.lemma_ == "let"):
        return FUTURE  # an imperative: "Let's cement it this Wednesday"
    if verb.tag_ == "MD":
        return FUTURE if verb.lower_ in _FUTURE_AUX else PRESENT
    # Only a finite present counts: a bare "speech" or "hitherto" at the top of a bad parse
    # gives no tense (the clause above, or the default, decides).
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        if lemma in _SPEECH and not auxes:
            return PAST  # "Putin says on Monday": narrative present
        return PRESENT
    return NONE


def sentence_breaks(text: str) -> list[int]:
    """Offsets where a sentence of ``text`` ends (for the text-only reading)."""
    return [m.start() for m in _SENT_END.finditer(text)]


def _text_direction(text: str, start: int, end: int, breaks: list[int] | None
                    ) -> tuple[str, bool]:
    if breaks is None:
        breaks = [m.start() for m in _SENT_END.finditer(text, max(0, start - 250), end + 250)]
    i = bisect_left(breaks, start)
    lo = max(breaks[i - 1] + 1 if i else 0, start - 160)
    j = bisect_left(breaks, end)
    hi = min(breaks[j] if j < len(breaks) else len(text), end + 160)
    before = [w.lower() for w in _WORD.findall(text, lo, start)]
    for k in range(len(before) - 1, -1, -1):
        if (found := _word_tense(before, k)) is not None:
            return found, not before[k].endswith("ed") or before[k] in _PAST_WORDS
    after = [w.lower() for w in _WORD.findall(text, end, hi)]
    for k in range(len(after)):
        if (found := _word_tense(after, k)) is not None:
            return found, not after[k].endswith("ed") or after[k] in _PAST_WORDS
    return NONE, True


def _word_tense(words: list[str], i: int) -> str | None:
    w = words[i]
    if w in _FUT_WORDS or w.endswith(("'ll", "’ll")) or (
            w in _FUT_BEFORE_TO and i + 1 < len(words) and words[i + 1] == "to") or (
            w == "ahead" and i + 1 < len(words) and words[i + 1] == "of"):
        return FUTURE
    if w in _PAST_WORDS or (len(w) > 4 and w.endswith("ed") and w not in _NOT_PAST):
        return PAST
    if w in _PRES_WORDS:
        return PRESENT
    return None
