"""Quote attribution: who is quoted saying what, in one annotated article.

Surface patterns find quotations and attribution tails; the dependency parse links a speech verb
to its subject and reported clause, in UD (``nsubj obj ccomp``) or ClearNLP (``nsubj dobj``)
labels. Speech verbs inside a quotation are the quoted person's words and never start a row.
1. Quotations by their marks (``quote_marks.py``).
2. Direct, trailing: after a quotation, the first speech verb before any finite verb or stop, its
   speaker between (`“…,” Zelensky told`) or after it (`said Peskov`); after a full stop not a
   verb with its own clause (`“….” Polishchuk added that…` is a new statement).
3. Direct, leading: a speech verb before the opening mark that governs the quoted words (up to
   four heads up), or one a few words before it, ending in `,` `:` or `that`; not for a name
   or title in marks (“Zapad-2025”). An unclosed mark runs to the paragraph's end.
4. Continuation: an unattributed quotation in the sentence after an attributed one, same
   paragraph (`"…," Polishchuk stated. "…"`), or a paragraph that is all quotation right after
   the paragraph the attributed one ended, has its speaker.
4a. Only utterances: a quotation of under two words (three unless it ends a sentence), one
   with no verb, one woven into the writer's sentence (`called it an “assault”`, `said he would
   “leave the meeting” if`: not after `,` `:` `that`, a speech verb or its object, or followed
   by more of the sentence), or one of a negated verb (`did not say`, `refused to reveal`) is
   no direct quote (its verb may still give an indirect row).
5. Indirect, forward: a speech verb with a clause after it (ccomp or that-clause; `urged X to …`);
   not a noun's clause (`warned against optimism that…`), not negated, not passive.
6. Indirect, inverted: `<clause with a finite verb>, <speaker> <verb> [to Izvestia].`
7. Speaker: the subject's mention, or a PERSON mention in apposition ("Kremlin spokesman Dmitry
   Peskov"); else the name just before the verb, past a ", who …," aside; else the speaker of a
   governing verb (`…, emphasizing that`); else the subject as written ("Experts"), with a
   knowledge-base id if it has one. `X quoted Y as saying` is Y's. Pronouns, role nouns ("the
   minister") and name variants are resolved in ``speakers.py``; a verb with a direct quotation
   gives no indirect row.
Speech verbs are in ``speech.py``: lemmas in British spelling, as ``tables.py`` shows.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from workbench.annotate.quote_marks import OPENERS as _OPENERS
from workbench.annotate.quote_marks import Span as _Span
from workbench.annotate.quote_marks import quote_spans
from workbench.annotate.speakers import resolve
from workbench.annotate.speech import SPEECH_VERBS, after_preposition, negated, speech_lemma
from workbench.annotate.speech import finite as _finite
from workbench.annotate.speech import passive as _passive

__all__ = ["SPEECH_VERBS", "doc_quotes", "quote_spans", "speech_lemma"]

_SUBJ, _OBJ = {"nsubj"}, {"obj", "dobj", "iobj", "dative"}
_ADDRESSED = {"tell", "inform", "assure", "warn", "ask", "draw", "urge"}  # "told Izvestia"
_NAME_DEPS = {"appos", "flat", "flat:name", "compound", "nmod:desc", "nmod", "nn"}
_PASSIVE_DEPS = {"aux:pass", "auxpass", "nsubj:pass", "nsubjpass", "obl:agent", "agent"}
_TEMPORAL = frozenset("""monday tuesday wednesday thursday friday saturday sunday today yesterday
night morning evening afternoon week weekend month year day time""".split())
_CLAUSE_NOUNS = frozenset("""fact hope idea possibility notion claim belief view assumption
optimism pessimism fear concern risk danger report news rumour rumor sign evidence impression
expectation promise assurance warning threat suggestion demand proposal condition confidence
doubt allegation accusation""".split())  # nouns with their own that-clause
_PLACE_PREPS = {"in", "at", "during", "on", "after", "before"}  # "said in a statement that"
_RELATIVE = {"who", "which", "whose"}
_ASIDE = _RELATIVE | {"a", "an", "the"}
_PRONOUNS, _HE = {"he", "she", "they"}, {"he", "she"}  # not "it": mostly "it is worth …"
_STOPS = {".", "!", "?", ";"}
_LOOK = 4  # sentences within which "he"/"they" means the last speaker
_MAX_CLAUSE = 250  # tokens: keeps run-on "sentences" (lists, bad splits) linear


@dataclass
class _Found:
    verb: Any
    start: int
    end: int
    kind: str
    speaker: Any  # ("mention", row) | ("pron", token) | ("np", text) | None


def doc_quotes(doc: Any, mentions: list[dict], kb: Any, starts: list[int] | None = None
               ) -> list[dict]:
    """Quote rows (the ``quotes`` table without ``article_id``) for one annotated Doc.

    ``mentions`` are the Doc's mention rows, ``starts`` its sentence start offsets. A Doc
    without a dependency parse (the rules-only fallback) has no quotes.
    """
    if not len(doc) or not doc.has_annotation("DEP"):
        return []
    return _Article(doc, mentions, kb, starts).rows()


class _Article:
    """One Doc and its lookups, built once; every pass is linear in the Doc's length."""

    def __init__(self, doc: Any, mentions: list[dict], kb: Any, starts: list[int] | None):
        self.doc, self.kb, self.text = doc, kb, doc.text
        self.starts = starts if starts is not None else [s.start_char for s in doc.sents]
        self.spans = quote_spans(self.text)
        self.idx = [t.idx for t in doc]
        self.quoted = [False] * (len(doc) + 1)
        for s in self.spans:
            for i in range(self._tok(s.start), self._tok(s.end)):
                self.quoted[i] = True
        self.mentions = sorted(mentions, key=lambda m: m["start"])
        self.m_starts = [m["start"] for m in self.mentions]
        self.persons = [m for m in self.mentions
                        if m["type"] == "PERSON" and not self.quoted[self._tok(m["start"])]]
        self.p_starts = [m["start"] for m in self.persons]

    def _tok(self, char: int) -> int:
        return bisect_left(self.idx, char)

    def sent(self, char: int) -> int:
        return bisect_right(self.starts, char) - 1

    def mention_at(self, tok: Any) -> dict | None:
        k = bisect_right(self.m_starts, tok.idx) - 1
        return self.mentions[k] if k >= 0 and self.mentions[k]["end"] > tok.idx else None

    def rows(self) -> list[dict]:
        found: list[_Found] = []
        last: tuple[_Found, _Span] | None = None
        for span in self.spans:
            hit = self._tail(self._tok(span.close), span.ends) if span.tail else None
            how = "tail"
            if hit is None and (verb := self._leading(span)) is not None:
                hit, how = (verb, self.speaker_of(verb)), "lead"
            if hit is None and last and self._continues(*last, span):
                hit, how = (last[0].verb, last[0].speaker), "more"
            if hit and (negated(hit[0]) or not self._utterance(span, how, hit[0])):
                hit = None  # a scare quote, a fragment of the writer's sentence, unsaid words
            if hit:
                last = (_Found(hit[0], span.start, span.end, "direct", hit[1]), span)
                found.append(last[0])
        direct = {f.verb.i for f in found}
        for tok in self.doc:
            if tok.i not in direct and not self.quoted[tok.i] and speech_lemma(tok):
                if where := self._forward(tok):
                    found.append(_Found(tok, *where, "indirect", self.speaker_of(tok)))
                elif where := self._inverted(tok):
                    found.append(_Found(tok, *where[:2], "indirect", where[2]))
        found.sort(key=lambda f: (f.verb.i, f.start))
        return resolve(self, found)

    def _continues(self, f: _Found, prev: _Span, span: _Span) -> bool:
        """Rule 4: the next sentence of the paragraph, or a paragraph that is all quotation
        after one that ended with (or in) the attributed quotation."""
        between = self.text[prev.close:span.open]
        for s in self.spans:  # a title in the attribution: “…,” she said on “Face the Nation.”
            if prev.close <= s.open and s.close <= span.open and self.sent(s.open) == self.sent(
                    f.verb.idx):
                between = between.replace(self.text[s.open:s.close], "")
        if any(c in between for c in _OPENERS + '"'):
            return False
        if prev.para == span.para:
            return self.sent(span.open) - self.sent(f.verb.idx) <= 1
        rest, *gap = between.split("\n")  # a single-quoted paragraph is a pull quote
        return len(rest) < 200 and not "".join(gap).strip() and self.text[span.open] not in "'‘"

    def _utterance(self, span: _Span, how: str, verb: Any) -> bool:
        """Are the quoted words an utterance of their own, not a scare quote or a fragment of
        the writer's sentence ("called it an “assault”", "said he would “leave” if")?"""
        doc, text = self.doc, self.text
        a, b = self._tok(span.start), self._tok(span.end)
        n_words = len(text[span.start:span.end].split())  # "catch-and-release" is one
        if n_words < 2 or (n_words < 3 and not span.ends):
            return False
        split = how == "tail" and (n_words > 3 or re.match(  # a tagger's "matters" (NOUN)
            r"[^.!?]{0,80}?,\s*[“\"]", text[span.close:]))  # or half a split quotation
        if not split and not any(_finite(t) or (t.tag_ == "VB" and t.i == a) or "Imp" in
                                 t.morph.get("Mood") for t in doc[a:b]) and \
                text[span.end - 1] not in "?!":
            return False  # no verb: a noun phrase ("“a deliberate attempt to undermine”")
        o = self._tok(span.open) - 1
        prev = doc[o] if o >= 0 else None
        if prev is None or prev.is_space or prev.text in _STOPS or prev.is_quote or \
                self.sent(prev.idx) != self.sent(span.open):
            return True  # it opens a sentence or paragraph
        if how == "tail":
            return prev.pos_ not in ("ADP", "DET", "ADJ", "AUX", "PART") and not (
                prev.pos_ == "VERB" and not speech_lemma(prev, True))
        top = [t for t in doc[a:b] if not a <= t.head.i < b or t.head.i == t.i]
        if any(c.dep_.startswith(("nsubj", "expl")) and not a <= c.i < b
               for t in top for c in t.children):
            return False  # its subject is the writer's: "said it “makes the country look bad”"
        if how == "lead" and text[span.start].islower() and not any(
                t.dep_.startswith(("nsubj", "expl")) for t in doc[a:b]):
            return False  # a verb phrase: 'said proposals … “offends our principles.”'
        if doc[a].dep_ == "mark" and not a <= doc[a].head.head.i < b:
            return False  # a subordinate clause of the writer's: "nervous, “because …”"
        glue = (prev.text in ",:;—–-(" or prev.pos_ == "SCONJ" or prev.like_num
                or prev.lower_ in _TEMPORAL or speech_lemma(prev, True, tail=True) is not None
                or (prev.dep_ in _OBJ and prev.head.i == verb.i
                    and speech_lemma(verb) in _ADDRESSED))  # told reporters “…”
        nxt = self._tok(span.close)  # "that “…” but said": the clause ends at the mark
        after = doc[nxt] if nxt < len(doc) and self.sent(doc[nxt].idx) == self.sent(
            span.open) else None
        closed = text[span.end:span.close].rstrip("”»\"’' ")[-1:] in (",", ";")  # “…,” then
        return glue and (span.ends or closed or after is None or after.is_punct
                         or after.pos_ == "CCONJ")

    # ── direct ──
    def _tail(self, i: int, ends: bool) -> tuple[Any, Any] | None:
        """The speech verb and speaker of an attribution starting at token ``i`` (rule 2)."""
        doc = self.doc
        if i >= len(doc) or doc[i].pos_ in ("CCONJ", "SCONJ") or doc[i].lower_ in _RELATIVE:
            return None
        for j in range(i, min(len(doc), i + 40)):
            tok = doc[j]
            if tok.text in _STOPS or self.quoted[j] or self.sent(tok.idx) != self.sent(
                    doc[i].idx):
                return None
            if ends and j + 1 < len(doc) and doc[j + 1].text == ":":
                return None  # “….” She added: “…” — the next quotation's
            if speech_lemma(tok, lenient=True, tail=j == i or doc[j - 1].pos_ != "VERB") or (
                    j > i and tok.lower_ in SPEECH_VERBS and j + 1 < len(doc)
                    and doc[j + 1].text in _STOPS):  # “…,” the authors note.
                if ends and j > i and self._forward(tok):
                    return None
                subj = next((c for c in tok.children if c.dep_ in _SUBJ and c.i >= i
                             and not c.is_space), None)
                who = (self._from_token(subj, tok) if subj is not None
                       else self._speaker_between(i, j) or self._named_after(tok))
                return (tok, who) if who else None
            if _finite(tok) or tok.text in _OPENERS:
                return None
        return None

    def _speaker_between(self, i: int, j: int) -> Any:
        toks = [t for t in self.doc[i:j] if not (t.is_punct or t.is_space)]
        ments = [m for m in map(self.mention_at, toks) if m]
        if best := next((m for m in ments if m["type"] == "PERSON"), ments[0] if ments else None):
            return ("mention", best)
        if pron := next((t for t in toks if t.lower_ in _PRONOUNS), None):
            return ("pron", pron)
        words = self.doc[i:j].text.split(",")[0].strip(" \"”»—–-\n") if toks else ""
        return ("np", words) if any(c.isalnum() for c in words) else None

    def _named_after(self, verb: Any) -> Any:
        for t in self.doc[verb.i + 1:verb.i + 7]:  # "…," said Kremlin spokesman Dmitry Peskov
            if t.is_punct:
                break
            if (m := self.mention_at(t)) and m["type"] in ("PERSON", "ORG"):
                return ("mention", m)
        return None

    def _leading(self, span: _Span) -> Any:
        """A speech verb before the opening mark that introduces the quotation (rule 3)."""
        a, b = self._tok(span.start), self._tok(span.end)
        words = [t for t in self.doc[a:b] if t.is_alpha or t.like_num]
        if len(words) < 2 or all(t.pos_ in ("PROPN", "NUM") for t in words):
            return None  # a name or title in marks: “Zapad-2025”, “Fox News Sunday”
        for t in self.doc[a:b]:
            h = t.head
            for _ in range(4 if not a <= h.i < b else 0):
                if self.quoted[h.i]:
                    break
                if h.idx < span.open and speech_lemma(h):
                    return h
                h = h.head
        first = j = self._tok(span.open) - 1  # the token before the opening mark
        while j >= 0 and first - j < 8 and not self.quoted[j]:
            tok = self.doc[j]
            if speech_lemma(tok, lenient=True):
                glue = self.doc[first]
                return tok if j == first or glue.text in ",:" or glue.lower_ == "that" else None
            if _finite(tok) or tok.text in _STOPS:
                return None
            j -= 1
        return None

    # ── indirect ──
    def _forward(self, verb: Any) -> tuple[int, int] | None:
        """The reported clause after ``verb`` (rule 5), as character offsets."""
        if _passive(verb) or any(c.dep_ == "neg" or c.lower_ in ("not", "n't", "never")
                                 for c in verb.children):
            return None
        doc, after = self.doc, [c for c in verb.children if c.i > verb.i and not self.quoted[c.i]]
        for c in after:
            marks = {g.lower_ for g in c.children if g.dep_ == "mark" and g.i < c.i}
            if c.dep_ == "ccomp" or (marks & {"that", "whether", "if"} and c.dep_ in (
                    "advcl", "parataxis", "dep", "xcomp", "conj")):
                left, right = c.left_edge.i, c.right_edge.i
                if left <= verb.i or not self._clause_ok(verb, left):
                    return None
                # A clause running on without a comma was cut short by the parse.
                nxt = doc[right + 1] if right + 1 < len(doc) else None
                return self._clip(left, len(doc) - 1 if nxt and nxt.is_alpha else right, verb)
        obj = next((c for c in after if c.dep_ in _OBJ), None)
        if obj is not None and speech_lemma(verb) in ("urge", "ask"):  # urged allies to act
            xcomp = next((c for c in after if c.dep_ == "xcomp" and c.i > obj.i), None)
            return self._clip(obj.left_edge.i, xcomp.right_edge.i, verb) if xcomp else None
        for j in range(verb.i + 1, min(len(doc), verb.i + 12)):  # the parse missed the clause
            t = doc[j]
            if t.lower_ == "that" and (t.dep_ == "mark" or t.tag_ == "IN") and \
                    self._clause_ok(verb, j):
                return self._clip(j, len(doc) - 1, verb)
            if t.pos_ in ("VERB", "AUX") or (t.is_punct and not t.is_quote) and not self.quoted[j]:
                return None
        return None

    def _clause_ok(self, verb: Any, left: int) -> bool:
        p = self.doc[left - 1]  # "against excessive optimism that…": the noun's clause
        if p.i <= verb.i or p.pos_ != "NOUN" or p.lower_ in _TEMPORAL or (
                p.dep_ in _OBJ and p.head.i == verb.i and p.lemma_.lower() not in _CLAUSE_NOUNS):
            return True  # "told reporters that", "said on Friday that"
        preps = {c.lower_ for c in p.children if c.dep_ in ("case", "prep") or c.pos_ == "ADP"}
        if p.head.pos_ == "ADP":  # ClearNLP: prep → pobj
            preps.add(p.head.lower_)
        return p.lemma_.lower() not in _CLAUSE_NOUNS and preps <= _PLACE_PREPS

    def _clip(self, a: int, b: int, verb: Any) -> tuple[int, int] | None:
        """Tokens a..b as characters: trimmed, and ending at the sentence's end or before
        another attribution (", emphasizing that …" is a row of its own)."""
        doc, sent = self.doc, self.sent(verb.idx)
        b = min(b, a + _MAX_CLAUSE)
        while a <= b and (doc[a].is_punct or doc[a].is_space or doc[a].lower_ == "that"):
            a += 1
        for k in range(a + 1, b + 1):
            if doc[k].text in _STOPS or self.sent(doc[k].idx) != sent:
                b = k - 1
                break
            if k != verb.i and speech_lemma(doc[k]):  # "…, while the ministry said …"
                subj = [c.left_edge.i for c in doc[k].children if c.dep_ in _SUBJ and c.i > a]
                if subj or doc[k - 1].text == ",":
                    b = min(subj or [k]) - 1
                    break
        while b >= a and (doc[b].is_punct or doc[b].is_space or doc[b].pos_ in ("CCONJ",
                                                                                "SCONJ")):
            b -= 1
        return (doc[a].idx, doc[b].idx + len(doc[b].text)) if b > a else None

    def _inverted(self, verb: Any) -> tuple[int, int, Any] | None:
        """`<clause>, <speaker> <verb> [to X].` (rule 6): the clause and the speaker."""
        doc, sent = self.doc, self.sent(verb.idx)
        if _passive(verb) or (speech_lemma(verb) not in _ADDRESSED
                              and any(c.dep_ in _OBJ for c in verb.children)):
            return None
        for t in doc[verb.i + 1:verb.i + 40]:
            if t.text in _STOPS or t.is_space or self.sent(t.idx) != sent:
                break
            if _finite(t) or t.lower_ == "that" or self.quoted[t.i]:
                return None
        else:
            if verb.i + 40 < len(doc):
                return None  # no end in sight: not a closing attribution
        subj = next((c for c in verb.children if c.dep_ in _SUBJ), None)
        if subj is not None and subj.i < verb.i:
            s, who = subj.left_edge.i, self._from_token(subj, verb)
        elif hit := self._name_before(verb):
            who, s = hit
        elif verb.i and doc[verb.i - 1].text == ",":  # ", said Peskov."
            s = verb.i
            who = self._from_token(subj, verb) if subj is not None else self._named_after(verb)
        else:
            return None
        first = max(self._tok(self.starts[sent]), s - _MAX_CLAUSE)
        comma = next((k for k in range(s - 1, max(first, s - 4) - 1, -1) if doc[k].text == ","),
                     None)
        if comma is None or doc[comma + 1].pos_ == "CCONJ":  # ", and the second wrote…"
            return None
        first = next((k + 1 for k in range(comma - 1, first, -1) if doc[k].text in _STOPS),
                     first)  # a bad split may have glued two sentences together
        if not any(_finite(t) for t in doc[first:comma]):
            return None
        where = self._clip(first, comma - 1, verb)
        return (*where, who) if where else None

    # ── speakers ──
    def speaker_of(self, verb: Any, depth: int = 0) -> Any:
        """The speaker of a speech verb (rule 7), unresolved: ("mention"|"pron"|"np", …)."""
        doc, head = self.doc, verb.head
        if verb.i and doc[verb.i - 1].lower_ == "as" and speech_lemma(head) == "quote":
            for t in doc[head.i + 1:verb.i]:  # TASS quoted official Alexei Polishchuk as saying
                if (m := self.mention_at(t)) and m["type"] == "PERSON":
                    return ("mention", m)
            who = next((c for c in head.children if c.dep_ in _OBJ | _PASSIVE_DEPS), None)
            return self._from_token(who, head) if who is not None else None
        subj = next((c for c in verb.children if c.dep_ in _SUBJ and not self.quoted[c.i]), None)
        who = self._from_token(subj, verb) if subj is not None else None
        if who and who[0] != "np":
            return who
        if (subj is None or subj.i < verb.i) and (hit := self._name_before(verb)):
            return hit[0]
        if who is None and subj is None and verb.dep_ == "parataxis" and verb.i and \
                doc[verb.i - 1].pos_ == "NOUN" and not self.quoted[verb.i - 1]:
            n = doc[verb.i - 1]  # ", an activist told" parsed apart from its subject
            words = [t.text for t in doc[max(n.left_edge.i, n.i - 3):n.i + 1] if not t.is_punct]
            return ("np", " ".join(words))
        if who or depth > 2 or verb.dep_ not in ("conj", "advcl", "xcomp", "ccomp", "acl"):
            return who
        for want_speech in (True, False):  # a governing speech verb, else any subject
            h = head
            for _ in range(4):
                if want_speech and speech_lemma(h) and not self.quoted[h.i]:
                    return self.speaker_of(h, depth + 1)
                s = None if want_speech else next((c for c in h.children if c.dep_ in _SUBJ),
                                                  None)
                if s is not None:
                    return self._from_token(s, h)
                h = h.head
        return None

    def _name_before(self, verb: Any) -> tuple[Any, int] | None:
        """The mention or pronoun just before ``verb`` (past adverbs and one ", who …," or
        ", a spokeswoman for …," aside), with its first token."""
        doc, k = self.doc, verb.i - 1
        while k >= 0 and doc[k].pos_ in ("ADV", "AUX", "PART"):
            k -= 1
        if k >= 0 and doc[k].text == ",":
            c = next((c for c in range(k - 1, max(0, k - 40), -1) if doc[c].text in _STOPS
                      or (doc[c].text == "," and doc[c + 1].lower_ in _ASIDE)), None)
            k = c - 1 if c is not None and doc[c].text == "," else -1
        if k < 0 or self.quoted[k]:
            return None
        if doc[k].lower_ in _PRONOUNS:
            return ("pron", doc[k]), k
        m = self.mention_at(doc[k])
        return (("mention", m), self._tok(m["start"])) if m and not self._after_prep(m) else None

    def _after_prep(self, m: dict) -> bool:
        return after_preposition(self.doc, self._tok(m["start"]), self._tok(m["end"]))

    def _from_token(self, tok: Any, verb: Any) -> Any:
        if tok.lower_ in ("who", "which", "that") and verb.head.i != verb.i:
            tok = verb.head
        if tok.lower_ in _PRONOUNS:
            return ("pron", tok)
        if tok.lower_ in ("i", "we", "you", "it", "there"):
            return None  # the author, or no one ("it is worth recalling that")
        if m := self.mention_at(tok):
            return ("mention", m)
        for t in sorted(tok.children, key=lambda c: c.dep_ != "appos"):  # "Hurtado, a
            # spokeswoman", "Kremlin spokesman Dmitry Peskov", "A spokesman for X, Eric Schultz"
            named = t.dep_ in _NAME_DEPS or (t.dep_ == "conj" and self.doc[t.i - 1].text == ","
                                             and not any(c.dep_ == "cc" for c in t.children))
            if (named and (m := self.mention_at(t)) and m["type"] == "PERSON"
                    and not self._after_prep(m)):
                return ("mention", m)
        words = [t for t in self.doc[tok.left_edge.i:tok.i + 1] if not t.is_punct][-8:]
        words += [c for c in tok.rights if c.dep_ in ("flat", "compound", "flat:name")]
        return ("np", " ".join(t.text for t in words)) if words else None
