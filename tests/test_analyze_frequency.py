import pytest
from test_analyze_corpus import TEXTS, corpus

from workbench import analyze as A


@pytest.fixture()
def c():
    c = corpus()
    c["sel"] = A.select_articles(c["articles"])
    return c


def row(freq, group, entity):
    r = freq[(freq["group"] == group) & (freq["entity"] == entity)]
    assert len(r) == 1, (group, entity)
    return r.iloc[0]


def test_per_1k_words_and_share(c):
    f = A.entity_frequency(c["mentions"], c["sel"], by="outlet")
    kyiv = row(f, "Izvestia", "Kyiv")
    words = len(TEXTS["iz1"].split())
    assert kyiv["mentions"] == 2 and kyiv["articles"] == 1 and kyiv["words"] == words
    assert kyiv["per_1k_words"] == pytest.approx(2 * 1000 / words)
    iz_total = len(c["mentions"][c["mentions"].article_id == "iz1"])
    assert kyiv["share"] == pytest.approx(2 / iz_total)
    assert f.groupby("group")["share"].sum().tolist() == pytest.approx([1.0] * 4)
    assert f.attrs["by"] == "outlet"


def test_duplicates_counted_once(c):
    f = A.entity_frequency(c["mentions"], c["sel"])
    peskov = row(f, "Novinite", "Dmitry Peskov")
    assert peskov["mentions"] == 2  # not 4: nov2 is a copy of nov1
    assert peskov["words"] == len(TEXTS["nov1"].split())


def test_group_by_sources_column(c):
    f = A.entity_frequency(c["mentions"], c["sel"], by="country")
    assert set(f["group"]) == {"Bulgaria", "Russia", "Moldova", "(unknown)"}


def test_types_filter(c):
    f = A.entity_frequency(c["mentions"], c["sel"], types=["person"])
    assert set(f["type"]) == {"PERSON"}
    assert row(f, "syrializm", "Dmitry Peskov")["share"] == pytest.approx(0.5)


def test_top_entities_with_other(c):
    f = A.entity_frequency(c["mentions"], c["sel"])
    top = A.top_entities(f, 2)
    real = top[top["entity"] != "(other)"]
    assert set(real["entity"]) == {"Kyiv", "Russia"}  # 6 and 3 mentions; Russia wins ties
    other = row(top, "Izvestia", "(other)")
    iz = f[f["group"] == "Izvestia"]
    kept = iz[iz["entity"].isin(["Kyiv", "Russia"])]["mentions"].sum()
    assert other["mentions"] == iz["mentions"].sum() - kept
    assert other["per_1k_words"] == pytest.approx(other["mentions"] * 1000 / other["words"])
    assert top.groupby("group")["share"].sum().tolist() == pytest.approx([1.0] * 4)
    # "(other)" is each group's last row
    assert (top.groupby("group").tail(1)["entity"] == "(other)").all()
    assert "(other)" not in set(A.top_entities(f, 2, other=False)["entity"])


def test_top_n_argument(c):
    f = A.entity_frequency(c["mentions"], c["sel"], top_n=1)
    assert set(f["entity"]) == {"Kyiv", "(other)"}


def test_entity_ids_resolves_names_and_spellings(c):
    m = c["mentions"]
    assert A.entity_ids(m, "Kiev") == ["Q1899"]
    assert A.entity_ids(m, "kyiv") == ["Q1899"]
    assert A.entity_ids(m, ["Q4173079", "Peskov"]) == ["Q4173079"]
    assert A.entity_ids(m, "nobody") == []


def test_most_mentioned_is_the_keyword_in_context_default(sample_annotations):
    """The entity-frequency notebook's KWIC shows the selection's most mentioned person when
    no entity is given (a sample-corpus default shown on every corpus had read "No mentions
    of 'Volodymyr Zelensky'")."""
    import workbench.analyze as an

    arts = an.select_articles(sample_annotations.articles)
    freq = an.entity_frequency(sample_annotations.mentions, arts)
    people = freq[freq["type"] == "PERSON"].groupby("entity")["mentions"].sum()
    assert an.most_mentioned(freq) == people.idxmax()
    places = an.entity_frequency(sample_annotations.mentions, arts, types=["PLACE"])
    assert an.most_mentioned(places) in set(places["entity"])  # no person: any type
    assert an.most_mentioned(freq.iloc[0:0]) == ""
