import pytest
from test_analyze_corpus import corpus

from workbench import analyze as A


@pytest.fixture()
def c():
    c = corpus()
    c["sel"] = A.select_articles(c["articles"])
    return c


def test_article_pairs_and_jaccard(c):
    co = A.cooccurrence(c["mentions"], c["sel"], top_n=5)
    pair = co[(co["entity_a"] == "Kyiv") & (co["entity_b"] == "Russia")].iloc[0]
    # Kyiv is in all 4 selected articles, Russia in 3 (not Izvestia's)
    assert (pair["together"], pair["units_a"], pair["units_b"]) == (3, 4, 3)
    assert pair["jaccard"] == pytest.approx(3 / (4 + 3 - 3))
    assert pair["units"] == 4 and pair["unit"] == "article"
    assert co.attrs["entities"][0] == "Kyiv"


def test_matrix_is_symmetric_without_diagonal(c):
    co = A.cooccurrence(c["mentions"], c["sel"], top_n=6)
    assert not (co["entity_id_a"] == co["entity_id_b"]).any()
    ab = set(zip(co["entity_a"], co["entity_b"], co["together"]))
    assert ab == {(b, a, n) for a, b, n in ab}
    assert co["entity_a"].nunique() <= 6


def test_sentence_unit_is_stricter(c):
    by_article = A.cooccurrence(c["mentions"], c["sel"], top_n=10)
    by_sentence = A.cooccurrence(c["mentions"], c["sel"], top_n=10, unit="sentence")
    assert by_sentence["together"].sum() < by_article["together"].sum()
    # "Kremlin spokesman Dmitry Peskov confirmed contacts with Kyiv." is one sentence
    s = by_sentence[(by_sentence["entity_a"] == "Dmitry Peskov")
                    & (by_sentence["entity_b"] == "Kyiv")]
    assert s["together"].iloc[0] == 1
    with pytest.raises(ValueError):
        A.cooccurrence(c["mentions"], c["sel"], unit="paragraph")
