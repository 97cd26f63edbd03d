import pandas as pd
from test_analyze_corpus import HOSTILE, corpus

from workbench import analyze as A
from workbench.notebook import kwic_table
from workbench.tables import conform


def test_kwic_all_spellings_with_offsets():
    c = corpus()
    sel = A.select_articles(c["articles"])
    k = A.kwic(c["mentions"], sel, "Kyiv", width=10)
    assert list(k.columns) == ["article_id", "outlet", "published", "title", "left", "keyword",
                               "right", "variant"]
    assert set(k["keyword"]) == {"Kiev", "Kyiv"}
    assert set(k["variant"]) == {"kiev", "kyiv"}
    iz = k[k["outlet"] == "Izvestia"].iloc[0]
    text = sel.set_index("article_id").loc["iz1", "text"]
    start = text.index("Kiev turned")
    assert iz["left"] == text[start - 10:start] and iz["right"] == text[start + 4:start + 14]
    assert k["published"].isna().iloc[-1]  # undated last
    assert A.kwic(c["mentions"], sel, "Q1899").equals(A.kwic(c["mentions"], sel, "kiev"))


def test_kwic_table_escapes_every_cell():
    text = f"Before {HOSTILE} Peskov said <b>hi</b> & left"
    arts = conform(pd.DataFrame([dict(article_id="x", outlet="<i>Out</i>", text=text)]),
                   "articles")
    start = text.index("Peskov")
    m = conform(pd.DataFrame([dict(article_id="x", start=start, end=start + 6, text="Peskov",
                                   entity_id="Q1", entity="Dmitry Peskov")]), "mentions")
    k = A.kwic(m, arts, "Dmitry Peskov", width=40)
    assert HOSTILE in k.iloc[0]["left"]  # the table stays plain text
    html = kwic_table(k)
    assert "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "&amp; left" in html


def test_kwic_skips_offsets_outside_the_text():
    arts = conform(pd.DataFrame([dict(article_id="x", text="short")]), "articles")
    m = conform(pd.DataFrame([dict(article_id="x", start=3, end=99, text="zzz",
                                   entity_id="Q1", entity="Z")]), "mentions")
    assert A.kwic(m, arts, "Z").empty


def test_kwic_by_group_carries_the_group():
    c = corpus()
    sel = A.select_articles(c["articles"]).assign(
        bloc=lambda d: d["outlet"].map({"Izvestia": "Russian state"}).fillna("other"))
    k = A.kwic(c["mentions"], sel, "Kyiv", by="bloc")
    assert list(k.columns)[:3] == ["article_id", "outlet", "group"]
    assert dict(zip(k["outlet"], k["group"], strict=True))["Izvestia"] == "Russian state"
    html = kwic_table(k)
    assert "<th>bloc</th>" in html and "<td>Russian state</td>" in html
