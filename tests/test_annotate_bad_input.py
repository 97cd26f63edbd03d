"""Annotation bad input: missing model, broken knowledge base, empty and huge articles; the
rules-only fallback; both label schemes."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.annotate.errors import AnnotateError
from workbench.annotate.mentions import doc_mentions
from workbench.annotate.models import FALLBACK_LABEL, choose_model
from workbench.annotate.run import annotate
from workbench.cli import main
from workbench.corpus.load import load_corpus

from conftest import sample_text


def test_model_not_installed_is_a_clear_error(sample_articles, tmp_path, capsys):
    with pytest.raises(AnnotateError) as info:
        annotate(sample_articles, model="en_core_web_xx", cache_dir=tmp_path)
    message = str(info.value)
    assert "'en_core_web_xx'" in message and "not installed" in message
    assert "spacy download" in message and "--model rules" in message
    assert main(["annotate", "data/sample", "--model", "en_core_web_xx",
                 "--cache-dir", str(tmp_path)]) == 1
    assert "not installed" in capsys.readouterr().err


def test_env_var_names_the_model(monkeypatch):
    monkeypatch.setenv("WORKBENCH_SPACY_MODEL", "en_missing_pipeline")
    with pytest.raises(AnnotateError, match="WORKBENCH_SPACY_MODEL"):
        choose_model()


def test_default_falls_back_with_a_notice_when_nothing_is_installed(monkeypatch):
    from workbench.annotate import models

    monkeypatch.setattr(models, "installed_english_pipelines", lambda: [])
    monkeypatch.setattr(models, "is_package", lambda name: False)
    choice = choose_model()
    assert choice.fallback
    assert "en_core_web_sm is missing" in choice.notice and "spacy download" in choice.notice


def test_rules_only_fallback_is_labelled_and_still_useful(sample_articles, tmp_path):
    ann = annotate(sample_articles, model="rules", cache_dir=tmp_path)
    assert ann.fallback and ann.pipeline.label == FALLBACK_LABEL
    assert any("rules-only fallback" in p for p in ann.problems)
    # Knowledge-base entities and dates still work without a trained pipeline.
    assert {"Volodymyr Zelensky", "Kyiv", "Dmitry Peskov"} <= set(ann.mentions["entity"])
    assert set(ann.mentions["source"]) == {"kb"}
    assert (ann.dates["text"] == "July 23").any()


@pytest.mark.parametrize("content, problem", [
    ("entities:\n  - id: Q1\n    name: [unclosed\n", "line"),
    ("entities:\n  - {id: Q1, name: A, type: PERSON}\n  - {id: Q1, name: B, type: PERSON}\n",
     "duplicate"),
])
def test_broken_kb_is_a_clear_error(sample_articles, tmp_path, content, problem, capsys):
    kb = tmp_path / "kb.yaml"
    kb.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotateError) as info:
        annotate(sample_articles, model="rules", cache_dir=tmp_path, kb=kb)
    assert "kb.yaml" in str(info.value) and problem in str(info.value).lower()
    assert main(["annotate", "data/sample", "--model", "rules", "--kb", str(kb),
                 "--cache-dir", str(tmp_path)]) == 1
    assert "kb.yaml" in capsys.readouterr().err


def test_article_without_text_is_reported_and_the_rest_annotated(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "good.txt").write_text(sample_text("003"), encoding="utf-8")
    (tmp_path / "c" / "only-chrome.txt").write_text("Skip to main content\nAdvertisement\n"
                                                    "Live broadcast\n", encoding="utf-8")
    arts = load_corpus(tmp_path / "c")
    ann = annotate(arts, model="rules", cache_dir=tmp_path / "cache")
    empty_id = arts.loc[arts["path"].str.contains("only-chrome"), "article_id"].iloc[0]
    assert any(empty_id in p and "no text" in p for p in ann.problems)
    assert (ann.mentions["entity"] == "Alexei Polishchuk").any()


def test_200k_word_article_is_annotated_in_pieces(tmp_path):
    body = sample_text("004")
    repeats = 200_000 // len(body.split()) + 1
    huge = ("\n\n".join([body] * repeats))
    arts = pd.DataFrame({"article_id": ["huge", "small"], "text": [huge, sample_text("003")],
                         "published": [pd.NaT, pd.Timestamp("2025-11-12")]})
    ann = annotate(arts, model="rules", cache_dir=tmp_path)
    assert any("huge" in p and "annotated in" in p and "pieces" in p for p in ann.problems)
    m = ann.mentions[ann.mentions["article_id"] == "huge"]
    assert len(m) > 50 * repeats
    last = m.iloc[-1]
    assert huge[last["start"]:last["end"]] == last["text"]
    assert m["sent_index"].is_monotonic_increasing
    assert (ann.mentions["article_id"] == "small").any()


def _doc_with(labels: list[tuple[int, int, str]], words: list[str]):
    import spacy
    from spacy.tokens import Doc, Span

    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=words, pos=["PROPN"] * len(words))
    doc.ents = [Span(doc, s, e, label=lab) for s, e, lab in labels]
    doc[0].is_sent_start = True
    for t in doc[1:]:
        t.is_sent_start = False
    return doc


@pytest.mark.parametrize("scheme", [
    {"PERSON": "PERSON", "GPE": "PLACE", "NORP": "GROUP", "ORG": "ORG", "EVENT": "EVENT"},
    {"PER": "PERSON", "LOC": "PLACE", "MISC": "OTHER", "ORG": "ORG"},
])
def test_both_label_schemes_map_to_one_type(scheme):
    from workbench.annotate.kb import load_kb

    kb = load_kb()
    words = ["Marianna", "Quill", "visited", "Zorbland", "with", "Acme", "Widgets", "Inc",
             "Blorg", "Festival"]
    spans = [(0, 2), (3, 4), (5, 8), (8, 10)]
    labels = list(scheme)[:4] if len(scheme) >= 4 else list(scheme)
    doc = _doc_with([(s, e, lab) for (s, e), lab in zip(spans, labels)], words)
    rows = doc_mentions(doc, kb)
    assert [r["type"] for r in rows] == [scheme[lab] for lab in labels]
    assert [r["label"] for r in rows] == labels
    assert rows[0]["entity_id"] == "local:marianna-quill"


def test_a_component_that_fails_on_one_article_fails_only_that_one(tmp_path, monkeypatch):
    from workbench.annotate.pipeline import EntityNormaliser

    original = EntityNormaliser.__call__

    def fragile(self, doc):
        if "BOOM" in doc.text:
            raise ValueError("synthetic failure")
        return original(self, doc)

    monkeypatch.setattr(EntityNormaliser, "__call__", fragile)
    arts = pd.DataFrame({"article_id": ["a", "b", "c", "d"],
                         "text": ["Peskov said talks stalled in Kyiv.", "BOOM Putin met Trump.",
                                  None, "Zelensky spoke in Kyiv on May 16, 2025."],
                         "published": [pd.NaT] * 4})
    ann = annotate(arts, model="rules", cache_dir=tmp_path)
    assert any(p.startswith("article b:") and "synthetic failure" in p for p in ann.problems)
    assert any(p.startswith("article c:") and "no text" in p for p in ann.problems)
    assert set(ann.mentions["article_id"]) == {"a", "d"}
    assert (ann.dates["text"] == "May 16, 2025").any()


def test_corrupt_cache_part_is_set_aside_and_redone(sample_articles, tmp_path):
    first = annotate(sample_articles, model="rules", cache_dir=tmp_path)
    part = next((tmp_path / "annotations" / first.pipeline.fingerprint).glob("part-*"))
    (part / "mentions.parquet").write_bytes(b"not parquet at all")
    again = annotate(sample_articles, model="rules", cache_dir=tmp_path)
    assert any("unreadable" in p and "redone" in p for p in again.problems)
    pd.testing.assert_frame_equal(first.mentions, again.mentions)
    third = annotate(sample_articles, model="rules", cache_dir=tmp_path)
    assert third.stats["annotated"] == 0 and not any("unreadable" in p for p in third.problems)
