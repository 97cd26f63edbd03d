import pandas as pd
import pytest
from test_analyze_corpus import corpus

from workbench import analyze as A
from workbench.analyze.frequency import top_entities
from workbench.analyze.timeline import linked


@pytest.fixture()
def c():
    c = corpus()
    c["sel"] = A.select_articles(c["articles"])
    return c


def test_articles_over_time_keeps_undated_as_rows(c):
    t = A.articles_over_time(c["sel"], freq="D")
    assert t["articles"].sum() == len(c["sel"])
    und = t[t["undated"]]
    assert list(und["group"]) == ["Izvestia"] and und["period"].isna().all()
    day = t[t["group"] == "Moldova 1"].iloc[0]
    assert day["period"] == pd.Timestamp("2025-11-12")
    assert day["period_end"] == pd.Timestamp("2025-11-13")


def test_weeks_start_on_monday_and_months(c):
    w = A.articles_over_time(c["sel"], freq="W")
    week = w[w["group"] == "Novinite"].iloc[0]
    assert week["period"] == pd.Timestamp("2025-11-10")  # Thursday 13th → Monday 10th
    assert week["period_end"] == pd.Timestamp("2025-11-17")
    m = A.articles_over_time(c["sel"], freq="M")
    assert set(m["period"].dropna()) == {pd.Timestamp("2025-09-01"), pd.Timestamp("2025-11-01")}
    with pytest.raises(ValueError):
        A.articles_over_time(c["sel"], freq="Y")


def test_auto_freq_follows_the_span(c):
    # The sample spans two months: days.  A year of articles: weeks.  Ten years: months.
    t = A.articles_over_time(c["sel"], freq="auto")
    assert t.attrs["freq"] == "D" and t.equals(A.articles_over_time(c["sel"], freq="D"))
    for years, expected in ((1, "W"), (10, "M")):
        arts = c["sel"].copy()
        arts.loc[arts.index[0], "published"] = (pd.Timestamp("2025-11-13")
                                                - pd.DateOffset(years=years))
        assert A.articles_over_time(arts, freq="auto").attrs["freq"] == expected
        mot = A.mentions_over_time(c["mentions"], arts, freq="auto")
        assert mot.attrs["freq"] == expected
    assert A.resolve_freq("W", c["sel"]["published"]) == "W"


def test_dated_events_rows_and_notes(c):
    ev = A.dated_events(c["dates"], c["sel"])
    assert len(ev) == 5 and ev["date"].is_monotonic_increasing
    assert any("1 date expression could not be resolved" in n for n in A.notes(ev))
    sept = ev[ev["precision"] == "month"].iloc[0]
    assert sept["date_end"] == pd.Timestamp("2025-10-01")
    assert sept["group"] == "syrializm" and sept["title"].startswith("Negotiations")


def test_dated_events_of_an_outlet_citing_no_date_is_empty(c):
    none = c["sel"].iloc[:0]  # a selection (a story, an outlet) with no article left
    ev = A.dated_events(c["dates"], none)
    assert ev.empty and str(ev["published"].dtype) == "datetime64[ns]"
    by_date = A.events_by_date(ev)
    assert by_date.empty and by_date.attrs == ev.attrs  # what the chart's note reads stays


def test_events_by_date_counts_articles_and_groups(c):
    dates = c["dates"].copy()
    extra = dates.iloc[[0]].assign(article_id="md1")  # Moldova 1 also names November 12
    ev = A.dated_events(pd.concat([dates, extra], ignore_index=True), c["sel"])
    agg = A.events_by_date(ev).set_index("date")
    nov12 = agg.loc[pd.Timestamp("2025-11-12")]
    assert (nov12["articles"], nov12["groups"]) == (2, 2)
    assert nov12["group_list"] == "Izvestia; Moldova 1"
    per = A.events_by_date(ev, per_group=True)
    assert len(per[per["date"] == pd.Timestamp("2025-11-12")]) == 2


def test_mentions_over_time_zero_fills_and_keeps_undated(c):
    mot = A.mentions_over_time(c["mentions"], c["sel"], ["Kyiv", "Peskov"])
    assert set(mot["entity"]) == {"Kyiv", "Dmitry Peskov"}
    nov12 = mot[(mot["period"] == pd.Timestamp("2025-11-12"))].set_index("entity")
    assert nov12.loc["Dmitry Peskov", "mentions"] == 0
    assert nov12.loc["Kyiv", "per_1k_words"] == pytest.approx(2000 / nov12.loc["Kyiv", "words"])
    und = mot[mot["undated"]].set_index("entity")
    assert und.loc["Kyiv", "mentions"] == 2
    default = A.mentions_over_time(c["mentions"], c["sel"], top_n=2)
    assert set(default["entity"]) == {"Kyiv", "Russia"}


def test_the_default_timeline_follows_entities_not_unlinked_spellings(c):
    # Mentions the knowledge base left unlinked are counted by their spelling ("text:…") in
    # the frequency table; a timeline cannot follow those (it matches entity ids), so the
    # default picks the most mentioned linked entities instead of drawing a flat zero line.
    m = c["mentions"].copy()
    m.loc[m["entity"] == "Kyiv", "entity_id"] = pd.NA
    freq = A.entity_frequency(m, c["sel"].assign(_all="all"), by="_all")
    assert A.top_entities(freq, 1, other=False)["entity_id"].iloc[0] == "text:kyiv"
    default = A.mentions_over_time(m, c["sel"], top_n=2)
    assert set(default["entity"]) == set(top_entities(linked(freq), 2, other=False)["entity"])
    assert "Kyiv" not in set(default["entity"])
    assert (default.groupby("entity")["mentions"].sum() > 0).all()


def test_most_cited_keeps_the_dates_most_articles_cite_in_calendar_order(c):
    by_date = A.events_by_date(A.dated_events(c["dates"], c["sel"]))
    by_date.loc[by_date.index[-1], "articles"] = 9  # the latest date, now the most cited
    top = A.most_cited(by_date, n=2)
    assert len(top) == 2 and top["date"].is_monotonic_increasing
    assert by_date["date"].max() in set(top["date"])
    assert A.notes(top) == [f"The 2 dates cited by the most articles, of {len(by_date)} dates, "
                            "in calendar order."]
    everything = A.most_cited(by_date, n=100)
    assert len(everything) == len(by_date) and not A.notes(everything)
