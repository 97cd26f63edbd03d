"""Comparing groups on real articles: per-group date ranges, the warning when they differ, the
common period, keyness within months, samples spread across groups and over time.

The corpus is real AllSides articles (``../shared/corpora/allsides-10k.jsonl.gz``): left-rated
outlets over all of 2019, right-rated ones over June–October 2019 only — two groups that
covered different periods, as in the study issue 10 describes.
"""

from __future__ import annotations

import csv
import functools
import gzip
import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from workbench import analyze as A

ALLSIDES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "allsides-10k.jsonl.gz"
LEFT = ("2019-01-01", "2019-12-31")
RIGHT = ("2019-06-01", "2019-10-31")


@functools.lru_cache(maxsize=1)
def allsides_corpus(per_group: int = 10) -> Path:
    """A folder with 12 left articles over 2019 (one per month) and ``per_group`` right
    articles over June–October 2019, plus a sources.csv mapping each outlet to its AllSides
    rating as ``group``."""
    if not ALLSIDES.exists():
        pytest.skip(f"{ALLSIDES} not available")
    rows = [json.loads(line) for line in gzip.open(ALLSIDES, "rt", encoding="utf-8")]
    rows = sorted((r for r in rows if r.get("date") and len(r.get("content_original") or "")
                   > 1500), key=lambda r: r["ID"])
    left = [r for r in rows if r["bias_text"] == "left" and LEFT[0] <= r["date"] <= LEFT[1]]
    right = [r for r in rows if r["bias_text"] == "right" and RIGHT[0] <= r["date"] <= RIGHT[1]]
    # Spread the left articles over the year, so its range really is longer.
    by_month: dict[str, list[dict]] = {}
    for r in left:
        by_month.setdefault(r["date"][:7], []).append(r)
    spread = [m[0] for _, m in sorted(by_month.items())]
    chosen = spread[:12] + right[:per_group]
    dest = Path(tempfile.mkdtemp(prefix="allsides-two-groups-"))
    with open(dest / "articles.jsonl", "w", encoding="utf-8") as f:
        for r in chosen:
            f.write(json.dumps(r) + "\n")
    with open(dest / "sources.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["outlet", "group"])
        for outlet, rating in sorted({(r["source"], r["bias_text"]) for r in chosen}):
            w.writerow([outlet, rating])
    return dest


@pytest.fixture(scope="module")
def arts():
    import workbench as wb

    articles = wb.load_corpus(allsides_corpus())
    return A.select_articles(articles, group_col="group")


def test_group_ranges_of_two_groups(arts):
    r = A.group_ranges(arts, by="group").set_index("group")
    assert list(r.index) == ["left", "right"]
    assert (r.loc["left", "articles"], r.loc["right", "articles"]) == (12, 10)
    assert r.loc["left", "first"] < pd.Timestamp(RIGHT[0]) < r.loc["right", "first"]
    assert r.loc["right", "last"] <= pd.Timestamp(RIGHT[1]) < r.loc["left", "last"]
    assert r.loc["left", "days"] > 2 * r.loc["right", "days"]


def test_period_warning_names_both_ranges_and_the_shared_one(arts):
    ranges = A.group_ranges(arts, by="group")
    text = A.period_warning(ranges)
    assert text and text.startswith("The groups cover different periods")
    for r in ranges.itertuples():
        assert f"{r.group} {r.first:%Y-%m-%d} to {r.last:%Y-%m-%d}" in text
    lo, hi = A.shared_range(ranges)
    assert f"cover only {lo:%Y-%m-%d} to {hi:%Y-%m-%d}" in text
    assert "common_period=True" in text


def test_common_period_gives_every_group_the_same_range(arts):
    shared = A.shared_range(A.group_ranges(arts, by="group"))
    kept = A.common_period(arts, by="group")
    after = A.group_ranges(kept, by="group")
    assert set(after["group"]) == {"left", "right"}
    assert (after["first"] >= shared[0]).all() and (after["last"] <= shared[1]).all()
    assert kept.attrs["common_period"] == shared  # the window every group now has
    right = arts[arts["group"] == "right"]
    assert len(kept[kept["group"] == "right"]) == len(right)  # the shorter group loses nothing
    assert any(n.startswith("common_period: all groups restricted to") for n in A.notes(kept))


def test_no_warning_when_groups_cover_the_same_period(arts):
    same = arts[(arts["published"] >= RIGHT[0]) & (arts["published"] <= RIGHT[1])]
    # Both groups now span June–October (left thinly): the overlap is most of the union.
    ranges = A.group_ranges(same, by="group")
    union = (ranges["last"].max() - ranges["first"].min()).days + 1
    lo, hi = A.shared_range(ranges)
    if (hi - lo).days + 1 >= 0.8 * union and ranges["days"].min() >= 0.5 * ranges["days"].max():
        assert A.period_warning(ranges) is None
    else:
        assert A.period_warning(ranges)
    # A story covered within two weeks never warns, whatever the days.
    two_days = arts.iloc[:2].assign(published=[pd.Timestamp("2019-06-01"),
                                               pd.Timestamp("2019-06-09")])
    assert A.period_warning(A.group_ranges(two_days, by="outlet")) is None


def test_common_period_when_groups_share_no_day(arts):
    early = arts[(arts["group"] == "left") & (arts["published"] < RIGHT[0])]
    right = arts[arts["group"] == "right"]
    kept = A.common_period(pd.concat([early, right]), by="group")
    assert kept.empty and "share no day" in A.notes(kept)[-1]


def test_keyness_within_months_compares_only_shared_months(arts):
    words = A.word_counts_by_period(arts, by="group", freq="M")
    assert set(words.columns) == {"group", "period", "term", "count", "language"}
    # Summed over months, the same counts as word_counts (keyness takes either).
    pooled = words.groupby(["group", "term"])["count"].sum()
    plain = A.word_counts(arts, by="group").set_index(["group", "term"])["count"]
    assert pooled.sort_index().equals(plain.sort_index())
    within = A.keyness_by_period(words, min_count=2)
    months = within.attrs["periods"]
    both = words.groupby("period")["group"].nunique()
    assert months == sorted(both.index[both >= 2])
    assert months and all(pd.Timestamp(RIGHT[0]) <= m <= pd.Timestamp(RIGHT[1]) for m in months)
    assert "only one group published" in A.notes(within)[0]
    # A term the left used only in months the right never covered cannot be compared.
    outside = words[~words["period"].isin(months)]
    only_outside = set(outside["term"]) - set(words[words["period"].isin(months)]["term"])
    assert only_outside and not only_outside & set(within["term"])
    # One compared month alone is plain keyness on that month.
    one = words[words["period"] == months[0]]
    single = A.keyness_by_period(one, min_count=1).set_index(["group", "term"])
    direct = A.keyness(one, min_count=1, min_tokens=0).set_index(["group", "term"])
    joined = single.merge(direct, left_index=True, right_index=True, how="inner",
                          suffixes=("", "_direct"))
    assert len(joined) == len(direct)
    assert (joined["delta"] - joined["delta_direct"]).abs().max() < 1e-9
    # Two groups: each side mirrors the other.
    w = within.set_index(["term", "group"])["z"].unstack()
    assert ((w["left"] + w["right"]).abs() < 1e-9).all()


def test_timing_terms_are_used_mostly_outside_the_shared_months(arts):
    words = A.word_counts_by_period(arts, by="group", freq="M")
    overall = A.keyness(words, min_count=2)
    within = A.keyness_by_period(words, min_count=2)
    timing = A.timing_terms(words, overall, within, n=40)
    assert not timing.empty and set(timing["group"]) <= {"left"}  # the right is all shared
    months = within.attrs["periods"]
    for r in timing.itertuples():
        uses = words[(words["group"] == r.group) & (words["term"] == r.term)]
        inside = uses[uses["period"].isin(months)]["count"].sum()
        assert inside / uses["count"].sum() == pytest.approx(r.share_compared)
        assert r.share_compared < 0.5 and not r.z_within >= 1.96


def test_sample_across_spreads_over_groups_and_time(arts):
    # Every sentence start as a "line": hundreds per group, sorted by date.
    lines = []
    for r in arts.itertuples():
        for i, _ in enumerate(str(r.text).split(". ")):
            lines.append((r.article_id, r.group, r.published, i))
    k = pd.DataFrame(lines, columns=["article_id", "group", "published", "start"])
    k = k.sort_values(["published", "start"], ignore_index=True)
    k.attrs["by"] = "group"
    s = A.sample_across(k, 40)
    assert len(s) == 40
    assert s["group"].value_counts().to_dict() == {"left": 20, "right": 20}
    left = s[s["group"] == "left"]["published"]
    assert left.dt.month.nunique() >= 6  # spread over the year, not its first month
    assert A.notes(s) == [f"40 of {len(k):,} rows, sampled evenly across the 2 groups and "
                          f"over time within each."]
    small = k[k["group"] == "right"].head(5)
    uneven = A.sample_across(pd.concat([small, k[k["group"] == "left"]]), 30)
    assert uneven["group"].value_counts().to_dict() == {"right": 5, "left": 25}
