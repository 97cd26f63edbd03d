import math

import pandas as pd
import pytest
from test_analyze_corpus import corpus

from workbench import analyze as A
from workbench.tables import conform


def test_tokens_keep_hyphens_and_apostrophes_drop_numbers_and_stop_words():
    toks = A.tokens("The Kiev regime, Ukraine's ambassador-at-large don't 2025 o’clock")
    assert toks == ["kiev", "regime", None, "ukraine", "ambassador-at-large", None, "o'clock"]
    assert "the" in A.stop_words() and "kiev" not in A.stop_words()
    assert A.tokens("F-16s and MH17 in Zapad-2025, 60,000 troops") == [
        "f-16s", None, "mh17", None, "zapad-2025", None, "troops"]


def test_bigrams_do_not_bridge_punctuation_or_stop_words():
    counts = A.count_terms("The Kiev regime said. Kiev, regime of Kiev regime", ngram=(1, 2))
    assert counts["kiev regime"] == 2
    assert counts["kiev"] == 3 and counts["regime"] == 3
    assert "regime said" in counts and "said kiev" not in counts
    assert all(" " not in t for t in A.count_terms("Kiev regime", ngram=(1, 1)))


def test_word_counts_by_outlet():
    c = corpus()
    wc = A.word_counts(A.select_articles(c["articles"]))
    iz = wc[wc["group"] == "Izvestia"].set_index("term")["count"]
    assert iz["kiev regime"] == 2 and iz["kiev"] == 4
    assert list(wc.columns) == ["group", "term", "count", "language"]


def constructed():
    # Outlet A says "regime" a lot; B says "government".
    rows = []
    for i in range(4):
        rows.append(dict(article_id=f"a{i}", outlet="A",
                         text="regime regime regime talks ceasefire army government"))
        rows.append(dict(article_id=f"b{i}", outlet="B",
                         text="government government talks ceasefire army regime"))
    return conform(pd.DataFrame(rows), "articles")


def test_keyness_sign_and_ordering():
    k = A.keyness(A.word_counts(constructed(), ngram=(1, 1)), min_count=1)
    a = k[k["group"] == "A"].set_index("term")
    b = k[k["group"] == "B"].set_index("term")
    assert a.loc["regime", "z"] > 0 and a.loc["government", "z"] < 0
    assert b.loc["government", "z"] > 0 and b.loc["regime", "z"] < 0
    assert k[k["group"] == "A"].iloc[0]["term"] == "regime"   # sorted by z, descending
    assert a.loc["regime", "count"] == 12 and a.loc["regime", "count_rest"] == 4
    # two groups: B against the rest is A mirrored
    assert b.loc["regime", "delta"] == pytest.approx(-a.loc["regime", "delta"])


def test_keyness_matches_monroe_eq22_by_hand():
    counts = pd.DataFrame({"group": ["A", "A", "B", "B"], "term": ["x", "y", "x", "y"],
                           "count": [3, 1, 1, 3]})
    k = A.keyness(counts, alpha0=4, min_count=0).set_index(["group", "term"])
    # a_x = a0 * y_x / N = 4 * 4 / 8 = 2; n_A = n_B = 4
    delta = math.log((3 + 2) / (4 + 4 - 3 - 2)) - math.log((1 + 2) / (4 + 4 - 1 - 2))
    se = math.sqrt(1 / (3 + 2) + 1 / (1 + 2))
    assert k.loc[("A", "x"), "delta"] == pytest.approx(delta)
    assert k.loc[("A", "x"), "se"] == pytest.approx(se)
    assert k.loc[("A", "x"), "z"] == pytest.approx(delta / se)
    assert k.loc[("A", "y"), "z"] == pytest.approx(-delta / se)


def test_default_prior_is_min_of_1000_and_corpus_size():
    counts = pd.DataFrame({"group": ["A", "B", "B"], "term": ["x", "x", "y"],
                           "count": [5, 7, 2]})
    assert A.keyness(counts, min_count=0).attrs["alpha0"] == 14
    big = counts.assign(count=counts["count"] * 1000)
    assert A.keyness(big, min_count=0).attrs["alpha0"] == 1000


def test_min_count_filters_rare_terms_but_not_totals():
    counts = pd.DataFrame({"group": ["A", "A", "B"], "term": ["x", "rare", "x"],
                           "count": [5, 1, 5]})
    k = A.keyness(counts, min_count=2)
    assert set(k["term"]) == {"x"}
    assert k.attrs["group_totals"] == {"A": 6, "B": 5}


def test_keyness_with_one_group_is_empty():
    counts = pd.DataFrame({"group": ["A"], "term": ["x"], "count": [5]})
    assert A.keyness(counts).empty


def test_top_keyness_both_sides():
    k = A.keyness(A.word_counts(constructed(), ngram=(1, 1)), min_count=1)
    top = A.top_keyness(k, 1)
    a = top[top["group"] == "A"]
    assert list(a["side"]) == ["group", "rest"]
    assert list(a["term"]) == ["regime", "government"]
    assert (top["rank"] == 1).all()


def test_entity_counts_uses_canonical_names():
    c = corpus()
    ec = A.entity_counts(c["mentions"], A.select_articles(c["articles"]))
    iz = ec[ec["group"] == "Izvestia"].set_index("term")["count"]
    assert iz["Kyiv"] == 2 and iz["Kiev regime"] == 2
    k = A.keyness(ec, min_count=1)
    iz_k = k[k["group"] == "Izvestia"].set_index("term")
    assert iz_k.loc["Kiev regime", "z"] > 0 > iz_k.loc["Dmitry Peskov", "z"]


def test_dotted_abbreviations_are_one_token():
    # "U.S." was the words "u" and "s", which then topped a keyness list on the AllSides dump.
    assert A.tokens("U.S. officials met U.N. envoys, e.g. in Washington") == [
        "u.s.", "officials", "met", "u.n.", "envoys", None, "washington"]
