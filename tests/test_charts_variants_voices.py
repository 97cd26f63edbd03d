import pandas as pd
from test_charts_theme import encodings, marks, rows, sel

from workbench import analyze as A
from workbench import charts as C


def test_variant_shares_stacked_per_group_and_faceted_by_entity():
    c = sel()
    chart = C.variant_shares(A.variant_shares(c["mentions"], c["sel"]))
    spec = chart.to_dict()
    assert marks(spec) == ["bar"] and spec["facet"]["field"] == "entity"
    enc = encodings(spec)[0]
    assert enc["y"]["field"] == "group" and enc["color"]["field"] == "variant"
    assert enc["x"]["field"] == "share"
    data = pd.DataFrame(rows(chart)).set_index("group")
    assert data.loc["Izvestia", "variant"] == "kiev" and data.loc["Moldova 1", "share"] == 1.0


def test_voices_bars_two_panels():
    c = sel()
    v = A.voices(c["quotes"], c["sel"], mentions=c["mentions"])
    chart = C.voices_bars(v, top_n=2)
    spec = chart.to_dict()
    assert len(spec["vconcat"]) == 2 and marks(spec) == ["bar", "bar"]
    assert spec["resolve"]["scale"]["color"] == "independent"
    speaker, affiliation = (encodings(s)[0] for s in spec["vconcat"])
    assert speaker["x"]["stack"] == "normalize" and speaker["color"]["field"] == "voice"
    assert speaker["color"]["sort"][-1] == "(other)"
    voices = {r["voice"] for r in rows(chart)}
    assert {"Dmitry Peskov", "(other)", "Russia", "(unknown)"} <= voices
    params = [p["name"] for s in [spec, *spec["vconcat"]] for p in s.get("params", [])]
    assert len(set(params)) == 2
