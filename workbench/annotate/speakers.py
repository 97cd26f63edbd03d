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
   person quoted, else that person within four sentences, else the latest person mention.
   they: the last speaker within four sentences that is not a person.
4. Never a date ("Monday") or a bare pronoun that resolves to no one: a direct quotation keeps
   its row with the speaker missing, an indirect one is dropped.
5. One speaker, one id: a person named in full once ("Ambassador-at-Large Beth Van Schaack") and
   by a shorter form later ("Van Schaack") gets the full name's id throughout the article.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from workbench.annotate.speech import speech_lemma

_SUBJ = {"nsubj"}
_HE = {"he", "she"}
_LOOK = 4  # sentences within which "he"/"they" means the last speaker
_DETS = {"the", "a", "an", "this", "that", "its", "his", "her", "their", "our"}
_DATES = frozenset("""monday tuesday wednesday thursday friday saturday sunday today yesterday
tonight tomorrow morning evening afternoon night week weekend month year day time january
february march april may june july august september october november december""".split())
_HONORIFICS = {"mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"}  # a person the NER missed
_SALIENT = ("year-old", "man", "woman", "boy", "girl", "mother", "father")  # "the 36-year-old"


def resolve(art: Any, found: list[Any]) -> list[dict]:
    """Quote rows from ``found`` (quotes.py's ``_Found``) in ``art`` (its ``_Article``)."""
    rows: list[dict] = []
    last: dict[str, tuple[int, dict, int]] = {}  # "person"/"any" -> (sentence, row, verb char)
    person_ids = {m["entity_id"] for m in art.mentions if m["type"] == "PERSON"}
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
            cand = _salient(art, f.verb.idx, prior[2] if prior else -1,
                            sent - _LOOK) if he else None
            if cand is not None and not (recent and cand["entity_id"] == recent[1]["speaker_id"]):
                kind, val = "mention", cand
            elif recent and (he or recent[1]["speaker_id"] not in person_ids):
                who = {k: recent[1][k] for k in who}  # "they" is no one person
                typ = "PERSON" if he else None
            elif he and (m := _person_before(art, val.idx)):
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
    if head.endswith(_SALIENT):
        return _salient(art, before, -1, art.sent(before) - _LOOK)
    best, best_score = None, 0
    for m in reversed(art.mentions[:k + 1]):
        if m["type"] not in ("PERSON", "ORG", "GROUP") or art.quoted[art._tok(m["start"])]:
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
    """Words that give a mention its role: its own, up to five before it in the same phrase
    ("Deputy Defense Secretary"), and an apposition after it (", the military newspaper")."""
    doc = art.doc
    a, b = art._tok(m["start"]), art._tok(m["end"])
    words = [t.lower_ for t in doc[a:b]]
    for t in reversed(doc[max(0, a - 5):a]):
        if t.is_punct or t.pos_ in ("VERB", "AUX", "ADP", "DET", "PRON", "SCONJ", "CCONJ"):
            break
        words += t.lower_.split("-")
    if b < len(doc) and doc[b].text == ",":
        for t in doc[b + 1:b + 10]:
            if t.is_punct or t.pos_ in ("VERB", "AUX") or t.lower_ in ("who", "which"):
                break
            words += t.lower_.split("-")
    return words


def _salient(art: Any, char: int, after: int, from_sent: int) -> dict | None:
    """The latest PERSON mention before ``char`` (and after ``after``, from sentence
    ``from_sent`` on) that was its sentence's subject or a passive's "by" agent."""
    k = bisect_left(art.p_starts, char) - 1
    best = None  # in the latest sentence that has one, the first such mention
    while k >= 0:
        m = art.persons[k]
        if m["start"] <= after or m["sent_index"] < from_sent or (
                best and m["sent_index"] != best["sent_index"]):
            break
        if _is_subject(art, m):
            best = m
        k -= 1
    return best


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
    main = root.sent.root
    k = a - 1
    while k >= 0 and a <= doc[k].head.i < b:  # "with Mr. Kim": past the title
        k -= 1
    before = doc[k] if k >= 0 else None
    after = doc[b] if b < len(doc) else None
    return (root.i < main.i and main.pos_ in ("VERB", "AUX")
            and not (before is not None and before.pos_ == "ADP")
            and not (after is not None and after.lower_ in ("'s", "’s", "'", "’"))
            and root.dep_ not in ("nmod:poss", "poss", "obj", "dobj", "iobj", "nsubj:pass",
                                  "nsubjpass"))


def _person_before(art: Any, char: int) -> dict | None:
    """The latest PERSON mention before ``char``; in its sentence, the subject if any."""
    k = bisect_left(art.p_starts, char) - 1
    best = art.persons[k] if k >= 0 else None
    while k >= 0 and art.persons[k]["sent_index"] == best["sent_index"]:
        if art.doc[art._tok(art.persons[k]["start"])].dep_ in _SUBJ:
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
