"""Every view by group, on real annotated AllSides articles (two groups, different periods):
co-occurrence, entities over time, quotes, dated events and their axis, two-group keyness."""

from __future__ import annotations

import pandas as pd
import pytest
from test_analyze_groups import RIGHT, allsides_corpus

from workbench import analyze as A
from workbench import charts as C
from workbench.charts.colors import group_colors


@pytest.fixture(scope="module")
def two(trained_model, cache_root):
    import workbench as wb

    ann = wb.open_corpus(allsides_corpus(), model=trained_model, cache_dir=cache_root)
    return ann, A.select_articles(ann.articles, group_col="group")


def test_cooccurrence_by_group_counts_within_each_group(two):
    ann, arts = two
    pooled = A.cooccurrence(ann.mentions, arts, top_n=8)
    per = A.cooccurrence(ann.mentions, arts, top_n=8, by="group")
    assert set(per["group"]) == {"left", "right"} and per.attrs["by"] == "group"
    assert per.attrs["entities"] == pooled.attrs["entities"]  # the same axes in every panel
    n = arts.groupby("group").size()
    for g, rows in per.groupby("group"):
        assert (rows["units"] == n[g]).all()
    # Pairs per group add up to the pooled pairs.
    summed = per.groupby(["entity_id_a", "entity_id_b"])["together"].sum()
    assert summed.to_dict() == pooled.set_index(["entity_id_a", "entity_id_b"])[
        "together"].to_dict()
    spec = C.cooccurrence_matrix(per).to_dict()
    assert spec["facet"]["field"] == "group"


def test_mentions_over_time_by_group_rates_over_each_groups_words(two):
    ann, arts = two
    mot = A.mentions_over_time(A.restrict(ann.mentions, arts), arts, ["Donald Trump"],
                               freq="M", by="group")
    assert set(mot["group"]) == {"left", "right"}
    right = mot[(mot["group"] == "right") & ~mot["undated"]]
    assert right["period"].min() >= pd.Timestamp(RIGHT[0])  # no rows where it did not publish
    words = arts.assign(period=arts["published"].dt.to_period("M").dt.start_time)
    expected = words.groupby(["group", "period"])["n_words"].sum()
    for r in mot[~mot["undated"]].itertuples():
        assert r.words == expected[(r.group, r.period)]
    spec = C.mentions_timeline(mot).to_dict()
    scale = spec["spec"]["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == group_colors(
        ["left", "right"])


def test_quotes_table_carries_group_and_date(two):
    ann, arts = two
    q = A.quotes_table(ann.quotes, arts, by="group")
    assert len(q) == len(A.restrict(ann.quotes, arts)) and set(q["group"]) == {"left", "right"}
    meta = arts.set_index("article_id")
    assert (q["group"] == q["article_id"].map(meta["group"])).all()
    s = A.sample_across(q, 20)
    assert s["group"].value_counts().to_dict() == {"left": 10, "right": 10}


def test_events_axis_is_the_selection_period_and_the_rest_listed_apart(two):
    ann, arts = two
    events = A.dated_events(A.restrict(ann.dates, arts), arts, by="group")
    lo, hi = A.event_window(events)
    first, last = events.attrs["published_range"]
    assert lo <= first and hi > last
    assert lo >= first - pd.Timedelta(days=366) and hi <= last + pd.Timedelta(days=367)
    inside, outside = A.split_events(events)
    assert len(inside) + len(outside) == len(events) and len(inside) > len(outside)
    assert ((outside["date_end"] <= lo) | (outside["date"] >= hi)).all()
    spec = C.events_timeline(events).to_dict()
    assert f"{len(A.split_events(A.events_by_date(events, per_group=True))[1]):,} date" in \
        spec["title"]["subtitle"] or outside.empty
    # Dates at their precision.
    for r in events.itertuples():
        expect = {"day": f"{r.date:%Y-%m-%d}", "month": f"{r.date:%B %Y}",
                  "year": f"{r.date:%Y}"}[r.precision]
        assert r.when == expect
    top = A.most_cited(A.events_by_date(inside, per_group=True), n=3, per_group=True)
    assert top.groupby("group").size().max() <= 3 and set(top["group"]) == {"left", "right"}


def test_two_group_keyness_is_one_panel_in_the_groups_colours(two):
    _, arts = two
    k = A.keyness(A.word_counts(arts, by="group"), min_count=2)
    spec = C.keyness_bars(k, n=8).to_dict()
    assert "facet" not in spec and spec["mark"]["type"] == "bar"
    data = spec["datasets"][spec["data"]["name"]]
    assert {r["group"] for r in data} == {"left"}  # one side's rows carry both directions
    assert sum(r["favoured"] == "left" for r in data) == 8
    assert sum(r["favoured"] == "right" for r in data) == 8
    scale = spec["encoding"]["color"]["scale"]
    assert dict(zip(scale["domain"], scale["range"], strict=True)) == group_colors(
        ["right", "left"])
    # Three groups keep one panel each.
    three = pd.concat([arts, arts.head(3).assign(group="center")])
    k3 = A.keyness(A.word_counts(three, by="group"), min_count=2)
    assert C.keyness_bars(k3, n=5).to_dict()["facet"]["field"] == "group"
