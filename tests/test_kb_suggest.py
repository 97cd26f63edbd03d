"""`kb suggest` / `kb add`: what the knowledge base is missing, found in real AllSides articles,
reviewed, merged into a user knowledge base, and used: the merged names link and carry their
affiliation, so fewer quotes have an unknown one."""

from __future__ import annotations

import gzip
import shutil

import pytest
import yaml

from workbench import analyze as an
from workbench.annotate.kb import KBError, default_kb_path, load_kb
from workbench.annotate.kb_review import add_reviewed, read_review, write_review
from workbench.annotate.kb_suggest import is_entity_like, sentence_at, suggest
from workbench.annotate.run import annotate
from workbench.corpus.load import load_corpus

from conftest import SHARED

ALLSIDES = SHARED / "corpora" / "allsides-10k.jsonl.gz"
# AllSides lines about the Comey firing and the Mueller inquiry, and three Washington Post pages
# whose "AD" markers between paragraphs the model tags as an organisation.
LINES = {27, 36, 39, 64, 95, 108, 224, 290}

pytestmark = pytest.mark.skipif(not ALLSIDES.exists(), reason="shared AllSides corpus missing")


@pytest.mark.parametrize("name", ["Barack Obama", "Bank of America", "NSA", "Fox & Friends",
                                  "George W. Bush", "Ludwig van Beethoven", "O'Rourke",
                                  "Capitol Hill", "AD"])
def test_entity_like_names(name):
    assert is_entity_like(name)


@pytest.mark.parametrize("name", ["Barents and", "Trump's", "www.foxnews.com", "@realDonaldTrump",
                                  "2020 Election", "the", "Michael\nCohen", "Obama-",
                                  "Getty Images/iStockphoto | Photo", "former president Obama",
                                  "Read More Here Now On This Site Today"])
def test_chrome_and_fragments_are_not(name):
    assert not is_entity_like(name)


def test_sentence_at_real_text():
    text = ("Former FBI Director James Comey testified on Thursday. He said the president "
            "asked him to drop the Flynn inquiry. Republicans disagreed.")
    i = text.index("Flynn")
    assert sentence_at(text, i, i + 5) == ("He said the president asked him to drop the Flynn "
                                           "inquiry.")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("allsides")
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as fh:
        lines = [line for n, line in enumerate(fh, 1) if n in LINES]
    (folder / "slice.jsonl").write_text("".join(lines), encoding="utf-8")
    base = folder / "kb-base.yaml"
    shutil.copyfile(default_kb_path(), base)  # pinned: the shipped file may be edited meanwhile
    return folder / "slice.jsonl", base


@pytest.fixture(scope="module")
def before(corpus, trained_model, tmp_path_factory):
    path, base = corpus
    cache = tmp_path_factory.mktemp("cache")
    ann = annotate(load_corpus(path), model=trained_model, kb=base, cache_dir=cache,
                   progress=False)
    return ann, cache


def test_suggestions_are_real_unlinked_entities(corpus, before):
    ann, _ = before
    kb = load_kb(corpus[1])
    s = suggest(ann.mentions, ann.articles, kb, min_mentions=2)
    assert len(s) >= 10
    assert s["mentions"].is_monotonic_decreasing
    assert not s["entity_id"].isin(list(kb.entities)).any()  # never a linked entity
    assert s["name"].map(is_entity_like).all()
    # "AD" is tagged ORG 3+ times in the Washington Post pages, alone on its line: chrome.
    ad = ann.mentions[ann.mentions["text"] == "AD"]
    assert len(ad) >= 3 and "AD" not in set(s["name"])
    top = s.iloc[0]
    assert top["type"] in ("PERSON", "ORG") and top["mentions"] >= 5
    for example in top["examples"]:
        assert any(sp.split()[-1] in example for sp in top["spellings"])


def test_review_round_trip_links_and_affiliates(corpus, before, tmp_path, trained_model):
    ann, cache = before
    path, base = corpus
    kb = load_kb(base)
    s = suggest(ann.mentions, ann.articles, kb, min_mentions=2)
    review = write_review(s, tmp_path / "review.yaml")
    entries = read_review(review)
    assert [e["name"] for e in entries] == s["name"].tolist()
    # The researcher's edit: keep the five most mentioned people, all US figures here, with
    # their affiliation; skip the rest.
    doc = yaml.safe_load(review.read_text(encoding="utf-8"))
    people = [e for e in doc["suggestions"] if e["type"] == "PERSON" and e["action"] == "add"]
    keep = {e["id"] for e in people[:5]}
    for e in doc["suggestions"]:
        e["action"] = "add" if e["id"] in keep else "skip"
        e["affiliation"] = "US" if e["id"] in keep else None
    review.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")

    user_kb = tmp_path / "my-kb.yaml"
    result = add_reviewed(review, user_kb, base=base)
    assert sorted(result.added) == sorted(keep)
    merged = load_kb(user_kb)
    assert len(merged) == len(kb) + len(keep)
    assert user_kb.read_text(encoding="utf-8").startswith(base.read_text(encoding="utf-8")[:200])

    after = annotate(ann.articles, model=trained_model, kb=user_kb, cache_dir=cache,
                     progress=False)
    linked = after.mentions[after.mentions["entity_id"].isin(keep)]
    assert len(linked) and (linked["affiliation"] == "US").all()

    def unknown_share(a) -> float:
        v = an.voices(a.quotes, a.articles)
        aff = v[v["dimension"] == "affiliation"]
        return aff.loc[aff["voice"] == an.UNKNOWN, "quotes"].sum() / aff["quotes"].sum()

    assert unknown_share(after) < unknown_share(ann)


def test_bad_review_files(tmp_path, corpus):
    _, base = corpus
    bad = tmp_path / "bad.yaml"
    bad.write_text("suggestions:\n  - action: add\n    id: local:x\n    name: X\n    type: "
                   "PERSON\n  - action: maybe\n    name: Y\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"bad.yaml, line 6: each entry needs action"):
        read_review(bad)
    bad.write_text("suggestions:\n  - action: merge\n    name: Y\n    aliases: [Y]\n",
                   encoding="utf-8")
    with pytest.raises(KBError, match="merge needs merge_into"):
        read_review(bad)
    # An id the loader refuses: the user's file is left as it was.
    user_kb = tmp_path / "kb.yaml"
    shutil.copyfile(base, user_kb)
    before_text = user_kb.read_text(encoding="utf-8")
    bad.write_text("suggestions:\n  - action: add\n    id: Q12x\n    name: Jim Comey\n"
                   "    type: PERSON\n    aliases: [Jim Comey]\n", encoding="utf-8")
    with pytest.raises(KBError, match=r"kb.yaml \(after merging .*bad.yaml\).*Q12x"):
        add_reviewed(bad, user_kb)
    assert user_kb.read_text(encoding="utf-8") == before_text
    # An alias another entity owns is left out, with a note, not a refused file.
    owner = next(e for e in load_kb(base).entities.values() if e.type == "PERSON")
    bad.write_text(yaml.safe_dump({"suggestions": [{
        "action": "add", "id": "local:someone-new", "name": "Someone New", "type": "PERSON",
        "aliases": ["Someone New", owner.name]}]}), encoding="utf-8")
    result = add_reviewed(bad, user_kb)
    assert result.added == ["local:someone-new"]
    assert any(owner.name in note for note in result.notes)
    assert load_kb(user_kb).lookup("Someone New")[0].id == "local:someone-new"
