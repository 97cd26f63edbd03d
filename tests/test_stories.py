"""Stories on real text: NewsWCL50's events (5 outlets each), copies, undated articles."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from workbench.analyze.stories import StoryOptions, bcubed, group_stories, story_summary
from workbench.corpus.load import load_corpus

from conftest import SHARED

NEWSWCL = SHARED / "corpora" / "newswcl50.jsonl.gz"


@pytest.fixture(scope="module")
def newswcl() -> pd.DataFrame:
    return load_corpus(NEWSWCL)


def story_of(stories: pd.DataFrame, articles: pd.DataFrame) -> pd.Series:
    return stories.set_index("article_id").loc[articles["article_id"], "story_id"]


def test_one_event_from_five_outlets_is_one_story(newswcl):
    s = group_stories(newswcl)
    ids = story_of(s, newswcl)
    for event in ("3", "6", "7", "8"):  # the DNC lawsuit, the caravan, tariffs, Mueller
        members = ids[(newswcl["event_id"].astype(str) == event).to_numpy()]
        assert members.nunique() == 1, (event, members.tolist())
        outlets = newswcl.loc[newswcl["event_id"].astype(str) == event, "url"].str.split("/").str[2]
        assert outlets.nunique() == 5  # really five outlets' coverage
        others = ids[(newswcl["event_id"].astype(str) != event).to_numpy()]
        assert members.iloc[0] not in set(others)


def test_two_events_of_the_same_kind_stay_apart(newswcl):
    # Event 0 (Pompeo's secret visit to Kim Jong Un) and event 2 (Kim: "we no longer need"
    # nuclear tests), days apart, same people and places.
    ids = story_of(group_stories(newswcl), newswcl)
    ev = newswcl["event_id"].astype(str).to_numpy()
    assert set(ids[ev == "0"]).isdisjoint(set(ids[ev == "2"]))


def test_b_cubed_on_newswcl50(newswcl):
    _, _, f1 = bcubed(newswcl["event_id"].astype(str).tolist(),
                      story_of(group_stories(newswcl), newswcl).tolist())
    assert f1 >= 0.9


def test_a_syndicated_copy_is_marked_and_kept_in_its_story(tmp_path, newswcl):
    row = newswcl[newswcl["event_id"].astype(str) == "6"].iloc[0]
    (tmp_path / "original.txt").write_text(f"{row['title']}\n\n{row['text']}", encoding="utf-8")
    (tmp_path / "copy.txt").write_text(f"Syndicated: {row['title']}\n\n{row['text']}",
                                       encoding="utf-8")
    other = newswcl[newswcl["event_id"].astype(str) == "7"].iloc[0]
    (tmp_path / "other.txt").write_text(f"{other['title']}\n\n{other['text']}", encoding="utf-8")
    arts = load_corpus(tmp_path)
    s = group_stories(arts).merge(arts[["article_id", "path"]], on="article_id")
    by_file = s.assign(file=s["path"].str.rsplit("/", n=1).str[-1]).set_index("file")
    assert by_file.at["copy.txt", "story_id"] == by_file.at["original.txt", "story_id"]
    assert by_file["copy"].sum() == 1  # one of the two is the copy
    assert by_file.at["other.txt", "story_id"] != by_file.at["original.txt", "story_id"]
    summary = story_summary(s, arts).set_index("story_id")
    assert summary.at[by_file.at["copy.txt", "story_id"], "independent"] == 1


def test_undated_articles_are_grouped_by_content(newswcl):
    arts = newswcl.copy()
    undated = arts.index[arts["event_id"].astype(str) == "3"][:2]
    arts.loc[undated, "published"] = pd.NaT
    s = group_stories(arts)
    ids = story_of(s, arts)
    assert not s.set_index("article_id").loc[arts.loc[undated, "article_id"], "dated"].any()
    assert ids[(arts["event_id"].astype(str) == "3").to_numpy()].nunique() == 1


def test_articles_beyond_the_window_are_other_stories(newswcl):
    arts = newswcl.copy()
    event = arts["event_id"].astype(str) == "8"
    base = pd.Timestamp("2018-05-01")
    arts.loc[event, "published"] = [base + pd.Timedelta(days=30 * i) for i in range(event.sum())]
    ids = story_of(group_stories(arts, options=StoryOptions(window_days=3)), arts)
    assert ids[event.to_numpy()].nunique() == event.sum()


def test_grouping_is_deterministic_and_order_free(newswcl):
    a = group_stories(newswcl).set_index("article_id")["story_id"]
    shuffled = newswcl.sample(frac=1, random_state=7)
    b = group_stories(shuffled).set_index("article_id")["story_id"]
    assert a.sort_index().equals(b.sort_index())


def test_story_summary_reads_like_a_story(newswcl):
    summary = story_summary(group_stories(newswcl), newswcl)
    top = summary.iloc[0]
    assert top["articles"] == 5 and top["groups"] >= 1
    assert isinstance(top["title"], str) and len(top["label"].split(" · ")) == 4


def test_cli_prints_the_stories(tmp_path, trained_model, sample_dir):
    done = subprocess.run([sys.executable, "-m", "workbench", "stories", str(sample_dir),
                           "--top", "3", "--model", trained_model, "--cache-dir", str(tmp_path),
                           "--out", str(tmp_path / "stories.csv")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "5 articles in 4 stories" in done.stdout  # the two Novinite copies are one
    assert "pokrovsk" in done.stdout.lower()
    table = pd.read_csv(tmp_path / "stories.csv")
    assert len(table) == 5 and table["copy"].sum() == 1


def test_articles_before_1970_are_dated(newswcl):
    # Days are counted from 1970: an archive's older articles are dated all the same.
    arts = newswcl.copy()
    arts["published"] = arts["published"] - pd.DateOffset(years=60)
    s = group_stories(arts)
    assert s["dated"].sum() == newswcl["published"].notna().sum()
    _, _, f1 = bcubed(arts["event_id"].astype(str).tolist(), story_of(s, arts).tolist())
    assert f1 >= 0.9


def test_time_ordered_segments_group_like_the_whole_corpus(newswcl, monkeypatch):
    # A big corpus is grouped SEGMENT dated articles at a time, in date order, with finished
    # stories written out: on NewsWCL50 in segments of 7 the stories are the same.
    import workbench.analyze.stories as module

    whole = story_of(group_stories(newswcl), newswcl)
    monkeypatch.setattr(module, "SEGMENT", 7)
    parts = story_of(group_stories(newswcl), newswcl)
    assert bcubed(whole.tolist(), parts.tolist())[2] == 1.0
    shuffled = newswcl.sample(frac=1, random_state=3)
    assert story_of(group_stories(shuffled), newswcl).equals(parts)


def test_sampled_idf_is_deterministic_and_order_free(newswcl, monkeypatch):
    import workbench.analyze.stories as module

    monkeypatch.setattr(module, "IDF_SAMPLE", 30)
    monkeypatch.setattr(module, "SEGMENT", 10)
    a = group_stories(newswcl).set_index("article_id").sort_index()
    b = group_stories(newswcl.sample(frac=1, random_state=5)).set_index("article_id").sort_index()
    assert a["story_id"].equals(b["story_id"]) and a["label"].astype(str).equals(
        b["label"].astype(str))
    assert (a["label"].astype(str).str.len() > 0).all()  # stories named from the sample's words
