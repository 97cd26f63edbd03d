import pandas as pd
from test_charts_theme import encodings, marks, rows, sel

from workbench import analyze as A
from workbench import charts as C


def test_keyness_bars_diverge_and_facet():
    c = sel()
    k = A.keyness(A.word_counts(c["sel"]), min_count=1)
    chart = C.keyness_bars(k, n=3)
    spec = chart.to_dict()
    assert marks(spec) == ["bar"]
    assert spec["facet"]["field"] == "group" and spec["columns"] == 3
    assert spec["resolve"]["scale"]["y"] == "independent"
    enc = encodings(spec)[0]
    assert enc["x"]["field"] == "z" and enc["y"]["sort"] == "-x"
    assert enc["color"]["field"] == "favoured"
    data = pd.DataFrame(rows(chart))
    iz = data[data["group"] == "Izvestia"].sort_values("z", ascending=False)
    assert iz.iloc[0]["term"] == "kiev" and iz.iloc[0]["favoured"] == "favoured by this group"
    assert (data.groupby("group").size() <= 6).all()


def test_keyness_bars_wrap_many_groups():
    rows_ = [dict(group=f"g{i:02d}", term=t, count=(5 if t == f"w{i}" else 1))
             for i in range(50) for t in [f"w{i}", "shared"]]
    k = A.keyness(pd.DataFrame(rows_), min_count=1)
    spec = C.keyness_bars(k, n=2, columns=4).to_dict()
    assert spec["columns"] == 4
    assert len({r["group"] for r in next(iter(spec["datasets"].values()))}) == 50


def test_keyness_bars_accept_top_keyness_output():
    c = sel()
    top = A.top_keyness(A.keyness(A.entity_counts(c["mentions"], c["sel"]), min_count=1), 2)
    assert len(rows(C.keyness_bars(top))) == len(top)
