"""The corpus-wide surname rule: a surname alone is the person the corpus itself links it to."""

from __future__ import annotations

import pandas as pd

from workbench import tables as contract
from workbench.annotate.surnames import MIN_ARTICLES, link_surnames, surname_links


def person(article: str, text: str, entity: str, entity_id: str | None = None) -> dict:
    return {"article_id": article, "sent_index": 0, "start": 0, "end": len(text), "text": text,
            "label": "PER", "type": "PERSON", "entity": entity,
            "entity_id": entity_id or "local:" + entity.lower().replace(" ", "-"),
            "variant": None, "affiliation": None, "source": "model"}


def mentions(rows: list[dict]) -> pd.DataFrame:
    return contract.conform(pd.DataFrame(rows), "mentions")


def evidence(n: int, full: str, written: str, start: int = 0) -> list[dict]:
    """``n`` articles that name ``full`` and later write the surname alone (linked in-article)."""
    rows = []
    for i in range(start, start + n):
        rows += [person(f"a{i}", full, full), person(f"a{i}", written, full)]
    return rows


def test_a_surname_alone_is_linked_to_the_full_name_the_corpus_uses_for_it():
    rows = evidence(MIN_ARTICLES, "Barack Obama", "President Obama") + [
        person("b1", "Obama", "Obama"), person("b2", "Obama's", "Obama")]
    quotes = contract.conform(pd.DataFrame([
        {"article_id": "b1", "sent_index": 0, "start": 0, "end": 5, "speaker": "Obama",
         "speaker_id": "local:obama", "speaker_affiliation": None, "quote": "Yes we can",
         "verb": "say", "kind": "direct"}]), "quotes")
    m, q = link_surnames(mentions(rows), quotes)
    alone = m[m["article_id"].isin(["b1", "b2"])]
    assert set(alone["entity"]) == {"Barack Obama"}
    assert set(alone["entity_id"]) == {"local:barack-obama"}
    assert list(alone["text"]) == ["Obama", "Obama's"]  # as written, kept
    assert list(q["speaker_id"]) == ["local:barack-obama"]


def test_an_ambiguous_surname_stays_as_written():
    # "Clinton" alone means Hillary in some articles, Bill in others: no corpus-wide link.
    rows = (evidence(MIN_ARTICLES * 2, "Hillary Clinton", "Clinton")
            + evidence(MIN_ARTICLES, "Bill Clinton", "Clinton", start=100)
            + [person("b1", "Clinton", "Clinton")])
    m, _ = link_surnames(mentions(rows), contract.empty("quotes"))
    assert m.loc[m["article_id"] == "b1", "entity"].tolist() == ["Clinton"]
    assert surname_links(mentions(rows)).empty


def test_a_mis_tagged_span_without_evidence_links_nothing():
    # "Could Ebola" (a model's span) is never followed by "Ebola" alone under it.
    rows = [person(f"a{i}", "Could Ebola", "Could Ebola") for i in range(20)]
    rows += [person("b1", "Ebola", "Ebola")]
    m, _ = link_surnames(mentions(rows), contract.empty("quotes"))
    assert m.loc[m["article_id"] == "b1", "entity"].tolist() == ["Ebola"]


def test_too_little_evidence_links_nothing():
    rows = evidence(MIN_ARTICLES - 1, "Marcin Posacki", "Posacki") + [
        person("b1", "Posacki", "Posacki")]
    m, _ = link_surnames(mentions(rows), contract.empty("quotes"))
    assert m.loc[m["article_id"] == "b1", "entity"].tolist() == ["Posacki"]


def test_the_pipeline_links_surnames_across_articles(tmp_path, trained_model, cache_root):
    import workbench as wb

    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(MIN_ARTICLES):
        (folder / f"full{i}.txt").write_text(
            f"Visit number {i}\n\nFormer President Barack Obama spoke in Chicago on Monday. "
            f"Obama said the new library would open next year, and thanked volunteer number "
            f"{i} for the work.\n", encoding="utf-8")
    (folder / "alone.txt").write_text(
        "Library opens\n\nObama said on Tuesday that the library was finally ready. Visitors "
        "lined up outside for hours before the doors opened.\n", encoding="utf-8")
    ann = wb.open_corpus(folder, model=trained_model, cache_dir=cache_root / "surnames",
                         progress=False)
    alone = ann.articles.loc[ann.articles["path"].str.endswith("alone.txt"), "article_id"].iloc[0]
    m = ann.mentions[(ann.mentions["article_id"] == alone) & (ann.mentions["text"] == "Obama")]
    assert not m.empty and set(m["entity"]) == {"Barack Obama"}


def test_no_people_at_all_changes_nothing():
    place = {**person("a1", "Kyiv", "Kyiv"), "type": "PLACE", "label": "LOC"}
    m, q = link_surnames(mentions([place]), contract.empty("quotes"))
    assert m["entity"].tolist() == ["Kyiv"]
    m, q = link_surnames(contract.empty("mentions"), contract.empty("quotes"))
    assert m.empty and q.empty
