import pandas as pd
from test_charts_theme import encodings, marks, rows, sel

from workbench import analyze as A
from workbench import charts as C


def test_entity_bar_sorted_top_first():
    c = sel()
    chart = C.entity_bar(A.entity_frequency(c["mentions"], c["sel"]), top_n=5)
    spec = chart.to_dict()
    assert marks(spec) == ["bar"]
    enc = spec["encoding"]
    assert enc["x"]["field"] == "per_1k_words" and enc["y"]["field"] == "entity"
    assert enc["color"]["field"] == "type"
    assert {t["field"] for t in enc["tooltip"]} >= {"entity", "mentions", "per_1k_words"}
    data = rows(chart)
    assert len(data) == 5 and data[0]["entity"] == "Kyiv"
    assert enc["y"]["sort"][0] == "Kyiv"
    total_words = int(c["sel"]["n_words"].sum())
    assert data[0]["per_1k_words"] == 6 * 1000 / total_words
    assert spec["params"][0]["bind"] == "legend"


def test_entity_bar_ignores_other_rows():
    c = sel()
    f = A.entity_frequency(c["mentions"], c["sel"], top_n=3)
    assert "(other)" not in [r["entity"] for r in rows(C.entity_bar(f))]


def test_entity_heatmap_fills_zeros_and_limits_entities():
    c = sel()
    f = A.entity_frequency(c["mentions"], c["sel"])
    chart = C.entity_heatmap(f, top_n=4)
    spec = chart.to_dict()
    assert marks(spec) == ["rect"]
    enc = spec["encoding"]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "group", "entity", "per_1k_words")
    data = pd.DataFrame(rows(chart))
    assert len(data) == 4 * 4 and data["entity"].nunique() == 4
    iz = data[(data["group"] == "Izvestia") & (data["entity"] == "Russia")].iloc[0]
    assert iz["mentions"] == 0 and iz["per_1k_words"] == 0
    assert enc["y"]["sort"][0] == "Kyiv"


def test_entity_heatmap_with_50_groups_stays_small():
    c = sel()
    f = A.entity_frequency(c["mentions"], c["sel"])
    many = pd.concat([f.assign(group=f["group"] + f" {i:02d}") for i in range(13)],
                     ignore_index=True)
    chart = C.entity_heatmap(many, top_n=10)
    data = rows(chart)
    assert len(data) == 52 * 10
    assert chart.to_dict()["encoding"]["x"]["axis"]["labelAngle"] == -40


def test_cooccurrence_matrix():
    c = sel()
    co = A.cooccurrence(c["mentions"], c["sel"], top_n=5)
    chart = C.cooccurrence_matrix(co)
    spec = chart.to_dict()
    assert marks(spec) == ["rect"]
    enc = encodings(spec)[0]
    assert (enc["x"]["field"], enc["y"]["field"], enc["color"]["field"]) == (
        "entity_a", "entity_b", "jaccard")
    assert enc["x"]["sort"][0] == "Kyiv"
    assert len(rows(chart)) == len(co)
    assert {t["field"] for t in enc["tooltip"]} >= {"together", "units_a", "units_b"}


def test_heatmap_of_a_290_outlet_dump_shows_the_largest_and_says_so():
    c = sel()
    f = A.entity_frequency(c["mentions"], c["sel"])
    many = pd.concat([f.assign(group=f["group"] + f" {i:03d}", words=f["words"] + i)
                      for i in range(73)], ignore_index=True)  # 292 groups
    chart = C.entity_heatmap(many, top_n=5)
    data = pd.DataFrame(rows(chart))
    assert data["group"].nunique() == 60
    assert "the 60 largest of 292 groups shown (232 smaller left out)" in \
        chart.to_dict()["title"]["subtitle"]
