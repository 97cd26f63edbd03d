"""Headlines of plain-text files and wire datelines (issue 9, loading), on real lines: the ones
the issue quotes and ones from the shared corpora (AllSides, tgcontest, NewsWCL50)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.corpus.clean import clean_text
from workbench.corpus.dateline import day_in, find_dateline, strip_dateline
from workbench.corpus.headline import ends_sentence
from workbench.corpus.infer import dateline_date, infer_date, infer_outlet, infer_title

from conftest import sample_text

# A real lead paragraph (sample 001, Novinite) to put under each headline.
LEAD = sample_text("001").split("\n")[2]
# The same lead hard-wrapped at 72 columns, as plain-text archives store it.
WRAPPED = ["Russia has declared its readiness to resume peace negotiations with",
           "Ukraine, even as its forces continue to advance around the frontline",
           "city of Pokrovsk, where fighting has intensified in recent days.",
           "Moscow’s Defense Ministry announced on November 12 that Russian troops",
           "had taken control of Sukhyi Yar, a village located south of Pokrovsk."]

HEADLINES = [
    # Quoted in the issue: closing quote, closing bracket, trailing short word.
    "… 'Out of whack with reality'", "… as war grinds on",
    # AllSides titles ending in a quote, a bracket, a short word.
    "Kathleen Sebelius: America 'deserves better'",
    "Why Netanyahu victory isn't likely to make US-Israel relations worse (+video)",
    "Ousted whistleblower warns US is heading toward “darkest winter in modern history”",
    "Congress heading toward government shutdown as spending talks drag on",
    "Bernie Sanders is out, but his influence on Democrats lives on",
    "See How Food Stamp Cuts Are Hitting Across The U.S.",
    "Judge Blocks Trump Administration's Asylum Policy. Here's Why.",
    # Tabloid length (AllSides, 36 words).
    "Newly divorced Ilhan Omar faces investigation over taking her lover on trips paid by her "
    "campaign, as the Federal Election Commission is asked to examine at least $369k in payments "
    "made to the married aide",
    # tgcontest, Russian.
    "ПНС Ливии заметает следы: Вострецов заявил, что террористы боятся резонанса фильма «Шугалей»",
    "Суд во второй раз выпустил из СИЗО экс-главу «Метростроя»",
]


@pytest.mark.parametrize("headline", HEADLINES)
@pytest.mark.parametrize("layout", ["blank line", "newline", "blank line, wrapped body"])
def test_headline_first_line(headline, layout):
    if layout == "blank line":
        lines = [headline, "", LEAD]
    elif layout == "newline":
        lines = [headline, LEAD]
    else:
        lines = [headline, "", *WRAPPED]
    assert infer_title(lines)[:2] == (headline, "first-line")


def test_closing_quotes_and_brackets_do_not_end_a_sentence():
    for end in ["… (VIDEOS)", "… 'Out of whack with reality'", "… (+video)", "… «Шугалей»",
                "… “darkest winter in modern history”", "… Here's Why.?"]:
        assert not ends_sentence(end), end
    for end in ["… was 'disgustingly horrific.'", "… “Did Not Happen.”", "… the war.\"",
                "… the hours:", "… 5 Stories (and more)."]:
        assert ends_sentence(end), end


@pytest.mark.parametrize("lines", [
    # Body-first texts: their first line is a sentence or a piece of one.
    WRAPPED,
    ["The Kremlin announced on Friday that negotiations between Russia and",
     "Ukraine to end the conflict were stalled."],
    [LEAD, "", "Fighting continued."],
    # NewsWCL50: paragraphs that end in a quotation.
    ["“I really believe there’s a lot of good will,” Mr. Trump said. “They do respect us. We are "
     "respectful of them.”", "", LEAD],
    ["Trump said Tuesday that the two Koreas \"have my blessing to discuss the end of the war.\"",
     LEAD],
    # AllSides first lines that are no headline: a byline name, a time stamp, a credit, a
    # line continuing a sentence.
    ["John Bacon", "", LEAD], ["Updated at 10:04 a.m. ET", "", LEAD],
    ["(Photo illustration: NRO; image: Lightfieldstudiosprod/Dreamstime)", "", LEAD],
    ["Senate Majority Leader Mitch McConnell on Capitol Hill, October 6, 2018 "
     "(Reuters/Jonathan Ernst)", "", LEAD],
    ["border crossing after migrant rush", "", *WRAPPED],
    ["Michael Collins and David Jackson", "", LEAD],
    ["Jonathan Starkey, Cris Barrish and Esteban Parra", "", LEAD],
    ["Eisen/Getty Images", "", LEAD],
    ["Thomas Homan, former acting director at Immigration and Customs Enforcement, testifying "
     "before Congress back in July. Yehyun Kim/USA Today via Reuters", "", LEAD],
    ["Supreme Court Chief Justice John Roberts speaks during the impeachment trial against "
     "President Donald Trump in the Senate at the U.S. Capitol in Washington on Jan. 21, 2020. "
     "(Senate Television via AP)", "", LEAD],
    # Hard-wrapped lines full of names (AllSides, wrapped at 72).
    ["Former Prime Minister Margaret Thatcher, who transformed Britain in the", *WRAPPED],
    ["Attorney General William Barr, flanked by Deputy Attorney General Rod", *WRAPPED],
    ["Here are the fasting hours:", "- Oslo, Norway: 20 hours"],
])
def test_body_first_lines_are_not_headlines(lines):
    assert infer_title(lines)[1] == "first-sentence"


def test_hard_wrapped_lead_is_not_a_headline_but_a_headline_right_above_it_is():
    # A wrapped line breaks because the next word does not fit; a headline breaks where it
    # would have fitted, or runs past the width.
    assert infer_title(WRAPPED)[1] == "first-sentence"
    for title in ["Kathleen Sebelius: America 'deserves better'", "… as war grinds on",
                  "The Kremlin confirms that negotiations with Kyiv are stalled", HEADLINES[-3]]:
        assert infer_title([title, *WRAPPED])[:2] == (title, "first-line"), title
    # As long as the width, a headline still shows itself by its capitals or a closing quote.
    for title in ["China Confident It Can Clinch US Trade Deal as Trump Demands 'Real Deal'",
                  "Trump defends talks with Russians, says he shared terror 'facts'"]:
        assert infer_title([title, *WRAPPED])[:2] == (title, "first-line"), title
    # Known limit: a headline as long as the wrap width, with no blank line under it, reads
    # as the first wrapped line (measured in benchmarks/titles_eval.py).
    title = "Russia reaffirms readiness to resume Ukraine negotiations in Istanbul"
    assert infer_title([title, *WRAPPED])[1] == "first-sentence"
    assert infer_title([title, "", *WRAPPED])[:2] == (title, "first-line")


# --- datelines --------------------------------------------------------------------------------

@pytest.mark.parametrize("line, written, place, agency, day", [
    ("KYIV, Ukraine (AP) — Russia launched", "KYIV, Ukraine (AP) —", "Kyiv, Ukraine", "AP", None),
    ("KYIV, Dec 26 (Reuters) - Ukraine", "KYIV, Dec 26 (Reuters) -", "Kyiv", "Reuters", "Dec 26"),
    ("MOSCOW, December 26. /TASS/. Russia", "MOSCOW, December 26. /TASS/.", "Moscow", "TASS",
     "December 26"),
    ("IGORA /Leningrad Region/, December 26. /TASS/. Russia could …",
     "IGORA /Leningrad Region/, December 26. /TASS/.", "Igora, Leningrad Region", "TASS",
     "December 26"),
    ("Moscow. Dec 26. INTERFAX - The", "Moscow. Dec 26. INTERFAX -", "Moscow", "Interfax",
     "Dec 26"),
    ("МОСКВА, 26 дек — РИА Новости. Россия", "МОСКВА, 26 дек — РИА Новости.", "Москва",
     "RIA Novosti", "26 дек"),
    # tgcontest leads, as scraped (a stray quote before, no space after).
    ("ТБИЛИСИ, 17 ноя - РИА Новости.МВД Грузии призывает", "ТБИЛИСИ, 17 ноя - РИА Новости.",
     "Тбилиси", "RIA Novosti", "17 ноя"),
    ("ЖЕНЕВА, 25 мая — РИА Новости, Елизавета Исакова. Мир находится",
     "ЖЕНЕВА, 25 мая — РИА Новости, Елизавета Исакова.", "Женева", "RIA Novosti", "25 мая"),
    ('"Москва. 17 мая. INTERFAX.RU - Сезон отпусков', "Москва. 17 мая. INTERFAX.RU -", "Москва",
     "Interfax", "17 мая"),
    ('"ПЕРМЬ, 17 мая. /ТАСС/. Следственное управление', "ПЕРМЬ, 17 мая. /ТАСС/.", "Пермь", "TASS",
     "17 мая"),
    ('"ТАСС, 17 мая. Четыре пункта', "ТАСС, 17 мая.", None, "TASS", "17 мая"),
    ("РИАМО - 4 мая. В ночь на понедельник", "РИАМО - 4 мая.", None, "RIAMO", "4 мая"),
    ("HARLOW, England (Reuters) - British opposition leader", "HARLOW, England (Reuters) -",
     "Harlow, England", "Reuters", None),
    ("KIEV, April 19 (Xinhua) The Ukrainian capital", "KIEV, April 19 (Xinhua)", "Kiev", "Xinhua",
     "April 19"),
    ("BEIJING (AP) — A Chinese maker", "BEIJING (AP) —", "Beijing", "AP", None),
    ("(CNN) President Donald Trump", "(CNN)", None, "CNN", None),
    ("Olive Branch, Mississippi (CNN) Democratic", "Olive Branch, Mississippi (CNN)",
     "Olive Branch, Mississippi", "CNN", None),
    # No agency: the place is still a dateline (NewsWCL50, AllSides).
    ("WEST PALM BEACH, Fla. — President Trump", "WEST PALM BEACH, Fla. —",
     "West Palm Beach, Fla.", None, None),
    ("TAMPA, Fla. -- The", "TAMPA, Fla. --", "Tampa, Fla.", None, None),
])
def test_dateline_forms(line, written, place, agency, day):
    found = find_dateline(line)
    assert found is not None, line
    assert (found.text, found.place, found.agency, found.date) == (written, place, agency, day)


def test_dateline_after_headline_and_standfirst_is_taken_out():
    text = ("Russia could resume gas deliveries\n\nThe Kremlin says the pipeline is ready.\n\n"
            "IGORA /Leningrad Region/, December 26. /TASS/. Russia could …")
    body, found = strip_dateline(text)
    assert found.agency == "TASS" and found.place == "Igora, Leningrad Region"
    assert body.endswith("\n\nRussia could …") and "TASS" not in body


def test_dateline_inside_a_line_after_a_caption_and_byline():
    # tgcontest (Reuters via a gallery page) and a Reuters credit glued to the dateline.
    line = ("1 / 22People scuffle with riot police at a shopping mall in Tai Po in Hong Kong By "
            "Donny Kwok and Jessie Pang HONG KONG (Reuters) - Hong Kong anti-government "
            "protesters crowded an upmarket mall")
    body, found = strip_dateline(line)
    assert (found.text, found.place, found.agency) == ("HONG KONG (Reuters) -", "Hong Kong",
                                                       "Reuters")
    assert body.split("\n")[1].startswith("Hong Kong anti-government protesters")
    glued = ("Ukrainian Presidential Press Service/Handout via REUTERSKYIV, Jan 24 (Reuters) - A "
             "slew")
    assert find_dateline(glued).text == "KYIV, Jan 24 (Reuters) -"


@pytest.mark.parametrize("text", [
    "Moscow (Russia) - The talks ended.",
    "The New York Times (Reuters) reported that talks had stalled.",
    "Sen. Pat Toomey (R-Pa.) - said the bill would pass.",
    "FILE - In this Oct. 3, 2019 photo, President Trump speaks.",
    "UPDATE II - The vote was delayed.",
    "OBAMACARE STUCK IN THE SWAMP - The bill stalled.",
    # Quoting an agency is not a dateline (tgcontest).
    "Число погибших выросло до пяти человек. Об этом ТАСС сообщили в ГИБДД России.",
    "Officials said so on Tuesday, citing a report first carried by Reuters (Reuters) - and AP.",
])
def test_not_datelines(text):
    assert find_dateline(text) is None


def test_quoted_wire_credit_does_not_make_a_wire_story():
    text = clean_text(sample_text("001")).text  # quotes TASS in the middle
    assert clean_text(sample_text("001")).dateline is None
    assert infer_outlet(text, None, None) == (None, "unknown")
    quoting = ("Talks stalled on Monday, officials said.\nThe report, first published by "
               "Reuters (Reuters) - was denied.")
    assert infer_outlet(quoting, None, None) == (None, "unknown")


def test_cleaning_takes_the_dateline_out_and_keeps_it():
    cleaned = clean_text("KYIV, Ukraine (AP) — Russia launched drones at Kyiv overnight.")
    assert cleaned.text == "Russia launched drones at Kyiv overnight."
    assert cleaned.dateline.text == "KYIV, Ukraine (AP) —"
    assert ("dateline", "KYIV, Ukraine (AP) —") in cleaned.removed
    assert infer_outlet(cleaned.text, None, None, dateline=cleaned.dateline) == ("AP", "dateline")


def test_dateline_day_and_year_from_evidence():
    assert day_in("KYIV, Dec 26 (Reuters) -") == (12, 26, None)
    assert day_in("МОСКВА, 26 дек — РИА Новости.") == (12, 26, None)
    assert day_in("Київ, 26 грудня (УНІАН) –") == (12, 26, None)
    today = date(2026, 11, 22)
    # The latest day the text reports says which year; a scheduled day a week on is allowed.
    assert dateline_date((12, 26, None), date(2019, 12, 20), None, None, today) == \
        date(2019, 12, 26)
    assert dateline_date((12, 26, None), date(2020, 1, 5), None, None, today) == \
        date(2019, 12, 26)
    assert dateline_date((12, 26, None), None, "https://tass.com/2019/x", None, today) == \
        date(2019, 12, 26)
    assert dateline_date((5, 17, None), None, None, (date(2020, 5, 1), date(2020, 5, 30)),
                         today) == date(2020, 5, 17)
    # Corpus dates spanning years: the day fits several, so no date.
    assert dateline_date((5, 17, None), None, None, (date(2019, 1, 1), date(2020, 12, 1)),
                         today) is None
    assert dateline_date((12, 26, None), None, None, None, today) is None
    text = "Talks began on May 16, 2025 in Istanbul."
    assert infer_date(text, today, dateline="MOSCOW, December 26. /TASS/.") == \
        (date(2025, 12, 26), "dateline", "December 26")
    assert infer_date(text, today)[1] == "text"


def test_loaded_articles_carry_the_dateline_as_metadata(tmp_path):
    from workbench.corpus.load import load_corpus

    (tmp_path / "tass.txt").write_text(
        "Russia could resume gas deliveries through Ukraine\n\n"
        "The Kremlin says the pipeline is ready.\n\n"
        "IGORA /Leningrad Region/, December 26. /TASS/. Russia could resume gas transit, the "
        "talks that began on May 16, 2025 in Istanbul having moved on, Dmitry Peskov said.",
        encoding="utf-8")
    (tmp_path / "ap.txt").write_text(
        "KYIV, Ukraine (AP) — Russia launched drones at Kyiv overnight, officials said.\n\n"
        "Fighting went on.", encoding="utf-8")
    df = load_corpus(tmp_path, today=date(2026, 11, 22))
    tass = df[df["path"].str.endswith("tass.txt")].iloc[0]
    assert tass["title"] == "Russia could resume gas deliveries through Ukraine"
    assert (tass["outlet"], tass["outlet_source"]) == ("TASS", "dateline")
    assert tass["dateline"] == "IGORA /Leningrad Region/, December 26. /TASS/."
    assert tass["dateline_place"] == "Igora, Leningrad Region"
    assert (tass["published"], tass["published_source"], tass["published_evidence"]) == \
        (pd.Timestamp("2025-12-26"), "dateline", "December 26")
    assert "IGORA" not in tass["text"] and "/TASS/" not in tass["text"]
    ap = df[df["path"].str.endswith("ap.txt")].iloc[0]
    assert (ap["outlet"], ap["dateline_place"]) == ("AP", "Kyiv, Ukraine")
    assert ap["text"].startswith("Russia launched drones") and "KYIV" not in ap["text"]
    # No year anywhere: the dateline is kept, no date is made up.
    assert pd.isna(ap["published"]) and ap["published_source"] == "unknown"


def test_markdown_heading_is_the_title_without_its_marks():
    lines = ["# Kremlin Claims Willingness for Peace Talks While Expanding Offensive in Donetsk "
             "Region", "", LEAD]
    assert infer_title(lines)[:2] == ("Kremlin Claims Willingness for Peace Talks While "
                                      "Expanding Offensive in Donetsk Region", "first-line")


def test_a_year_in_the_url_beats_a_date_the_text_recalls():
    today = date(2026, 11, 22)
    url = "https://www.nationalreview.com/2018/07/brett-kavanaugh-worthy-pick-for-supreme-court/"
    assert dateline_date((7, 10, None), date(2014, 3, 18), url, None, today) == date(2018, 7, 10)
    # The politico form: /story/2013/12/2016-digital-campaign-….
    url = "http://www.politico.com/story/2013/12/2016-digital-campaign-101180.html?hp=t1"
    assert dateline_date((12, 26, None), None, url, None, today) == date(2013, 12, 26)


def test_datelines_become_no_mentions_or_dates(tmp_path, trained_model):
    from workbench.annotate.run import annotate
    from workbench.corpus.load import load_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    # The lead of tgcontest's AP story (BEIJING (AP) —) and the AP and TASS datelines.
    (corpus / "ap.txt").write_text(
        "Chinese vaccine maker fined\n\nBEIJING (AP) — A Chinese maker of rabies vaccine that was "
        "fined 9.1 billion yuan has filed for bankruptcy, the company said.", encoding="utf-8")
    (corpus / "kyiv.txt").write_text(
        "KYIV, Ukraine (AP) — Russia launched drones at Kyiv overnight, Ukrainian officials "
        "said.\n\nFighting went on near Pokrovsk.", encoding="utf-8")
    (corpus / "tass.txt").write_text(
        "Russia could resume gas transit\n\nIGORA /Leningrad Region/, December 26. /TASS/. "
        "Russia could resume gas transit through Ukraine, Dmitry Peskov said.", encoding="utf-8")
    df = load_corpus(corpus)
    ann = annotate(df, model=trained_model, cache_dir=tmp_path / "cache")
    mentioned = set(ann.mentions["text"])
    assert not {"BEIJING", "KYIV", "IGORA", "AP", "TASS", "Leningrad Region"} & mentioned
    assert "Kyiv" in mentioned or "Russia" in mentioned  # the text itself is annotated
    assert "December 26" not in set(ann.dates["text"])
    assert set(df["outlet"]) == {"AP", "TASS"}


def test_a_first_sentence_title_is_not_cut_at_an_abbreviation(tmp_path):
    """NewsWCL50 lines 0 and 15 (New York Times, real text, no headline line): the title taken
    from the first sentence had stopped at "the C.I.A." and "the former F.B.I."."""
    import gzip
    import json

    from workbench.corpus.load import load_corpus

    from conftest import SHARED

    with gzip.open(SHARED / "corpora" / "newswcl50.jsonl.gz", "rt", encoding="utf-8") as fh:
        lines = fh.readlines()
    records = [json.loads(lines[i]) for i in (0, 15)]
    for r in records:
        r.pop("title", None)
    (tmp_path / "d.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    df = load_corpus(tmp_path, boilerplate=False, dedupe=False)
    first = df[df["title_source"] == "first-sentence"]["title"].tolist()
    assert first, df[["title", "title_source"]]
    assert not [t for t in first if t.endswith(("C.I.A.", "F.B.I.", "Mr.", "Sen."))], first
    assert any("C.I.A. director Mike Pompeo" in t for t in first), first
