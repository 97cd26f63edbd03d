import pandas as pd
from test_charts_theme import encodings, marks, rows, sel

from workbench import analyze as A
from workbench import charts as C


def test_articles_timeline_shows_undated_apart():
    c = sel()
    chart = C.articles_timeline(A.articles_over_time(c["sel"]))
    spec = chart.to_dict()
    assert len(spec["hconcat"]) == 2 and marks(spec) == ["bar", "bar"]
    main, side = (encodings(s)[0] for s in spec["hconcat"])
    assert main["x"]["field"] == "period" and main["x2"]["field"] == "period_end"
    assert main["color"]["field"] == "group" and side["x"]["field"] == "when"
    assert "1 undated article" in spec["title"]["subtitle"]
    undated = [r for r in rows(chart) if r.get("when") == "undated"]
    assert undated and undated[0]["group"] == "Izvestia"


def test_articles_timeline_all_dated_and_many_groups():
    c = sel()
    arts = c["sel"][c["sel"]["published"].notna()]
    spec = C.articles_timeline(A.articles_over_time(arts)).to_dict()
    assert "hconcat" not in spec and "all 3 articles dated" in spec["title"]["subtitle"]
    t = A.articles_over_time(c["sel"])
    many = pd.concat([t.assign(group=f"g{i:02d}") for i in range(50)], ignore_index=True)
    groups = {r["group"] for r in rows(C.articles_timeline(many, top_groups=5))}
    assert len(groups) == 6 and "(other)" in groups


def test_events_timeline_precision_marks_and_tooltip_sentence():
    c = sel()
    d = c["dates"].copy()
    d.loc[0, "sentence"] = "x" * 1000
    chart = C.events_timeline(A.dated_events(d, c["sel"]))
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "circle"]
    spans, days = encodings(spec)
    assert spans["x2"]["field"] == "date_end" and days["y"]["field"] == "group"
    assert any(t["field"] == "sentence" for t in days["tooltip"])
    data = rows(chart)
    assert {r["precision"] for r in data} == {"day", "month"}
    assert max(len(r["sentence"]) for r in data) == 300


def test_events_timeline_keeps_the_most_cited_dates_when_there_are_too_many():
    c = sel()
    agg = A.events_by_date(A.dated_events(c["dates"], c["sel"]), per_group=True)
    many = pd.concat([agg.assign(date=agg["date"] - pd.Timedelta(days=400 * i),
                                 articles=1, mentions=1) for i in range(1, 200)]
                     + [agg.assign(articles=agg["articles"] + 1)],
                     ignore_index=True)
    spec = C.events_timeline(many, max_points=50).to_dict()
    data = rows(C.events_timeline(many, max_points=50))
    assert len(data) == 50 and f"{len(many) - 50:,} dates cited by the fewest" in \
        spec["title"]["subtitle"]
    # The original rows (now the most cited) are all kept.
    assert {str(d.date()) for d in agg["date"]} <= {r["date"][:10] for r in data}
    assert len(rows(C.events_timeline(many, max_points=None))) == len(many)


def test_mentions_timeline_lines_with_undated_note():
    c = sel()
    mot = A.mentions_over_time(c["mentions"], c["sel"], ["Kyiv", "Moscow"])
    chart = C.mentions_timeline(mot)
    spec = chart.to_dict()
    assert marks(spec) == ["line"]
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "period", "per_1k_words", "entity")
    assert "4 mentions in undated articles" in spec["title"]["subtitle"]
    assert all(r["period"] is not None for r in rows(chart))
    assert C.mentions_timeline(mot, measure="mentions").to_dict()["encoding"]["y"]["field"] \
        == "mentions"


def test_mentions_timeline_breaks_lines_over_periods_without_articles():
    c = sel()
    arts = c["sel"].copy()
    # Novinite moved from November to July: August and October have no articles.
    first = arts["published"].first_valid_index()
    arts.loc[first, "published"] = pd.Timestamp("2025-07-13")
    mot = A.mentions_over_time(c["mentions"], arts, ["Kyiv", "Moscow"], freq="M")
    data = rows(C.mentions_timeline(mot))
    gaps = [r for r in data if r["per_1k_words"] is None]
    assert {r["entity"] for r in gaps} == {"Kyiv", "Moscow"}
    assert {r["period"][:7] for r in gaps} == {"2025-08", "2025-10"}
    measured = [r for r in data if r["per_1k_words"] is not None]
    assert len(measured) == len(mot[~mot["undated"]])


def test_time_axis_ticks_every_period_only_over_short_spans():
    c = sel()
    november = c["sel"][c["sel"]["published"] >= "2025-11-01"]
    short = C.articles_timeline(A.articles_over_time(november, freq="D")).to_dict()
    axis = short["encoding"]["x"]["axis"]
    assert axis["tickCount"] == {"interval": "day", "step": 1}
    arts = c["sel"].copy()
    first = arts["published"].first_valid_index()
    arts.loc[first, "published"] = pd.Timestamp("2015-01-01")
    long = C.articles_timeline(A.articles_over_time(arts, freq="M")).to_dict()
    axis = long["hconcat"][0]["encoding"]["x"]["axis"]
    assert "tickCount" not in axis and axis["format"] == "%b %Y"
