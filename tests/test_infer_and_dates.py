"""Inference of missing metadata, and dated expressions, on the sample's real sentences."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench.corpus.clean import clean_text
from workbench.corpus.dedup import find_duplicates
from workbench.corpus.infer import infer_outlet, infer_title, url_date
from workbench.dates import find_dates, infer_published

from conftest import sample_text

TODAY = date(2026, 11, 22)


def test_weekday_pins_the_year():
    text = clean_text(sample_text("003")).text
    assert infer_published(text, today=TODAY) == (date(2025, 11, 12), "Wednesday, November 12")


def test_latest_stated_date_with_the_year_the_text_names():
    text = clean_text(sample_text("002")).text  # "May 16, 2025", "February 2025", "November 13"
    assert infer_published(text, today=TODAY) == (date(2025, 11, 13), "November 13")


def test_no_stated_date_means_no_date():
    text = clean_text(sample_text("004")).text  # only "on Friday", "Zapad-2025", "in 2014"
    assert infer_published(text, today=TODAY) is None


def test_future_dates_are_not_publication_dates():
    assert infer_published("Talks are planned for March 3, 2031.", today=TODAY) is None


@pytest.mark.parametrize("phrase, anchor, expected, precision", [
    ("last took place in the Turkish city on July 23.", date(2025, 11, 13), date(2025, 7, 23),
     "day"),
    ("took place on May 16, 2025 and ended", None, date(2025, 5, 16), "day"),
    ("was reiterated on Wednesday, November 12, by", None, date(2025, 11, 12), "day"),
    ("a meeting with Putin in August, but", date(2025, 11, 13), date(2025, 8, 1), "month"),
    ("Last month, U.S. President Donald Trump", date(2025, 11, 13), date(2025, 10, 1), "month"),
    ("The Kremlin announced on Friday that", date(2025, 9, 12), date(2025, 9, 12), "day"),
    ("Earlier on Monday, TASS quoted", date(2025, 11, 13), date(2025, 11, 10), "day"),
    ("a one-year high at the ports on 10 November", date(2025, 11, 13), date(2025, 11, 10), "day"),
    ("In February 2025, a meeting in the Oval Office", None, date(2025, 2, 1), "month"),
    ("which it annexed in 2014, and that", None, date(2014, 1, 1), "year"),
    ("These drills will continue through Tuesday", date(2025, 9, 12), date(2025, 9, 16), "day"),
    ("At the end of October, Galuzin", date(2025, 11, 12), date(2025, 10, 1), "month"),
])
def test_expressions_resolve(phrase, anchor, expected, precision):
    found = find_dates(phrase, anchor, today=TODAY)
    assert len(found) == 1, found
    assert (found[0].date, found[0].precision) == (expected, precision)
    assert found[0].text in phrase


def test_three_istanbul_rounds():
    text = clean_text(sample_text("003")).text
    got = [(d.text, d.date) for d in find_dates(text, date(2025, 11, 12), today=TODAY)]
    assert ("May 16", date(2025, 5, 16)) in got
    assert ("June 2", date(2025, 6, 2)) in got
    assert ("July 23", date(2025, 7, 23)) in got


def test_not_dates():
    for text in ["They may march on.", "Zapad-2025 drills", "about 40,000 troops", "June 45",
                 "over 60,000 residents", "a 20% share"]:
        assert [d for d in find_dates(text, date(2025, 11, 13)) if d.date] == [], text


def test_relative_expressions_without_anchor_stay_unresolved():
    found = find_dates("The Kremlin announced on Friday", None, today=TODAY)
    assert len(found) == 1 and found[0].date is None


def test_title_from_headline_line_or_labelled_first_sentence():
    lines = clean_text(sample_text("004")).text.split("\n")
    assert infer_title(lines)[:2] == ("The Kremlin confirms that negotiations with Kyiv are "
                                      "stalled", "first-line")
    lines = clean_text(sample_text("002")).text.split("\n")
    title, source, _ = infer_title(lines)
    assert source == "first-sentence" and title.startswith("Ukraine was initially not in the mood")


def test_outlet_from_dateline_and_url():
    text = "MOSCOW, November 13 /TASS/. Russia is ready to resume talks in Istanbul."
    assert infer_outlet(text, None, None) == ("TASS", "dateline")
    assert infer_outlet("(Reuters) - Talks stalled.", None, None) == ("Reuters", "dateline")
    assert infer_outlet("Talks stalled.", "https://www.novinite.com/view_news.php?id=235419",
                        None) == ("novinite.com", "url")
    assert infer_outlet("Talks stalled.", "https://en.iz.ru/en/node/1989905", None,
                        {"iz.ru": "Izvestia"}) == ("Izvestia", "url")


def test_outlet_not_taken_from_a_quoted_wire_agency():
    # 000 quotes TASS ("Russia's state news agency TASS quoted…"): that does not make it TASS.
    text = clean_text(sample_text("001")).text
    assert infer_outlet(text, None, None) == (None, "unknown")


def test_url_date():
    assert url_date("https://example.com/2025/11/13/kremlin-talks") == date(2025, 11, 13)
    assert url_date("https://moldova1.md/p/61873") is None


def test_near_duplicates_by_containment():
    glued = clean_text(sample_text("000").split("\n", 1)[1]).text
    plain = clean_text(sample_text("001").split("\n", 1)[1]).text
    other = clean_text(sample_text("004")).text
    # With the headline list left on (cleaning switched off) the copy is still linked.
    raw_glued = sample_text("000").split("\n", 1)[1]
    assert find_duplicates([glued, plain, other]) == [None, 0, None]
    assert find_duplicates([raw_glued, plain, other]) == [None, 0, None]
    assert find_duplicates([plain, raw_glued], order=[1, 0]) == [1, None]


def test_short_texts_only_exact_duplicates():
    assert find_duplicates(["Talks stalled.", "Talks  stalled!", "Talks resumed."]) == \
        [None, 0, None]


def test_a_day_without_year_takes_the_year_of_an_earlier_stated_day_only():
    assert infer_published("Founded in 1991, the group met on July 4.", today=TODAY) is None
    text = "Talks began on May 16, 2025. As of November 13, nothing has moved."
    assert infer_published(text, today=TODAY) == (date(2025, 11, 13), "November 13")


def test_weekday_pins_within_the_years_the_text_or_corpus_gives():
    text = "The reply came on Wednesday, November 12, from the ministry."
    assert infer_published(text, today=TODAY, frame=(2012, 2020))[0] == date(2014, 11, 12)
    assert infer_published(text, today=TODAY)[0] == date(2025, 11, 12)
    # Two fitting years in the frame: no date rather than a pick.
    assert infer_published(text, today=TODAY, frame=(2005, 2020)) is None


def test_undated_files_get_years_from_the_corpus_frame(tmp_path):
    from workbench.corpus.load import load_corpus

    (tmp_path / "dated.txt").write_text(" date 2014-11-10 Talks\n" + "Talks went on. " * 20,
                                        encoding="utf-8")
    (tmp_path / "undated.txt").write_text(
        "Reply\nThe reply came on Wednesday, November 12, from the ministry. " * 3,
        encoding="utf-8")
    df = load_corpus(tmp_path, today=TODAY)
    row = df[df["path"].str.endswith("undated.txt")].iloc[0]
    assert row["published"].date() == date(2014, 11, 12) and row["published_source"] == "text"


# From the AllSides dump (The Flip Side, "Juneteenth", no date in the record).
JUNETEENTH = ("Senators on Friday announced legislation to make Juneteenth, a widely observed "
              "holiday that marks the federal order to free slaves in Texas on June 19, 1865, a "
              "national holiday… The day, which began as a Texas holiday in 1980, is now "
              "recognized by 47 states and the District of Columbia as a state holiday.")


def test_a_date_outside_the_corpus_years_is_history_not_publication():
    assert infer_published(JUNETEENTH, today=TODAY) == (date(1865, 6, 19), "June 19, 1865")
    assert infer_published(JUNETEENTH, today=TODAY, frame=(2011, 2021)) is None
    later = JUNETEENTH + " The bill was filed on June 18, 2020."
    assert infer_published(later, today=TODAY, frame=(2011, 2021))[0] == date(2020, 6, 18)


def test_undated_record_recalling_history_stays_undated(tmp_path):
    import json

    from workbench.corpus.load import load_corpus

    records = [{"title": f"Story {i}", "source": "The Flip Side", "date": f"2020-06-0{i}",
                "content_original": f"Story {i}. " + "Congress met again today. " * 20}
               for i in range(1, 4)]
    records.append({"title": "Juneteenth", "source": "The Flip Side", "date": None,
                    "content_original": JUNETEENTH})
    path = tmp_path / "dump.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    df = load_corpus(path, today=TODAY)
    row = df[df["title"] == "Juneteenth"].iloc[0]
    # Undated (and shown as such) rather than published in 1865.
    assert row["published"] is pd.NaT or pd.isna(row["published"])
    assert row["published_source"] == "unknown"


def test_outlet_is_not_guessed_from_people_or_places():
    repeated = "Zelensky spoke. " + "The talks stalled, according to Zelensky. " * 3
    assert infer_outlet(repeated, None, None) == (None, "unknown")
    assert infer_outlet("Moscow (Russia) - The talks ended.", None, None) == (None, "unknown")
    assert infer_outlet("KYIV, Ukraine (AP) — Talks stalled.", None, None) == ("AP", "dateline")
    signed = "Talks stalled.\n(Reporting by Jane Roe; Editing by John Doe)"
    assert infer_outlet(signed, None, None) == ("Reuters", "dateline")


def test_hard_wrapped_first_line_is_not_a_title():
    lines = ["The Kremlin announced on Friday that negotiations between Russia and",
             "Ukraine to end the conflict were stalled."]
    assert infer_title(lines)[1] == "first-sentence"


def test_digest_of_two_stories_does_not_merge_them():
    import random

    random.seed(0)
    words = [f"w{i}" for i in range(5000)]
    a = " ".join(random.choice(words) for _ in range(500))
    b = " ".join(random.choice(words) for _ in range(500))
    assert find_duplicates([a, b, a + "\n" + b]) == [None, None, 0]
    assert find_duplicates(["", "", "x y z"]) == [None, None, None]


def test_find_dates_is_linear():
    """Ten times the text takes about ten times as long (the quadratic overlap check this
    guards against took minutes): a growth ratio measured in the same run, not a time budget."""
    import time

    def cost(n: int) -> float:
        text = "On May 16 and June 2 the delegations met. " * n
        started = time.process_time()
        found = find_dates(text, date(2025, 11, 13))
        assert len(found) == 2 * n
        return time.process_time() - started

    cost(500)  # warm: dateparser's first call loads its language data
    small = min(cost(4_000) for _ in range(2))
    large = cost(40_000)
    assert large / small < 30  # linear: ~10; quadratic: ~100


def test_the_site_that_ran_a_wire_story_is_its_outlet(tmp_path):
    """Real NewsWCL50 pages: HuffPost and Breitbart running Reuters and AFP copy
    ("WASHINGTON (Reuters) -") are HuffPost's and Breitbart's coverage — before, the dateline's
    agency took them out of their outlet's group. A credit naming the URL's own site keeps
    its name (tgcontest: "(Reuters)" on reuters.com, "РИАМО" on riamo.ru)."""
    import gzip

    from workbench.corpus.load import load_corpus

    from conftest import SHARED

    with gzip.open(SHARED / "corpora" / "newswcl50.jsonl.gz", "rt", encoding="utf-8") as fh:
        wcl = fh.readlines()
    (tmp_path / "wcl.jsonl").write_text("".join(wcl[i] for i in (16, 36, 39, 46)), "utf-8")
    df = load_corpus(tmp_path, boilerplate=False, dedupe=False)
    assert sorted(df["outlet"]) == ["breitbart.com", *["huffingtonpost.com"] * 3]
    assert set(df["outlet_source"]) == {"url"}
    assert infer_outlet("LONDON (Reuters) - Talks stalled.",
                        "https://www.reuters.com/article/x", None) == ("Reuters", "dateline")
    assert infer_outlet("NEW YORK (AP) — Talks stalled.",
                        "https://apnews.com/article/x", None) == ("AP", "dateline")
    assert infer_outlet("МОСКВА, 5 мая. /РИАМО/. Переговоры.", "https://riamo.ru/article/1",
                        None)[0] == "RIAMO"
