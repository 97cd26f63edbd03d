"""Boilerplate: paragraphs an outlet repeats across its articles, found from the corpus and left
out of analyses — on real AllSides articles and RT's real stock paragraph on the Ukraine war."""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from workbench import analyze as an
from workbench.analyze.tokens import terms
from workbench.corpus.boilerplate import find_boilerplate, parse_spans
from workbench.corpus.load import load_corpus

from conftest import SHARED

ALLSIDES = SHARED / "corpora" / "allsides-10k.jsonl.gz"

# RT's background paragraph (2023), as quoted in the issue, and the small edits such outlets
# make between copies (a date, a name's spelling, a dropped sentence).
STOCK = ("Russia sent troops into Ukraine on February 24, 2022, citing Kiev's failure to "
         "implement the Minsk agreements, designed to give the regions of Donetsk and Lugansk "
         "special status within the Ukrainian state. The protocols, brokered by Germany and "
         "France, were first signed in 2014. Former Ukrainian President Pyotr Poroshenko has "
         "since admitted that Kiev's main goal was to use the ceasefire to buy time and "
         "\"create powerful armed forces.\" In February 2022, the Kremlin recognized the "
         "Donbass republics as independent states and demanded that Ukraine officially "
         "declare itself a neutral country that will never join any Western military bloc. "
         "Kiev insists the Russian offensive was completely unprovoked.")
VARIANTS = (
    STOCK,
    STOCK.replace("on February 24, 2022,", "in late February"),
    STOCK.replace("Pyotr Poroshenko", "Petro Poroshenko"),
    STOCK.replace("In February 2022, the Kremlin", "The Kremlin"),
    STOCK.replace(" The protocols, brokered by Germany and France, were first signed in 2014.",
                  ""),
)


@lru_cache(maxsize=1)
def _allsides() -> tuple[dict, ...]:
    if not ALLSIDES.exists():
        pytest.skip(f"{ALLSIDES} not available")
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as f:
        return tuple(json.loads(line) for line in f)


def _real(outlet: str, n: int, *, having: str | None = None) -> list[dict]:
    rows = [dict(r) for r in _allsides() if r["source"] == outlet
            and (having is None or having in r["content_original"])]
    return rows[:n]


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _with_stock(rows: list[dict], every: int) -> list[dict]:
    """Append a variant of the stock paragraph to every ``every``-th article."""
    for i, r in enumerate(rows):
        if i % every == 0:
            r["content_original"] += "\n\n" + VARIANTS[(i // every) % len(VARIANTS)]
    return rows


def _spans_text(row: pd.Series) -> list[str]:
    return [row["text"][s:e] for s, e in parse_spans(row["boilerplate"])]


@pytest.fixture(scope="module")
def two_outlets(tmp_path_factory) -> pd.DataFrame:
    """60 real Reuters articles (every 7th carrying the stock paragraph: 9 copies, 15%) and 60
    real BBC News articles, loaded as a user would."""
    rows = _with_stock(_real("Reuters", 60), 7) + _real("BBC News", 60)
    return load_corpus(_write(tmp_path_factory.mktemp("two"), rows))


def test_stock_paragraph_flagged_in_every_copy(two_outlets):
    reuters = two_outlets[two_outlets["outlet"] == "Reuters"]
    carrying = reuters[reuters["text"].str.contains("completely unprovoked", regex=False)]
    assert len(carrying) == 9
    for _, row in carrying.iterrows():
        flagged = _spans_text(row)
        assert any("Minsk agreements" in t and "unprovoked" in t for t in flagged), row["title"]
        assert row["boilerplate_words"] >= 60
    # Nothing else of those articles is taken for boilerplate, nor anything of BBC's.
    flagged = [t for _, row in two_outlets.iterrows() for t in _spans_text(row)]
    assert all("Minsk" in t for t in flagged if len(t) > 200)


def _top40(articles: pd.DataFrame, outlet: str) -> list[str]:
    k = an.keyness(an.word_counts(articles, by="outlet"))
    return an.top_keyness(k, n=40).query(f"group == {outlet!r} and side == 'group'")["term"]


def test_stock_paragraph_leaves_keyness(two_outlets):
    stock_terms = {t for v in VARIANTS for t in terms(v)}
    default = an.select_articles(two_outlets)
    kept = an.select_articles(two_outlets, include_boilerplate=True)
    # The baseline: the same articles as they were, without the paragraph at all.
    original = two_outlets["text"].copy()
    for v in VARIANTS:
        original = original.str.replace("\n" + v, "", regex=False)
    baseline = an.select_articles(two_outlets.assign(text=original, boilerplate=None),
                                  include_boilerplate=True)
    top = {name: [t for t in _top40(arts, "Reuters") if t in stock_terms]
           for name, arts in (("default", default), ("kept", kept), ("baseline", baseline))}
    assert len(set(top["kept"]) - set(top["baseline"])) >= 2  # "kiev", "february"…
    assert top["default"] == top["baseline"]
    assert any("left out as boilerplate" in n and "include_boilerplate=True" in n
               for n in an.notes(default))
    assert any("boilerplate kept" in n for n in an.notes(kept))
    assert (an.select.group_words(default, "outlet")["Reuters"]
            < an.select.group_words(kept, "outlet")["Reuters"])


def test_same_paragraph_in_many_outlets_is_not_boilerplate(tmp_path):
    # A statement every outlet quotes once is news, not one outlet's boilerplate.
    outlets = ["Reuters", "BBC News", "Vox", "Politico", "The Hill", "NPR Online News"]
    rows = []
    for outlet in outlets:
        rows += _with_stock(_real(outlet, 5), 100)  # one copy per outlet
    df = load_corpus(_write(tmp_path, rows))
    flagged = [t for _, row in df.iterrows() for t in _spans_text(row)]
    assert not [t for t in flagged if "Minsk" in t]


def test_copies_of_one_story_are_not_boilerplate(tmp_path):
    # The same real article saved four times under other titles: one story, linked by
    # duplicate_of, so its paragraphs are not repeated across the outlet's stories.
    story = _real("Reuters", 1)[0]
    rows = [dict(story, title=f"{story['title']} ({i})", ID=f"copy{i}") for i in range(4)]
    rows += _real("Reuters", 12)[1:]
    df = load_corpus(_write(tmp_path, rows))
    copies = df[df["title"].str.startswith(story["title"], na=False)]
    assert len(copies) == 4 and copies["duplicate_of"].notna().sum() == 3
    assert copies["boilerplate"].isna().all()


def test_contributed_lines_with_other_names_are_one_line(tmp_path):
    # Real Washington Times credits: "• Stephen Dinan contributed to this report." with a
    # different name each time.
    rows = _real("Washington Times", 8, having="contributed to this report")
    rows += _real("Washington Times", 30)
    df = load_corpus(_write(tmp_path, rows))
    credit = re.compile(r"^\W*[A-Z][\w.'-]+( [A-Z][\w.'-]+)+ contributed to this report\.$")
    lines = [(row, m) for _, row in df.iterrows()
             for m in re.finditer(r"[^\n]+", row["text"]) if credit.match(m.group())]
    names = {m.group() for _, m in lines}
    assert len(names) >= 3
    missed = [m.group() for row, m in lines
              if (m.start(), m.end()) not in parse_spans(row["boilerplate"])]
    assert not missed


def test_real_outlet_stock_lines_and_little_else():
    # 80 real NPR articles: its transcript disclaimer is boilerplate, its reporting is not.
    rows = _real("NPR Online News", 80)
    texts = [r["content_original"] for r in rows]
    found = find_boilerplate(texts, ["NPR"] * len(texts))
    flagged = [t[s.start:s.end] for t, spans in zip(texts, found, strict=True) for s in spans]
    assert any(t.startswith("NPR transcripts are created on a rush deadline") for t in flagged)
    share = sum(len(t.split()) for t in flagged) / sum(len(t.split()) for t in texts)
    assert share < 0.03
    long = [t for t in flagged if len(t.split()) > 40]
    assert all(t.startswith("NPR transcripts") for t in long), long[:3]


def test_rule_is_per_outlet_and_needs_stories():
    texts = ["Intro.\nThe Associated Press contributed to this report."] * 2
    assert find_boilerplate(texts, ["A", "A"]) == [[], []]  # two stories: not enough
    three = texts + ["Other.\nThe Associated Press contributed to this report."]
    spans = find_boilerplate(three, ["A", "A", "B"])
    assert spans == [[], [], []]
    spans = find_boilerplate(three, ["A", "A", "A"])
    assert all(len(s) == 1 and s[0].articles == 3 for s in spans)
    assert find_boilerplate(three, ["A", "A", "A"], ["x", "x", "x"]) == [[], [], []]
    assert find_boilerplate(three, [None, None, None]) == [[], [], []]


def test_restrict_and_texts_leave_spans_out():
    articles = pd.DataFrame({
        "article_id": ["a", "b"], "outlet": ["X", "X"], "n_words": [9, 3],
        "text": ["Kiev said no.\nRussia sent troops in 2014.", "Kiev said yes."],
        "boilerplate": [json.dumps([[14, 41, 5, "k"]]), None],
        "boilerplate_words": [5, 0], "published": pd.to_datetime(["2023-01-01"] * 2),
    })
    mentions = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "start": [0, 14, 0, 14],
                             "end": [4, 20, 4, 20]})
    assert an.restrict(mentions, articles)["start"].tolist() == [0, 0]
    kept = an.select_articles(articles, include_boilerplate=True)
    assert an.restrict(mentions, kept)["start"].tolist() == [0, 14, 0]
    texts = an.select.analysis_texts(articles)
    assert texts.tolist() == ["Kiev said no.\n\n", "Kiev said yes."]
    assert an.select.group_words(articles, "outlet")["X"] == 7


def test_annotations_inside_boilerplate_are_left_out(two_outlets, trained_model, tmp_path):
    from workbench.annotate.run import annotate

    reuters = two_outlets[two_outlets["outlet"] == "Reuters"]
    some = reuters[reuters["text"].str.contains("unprovoked", regex=False)].head(3)
    ann = annotate(pd.concat([some, reuters.tail(2)]), model=trained_model,
                   cache_dir=tmp_path / "cache")
    sel = an.select_articles(ann.articles)
    allin = an.select_articles(ann.articles, include_boilerplate=True)
    at = {row.article_id: row.text.find("Russia sent troops")
          for row in ann.articles.itertuples()}

    def in_stock(table: pd.DataFrame) -> pd.DataFrame:
        first = table["article_id"].map(at)
        return table[(first >= 0) & (table["start"] >= first)]

    assert len(in_stock(an.restrict(ann.mentions, allin))) >= 3 * 8  # Minsk, Kiev, Donetsk…
    assert in_stock(an.restrict(ann.dates, allin))["text"].str.contains("2014").any()
    for table in (ann.mentions, ann.dates, ann.quotes):
        assert in_stock(an.restrict(table, sel)).empty
    # Everything outside the flagged spans is still there (checked row by row here).
    spans = {row.article_id: parse_spans(row.boilerplate) for row in sel.itertuples()}
    outside = [m for m in ann.mentions.itertuples()
               if not any(s <= m.start < e for s, e in spans.get(m.article_id, []))]
    assert len(an.restrict(ann.mentions, sel)) == len(outside)


def test_reporting_by_editing_by_credits():
    # Reuters' credit line, a different team on each story (names from real Reuters credits).
    credits = ["Reporting by Jonathan Landay; Editing by Peter Cooney",
               "Reporting by Susan Heavey and David Morgan; Editing by Leslie Adler",
               "Reporting by Andrea Shalal; Editing by Chizu Nomiyama",
               "Reporting by Jan Wolfe; Additional reporting by Lawrence Hurley; Editing by Will "
               "Dunham",
               "Reporting by Makini Brice; Editing by Jonathan Oatis"]
    rows = _real("Reuters", 30)
    texts = [r["content_original"] for r in rows]
    for i, credit in enumerate(credits):
        texts[i * 5] += "\n\n" + credit
    found = find_boilerplate(texts, ["Reuters"] * len(texts))
    for i, credit in enumerate(credits):
        flagged = [texts[i * 5][s.start:s.end] for s in found[i * 5]]
        if "Additional reporting" in credit:
            continue  # its own frame, printed once here
        assert credit in flagged, credit


def test_text_without_paragraph_breaks_is_compared_by_sentence(tmp_path):
    # Dumps such as tgcontest keep a whole article on one line; the stock text is then a run
    # of sentences inside it, found sentence by sentence and flagged as one span.
    rows = _real("Reuters", 40)
    for i, r in enumerate(rows):
        body = " ".join(r["content_original"].split())
        if i % 6 == 0:
            body += " " + VARIANTS[(i // 6) % len(VARIANTS)]
        r["content_original"] = body
    df = load_corpus(_write(tmp_path, rows))
    carrying = df[df["text"].str.contains("completely unprovoked", regex=False)]
    assert len(carrying) == 7
    for _, row in carrying.iterrows():
        flagged = _spans_text(row)
        stock = [t for t in flagged if "Minsk agreements" in t]
        assert stock and stock[0].endswith("completely unprovoked."), flagged
        assert len(stock[0]) >= 0.9 * len(STOCK.replace(
            " The protocols, brokered by Germany and France, were first signed in 2014.", ""))
