"""The stories notebook under papermill, with non-default parameters, on the real sample and
on NewsWCL50's real coverage of one event by five outlets."""

from __future__ import annotations

import pandas as pd
import pytest

import nbrun
from conftest import SAMPLE, SHARED

pytestmark = [pytest.mark.slow, pytest.mark.model]


@pytest.fixture(scope="module")
def by_country(tmp_path_factory, sample_dir, trained_model, cache_root, sample_annotations):
    out = tmp_path_factory.mktemp("stories") / "stories.ipynb"
    nbrun.execute("stories", str(out), {
        "corpus": str(sample_dir), "model": trained_model, "cache_dir": str(cache_root),
        "group_by": "country", "story": "Pokrovsk", "window_days": 2,
        "blindspot_min_articles": 1, "count_duplicates_once": False})
    return nbrun.Run(out)


def test_stories_over_time_and_coverage_carry_the_group(by_country):
    timeline = by_country.chart("charts.stories_timeline")
    data = nbrun.rows(timeline)
    # Five articles, the two Novinite copies one story: four stories, each a mark but the
    # undated one (syrializm.net), which the subtitle counts instead.
    assert len(data) == 3
    assert "1 undated story not placed" in nbrun.title_text(timeline)[1]
    countries = set(pd.read_csv(SAMPLE / "sources.csv")["country"])
    assert {row["lead"] for row in data} <= countries
    matrix = nbrun.rows(by_country.chart("charts.coverage_matrix"))
    assert {row["group"] for row in matrix} <= countries
    assert sum(row["articles"] for row in matrix) == 5  # copies counted, as asked


def test_blindspots_and_the_picked_story(by_country):
    notes = " ".join(by_country.note_texts())
    assert "Story s" in notes and "pokrovsk" in notes.lower()
    tables = " ".join(by_country.html("an.blindspots"))
    assert "not covered by (country)" in tables
    side = " ".join(by_country.html("an.pick_story("))
    assert "Nobody Is Pushing Them to Die" in side  # the story's headlines, group by group
    assert "first article" in side and "Bulgaria" in side


def test_one_event_five_outlets_side_by_side(tmp_path, trained_model, cache_root):
    out = tmp_path / "stories.ipynb"
    nbrun.execute("stories", str(out), {
        "corpus": str(SHARED / "corpora" / "newswcl50.jsonl.gz"), "model": trained_model,
        "cache_dir": str(cache_root), "story": "caravan", "top_n": 12})
    run = nbrun.Run(out)
    notes = " ".join(run.note_texts())
    assert "caravan" in notes and "5 articles in 5 outlet groups" in notes
    keyness = run.charts("an.word_counts(one")
    assert keyness, "keyness within the story was not drawn"
    groups = {row["group"] for row in nbrun.rows(keyness[0])}
    assert len(groups) == 5  # every outlet's framing of the same event
