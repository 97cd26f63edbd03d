"""Russian and Ukrainian annotation (annotate/cyrillic*.py, data/kb/aliases-ru-uk.yaml).

Russian lines are real: tgcontest-articles (../shared/corpora, ids given) and the Cyrillic
captions of the sample's Izvestia article. The corpora have no Ukrainian text, so the Ukrainian
lines are short sentences written in the style of Ukrainska Pravda / Interfax-Ukraine reports.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.annotate.cyrillic import lemma_index as _lemma_index
from workbench.annotate.cyrillic import piece_mentions, pipeline_notes, sentence_starts
from workbench.annotate.cyrillic_kb import normal_name, transliterate, word_keys
from workbench.annotate.kb import KBError, load_kb

REPO = Path(__file__).resolve().parents[1]
TGCONTEST = REPO.parent / "shared" / "corpora" / "tgcontest-articles.jsonl.gz"


@pytest.fixture(scope="module")
def kb():
    return load_kb(REPO / "data" / "kb" / "entities.yaml")


@pytest.fixture(scope="module")
def index(kb):
    return _lemma_index(kb)


def mentions(text, kb, index, language="ru"):
    return piece_mentions(text, language, kb, index, sentence_starts(text))


def found(rows):
    return {(r["text"], r["entity_id"]) for r in rows}


# ── the knowledge base's Cyrillic aliases ────────────────────────────────────

def test_cyrillic_aliases_are_one_entity_with_the_english_spellings(kb):
    assert kb.lookup("Путин")[0].id == kb.lookup("Путін")[0].id == kb.lookup("Putin")[0].id
    assert kb.lookup("Киев") == (kb.get("Q1899"), "kiev")
    assert kb.lookup("Київ") == (kb.get("Q1899"), "kyiv")
    assert kb.lookup("Kiev")[1] == "kiev"  # the same tag as the English spelling choice
    assert kb.lookup("Зеленская")[0].id == "local:olena-zelenska"
    # English aliases keep their own tags and rules: Cyrillic ones are kept per language.
    assert all(not any("\u0400" <= c <= "\u04ff" for c in a.text)
               for a in kb.get("Q7747").aliases)
    assert ("uk", "Путін") in {(lang, a.text) for lang, a in kb.language_aliases["Q7747"]}


def test_every_alias_file_id_is_in_the_knowledge_base(kb):
    import yaml

    data = yaml.safe_load((REPO / "data" / "kb" / "aliases-ru-uk.yaml").read_text("utf-8"))
    assert len(data["aliases"]) > 100
    assert all(kb.get(entity_id) for entity_id in data["aliases"])


def _kb_with_aliases(tmp_path, aliases: str):
    (tmp_path / "entities.yaml").write_text(
        "entities:\n  - id: Q1899\n    name: Kyiv\n    type: PLACE\n"
        "    aliases: [{text: Kyiv, variant: kyiv}]\n"
        "  - id: Q649\n    name: Moscow\n    type: PLACE\n", encoding="utf-8")
    (tmp_path / "aliases-ru-uk.yaml").write_text(aliases, encoding="utf-8")
    return load_kb(tmp_path / "entities.yaml")


def test_alias_file_problems_name_the_file_and_line(tmp_path):
    with pytest.raises(KBError, match=r"aliases-ru-uk\.yaml, line 5: unknown entity id 'Q999'"):
        _kb_with_aliases(tmp_path, "aliases:\n  Q1899:\n    ru: [Киев]\n  Q999:\n"
                                   "    ru: [Атлантида]\n")
    with pytest.raises(KBError, match=r"line 3: 'xx1' is not a two-letter language code"):
        _kb_with_aliases(tmp_path, "aliases:\n  Q1899:\n    xx1: [Киев]\n")


def test_alias_of_another_entity_is_refused(tmp_path):
    with pytest.raises(KBError, match=r"line 5: 'Москва' is already 'Kyiv'"):
        _kb_with_aliases(tmp_path, "aliases:\n  Q1899:\n    ru: [Москва]\n  Q649:\n"
                                   "    ru: [Москва]\n")


def test_alias_file_changes_the_fingerprint(tmp_path):
    first = _kb_with_aliases(tmp_path, "aliases:\n  Q1899:\n    ru: [Киев]\n")
    second = _kb_with_aliases(tmp_path, "aliases:\n  Q1899:\n    ru: [Киев, Кыив]\n")
    assert first.fingerprint != second.fingerprint and second.lookup("Кыив")[0].id == "Q1899"


# ── lemmas and normal forms ──────────────────────────────────────────────────

@pytest.mark.parametrize("word, language, key", [
    ("Путина", "ru", "путин"), ("Зеленского", "ru", "зеленский"), ("Киеве", "ru", "киев"),
    ("Зеленской", "ru", "зеленская"), ("Києві", "uk", "київ"), ("Путіним", "uk", "путін"),
    ("Запорожской", "ru", "запорожская"), ("Донбассе", "ru", "донбасс"),
])
def test_inflected_forms_reach_the_nominative(word, language, key):
    assert key in word_keys(word, language)


def test_gender_is_kept_so_zelenska_is_not_zelensky():
    assert "зеленский" not in word_keys("Зеленской", "ru")


@pytest.mark.parametrize("words, person, expected", [
    (["Сергея", "Лаврова"], True, "Сергей Лавров"),
    (["Марии", "Захаровой"], True, "Мария Захарова"),
    (["Касым-Жомарта", "Токаева"], True, "Касым-Жомарт Токаев"),
    (["Новой", "Зеландии"], False, "Новая Зеландия"),
    (["Министерства", "государственной", "безопасности"], False,
     "Министерство государственной безопасности"),
    (["Хубэй"], False, "Хубэй"),
])
def test_normal_names(words, person, expected):
    assert normal_name(words, "ru", person) == expected


def test_ukrainian_normal_names_use_the_ukrainian_dictionary():
    assert normal_name(["Олександра", "Сирського"], "uk", True) == "Олександр Сирський"
    assert normal_name(["Юлії", "Свириденко"], "uk", True) == "Юлія Свириденко"


def test_transliteration_schemes():
    assert transliterate("Мартин Сайдик", "ru") == "Martin Saydik"
    assert transliterate("Олександр Сирський", "uk") == "Oleksandr Syrskyi"
    assert transliterate("Reuters", "ru") == "Reuters"


# ── mentions on real Russian text ────────────────────────────────────────────

def test_real_russian_lines_link_to_the_knowledge_base(kb, index):
    # tgcontest 77f601daef44, ed4e55c7e78d, b71375b93001, a1dda01a291f
    text = ("В понедельник пресс-секретарь Президента РФ Дмитрий Песков проанонсировал "
            "очередное совещание, которое пройдет 6 мая и будет посвящено реализации принятых "
            "решений в рамках борьбы с новым коронавирусом.\n"
            "Закон был подписан президентом России Владимиром Путиным 24 апреля.\n"
            "Добавим, что представители ДНР обвинили президента Украины Зеленского в "
            "отсутствии авторитета главнокомандующего.\n"
            "Сегодня глава ДНР Денис пригрозил Киеву ответом в случае ввода Нацгвардии на "
            "участок разведения сил.")
    rows = mentions(text, kb, index)
    assert {("Дмитрий Песков", "local:dmitry-peskov"), ("Владимиром Путиным", "Q7747"),
            ("Зеленского", "Q3874799"), ("Киеву", "Q1899"), ("России", "Q159"),
            ("Украины", "Q212"), ("РФ", "Q159")} <= found(rows)
    kiev = next(r for r in rows if r["text"] == "Киеву")
    assert (kiev["variant"], kiev["type"], kiev["entity"]) == ("kiev", "PLACE", "Kyiv")
    putin = next(r for r in rows if r["entity_id"] == "Q7747")
    assert text[putin["start"]:putin["end"]] == "Владимиром Путиным"
    assert putin["sent_index"] == 1  # every line starts a sentence
    # never the English model's errors: no place or country as a person
    assert not any(r["type"] == "PERSON" and r["entity_id"] in ("Q212", "Q1899") for r in rows)


def test_unknown_names_count_under_their_normal_form(kb, index):
    # tgcontest 667ea8b437b1
    text = ("Президент России Владимир Путин в ходе телефонного разговора тепло поздравил "
            "своего казахстанского коллегу Касым-Жомарта Токаева с днем рождения. Путин от "
            "души пожелал Токаеву крепкого здоровья.")
    rows = mentions(text, kb, index)
    tokayev = [r for r in rows if r["entity"] == "Касым-Жомарт Токаев"]
    assert tokayev and tokayev[0]["entity_id"] == "local:kasym-zhomart-tokayev"
    assert tokayev[0]["type"] == "PERSON" and tokayev[0]["source"] == "model"
    assert [r["entity_id"] for r in rows if r["text"] == "Путин"] == ["Q7747"]


def test_a_knowledge_base_organisation_is_one_mention(kb, index):
    # The model splits it (ORG "Министерстве иностранных дел", LOC "Украины"); the alias wins.
    text = "Об этом сообщили в Министерстве иностранных дел Украины в четверг."
    rows = mentions(text, kb, index)
    assert [(r["text"], r["entity_id"], r["type"]) for r in rows] == [
        ("Министерстве иностранных дел Украины", "local:ukrainian-foreign-ministry", "ORG")]


def test_izvestia_sample_captions(kb, index):
    # The Cyrillic captions set aside from the sample's Izvestia article (aside_text).
    from workbench.corpus.load import load_corpus

    articles = load_corpus(REPO / "data" / "sample")
    izvestia = articles[articles["path"].str.contains("002_")].iloc[0]
    assert izvestia["language"] == "en"
    rows = mentions(izvestia["aside_text"], kb, index)
    assert {"Q212", "Q22686", "local:armed-forces-of-ukraine", "local:nabu"} <= \
        {r["entity_id"] for r in rows}


# ── Ukrainian ────────────────────────────────────────────────────────────────

def test_ukrainian_lines(kb, index):
    text = ("Президент України Володимир Зеленський провів у Києві зустріч із генсеком НАТО.\n"
            "Путін заявив, що Росія не зупинить наступ у Запорізькій області.\n"
            "Про це повідомив головнокомандувач ЗСУ Олександр Сирський.")
    rows = mentions(text, kb, index, "uk")
    assert {("Володимир Зеленський", "Q3874799"), ("Києві", "Q1899"), ("НАТО", "Q7184"),
            ("Путін", "Q7747"), ("Росія", "Q159"), ("Запорізькій області", "Q171334"),
            ("Олександр Сирський", "local:oleksandr-syrskyi")} <= found(rows)
    assert next(r for r in rows if r["text"] == "Києві")["variant"] == "kyiv"


def test_reports_say_which_pipeline_annotated_each_language():
    described, notes = pipeline_notes(["ru", "uk", "en", "de"], "en_conll_ewt_sm 3.7.0")
    assert "natasha" in described["ru"] and "the Russian one is used" in described["uk"]
    assert "English pipeline on de text" in described["de"]
    assert len(notes) == 1 and "uk (1 articles)" in notes[0]
    assert pipeline_notes(["en", "en"], "x")[1] == []


# ── the corpus ───────────────────────────────────────────────────────────────

@pytest.mark.skipif(not TGCONTEST.exists(), reason="shared corpora not present")
def test_tgcontest_articles_are_routed_by_language(tmp_path):
    from workbench.annotate.run import annotate
    from workbench.corpus.load import load_corpus

    rows = [json.loads(line) for line in gzip.open(TGCONTEST)]
    ru = [r for r in rows if r["lang"] == "ru"][:12]
    en = [r for r in rows if r["lang"] == "en"][:3]
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ru + en),
                    encoding="utf-8")
    articles = load_corpus(path)
    ann = annotate(articles, cache_dir=tmp_path / "cache", progress=False)
    assert set(ann.stats["pipelines"]) == {"ru", "en"}
    assert any(p.startswith("pipelines by language") for p in ann.problems)
    lang = ann.mentions.merge(articles[["article_id", "language"]], on="article_id")
    assert set(lang["language"]) == {"ru", "en"}
    ru_rows = lang[lang["language"] == "ru"]
    assert set(ru_rows["label"]) <= {"PER", "LOC", "ORG", "PERSON", "PLACE", "GROUP", "EVENT",
                                     "OTHER"}
    assert ru_rows["entity"].notna().all() and (ru_rows["start"] < ru_rows["end"]).all()
    texts = articles.set_index("article_id")["text"]
    assert all(texts[r.article_id][r.start:r.end] == r.text for r in ru_rows.itertuples())
    assert isinstance(ann.mentions, pd.DataFrame)


# ── quotes and dates ─────────────────────────────────────────────────────────

def _quotes_and_dates(text, language, kb, index, anchor):
    from workbench.annotate.cyrillic_quotes import piece_dates, piece_quotes

    starts = sentence_starts(text)
    rows = piece_mentions(text, language, kb, index, starts)
    return piece_quotes(text, language, rows, starts), piece_dates(text, language, anchor,
                                                                   starts)


def test_russian_quotes(kb, index):
    from datetime import date

    text = ("«Мы готовы к переговорам», — заявил пресс-секретарь Кремля Дмитрий Песков. "
            "Лавров заявил: «Киев не хочет мира». По словам Зеленского, Украина не отдаст "
            "территории. Путин заявил, что Россия готова к обмену пленными. Ситуация на фронте "
            "стабильная, сообщил Сырский. Как сообщает ТАСС, обмен пленными состоится завтра.")
    quotes, _ = _quotes_and_dates(text, "ru", kb, index, date(2025, 11, 14))
    got = {(q["kind"], q["speaker_id"], q["verb"], q["quote"]) for q in quotes}
    assert got == {
        ("direct", "local:dmitry-peskov", "заявить", "Мы готовы к переговорам"),
        ("direct", "Q58217", "заявить", "Киев не хочет мира"),
        ("indirect", "Q3874799", "сказать", "Украина не отдаст территории"),
        ("indirect", "Q7747", "заявить", "Россия готова к обмену пленными"),
        ("indirect", "local:oleksandr-syrskyi", "сообщить", "Ситуация на фронте стабильная"),
        ("indirect", "Q223799", "сообщать", "обмен пленными состоится завтра"),
    }
    for q in quotes:
        assert " ".join(text[q["start"]:q["end"]].split()) == q["quote"]


def test_ukrainian_quotes_and_dates(kb, index):
    from datetime import date

    text = ("«Ми готові до переговорів», — заявив Зеленський у п'ятницю. Як повідомляє "
            "Укрінформ, Сирський підкреслив, що фронт стабільний. Минулого тижня Путін сказав: "
            "«Ми не зупинимось».")
    quotes, dates = _quotes_and_dates(text, "uk", kb, index, date(2025, 11, 14))
    assert {(q["kind"], q["speaker_id"], q["verb"]) for q in quotes} >= {
        ("direct", "Q3874799", "заявити"), ("direct", "Q7747", "сказати")}
    assert [(d["text"], str(d["date"].date())) for d in dates] == [
        ("у п'ятницю", "2025-11-14"), ("Минулого тижня", "2025-11-07")]


@pytest.mark.parametrize("sentence, expected, precision", [
    ("Путин заявил об этом в пятницу.", "2025-11-07", "day"),  # anchor Thursday 13 Nov
    ("Встреча пройдет в пятницу.", "2025-11-14", "day"),
    ("Переговоры прошли 12 ноября.", "2025-11-12", "day"),
    ("Саммит состоится 2 декабря.", "2025-12-02", "day"),
    ("Договор подписали 20 ноября.", "2024-11-20", "day"),  # past: last year's 20 November
    ("В прошлом году цены выросли.", "2024-01-01", "year"),
    ("Выборы прошли в ноябре 2024 года.", "2024-11-01", "month"),
    ("В 2023 году ничего не изменилось.", "2023-01-01", "year"),
    ("Об этом сообщили вчера.", "2025-11-12", "day"),
])
def test_russian_dates_follow_the_tense(kb, index, sentence, expected, precision):
    from datetime import date

    _, dates = _quotes_and_dates(sentence, "ru", kb, index, date(2025, 11, 13))
    assert [(str(d["date"].date()), d["precision"]) for d in dates] == [(expected, precision)]


def test_people_outside_the_kb_link_across_languages_by_transliteration():
    from workbench import tables
    from workbench.annotate.cyrillic_kb import link_across_languages

    rows = pd.DataFrame([
        # tgcontest 667ea8b437b1 (ru) and an English wire line naming him
        {"article_id": "a", "text": "Касым-Жомарта Токаева", "type": "PERSON",
         "entity": "Касым-Жомарт Токаев", "entity_id": "local:kasym-zhomart-tokayev"},
        {"article_id": "b", "text": "Kassym-Jomart Tokayev", "type": "PERSON",
         "entity": "Kassym-Jomart Tokayev", "entity_id": "local:kassym-jomart-tokayev"},
        {"article_id": "a", "text": "Ольга Зинякова", "type": "PERSON",
         "entity": "Ольга Зинякова", "entity_id": "local:olga-zinyakova"},
        {"article_id": "b", "text": "Novak Djokovic", "type": "PERSON",
         "entity": "Novak Djokovic", "entity_id": "local:novak-djokovic"},
        {"article_id": "a", "text": "Новака Джоковича", "type": "PERSON",
         "entity": "Новак Джокович", "entity_id": "local:novak-dzhokovich"},
    ])
    out = link_across_languages(tables.conform(rows, "mentions"))
    assert out["entity_id"].tolist() == [
        "local:kassym-jomart-tokayev", "local:kassym-jomart-tokayev", "local:olga-zinyakova",
        "local:novak-djokovic", "local:novak-djokovic"]
    assert out.loc[0, "entity"] == "Kassym-Jomart Tokayev"


def test_a_known_surname_in_another_persons_full_name(kb, index):
    # tgcontest: "Глава Крыма Сергей Аксенов подписал поправки в указ …"; the forecaster's
    # byline is written in the corpus's style.
    text = ("Глава Крыма Сергей Аксенов подписал поправки в указ. Аксенов отметил, что меры "
            "продлят.\nОб этом рассказал синоптик Дмитрий Аксенов.")
    rows = mentions(text, kb, index)
    assert [(r["text"], r["entity_id"]) for r in rows if "Аксенов" in r["text"]] == [
        ("Сергей Аксенов", "local:sergei-aksyonov"), ("Аксенов", "local:sergei-aksyonov"),
        ("Дмитрий Аксенов", "local:dmitry-aksenov")]
    assert not any(r["text"] == "СМИ" for r in mentions("Об этом пишут СМИ.", kb, index))


def test_ukrainian_spans_lose_titles_and_split_at_verbs(kb, index):
    # The Russian model on Ukrainian takes sentence-initial words for names.
    text = ("Міністр закордонних справ Андрій Сибіга зустрівся у Брюсселі з генсеком НАТО.\n"
            "Вночі російські війська атакували Харків ударними дронами.\n"
            "Прем'єр-міністерка Юлія Свириденко обговорила з Урсулою фон дер Ляєн виділення "
            "коштів ЄС.")
    got = {(r["type"], r["entity"]) for r in mentions(text, kb, index, "uk")}
    assert {("PERSON", "Andrii Sybiha"), ("PLACE", "Brussels"), ("PLACE", "Kharkiv"),
            ("PERSON", "Yulia Svyrydenko"), ("PERSON", "Ursula von der Leyen"),
            ("ORG", "European Union")} <= got
    assert not {("PERSON", "Міністр"), ("PLACE", "Вночі російські")} & got


def test_plural_aliases_match_inflected(kb, index):
    # tgcontest (ФедералПресс, 17 May)
    text = ("Речь идет о четырех телекоммуникационных компаниях КНР, работающих на территории "
            "Соединенных Штатов.")
    assert {("КНР", "Q148"), ("Соединенных Штатов", "Q30")} <= found(mentions(text, kb, index))


def test_initials_before_a_known_surname(kb, index):
    # tgcontest e2ef1c183773f8ae
    text = ("Ветераны получат более 2 тысяч персональных поздравлений от Президента Российской "
            "Федерации В.В. Путина с 75-летием Победы.")
    assert ("Путина", "Q7747") in found(mentions(text, kb, index))


def test_speakers_follow_the_articles_linking(kb):
    from workbench.annotate.cyrillic import annotate_cyrillic_jobs
    from workbench.annotate.extract import Job

    # tgcontest (Кудрин on social spending), shortened
    text = ("Глава Счетной палаты Алексей Кудрин заявил, что бюджет выдержит расходы.\n"
            "Об этом в воскресенье, 24 мая, заявил Кудрин.\n"
            "По словам Кудрина, выплаты на детей давно уже не помощь.")
    result = next(annotate_cyrillic_jobs(kb, [Job("k", text, None, "ru")]))
    assert result.status == "ok"
    quotes = result.rows["quotes"]
    assert {q["speaker_id"] for q in quotes} == {"local:aleksey-kudrin"}
    assert not any(q["quote"].startswith("Об этом") for q in quotes)
    assert all("_mention" not in q for q in quotes)
