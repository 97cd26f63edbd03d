"""Word keyness within one language (analyze/keyness.py, slices.py, tokens.py).

The corpus is real: the five sample articles (English; the Izvestia one with Russian photo
titles) and ten Russian articles of ../shared/corpora/tgcontest-articles.jsonl.gz (ids below),
written as a JSONL file into the same temporary folder, so one selection mixes languages.
"""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from workbench import analyze as an
from workbench.analyze.select import add_note

REPO = Path(__file__).resolve().parents[1]
TGCONTEST = REPO.parent / "shared" / "corpora" / "tgcontest-articles.jsonl.gz"
# Russian articles on Putin, Zelensky, Kyiv, Poklonskaya (ten outlets, from .ru and .ua sites).
RUSSIAN_IDS = ("77f601daef44", "aad8ea1d6547", "667ea8b437b1", "c5077a67ecf8", "54746d4f9227",
               "e963625f9340", "01784b7bc3f8", "e9cb648229dc", "a6c461785b13", "3afe6f9df034",
               "a1dda01a291f")

needs_corpus = pytest.mark.skipif(not TGCONTEST.exists(), reason="shared corpora not present")


def write_mixed_corpus(folder: Path) -> Path:
    """The sample corpus plus the Russian tgcontest articles of RUSSIAN_IDS, in ``folder``."""
    shutil.copytree(REPO / "data" / "sample", folder, dirs_exist_ok=True)
    with gzip.open(TGCONTEST, "rt", encoding="utf-8") as fh:
        lines = [line for line in fh if json.loads(line)["id"] in RUSSIAN_IDS]
    assert len(lines) == len(RUSSIAN_IDS)
    (folder / "tgcontest-ru.jsonl").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> pd.DataFrame:
    if not TGCONTEST.exists():
        pytest.skip("shared corpora not present")
    from workbench.corpus.load import load_corpus

    folder = write_mixed_corpus(tmp_path_factory.mktemp("mixed"))
    return an.select_articles(load_corpus(folder))


# ── tokens ───────────────────────────────────────────────────────────────────

def test_russian_words_are_counted_by_lemma():
    # Real lines (tgcontest a1dda01a291f, 3afe6f9df034).
    text = ("Разведение сил и средств в районе Петровского (оккупированная Киевом часть ДНР) "
            "переносится. Также вчера Киев объявил о готовности начать отведение войск. При этом "
            "ВСУ сообщили о подготовке. Глава ДНР пригрозил Киеву ответом. После захвата в Киеве "
            "здания Генпрокуратуры, как экс-глава Киева Леонид Черновецкий.")
    counts = an.count_terms(text, ngram=(1, 1), language="ru")
    assert counts["киев"] == 5                      # Киевом, Киев, Киеву, Киеве, Киева
    assert counts["всу"] == 1 and counts["днр"] == 2  # capitals kept, not guessed at
    assert counts["сообщить"] == 1 and counts["объявить"] == 1
    assert not {"и", "в", "о", "при", "этом", "также", "этот"} & set(counts)
    assert "разведение сил" not in counts
    two = an.count_terms("Специальной военной операции. Специальная военная операция.",
                         ngram=(1, 3), language="ru")
    assert two["специальный военный операция"] == 2  # one phrase, whatever its case


def test_ukrainian_lemmas_prefer_the_place_to_a_rare_name():
    toks = an.tokens("Зеленський повідомив у Києві, що в Харкові та Львові тихо.", "uk")
    assert toks[:2] == ["зеленський", "повідомити"]
    assert {"київ", "харків", "львів"} <= set(toks)
    assert "кий" not in toks


def test_english_rules_are_unchanged_and_other_languages_drop_their_stop_words():
    assert an.tokens("The Kiev regime, Ukraine's") == an.tokens("The Kiev regime, Ukraine's",
                                                                 "en")
    assert an.tokens("Die Regierung und der Kanzler", "de") == ["regierung", None, "kanzler"]
    # Latin-script words inside Russian text follow the English rules.
    assert an.tokens("Об этом политик сообщила у себя в Telegram-канале", "ru")[-1] == \
        "telegram-канал"


# ── keyness in a mixed selection ─────────────────────────────────────────────

@needs_corpus
def test_word_counts_carry_each_articles_language(mixed):
    wc = an.word_counts(mixed)
    assert set(wc["language"]) == {"en", "ru"}
    languages = mixed.groupby("outlet")["language"].first()
    assert (wc["language"] == wc["group"].map(languages)).all()
    cyrillic = wc["term"].str.contains("[а-я]")
    assert not (cyrillic & (wc["language"] == "en")).any()
    ru = wc[wc["language"] == "ru"].groupby("term")["count"].sum()
    assert ru["киев"] >= 5 and "киева" not in ru and "киеве" not in ru


@needs_corpus
def test_english_keyness_is_what_it_is_without_the_russian_articles(mixed):
    k = an.keyness(an.word_counts(mixed), min_count=2)
    english = mixed[mixed["language"] == "en"]
    alone = an.keyness(an.word_counts(english), min_count=2)
    en = k[k["language"] == "en"].drop(columns="language").reset_index(drop=True)
    pd.testing.assert_frame_equal(en, alone.drop(columns="language").reset_index(drop=True))
    # Russian words were compared among the Russian outlets only.
    ru = k[k["language"] == "ru"]
    assert set(ru["group"]) == set(mixed.loc[mixed["language"] == "ru", "outlet"])
    kiev = ru[ru["term"] == "киев"]
    assert (kiev["count"] + kiev["count_rest"]).nunique() == 1
    assert list(k.attrs["languages"]) == ["en", "ru"]  # the most counted first
    assert any("within one language only" in n and "Russian (ru)" in n for n in an.notes(k))


@needs_corpus
def test_by_language_gives_one_chartable_table_per_language(mixed):
    from workbench import charts

    k = an.keyness(an.word_counts(mixed), min_count=2)
    parts = an.by_language(k)
    assert [p.attrs["language"] for p in parts] == ["en", "ru"]
    for part in parts:
        assert set(part["language"]) == {part.attrs["language"]}
        assert set(part.attrs["group_totals"]) == set(part["group"])
        charts.keyness_bars(part, n=5).to_dict()
    top = an.top_keyness(k, 3)
    assert top.groupby(["language", "group", "side"]).size().max() <= 3


@needs_corpus
def test_a_language_only_one_outlet_wrote_in_is_left_out_and_said(mixed):
    one_ru = mixed[(mixed["language"] == "en") | (mixed["outlet"] == "mk.ru")]
    k = an.keyness(an.word_counts(one_ru), min_count=1)
    assert set(k["language"]) == {"en"}
    assert any("Left out" in n and "Russian (ru): only mk.ru" in n for n in an.notes(k))


@needs_corpus
def test_grouped_by_language_words_are_not_compared(mixed):
    words = an.word_counts(mixed, by="language")
    reason = an.check_keyness(words)
    assert reason and "each group is a language" in reason
    k = an.keyness(words, min_count=1)
    assert k.empty and any("no word keyness" in n for n in an.notes(k))
    months = an.word_counts_by_period(mixed, by="language", freq="M")
    assert an.check_keyness_by_period(months, min_tokens=10) is not None


@needs_corpus
def test_keyness_within_months_keeps_languages_apart(mixed):
    words = an.word_counts_by_period(mixed, freq="M")
    assert set(words["language"]) == {"en", "ru"}
    within = an.keyness_by_period(words, min_count=1)
    if len(within):
        assert set(within["language"]) <= {"en", "ru"}
        assert not (within["term"].str.contains("[а-я]") & (within["language"] == "en")).any()
    overall = an.keyness(words, min_count=2)
    timing = an.timing_terms(words, overall, within)
    assert "language" in timing.columns


def test_check_keyness_needs_two_groups_in_one_language():
    counts = pd.DataFrame({"group": ["A", "B"], "term": ["x", "х"], "count": [300, 300],
                           "language": ["en", "ru"]})
    assert "within one language only" in an.check_keyness(counts)
    both = pd.concat([counts, counts.assign(group=["B", "A"])])
    assert an.check_keyness(both) is None


@needs_corpus
def test_a_note_on_the_counts_is_said_once(mixed):
    """A note the word counts carry (a text sample's, on a store) reaches the keyness table
    once, with one language or several — not once more per language."""
    for arts in (mixed[mixed["language"] == "en"], mixed):
        words = add_note(an.word_counts(arts), "Word keyness computed on a random sample.")
        k = an.keyness(words, min_count=2)
        assert an.notes(k).count("Word keyness computed on a random sample.") == 1
