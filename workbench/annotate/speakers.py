"""Who a quotation's speaker is: pronouns, role nouns and name variants resolved per article.

``quotes.py`` finds each quotation's speaker as written — a mention, a pronoun or a noun phrase;
this module turns it into the row's ``speaker``, ``speaker_id`` and ``speaker_affiliation``:
1. A mention is itself; a noun phrase the knowledge base knows is its entity.
2. A role noun ("the minister", "the agency", "the Kremlin spokesman", "the paper", "adviser")
   is the latest mention before it that the article gave that role: in the words before the name
   ("Foreign Minister Sergei Lavrov"), in an apposition after it ("Stars and Stripes, the
   military newspaper"), or in the name itself ("Korean Central News Agency"). "The
   36-year-old" is the last person who was a sentence's subject. Unresolved, it stays as written.
3. he/she: the latest person who was the subject (or "by …" agent) of a sentence since the last
   person quoted (not a "Mrs." for "he"), else that person, else the latest person mention.
   they: the last speaker within four sentences that is not a person.
4. Never a date ("Monday") or a bare pronoun that resolves to no one: a direct quotation keeps
   its row with the speaker missing, an indirect one is dropped.
5. One speaker, one id: a person named in full once ("Ambassador-at-Large Beth Van Schaack") and
   by a shorter form later ("Van Schaack") gets the full name's id throughout the article.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from workbench.annotate.speech import after_preposition, finite, speech_lemma

_SUBJ = {"nsubj"}
_HE = {"he", "she"}
_LOOK = 4  # sentences within which "he"/"they" means the last speaker
_DETS = {"the", "a", "an", "this", "that", "its", "his", "her", "their", "our"}
_DATES = frozenset("""monday tuesday wednesday thursday friday saturday sunday today yesterday
tonight tomorrow morning evening afternoon night week weekend month year day time january
february march april may june july august september october november december""".split())
_HONORIFICS = {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"}  # a person the NER missed
_SALIENT = {"man", "woman", "boy", "girl", "mother", "father"}  # and "the 36-year-old"


def resolve(art: Any, found: list[Any]) -> list[dict]:
    """Quote rows from ``found`` (quotes.py's ``_Found``) in ``art`` (its ``_Article``)."""
    rows: list[dict] = []
    last: dict[str, tuple[int, dict, int]] = {}  # "person"/"any" -> (sentence, row, verb char)
    person_ids = {m["entity_id"] for m in art.mentions if m["type"] == "PERSON"}
    _add_honorifics(art)
    for f in found:
        sent, (kind, val) = art.sent(f.verb.idx), f.speaker or (None, None)
        who = {"speaker": None, "speaker_id": None, "speaker_affiliation": None}
        typ = None
        if kind == "np":
            val = " ".join(val.split())
            if _is_date(val) or not any(c.isalpha() for c in val):
                kind = None
            elif hit := art.kb.lookup(val):
                who.update(speaker=val, speaker_id=hit[0].id,
                           speaker_affiliation=hit[0].affiliation)
                typ = hit[0].type
            elif m := role_mention(art, val, f.verb.idx) or _named(art, val, f.verb.idx):
                kind, val = "mention", m
            else:
                who["speaker"] = val
                typ = "PERSON" if val.split()[0].lower() in _HONORIFICS else None
        elif kind == "pron":
            he = val.lower_ in _HE
            prior = last.get("person" if he else "any")
            recent = prior if prior and sent - prior[0] <= _LOOK else None
            # since the last person quoted (or within four sentences), a person who was a
            # sentence's subject is who "he" is; else the last person quoted, however far
            cand = _salient(art, f.verb.idx, prior[2] if prior else -1,
                            -1 if prior else sent - _LOOK, val.lower_) if he else None
            if he and not recent and prior:  # far back: unless someone new came up since
                m = _person_before(art, val.idx, val.lower_)
                recent = prior if m is None or m["start"] < prior[2] else None
            if cand is not None and not (recent and cand["entity_id"] == recent[1]["speaker_id"]):
                kind, val = "mention", cand
            elif recent and (he or recent[1]["speaker_id"] not in person_ids):
                who = {k: recent[1][k] for k in who}  # "they" is no one person
                typ = "PERSON" if he else None
            elif he and (m := _person_before(art, val.idx, val.lower_)):
                kind, val = "mention", m
        if kind == "mention":
            who = {"speaker": val["text"], "speaker_id": val["entity_id"],
                   "speaker_affiliation": val["affiliation"]}
            typ = val["type"]
        if not who["speaker"] and f.kind != "direct":
            continue
        rows.append({"sent_index": sent, "start": f.start, "end": f.end, **who,
                     "quote": art.text[f.start:f.end],
                     "verb": speech_lemma(f.verb, True, tail=True), "kind": f.kind})
        if who["speaker"] and (who["speaker_id"] or kind != "pron"):
            last["any"] = (sent, rows[-1], f.verb.idx)
            if typ == "PERSON":
                last["person"] = (sent, rows[-1], f.verb.idx)
    one_id_per_person(rows, art.mentions)
    return sorted(rows, key=lambda r: (r["start"], r["sent_index"]))


def _add_honorifics(art: Any) -> None:
    """"Mr. Sanders" where the entity recogniser missed it, as a person mention of the
    "Bernie Sanders" it found elsewhere in the article (for rules 2 and 3)."""
    by_last: dict[str, dict] = {}
    for m in art.persons:
        by_last.setdefault((m.get("entity") or m["text"]).split()[-1], m)
    taken = set(art.p_starts)
    extra = []
    for t in art.doc[:-1]:
        n = t.nbor(1)
        if t.lower_ in _HONORIFICS and n.pos_ == "PROPN" and n.text in by_last and \
                not art.quoted[n.i] and art.mention_at(n) is None and n.idx not in taken:
            extra.append({**by_last[n.text], "start": n.idx, "end": n.idx + len(n.text),
                          "text": n.text, "sent_index": art.sent(n.idx)})
    if extra:
        art.persons = sorted(art.persons + extra, key=lambda m: m["start"])
        art.p_starts = [m["start"] for m in art.persons]


def _is_date(text: str) -> bool:
    words = [w for w in text.lower().replace(",", " ").split() if w not in _DETS]
    return bool(words) and all(w in _DATES or w.isdigit() or w in ("last", "next", "this")
                               for w in words)


def role_mention(art: Any, np: str, before: int) -> dict | None:
    """The mention a role noun phrase ("the minister", "the Kremlin spokesman") refers to:
    the latest before ``before`` given that role (rule 2), or None."""
    words = [w.lower().removesuffix("'s").removesuffix("’s") for w in np.split()]
    words = [w for w in words if w not in _DETS]
    if not words or not np.split()[-1][:1].islower():
        return None  # a name ("Experts" is a noun, "the Sanders campaign" names its own)
    head, mods = words[-1], set(words[:-1])
    k = bisect_left(art.m_starts, before) - 1
    if head in _SALIENT or " ".join(words).replace("-", " ").endswith("year old"):
        return _salient(art, before, -1, art.sent(before) - _LOOK)
    best, best_score = None, 0
    for m in reversed(art.mentions[:k + 1]):
        if m["type"] not in ("PERSON", "ORG", "GROUP", "OTHER") or art.quoted[art._tok(
                m["start"])]:
            continue
        context = _role_words(art, m)
        if not any(w == head or (len(head) > 3 and w.endswith(head)) for w in context):
            continue
        score = 1 + len(mods & set(context))
        if score > best_score:
            best, best_score = m, score
        if best_score == 1 + len(mods):
            break
    return best


def _named(art: Any, np: str, before: int) -> dict | None:
    """A name the entity recogniser missed here ("Mr. Sanders") that ends a person's name it
    found earlier ("Bernie Sanders"): that mention."""
    last = np.split()[-1].removesuffix("'s").removesuffix("’s")
    if not last[:1].isupper() or not last[1:].islower():
        return None
    k = bisect_left(art.p_starts, before) - 1
    return next((m for m in reversed(art.persons[:k + 1])
                 if (m.get("entity") or m["text"]).split()[-1] == last), None)


def _role_words(art: Any, m: dict) -> list[str]:
    """Words that give a mention its role, by the parse: its own, the title words attached to
    it ("Deputy Defense Secretary Ashton Carter") and its apposition ("Stars and Stripes, the
    military newspaper", "Hurtado, a spokeswoman for …")."""
    doc = art.doc
    a, b = art._tok(m["start"]), art._tok(m["end"])
    inside = set(range(a, b))
    words = [t.lower_ for t in doc[a:b]]
    for t in reversed(doc[max(0, a - 6):a]):  # titles hang on the name, or on each other
        if t.text == "-":  # "Ambassador-at-Large"
            continue
        if t.is_punct or t.head.i not in inside:
            break
        inside.add(t.i)
        words += t.lower_.split("-")
    for t in doc[a:b]:
        for c in t.children:
            if c.dep_ == "appos" and c.i >= b:
                words += [w.lower_ for w in doc[c.left_edge.i:min(c.right_edge.i + 1, c.i + 4)]]
    return words


def _salient(art: Any, char: int, after: int, from_sent: int, pron: str | None = None
             ) -> dict | None:
    """The latest PERSON mention before ``char`` (and after ``after``, from sentence
    ``from_sent`` on) that was its sentence's subject or a passive's "by" agent, and is not
    "Mrs. X" for a "he" (``pron``) or "Mr. X" for a "she"."""
    k = bisect_left(art.p_starts, char) - 1
    best = None  # in the latest sentence that has one, the first such mention
    while k >= 0:
        m = art.persons[k]
        if m["start"] <= after or m["sent_index"] < from_sent or (
                best and m["sent_index"] != best["sent_index"]):
            break
        if _is_subject(art, m) and (pron is None or _gender(art, m) in (None, pron)):
            best = m
        k -= 1
    return best


def _gender(art: Any, m: dict) -> str | None:
    """"he" after "Mr.", "she" after "Mrs."/"Ms.", else unknown."""
    a = art._tok(m["start"])
    words = {t.lower_.rstrip(".") for t in art.doc[max(0, a - 1):a + 1]}
    return "he" if "mr" in words else "she" if words & {"mrs", "ms", "miss"} else None


def _is_subject(art: Any, m: dict) -> bool:
    """Was ``m`` who its sentence is about: the subject of the main verb (or of a speech verb),
    the "by" agent of a passive, or — where the parse is poor — a name before the main verb
    that is not in a prepositional phrase or a possessive ("After X, President Trump posted")."""
    doc = art.doc
    a, b = art._tok(m["start"]), art._tok(m["end"])
    root = next((t for t in doc[a:b] if not a <= t.head.i < b or t.head.i == t.i), doc[a])
    if root.dep_ == "appos":  # "One of his lawyers, Jay Sekulow, said"; not "Jo Swinson, a
        return root.head.dep_ in _SUBJ and art.mention_at(root.head) is None  # Liberal Democrat"
    if root.dep_ in _SUBJ:
        return not art.quoted[root.head.i]
    if root.dep_ in ("obl", "obl:agent", "pobj", "agent") and root.head.tag_ in ("VBN", "IN") \
            and any(c.lower_ == "by" for c in (*root.children, root.head)):
        return True
    after = doc[b] if b < len(doc) else None
    return (any(finite(t) and not art.quoted[t.i] for t in doc[b:root.sent.end])
            and not after_preposition(doc, a, b)
            and not (after is not None and after.lower_ in ("'s", "’s", "'", "’"))
            and (root.dep_ in ("parataxis", "dep", "ROOT", "list", "conj", "dislocated")
                 or (root.dep_ == "compound" and after is not None and after.text == ",")))


def _person_before(art: Any, char: int, pron: str | None = None) -> dict | None:
    """The latest PERSON mention before ``char`` (not a "Mrs." for a "he" ``pron``); in its
    sentence, the subject if any."""
    k = bisect_left(art.p_starts, char) - 1
    while k >= 0 and pron and _gender(art, art.persons[k]) not in (None, pron):
        k -= 1
    best = art.persons[k] if k >= 0 else None
    while k >= 0 and art.persons[k]["sent_index"] == best["sent_index"]:
        if art.doc[art._tok(art.persons[k]["start"])].dep_ in _SUBJ and (
                pron is None or _gender(art, art.persons[k]) in (None, pron)):
            return art.persons[k]
        k -= 1
    return best


def one_id_per_person(rows: list[dict], mentions: list[dict]) -> None:
    """Rule 5, in place: a speaker id whose name is the end of exactly one longer person name
    in the article ("Van Schaack" of "Beth Van Schaack") becomes that name's id."""
    names: dict[str, tuple[str, str | None]] = {}
    for m in mentions:
        if m["type"] == "PERSON":
            names.setdefault(m.get("entity") or m["text"], (m["entity_id"], m["affiliation"]))
    longer: dict[str, set[str]] = {}
    for name in names:
        words = name.split()
        for i in range(1, len(words)):
            longer.setdefault(" ".join(words[i:]), set()).add(name)
    by_id = {eid: name for name, (eid, _) in names.items()}
    for r in rows:
        name = by_id.get(r["speaker_id"])
        if name is None or not r["speaker_id"].startswith("local:"):
            continue
        full = longer.get(name, set())  # of a chain of ever longer names, the longest
        heads = {n for n in full if not any(o != n and o.endswith(" " + n) for o in full)}
        if len(heads) == 1:
            (head,) = heads
            chain = [n for n in full if head.endswith(n)]
            known = [names[n] for n in chain if not names[n][0].startswith("local:")]
            r["speaker_id"], aff = known[0] if known else names[head]
            r["speaker_affiliation"] = r["speaker_affiliation"] or aff
