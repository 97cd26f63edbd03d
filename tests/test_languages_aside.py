"""The Cyrillic lines of the sample's Izvestia article (English edition), annotated as Russian.

The cleaner sets the Russian photo titles ("Украина", "ВСУ", "Дональд Трамп", "НАБУ") and the
machine-translation credit aside (``aside_text``); annotate/cyrillic_aside.py annotates the
titles with the Russian pipeline, so the names in them are found: ``ann.aside_mentions``
(offsets into ``aside_text``), apart from ``ann.mentions``, which the analyses count — as they
do not count English captions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench import tables
from workbench.annotate.cyrillic_aside import aside_to_annotate
from workbench.annotate.run import article_key

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sample(tmp_path_factory, trained_model):
    import workbench as wb

    return wb.open_corpus(REPO / "data" / "sample", model=trained_model,
                          cache_dir=tmp_path_factory.mktemp("cache"), progress=False)


def _izvestia(ann):
    return ann.articles[ann.articles["outlet"] == "Izvestia"].iloc[0]


def test_the_russian_photo_titles_are_annotated_in_russian(sample):
    izvestia = _izvestia(sample)
    assert izvestia["language"] == "en" and "Дональд Трамп" in izvestia["aside_text"]
    aside = sample.aside_mentions
    assert list(aside.columns) == tables.columns("aside_mentions")
    assert set(aside["article_id"]) == {izvestia["article_id"]}
    assert set(aside["field"]) == {"aside_text"}
    assert {("Дональд Трамп", "Q22686"), ("ВСУ", "local:armed-forces-of-ukraine"),
            ("НАБУ", "local:nabu"), ("Украина", "Q212")} <= \
        set(zip(aside["text"], aside["entity_id"], strict=True))
    for row in aside.itertuples():  # offsets into aside_text, each title its own sentence
        assert izvestia["aside_text"][row.start:row.end] == row.text
    assert aside["sent_index"].is_unique
    # The translation credit names a tool, not a subject of the article.
    assert not aside["text"].str.contains("Яндекс").any()
    assert "Yandex" not in set(aside["entity"].dropna())


def test_analyses_count_the_body_not_the_photo_titles(sample):
    m = sample.mentions
    assert "field" not in m.columns
    texts = sample.articles.set_index("article_id")["text"]
    for row in m.itertuples():  # every counted mention points into the body
        assert texts[row.article_id][row.start:row.end] == row.text
    izvestia = _izvestia(sample)
    trump = m[(m["article_id"] == izvestia["article_id"]) & (m["entity_id"] == "Q22686")]
    assert not trump["text"].str.contains("Трамп").any()
    assert len(trump) == izvestia["text"].count("Trump")  # the English caption is out too


def test_which_aside_lines_are_annotated_and_in_which_language():
    aside = "Украина\nPhoto: TASS\nПереведено сервисом «Яндекс Переводчик»\nДональд Трамп"
    text, language = aside_to_annotate(aside, "en")
    assert language == "ru" and len(text) == len(aside)
    assert text.split("\n")[0] == "Украина" and text.split("\n")[3] == "Дональд Трамп"
    assert not text.split("\n")[1].strip() and not text.split("\n")[2].strip()
    assert aside_to_annotate("Київ\nВолодимир Зеленський", "en")[1] == "uk"
    assert aside_to_annotate("Photo caption in English here", "ru") == ("", None)
    assert aside_to_annotate("Дональд Трамп", "ru") == ("", None)  # its own pipeline's text
    assert aside_to_annotate(None, "en") == ("", None)
    # The aside lines are part of what the cache knows the article by.
    assert article_key("Body.", None, "", "Украина") != article_key("Body.", None, "", "")
    assert article_key("Body.", None) == article_key("Body.", None, "", "")
