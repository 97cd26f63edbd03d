import pandas as pd
import pytest
from test_analyze_corpus import corpus

from workbench import analyze as A


@pytest.fixture()
def c():
    return corpus()


def test_duplicates_counted_once_and_reported(c):
    arts = A.select_articles(c["articles"])
    assert "nov2" not in set(arts["article_id"])
    assert len(arts) == 4
    assert any("1 near-duplicate" in n for n in A.notes(arts))
    everything = A.select_articles(c["articles"], count_duplicates_once=False)
    assert len(everything) == 5


def test_copy_stands_in_when_its_original_is_filtered_out(c):
    arts = c["articles"].copy()
    arts.loc[arts.article_id == "nov1", "published"] = pd.Timestamp("2025-10-01")
    sel = A.select_articles(arts, date_from="2025-11-01")
    assert "nov2" in set(sel["article_id"])


def test_undated_kept_and_noted(c):
    arts = A.select_articles(c["articles"])
    assert "iz1" in set(arts["article_id"])
    assert any("1 undated article kept" in n for n in A.notes(arts))


def test_undated_count_is_the_selections_own(c):
    """An undated copy of a selected article is dropped with the copies, and the note counts
    the undated articles left (tgcontest had read "47 undated kept" under "42 undated")."""
    arts = c["articles"].copy()
    arts.loc[arts.article_id == "nov2", "published"] = pd.NaT  # an undated copy of nov1
    sel = A.select_articles(arts)
    assert "nov2" not in set(sel["article_id"])
    assert sel["published"].isna().sum() == 1
    assert any(n.startswith("1 undated article kept") for n in A.notes(sel)), A.notes(sel)


def test_date_range_excludes_undated_and_says_so(c):
    arts = A.select_articles(c["articles"], date_from="2025-11-01", date_to="2025-11-13")
    assert set(arts["article_id"]) == {"nov1", "md1"}
    notes = A.notes(arts)
    assert any("1 undated article excluded by the date range" in n for n in notes)
    assert any("1 dated article outside" in n for n in notes)


def test_keep_undated_false(c):
    arts = A.select_articles(c["articles"], keep_undated=False)
    assert arts["published"].notna().all()
    assert any("keep_undated=False" in n for n in A.notes(arts))


def test_outlet_and_group_filters(c):
    arts = A.select_articles(c["articles"], outlets=["Izvestia", "Moldova 1"])
    assert set(arts["outlet"]) == {"Izvestia", "Moldova 1"}
    unknown = A.select_articles(c["articles"], groups=["(unknown)"], group_col="country")
    assert list(unknown["article_id"]) == ["sy1"]


def test_group_column_shows_missing_as_unknown(c):
    labels = A.group_column(c["articles"], "country")
    assert list(labels) == ["Bulgaria", "Bulgaria", "Russia", "Moldova", "(unknown)"]
    with pytest.raises(KeyError, match="region"):
        A.group_column(c["articles"], "region")


def test_restrict_keeps_rows_of_selected_articles(c):
    arts = A.select_articles(c["articles"], outlets="Izvestia")
    m = A.restrict(c["mentions"], arts)
    assert set(m["article_id"]) == {"iz1"}
    assert len(A.restrict(c["quotes"], arts)) == 1
