import pandas as pd
import pytest
from test_charts_theme import encodings, marks, rows, sel

from workbench import analyze as A
from workbench import charts as C


def panel_rows(spec: dict, panel: dict) -> list[dict]:
    """The inline rows one panel of a concatenated spec draws."""
    data = panel.get("data") or spec["data"]  # one panel: Altair lifts its data to the top
    return list(data["values"]) if "values" in data else list(spec["datasets"][data["name"]])


def test_variants_bars_one_panel_per_entity_each_with_its_own_legend():
    c = sel()
    chart = C.variants_bars(A.variant_shares(c["mentions"], c["sel"]))
    spec = chart.to_dict()
    panels = spec["concat"]
    assert marks(spec) == ["bar"] * len(panels) and [p["title"] for p in panels] == ["Kyiv"]
    assert spec["resolve"]["scale"]["color"] == "independent"  # a legend per panel
    enc = encodings(spec)[0]
    assert enc["y"]["field"] == "group" and enc["color"]["field"] == "variant"
    assert enc["x"]["field"] == "share"
    assert enc["color"]["legend"]["symbolLimit"] == 0  # never "…N entries"
    data = pd.DataFrame(panel_rows(spec, panels[0])).set_index("group")
    assert data.loc["Izvestia", "variant"] == "kiev" and data.loc["Moldova 1", "share"] == 1.0


def test_variants_bars_many_entities_keep_short_legends(trained_model, cache_root):
    """On real AllSides articles: every panel's legend holds only its own entity's variants,
    and the entities beyond top_n are counted, not cut."""
    from test_analyze_groups import allsides_corpus

    import workbench as wb

    ann = wb.open_corpus(allsides_corpus(), model=trained_model, cache_dir=cache_root)
    arts = A.select_articles(ann.articles, group_col="group")
    v = A.variant_shares(ann.mentions, arts, by="group")
    if v["entity"].nunique() < 2:
        pytest.skip("fewer than two contested entities in this slice")
    spec = C.variants_bars(v, top_n=1).to_dict()
    assert len(spec["concat"]) == 1
    assert "more contested entit" in spec["title"]["subtitle"]
    for panel in spec["concat"]:
        shown = {r["variant"] for r in panel_rows(spec, panel)}
        own = set(v[v["entity"] == panel["title"]]["variant"])
        assert shown == own


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
