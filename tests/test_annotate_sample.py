"""Annotation of the real sample with the real statistical pipeline (issue: Must show)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.annotate.kb import load_kb
from workbench.cli import main

pytestmark = pytest.mark.model


def article(ann, prefix: str) -> str:
    a = ann.articles
    return a.loc[a["path"].str.contains(f"/{prefix}_"), "article_id"].iloc[0]


def test_uses_the_trained_pipeline(sample_annotations, trained_model):
    assert not sample_annotations.fallback
    assert sample_annotations.pipeline.name == trained_model


@pytest.mark.parametrize("name", ["Volodymyr Zelensky", "Vladimir Putin", "Donald Trump",
                                  "Dmitry Peskov", "Kyiv", "Moscow", "Istanbul", "Pokrovsk"])
def test_one_canonical_name_each(sample_annotations, name):
    m = sample_annotations.mentions
    rows = m[m["entity"] == name]
    assert len(rows) >= 2, name
    assert rows["entity_id"].nunique() == 1
    assert rows["entity_id"].iloc[0] == load_kb().lookup(name)[0].id


def test_all_spellings_merged(sample_annotations):
    m = sample_annotations.mentions
    zelensky = m[m["entity"] == "Volodymyr Zelensky"]
    assert {"Zelensky", "Volodymyr Zelensky", "Vladimir Zelensky"} <= set(zelensky["text"])
    kyiv = m[m["entity"] == "Kyiv"]
    assert {"Kyiv", "Kiev"} <= set(kyiv["text"])
    putin = m[m["entity"] == "Vladimir Putin"]
    assert {"Putin", "Vladimir Putin"} <= set(putin["text"])


def test_izvestia_variants_recorded(sample_annotations):
    m = sample_annotations.mentions
    izv = m[m["article_id"] == article(sample_annotations, "002")]
    kyiv = izv[izv["entity"] == "Kyiv"]
    assert len(kyiv) >= 10 and set(kyiv["variant"]) == {"kiev"}
    assert "vladimir-zelensky" in set(izv.loc[izv["entity"] == "Volodymyr Zelensky", "variant"])
    assert "kiev-regime" in set(izv["variant"])
    moldova = m[m["article_id"] == article(sample_annotations, "003")]
    assert set(moldova.loc[moldova["entity"] == "Kyiv", "variant"]) == {"kyiv"}


def test_mentions_point_into_the_text(sample_annotations):
    texts = sample_annotations.articles.set_index("article_id")["text"]
    m = sample_annotations.mentions
    assert len(m) > 300
    for row in m.itertuples():
        assert texts[row.article_id][row.start:row.end] == row.text


def test_no_junk_entities(sample_annotations):
    m = sample_annotations.mentions
    assert not set(m["text"]) & {"Photo", "Select", "Live", "Immediately", "Therefore",
                                 "Experts", "On", "Off"}
    assert set(m["type"]) <= {"PERSON", "ORG", "PLACE", "GROUP", "EVENT", "OTHER"}


def test_affiliations_from_the_kb(sample_annotations):
    m = sample_annotations.mentions
    aff = m.drop_duplicates("entity").set_index("entity")["affiliation"]
    assert aff["Dmitry Peskov"] == "Russia" and aff["Volodymyr Zelensky"] == "Ukraine"
    assert aff["Donald Trump"] == "US"


def test_quotes_attributed_to_their_entities(sample_annotations):
    q = sample_annotations.quotes
    kb = load_kb()
    speakers = set(q["speaker_id"].dropna())
    for name in ["Dmitry Peskov", "Alexei Polishchuk", "Rodion Miroshnik", "Marta Hurtado",
                 "Marco Rubio", "Vladimir Oleinik", "Volodymyr Zelensky"]:
        assert kb.lookup(name)[0].id in speakers, name
    peskov = q[q["speaker_id"] == kb.lookup("Peskov")[0].id]
    assert set(peskov["speaker_affiliation"]) == {"Russia"}
    assert set(q["kind"]) == {"direct", "indirect"}


@pytest.mark.parametrize("prefix, text, expected, precision", [
    ("001", "July 23", "2025-07-23", "day"),
    ("002", "May 16, 2025", "2025-05-16", "day"),
    ("003", "Wednesday, November 12", "2025-11-12", "day"),
    ("001", "in August", "2025-08-01", "month"),
    ("003", "June 2", "2025-06-02", "day"),
])
def test_dates_resolved(sample_annotations, prefix, text, expected, precision):
    d = sample_annotations.dates
    rows = d[(d["article_id"] == article(sample_annotations, prefix)) & (d["text"] == text)]
    assert len(rows) >= 1, text
    assert rows["date"].iloc[0] == pd.Timestamp(expected)
    assert rows["precision"].iloc[0] == precision
    assert text in rows["sentence"].iloc[0]


def test_undated_article_keeps_relative_dates_unresolved(sample_annotations):
    d = sample_annotations.dates
    syria = d[d["article_id"] == article(sample_annotations, "004")]
    fridays = syria[syria["text"].str.contains("Friday")]
    assert len(fridays) >= 3 and fridays["date"].isna().all()
    assert (syria.loc[syria["text"] == "in 2014", "date"] == pd.Timestamp("2014-01-01")).all()


def test_cli_entities_table(sample_dir, cache_root, trained_model, capsys):
    assert main(["entities", str(sample_dir), "--cache-dir", str(cache_root),
                 "--model", trained_model, "--type", "PERSON", "--top", "8"]) == 0
    out = capsys.readouterr().out
    assert "Volodymyr Zelensky" in out and "Vladimir Zelensky 1" in out
    assert "Kyiv" not in out.split("Notes")[0]  # PERSON only
    assert main(["annotate", str(sample_dir), "--cache-dir", str(cache_root),
                 "--model", trained_model]) == 0
    out = capsys.readouterr().out
    assert "5 articles: 0 annotated, 5 from the cache" in out
