"""Quote attribution: the real sample articles through the product's pipeline, constructed
sentences in both directions of attribution, and hand-built parses with ClearNLP labels."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.annotate.kb import load_kb
from workbench.annotate.quotes import SPEECH_VERBS, doc_quotes, quote_spans

pytestmark = pytest.mark.model

COLUMNS = {"sent_index", "start", "end", "speaker", "speaker_id", "speaker_affiliation", "quote",
           "verb", "kind"}


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.fixture(scope="module")
def annotate(kb):
    """text -> (doc, quote rows), exactly as the product annotates an article."""
    from workbench.annotate.mentions import doc_mentions, sentence_starts
    from workbench.annotate.models import choose_model
    from workbench.annotate.pipeline import build_nlp

    choice = choose_model()
    if choice.fallback:
        reason = (f"quote attribution needs a trained spaCy pipeline, got the rules-only "
                  f"fallback ({choice.notice})")
        if os.environ.get("WORKBENCH_CI") == "1":
            pytest.fail(f"{reason}; WORKBENCH_CI=1 requires one", pytrace=False)
        pytest.skip(reason)
    nlp = build_nlp(choice, kb)

    def run(text: str):
        doc = nlp(text)
        starts = sentence_starts(doc)
        return doc, doc_quotes(doc, doc_mentions(doc, kb, starts), kb, starts)

    return run


@pytest.fixture(scope="module")
def sample(annotate, sample_articles):
    """Sample number ("002") -> (clean text, quote rows)."""
    out = {}
    for path, text in zip(sample_articles.path, sample_articles.text, strict=True):
        doc, rows = annotate(text)
        out[Path(path).name[:3]] = (doc.text, rows)
    return out


def eid(kb, name: str) -> str:
    return kb.lookup(name)[0].id


def by(rows, speaker_id, **want):
    """Rows of one speaker matching every ``want`` (``quote`` matches a prefix)."""
    hits = [r for r in rows if r["speaker_id"] == speaker_id
            and all(r[k].startswith(v) if k == "quote" else r[k] == v for k, v in want.items())]
    seen = [(r["speaker"], r["quote"][:40]) for r in rows]
    assert hits, f"no row for {speaker_id} {want}; rows: {seen}"
    return hits


# ── the sample, as the product sees it ───────────────────────────────────────

def test_rows_have_the_contract_columns_and_exact_offsets(sample):
    for num, (text, rows) in sample.items():
        assert rows, num
        for r in rows:
            assert set(r) == COLUMNS
            assert text[r["start"]:r["end"]] == r["quote"], (num, r)
            assert r["kind"] in ("direct", "indirect") and r["verb"] in SPEECH_VERBS
            assert r["quote"] == r["quote"].strip() and r["quote"][0] not in "“”\"«»—,"
            assert r["speaker"]


def test_001_peskov_direct_and_polishchuk_via_tass(sample, kb):
    _, rows = sample["001"]
    peskov = eid(kb, "Dmitry Peskov")
    (contacts,) = by(rows, peskov, quote="there were indeed contacts", kind="direct")
    assert contacts["quote"] == "there were indeed contacts" and contacts["verb"] == "confirm"
    assert contacts["speaker_affiliation"] == "Russia" and contacts["speaker"] == "Dmitry Peskov"
    (unwilling,) = by(rows, peskov, quote="there was no willingness", kind="direct", verb="say")
    assert unwilling["quote"] == "there was no willingness to hear our position."
    polishchuk = eid(kb, "Alexei Polishchuk")
    (tass,) = by(rows, polishchuk, kind="indirect", verb="say",
                 quote="Moscow is prepared to resume peace negotiations with Ukraine in Istanbul")
    assert tass["speaker_affiliation"] == "Russia"
    by(rows, polishchuk, kind="direct", quote="the Russian team is ready for this")
    by(rows, polishchuk, kind="indirect", verb="add", quote="Turkish officials have repeatedly")
    assert not [r for r in rows if "TASS" in r["speaker"]]  # TASS quoted him; it did not speak


def test_002_izvestia_dash_quotes_and_pronouns(sample, kb):
    _, rows = sample["002"]
    miroshnik = eid(kb, "Rodion Miroshnik")
    assert len(by(rows, miroshnik)) >= 5
    assert {r["speaker_affiliation"] for r in by(rows, miroshnik)} == {"Russia"}
    (he_said,) = by(rows, miroshnik, kind="direct", verb="say", quote="I believe that Ukraine")
    assert he_said["quote"].endswith("Ukraine had no plans for a settlement")
    (draws,) = by(rows, miroshnik, kind="direct", verb="draw", quote="This statement, which")
    assert draws["quote"].endswith("Ukraine could fulfill the wishes")
    by(rows, miroshnik, kind="indirect", verb="stress", quote="At the same time, as of November")
    by(rows, miroshnik, kind="indirect", verb="tell",
       quote="However, from the very beginning, Ukraine was not in the mood")

    hurtado = eid(kb, "Marta Hurtado")
    by(rows, hurtado, kind="direct", verb="tell", quote="The UN Human Rights Office confirms")
    (she,) = by(rows, hurtado, kind="indirect", verb="stress", quote="the OHCHR stands ready")
    assert she["speaker"] == "Marta Hurtado"  # "She stressed…", resolved

    peskov = eid(kb, "Dmitry Peskov")
    by(rows, peskov, kind="indirect", verb="say", quote="In general, after the termination")
    by(rows, peskov, kind="direct", verb="say", quote="Against the background")
    rubio = eid(kb, "Marco Rubio")
    (offered,) = by(rows, rubio, kind="indirect", verb="stress")
    assert offered["quote"].startswith("Russia had offered Ukraine settlement options")
    by(rows, rubio, kind="direct", verb="say", quote="There are not many")  # "…," he said.

    oleinik = eid(kb, "Vladimir Oleinik")
    by(rows, oleinik, kind="direct", verb="tell", quote="Trump is already showing")
    by(rows, oleinik, kind="direct", verb="emphasise", quote="New large-scale corruption")

    first = [r for r in rows if r["sent_index"] == 0]
    assert [(r["speaker_id"], r["verb"], r["kind"], r["quote"]) for r in first] == [
        (eid(kb, "Russian Foreign Ministry"), "tell", "indirect",
         "Ukraine was initially not in the mood for negotiations with Moscow")]
    # Speech verbs inside a quotation are the quoted person's words, not new quotes.
    assert not [r for r in rows if r["verb"] in ("think", "believe") and r["kind"] == "direct"]
    assert not [r for r in rows if r["quote"].startswith(("Yermak", "Kiev was not going"))]


def test_003_moldova(sample, kb):
    _, rows = sample["003"]
    polishchuk = eid(kb, "Alexei Polishchuk")
    (first, more) = by(rows, polishchuk, kind="direct", verb="state")
    assert first["quote"] == ("The peace talks have currently been put on hold by Kyiv. Turkish "
                              "representatives have repeatedly urged their resumption")
    assert more["quote"].startswith("The Russian team remains ready")  # continues the quote
    # "informed Trump that Moscow “does not show signs …”": the quoted words lack their
    # subject, so the row is the reported clause, not a direct quotation.
    (rubio,) = by(rows, eid(kb, "Marco Rubio"), verb="inform", kind="indirect")
    assert rubio["quote"] == 'Moscow "does not show signs of real readiness for negotiations'
    assert rubio["speaker"] == "Marco Rubio"  # "US Secretary of State Marco Rubio"
    galuzin = eid(kb, "Mikhail Galuzin")
    # "claimed that the main obstacle was “a lack of Kyiv's political will”": a fragment of the
    # writer's sentence, so the claim is reported speech, not a direct quotation.
    by(rows, galuzin, kind="indirect", verb="claim", quote="the main obstacle was")
    assert not [r for r in rows if r["kind"] == "direct" and r["quote"].startswith("a lack")]
    by(rows, galuzin, kind="indirect", verb="suggest", quote="all necessary conditions")
    assert not [r for r in rows if r["verb"] == "recall"]  # "It is worth recalling that…"


def test_004_zelensky_peskov_bosacki_nato(sample, kb):
    text, rows = sample["004"]
    zelensky = eid(kb, "Volodymyr Zelensky")
    (goal,) = by(rows, zelensky, kind="direct", verb="tell")
    assert goal["quote"] == "Putin’s goal is to occupy all Ukraine"
    (added,) = by(rows, zelensky, kind="direct", verb="add", quote="No matter what he tells")
    assert added["speaker"] == "Zelensky" and added["speaker_affiliation"] == "Ukraine"
    (stalemate,) = by(rows, eid(kb, "Dmitry Peskov"), kind="direct", verb="say")
    assert stalemate["quote"].startswith("Our negotiators have the opportunity")
    assert stalemate["quote"].endswith("stalemate in the negotiations")
    (bosacki,) = by(rows, eid(kb, "Marcin Bosacki"), kind="direct", verb="say")
    assert bosacki["speaker"] == "Marcin Posacki" and bosacki["speaker_affiliation"] == "Poland"
    assert bosacki["quote"].startswith("Russia’s reckless actions constitute")
    (nato,) = by(rows, eid(kb, "NATO"), kind="indirect", verb="stress")
    assert nato["quote"] == "it doesn’t see any direct military threat from these drills"
    # "Peskov warned against excessive optimism that…": a noun's clause, not a quote.
    assert not [r for r in rows if "optimism" in r["quote"] or "the negotiation process would"
                in r["quote"]]
    assert text[goal["start"] - 1] == "“" and text[goal["end"]:goal["end"] + 2] == ",”"


# ── constructed sentences ────────────────────────────────────────────────────

@pytest.mark.parametrize("text, speaker, verb, kind, quote", [
    ("“We will not negotiate under pressure,” Lavrov told reporters on Monday.",
     "Sergey Lavrov", "tell", "direct", "We will not negotiate under pressure"),
    ("Lavrov told reporters on Monday: “We will not negotiate under pressure.”",
     "Sergey Lavrov", "tell", "direct", "We will not negotiate under pressure."),
    ("“We are ready for a dialogue,” said Sergei Lavrov.",
     "Sergey Lavrov", "say", "direct", "We are ready for a dialogue"),
    ('Lavrov said, "We are ready. But the West is not."',
     "Sergey Lavrov", "say", "direct", "We are ready. But the West is not."),
    ("«We are ready», Lavrov said.", "Sergey Lavrov", "say", "direct", "We are ready"),
    ("“Why would we agree?” Lavrov asked.", "Sergey Lavrov", "ask", "direct",
     "Why would we agree?"),
    ("Maria Zakharova said that Moscow was ready for talks.",
     "Maria Zakharova", "say", "indirect", "Moscow was ready for talks"),
    ("Moscow is ready for talks in Istanbul, Maria Zakharova said.",
     "Maria Zakharova", "say", "indirect", "Moscow is ready for talks in Istanbul"),
    ("Dmitriev, who met Witkoff in Miami, said the talks had been constructive.",
     "Kirill Dmitriev", "say", "indirect", "the talks had been constructive"),
    ("Kallas wrote on X that the EU would “never recognise” the annexation.",  # a fragment
     "Kaja Kallas", "write", "indirect", "the EU would “never recognise” the annexation"),
    ("The ministry said in a statement that it had received no proposals.",
     None, "say", "indirect", "it had received no proposals"),
    ("Trump said in an interview with “Fox News Sunday” that the talks were going well.",
     "Donald Trump", "say", "indirect", "the talks were going well"),
    ("Witkoff is expected to meet Putin next week, the White House said on Tuesday.",
     "White House", "say", "indirect", "Witkoff is expected to meet Putin next week"),
    ('Asked whether Moscow would attend the summit, Peskov said: "No decision has been taken."',
     "Dmitry Peskov", "say", "direct", "No decision has been taken."),
])
def test_constructed_attributions(annotate, kb, text, speaker, verb, kind, quote):
    _, rows = annotate(text)
    assert [(r["speaker_id"], r["verb"], r["kind"], r["quote"]) for r in rows] == [
        (eid(kb, speaker) if speaker else None, verb, kind, quote)]


@pytest.mark.parametrize("text", [
    "Ukraine's position on the talks is clear, and the Kremlin's answer is known.",
    "Peskov warned against excessive optimism that the talks would succeed.",
    "Lavrov did not say whether the talks would resume.",
    "The plan was described as “unrealistic” by several analysts in Kyiv.",
    "According to reports, the talks have stalled.",
    "Russia denied targeting civilians.",
    "Russia announced the start of the “Zapad-2025” drills on Friday.",
    "He was told that the meeting had been cancelled.",
    "I think that the talks will fail.",
    "That said, the talks have stalled again.",
])
def test_no_invented_quotes(annotate, text):
    assert annotate(text)[1] == []


def test_continuation_pronouns_and_a_new_statement(annotate, kb):
    _, rows = annotate("“The door remains open,” Ushakov said. “But we will not wait forever.”")
    assert [(r["speaker_id"], r["quote"]) for r in rows] == [
        (eid(kb, "Yuri Ushakov"), "The door remains open"),
        (eid(kb, "Yuri Ushakov"), "But we will not wait forever.")]
    _, rows = annotate("Sybiha met Rubio on Monday. “We discussed air defence,” he said.")
    assert [r["speaker"] for r in rows] == ["Sybiha"]  # no speaker yet: the sentence's subject
    # A quotation that ends its sentence is not attributed to a verb with a clause of its own.
    _, rows = annotate("“We are ready.” Lavrov said on Monday that the talks would resume.")
    assert [(r["kind"], r["quote"]) for r in rows] == [("indirect", "the talks would resume")]


def test_two_sources_in_one_sentence(annotate, kb):
    _, rows = annotate("Officials in Kyiv said Russian drones hit an energy facility overnight, "
                       "while the Russian Defence Ministry said its forces had shot down 40 "
                       "Ukrainian drones.")
    assert [(r["speaker"], r["speaker_id"], r["quote"]) for r in rows] == [
        ("Officials", None, "Russian drones hit an energy facility overnight"),
        ("Russian Defence Ministry", eid(kb, "Russian Defense Ministry"),
         "its forces had shot down 40 Ukrainian drones")]


# ── surface rules, no model needed ───────────────────────────────────────────

def test_no_parse_no_quotes(kb):
    import spacy

    assert doc_quotes(spacy.blank("en")("“We are ready,” Lavrov said."), [], kb) == []


def test_quote_spans_mind_apostrophes_and_stray_marks():
    text = ("Ukraine's 'peace formula' was 'dead on arrival,' he said.\n"
            '"There are not many left. <"> We are running out of targets," he said.\n'
            "— I believe it. <...> That is all,\" he said.\n"
            "— This statement emphasizes it, — Rodion Miroshnik draws attention.\n"
            "Russians’ views and NATO members’ plans differ.\n"
            "Peskov said: “We are open.\nBut not forever,” he added.")
    got = [text[s.start:s.end] for s in quote_spans(text)]
    assert got == ["peace formula", "dead on arrival",
                   "There are not many left. <\"> We are running out of targets",
                   "I believe it. <...> That is all", "This statement emphasizes it",
                   "We are open."]  # an unclosed mark runs to the paragraph's end


# ── ClearNLP labels (en_core_web_*), on hand-built parses ────────────────────

def _doc(words, heads, deps, pos, tags, lemmas):
    import spacy
    from spacy.tokens import Doc

    spaces = [i + 1 < len(words) and words[i + 1] not in {".", ",", "”"} and w != "“"
              for i, w in enumerate(words)]
    return Doc(spacy.blank("en").vocab, words=words, spaces=spaces, heads=heads, deps=deps,
               pos=pos, tags=tags, lemmas=lemmas)


def _mention(doc, kb, i, n=1):
    span = doc[i:i + n]
    entity = kb.lookup(span.text)[0]
    return {"start": span.start_char, "end": span.end_char, "text": span.text, "sent_index": 0,
            "type": entity.type, "entity_id": entity.id, "affiliation": entity.affiliation}


def test_clearnlp_labels(kb):
    # Peskov told reporters in Moscow that the talks were stalled .
    doc = _doc(["Peskov", "told", "reporters", "in", "Moscow", "that", "the", "talks", "were",
                "stalled", "."],
               [1, 1, 1, 1, 3, 9, 7, 9, 9, 1, 1],
               ["nsubj", "ROOT", "dobj", "prep", "pobj", "mark", "det", "nsubjpass", "auxpass",
                "ccomp", "punct"],
               ["PROPN", "VERB", "NOUN", "ADP", "PROPN", "SCONJ", "DET", "NOUN", "AUX", "VERB",
                "PUNCT"],
               ["NNP", "VBD", "NNS", "IN", "NNP", "IN", "DT", "NNS", "VBD", "VBN", "."],
               ["Peskov", "tell", "reporter", "in", "Moscow", "that", "the", "talk", "be",
                "stall", "."])
    rows = doc_quotes(doc, [_mention(doc, kb, 0), _mention(doc, kb, 4)], kb, [0])
    assert [(r["speaker_id"], r["verb"], r["kind"], r["quote"]) for r in rows] == [
        (eid(kb, "Dmitry Peskov"), "tell", "indirect", "the talks were stalled")]

    # “ We are ready , ” Rubio emphasized .
    doc = _doc(["“", "We", "are", "ready", ",", "”", "Rubio", "emphasized", "."],
               [2, 2, 7, 2, 2, 2, 7, 7, 7],
               ["punct", "nsubj", "ccomp", "acomp", "punct", "punct", "nsubj", "ROOT", "punct"],
               ["PUNCT", "PRON", "AUX", "ADJ", "PUNCT", "PUNCT", "PROPN", "VERB", "PUNCT"],
               ["``", "PRP", "VBP", "JJ", ",", "''", "NNP", "VBD", "."],
               ["“", "we", "be", "ready", ",", "”", "Rubio", "emphasize", "."])
    rows = doc_quotes(doc, [_mention(doc, kb, 6)], kb, [0])
    assert [(r["speaker"], r["verb"], r["kind"], r["quote"]) for r in rows] == [
        ("Rubio", "emphasise", "direct", "We are ready")]
