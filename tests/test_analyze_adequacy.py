import pandas as pd
from test_analyze_corpus import corpus

from workbench import analyze as A
from workbench.tables import conform


def test_messages_on_the_tiny_corpus():
    c = corpus()
    sel = A.select_articles(c["articles"])
    assert "fewer than 500" in A.check_frequency(c["mentions"], sel)
    assert "Too few counted words for keyness" in A.check_keyness(A.word_counts(sel))
    assert A.check_cooccurrence(c["mentions"], sel) is None
    assert A.check_timeline(sel) is None
    assert A.check_events(c["dates"], sel) is None
    assert A.check_variants(c["mentions"], sel) is None
    assert A.check_voices(c["quotes"], sel) is None


def test_messages_when_too_little():
    c = corpus()
    one = A.select_articles(c["articles"], outlets=["Moldova 1"])
    assert "needs at least 2" in A.check_keyness(A.word_counts(one))
    assert "co-occurrence needs at least 3" in A.check_cooccurrence(c["mentions"], one)
    assert "Only 1 of 1 articles" in A.check_timeline(one)
    assert "no naming choices" in A.check_variants(c["mentions"], one)
    assert "Only 1 attributed quote" in A.check_voices(c["quotes"], one)
    nov = A.select_articles(c["articles"], outlets=["Novinite"], count_duplicates_once=False)
    assert "appeared on 2025-11-13" in A.check_timeline(nov)
    assert A.check_frequency(c["mentions"], one.iloc[0:0]) == "No articles are selected."
    unresolved = c["dates"].assign(date=pd.NaT)
    assert "could be resolved" in A.check_events(unresolved, one)


def test_keyness_enough_and_thin_groups():
    counts = pd.DataFrame({"group": ["A", "B", "C"], "term": ["x", "x", "x"],
                           "count": [300, 250, 10]})
    assert A.check_keyness(counts) is None
    assert A.thin_groups(counts) == ["C"]
    k = A.keyness(pd.concat([counts, counts.assign(term="y")]), min_count=1)
    assert any("C" in n for n in A.notes(k))
    arts = conform(pd.DataFrame([dict(article_id="a", text="x", n_words=1000)]), "articles")
    m = conform(pd.DataFrame([dict(article_id="a", entity_id="Q1")]), "mentions")
    assert A.check_frequency(m, arts) is None
