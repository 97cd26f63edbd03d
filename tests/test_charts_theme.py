"""Theme and data-transformer checks, plus helpers the other chart tests import."""

import json

import altair as alt
import pandas as pd
from test_analyze_corpus import HOSTILE, corpus

from workbench import analyze as A
from workbench import charts as C


def datasets(chart) -> list[list[dict]]:
    """The inline datasets of a chart's spec (never URLs)."""
    spec = chart.to_dict()
    assert "url" not in json.dumps(spec.get("data", {}))
    return list(spec.get("datasets", {}).values())


def rows(chart) -> list[dict]:
    """All inline data rows of a chart, over every dataset."""
    return [r for d in datasets(chart) for r in d]


def encodings(spec: dict) -> list[dict]:
    """Every encoding block in a (possibly layered, faceted or concatenated) spec."""
    found = []
    if "encoding" in spec:
        found.append(spec["encoding"])
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            found.extend(encodings(sub))
    if "spec" in spec:
        found.extend(encodings(spec["spec"]))
    return found


def marks(spec: dict) -> list[str]:
    out = []
    if "mark" in spec:
        m = spec["mark"]
        out.append(m["type"] if isinstance(m, dict) else m)
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            out.extend(marks(sub))
    if "spec" in spec:
        out.extend(marks(spec["spec"]))
    return out


def sel():
    c = corpus()
    c["sel"] = A.select_articles(c["articles"])
    return c


def test_theme_is_registered_and_enabled():
    assert alt.theme.active == C.theme.THEME
    spec = C.entity_bar(A.entity_frequency(sel()["mentions"], sel()["sel"])).to_dict()
    assert spec["config"]["range"]["category"] == {"scheme": C.theme.CATEGORY}


def test_row_limit_allows_20k_rows():
    df = pd.DataFrame({"x": range(20_000), "y": range(20_000)})
    spec = alt.Chart(df).mark_point().encode(x="x:Q", y="y:Q").to_dict()
    assert len(next(iter(spec["datasets"].values()))) == 20_000


def test_every_chart_has_tooltips_everywhere():
    c = sel()
    f = A.entity_frequency(c["mentions"], c["sel"])
    built = [
        C.entity_bar(f), C.entity_heatmap(f),
        C.cooccurrence_matrix(A.cooccurrence(c["mentions"], c["sel"])),
        C.keyness_bars(A.keyness(A.word_counts(c["sel"]), min_count=1)),
        C.variants_bars(A.variant_shares(c["mentions"], c["sel"])),
        C.voices_bars(A.voices(c["quotes"], c["sel"])),
        C.articles_timeline(A.articles_over_time(c["sel"])),
        C.events_timeline(A.dated_events(c["dates"], c["sel"])),
        C.mentions_timeline(A.mentions_over_time(c["mentions"], c["sel"])),
    ]
    for chart in built:
        encs = encodings(chart.to_dict())
        assert encs and all("tooltip" in e for e in encs), type(chart)


def test_hostile_strings_stay_data():
    c = sel()
    m = c["mentions"].copy()
    m["entity"] = m["entity"].astype(object)
    m.loc[m["entity"] == "Kyiv", "entity"] = HOSTILE
    f = A.entity_frequency(m, c["sel"])
    for chart in (C.entity_bar(f), C.entity_heatmap(f)):
        assert HOSTILE in [r.get("entity") for r in rows(chart)]
    d = c["dates"].copy()
    d["sentence"] = HOSTILE
    chart = C.events_timeline(A.dated_events(d, c["sel"]))
    assert HOSTILE in [r["sentence"] for r in rows(chart)]
    assert "&lt;" not in json.dumps(chart.to_dict())  # not pre-escaped either
