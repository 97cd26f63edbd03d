"""The SQL analyses over a corpus store give the pandas analyses' numbers.

Two real corpora, annotated with the real pipeline and written with ``write_store``: the
sample (five articles, one near-duplicate, grouped by outlet or by its sources.csv
``country``) and 200 AllSides articles (grouped by outlet or by their AllSides rating as
``group``, with outlet boilerplate). For several selections — all articles, an outlet filter,
a date range, a group filter with ``common_period``, boilerplate kept, stories covered by two
groups — every SQL function equals its pandas twin (``pd.testing.assert_frame_equal``, rows in
the same order, the dtypes compared by kind), ``attrs`` included.
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import analyze as an
from workbench.analyze import sql
from workbench.store import write_store

from conftest import write_rated_allsides

pytestmark = pytest.mark.model
N_ALLSIDES = 200


@pytest.fixture(scope="module")
def allsides_ann(trained_model, cache_root, tmp_path_factory):
    """The first 200 AllSides articles, their outlet's rating as ``group`` (sources.csv)."""
    import workbench as wb

    folder = write_rated_allsides(tmp_path_factory.mktemp("allsides-sql"), N_ALLSIDES)
    return wb.open_corpus(folder, model=trained_model, cache_dir=cache_root, progress=False)


def _db(ann, folder):
    write_store(ann, folder / "store", rows_per_part=64)  # several parts
    return sql.StoreDB(folder / "store", memory_limit="256MB", threads=2)


@pytest.fixture(scope="module")
def allsides(allsides_ann, tmp_path_factory):
    db = _db(allsides_ann, tmp_path_factory.mktemp("allsides-store"))
    yield allsides_ann, db
    db.close()


@pytest.fixture(scope="module")
def sample(sample_annotations, tmp_path_factory):
    db = _db(sample_annotations, tmp_path_factory.mktemp("sample-store"))
    yield sample_annotations, db
    db.close()


@pytest.fixture(autouse=True)
def small_batches(monkeypatch):
    """Aggregate a few parts at a time, as on a large store (the sums must stay exact)."""
    from workbench.analyze.sql import core as sql_core

    monkeypatch.setattr(sql_core, "BATCH_ROWS", 3000)


def pandas_selection(ann, p: dict) -> pd.DataFrame:
    """The selection ``notebook.setup`` makes from the notebook parameters ``p``."""
    group_by = p.get("group_by") or "outlet"
    arts = an.select_articles(ann.articles, outlets=p.get("outlets"), groups=p.get("groups"),
                              group_col=group_by, date_from=p.get("date_from"),
                              date_to=p.get("date_to"),
                              include_boilerplate=p.get("include_boilerplate", False))
    if p.get("common_period"):
        arts = an.common_period(arts, by=group_by)
    if p.get("story") or p.get("stories_min_outlets"):
        arts = an.stories_articles(arts, ann.stories, story=p.get("story"),
                                   min_groups=int(p.get("stories_min_outlets") or 0),
                                   by=group_by, mentions=ann.mentions)
    return arts


def _kind(s: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(s.dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return "datetime"
    if pd.api.types.is_integer_dtype(s.dtype):
        return "int"
    if pd.api.types.is_float_dtype(s.dtype):
        return "float"
    return "text"


def canonical(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with one dtype per kind (pandas' results mix str, string, object, Int64,
    Float64 and Arrow dtypes for the same kind)."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s, kind = df[col], _kind(df[col])
        if kind == "datetime":
            out[col] = s.astype("datetime64[ns]")
        elif kind == "int":
            out[col] = s.astype("Int64")
        elif kind == "float":
            out[col] = s.astype("float64")
        elif kind == "bool":
            out[col] = s.astype(bool)
        else:
            out[col] = s.astype(object).where(s.notna(), None)
    return out.reset_index(drop=True)


def same(got: pd.DataFrame, want: pd.DataFrame, what: str) -> None:
    """Equal numbers, columns, column kinds and attrs, rows in the same order (stronger than
    equal after sorting: the SQL results are sorted as the pandas ones, ties included)."""
    assert list(got.columns) == list(want.columns), what
    assert got.attrs == want.attrs, what
    if want.empty:  # an empty frame's dtypes say nothing (pandas gives float to all)
        assert got.empty, what
        return
    assert {c: _kind(got[c]) for c in got} == {c: _kind(want[c]) for c in want}, what
    pd.testing.assert_frame_equal(canonical(got), canonical(want), check_exact=False,
                                  rtol=1e-9, obj=what)


SELECTIONS = {
    "sample": [
        ({}, "outlet"),
        ({"outlets": ["Izvestia", "Novinite", "nowhere"]}, "outlet"),
        ({"date_from": "2025-11-13", "group_by": "country"}, "country"),
        ({"group_by": "country", "common_period": True}, "country"),
    ],
    "allsides": [
        ({"group_by": "group"}, "group"),
        ({"outlets": ["CNN (Web News)", "Washington Times", "Fox Online News", "Politico",
                      "NPR Online News"]}, "outlet"),
        ({"date_from": "2014-01-01", "date_to": "2018-12-31", "group_by": "group"}, "group"),
        ({"groups": ["left", "right"], "group_by": "group", "common_period": True}, "group"),
        ({"include_boilerplate": True, "group_by": "group"}, "outlet"),
        ({"stories_min_outlets": 2, "group_by": "group"}, "group"),
        ({"story": "Donald Trump", "group_by": "group"}, "group"),
    ],
}
CASES = [(corpus, i) for corpus, items in SELECTIONS.items() for i in range(len(items))]


@pytest.fixture(params=CASES, ids=[f"{c}-{i}" for c, i in CASES])
def case(request):
    corpus, i = request.param
    ann, db = request.getfixturevalue(corpus)
    params, by = SELECTIONS[corpus][i]
    return ann, db, params, by


def test_selection_same_articles_and_notes(case):
    ann, db, params, by = case
    want = pandas_selection(ann, params)
    got = sql.select(db, params)
    ids = set(db.df(f"SELECT article_id FROM {got.name}")["article_id"])
    assert ids == set(want["article_id"])
    assert got.notes == an.notes(want)
    assert got.attrs.get("common_period") == want.attrs.get("common_period")


def test_counts_equal_pandas(case):
    ann, db, params, by = case
    arts, sel = pandas_selection(ann, params), sql.select(db, params)
    m, qt = ann.mentions, ann.quotes
    same(sql.entity_frequency(sel, by=by), an.entity_frequency(m, arts, by=by), "frequency")
    same(sql.entity_frequency(sel, by=by, types=["person", "ORG"], top_n=8),
         an.entity_frequency(m, arts, by=by, types=["person", "ORG"], top_n=8), "freq top")
    same(sql.entity_counts(sel, by=by), an.entity_counts(m, arts, by=by), "entity_counts")
    same(sql.variant_shares(sel, by=by), an.variant_shares(m, arts, by=by), "variants")
    same(sql.voices(sel, by=by, mentions=True), an.voices(qt, arts, by=by, mentions=m),
         "voices")
    same(sql.voices(sel, by=by, top_n=5), an.voices(qt, arts, by=by, top_n=5), "voices top")
    same(sql.cooccurrence(sel, top_n=12), an.cooccurrence(m, arts, top_n=12), "cooccurrence")
    same(sql.cooccurrence(sel, top_n=8, by=by, min_together=2),
         an.cooccurrence(m, arts, top_n=8, by=by, min_together=2), "cooccurrence by group")


def test_timelines_equal_pandas(case):
    ann, db, params, by = case
    arts, sel = pandas_selection(ann, params), sql.select(db, params)
    m = ann.mentions
    for freq in ("D", "W", "M", "auto"):
        same(sql.articles_over_time(sel, by=by, freq=freq),
             an.articles_over_time(arts, by=by, freq=freq), f"articles_over_time {freq}")
    same(sql.mentions_over_time(sel, freq="auto"), an.mentions_over_time(m, arts, freq="auto"),
         "mentions_over_time")
    same(sql.mentions_over_time(sel, ["Donald Trump", "kyiv", "Q30"], freq="M", by=by),
         an.mentions_over_time(m, arts, ["Donald Trump", "kyiv", "Q30"], freq="M", by=by),
         "mentions_over_time of named entities")
    if arts.empty:  # pandas' dated_events fails on no articles (a notebook stops before)
        assert sql.dated_events(sel, by=by).empty
        by_date = sql.events_by_date(sel, by=by)
        assert by_date.empty and by_date.attrs["by"] == by  # what the chart's note reads
        return
    events = an.dated_events(an.restrict(ann.dates, arts), arts, by=by)
    same(sql.dated_events(sel, by=by), events, "dated_events")
    for per_group in (False, True):
        same(sql.events_by_date(sel, by=by, per_group=per_group),
             an.events_by_date(events, per_group=per_group), f"events_by_date {per_group}")


def test_story_coverage_equal_pandas(case):
    ann, db, params, by = case
    arts, sel = pandas_selection(ann, params), sql.select(db, params)
    same(sql.story_coverage(sel, by=by), an.story_coverage(ann.stories, arts, by=by),
         "story_coverage")


def test_memory_is_bounded_and_the_spill_folder_goes(sample, tmp_path):
    ann, _ = sample
    store = tmp_path / "store"
    write_store(ann, store)
    db = sql.StoreDB(store, memory_limit="300MB", threads=1, temp_dir=tmp_path)
    settings = dict(db.con.execute(
        "SELECT name, value FROM duckdb_settings() WHERE name IN "
        "('memory_limit', 'threads', 'temp_directory')").fetchall())
    assert settings["threads"] == "1"
    assert settings["memory_limit"].startswith("286")  # 300 MB in MiB
    assert settings["temp_directory"].startswith(str(tmp_path / "workbench-duckdb-"))
    db.close()
    assert not list(tmp_path.glob("workbench-duckdb-*"))


def test_unknown_grouping_says_what_can_be_grouped_by(sample):
    ann, db = sample
    with pytest.raises(KeyError) as want:
        an.entity_frequency(ann.mentions, ann.articles, by="bias")
    with pytest.raises(KeyError) as got:
        sql.entity_frequency(sql.select(db), by="bias")
    assert str(got.value) == str(want.value)
