"""The notebooks on a corpus store show what they show on the corpus itself.

Two real corpora, annotated with the real pipeline and written with ``write_store``: the
sample (five articles, grouped by outlet) and the first 200 AllSides articles (their outlet's
AllSides rating as ``group``, from a sources.csv). Every notebook is rendered by papermill
from the AllSides store and from the AllSides folder (pandas): every chart's data, every note
and every table is the same. ``workbench report`` renders every notebook from the sample store.
In process, the text analyses are the pandas results below the sample size, and above it read
exactly the stratified sample the module documents (an MD5 order within each group).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

from workbench import analyze as an
from workbench.store import write_store

import nbrun
from conftest import write_rated_allsides

pytestmark = pytest.mark.model
N_ALLSIDES = 200  # the same articles as test_store_sql: one annotation


@pytest.fixture(scope="module")
def allsides(trained_model, cache_root, tmp_path_factory):
    """(folder, ann, store) for the first 200 AllSides articles, rated as ``group``."""
    import workbench as wb

    folder = write_rated_allsides(tmp_path_factory.mktemp("allsides-nb"), N_ALLSIDES)
    ann = wb.open_corpus(folder, model=trained_model, cache_dir=cache_root, progress=False)
    store = tmp_path_factory.mktemp("allsides-nb-store") / "store"
    write_store(ann, store, rows_per_part=40)  # several parts
    return folder, ann, store


@pytest.fixture(scope="module")
def sample_store(sample_annotations, tmp_path_factory):
    store = tmp_path_factory.mktemp("sample-nb-store") / "store"
    write_store(sample_annotations, store, rows_per_part=2)
    return store


def _outputs(path: str) -> list[tuple[int, str, str]]:
    """Every rich output of an executed notebook (chart specs, HTML, text), in order: cell
    number, type, value — dataset names (content hashes) kept, streams (warnings) left out."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for i, cell in enumerate(nb["cells"]):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append((i, "error", f"{o['ename']}: {o['evalue']}"))
            data = o.get("data", {})
            for kind in (nbrun.VEGALITE, "text/html", "text/plain"):
                if kind in data:
                    value = data[kind]
                    text = json.dumps(value, sort_keys=True) if isinstance(value, dict) \
                        else "".join(value)
                    out.append((i, kind, text))
                    break
    return out


@pytest.fixture(scope="module")
def rendered(allsides, tmp_path_factory, trained_model, cache_root):
    """Every notebook run from the AllSides store and from its folder (group_by=group)."""
    folder, _, store = allsides
    out = tmp_path_factory.mktemp("store-notebooks")
    jobs = {(name, kind): (name, str(out / f"{name}-{kind}.ipynb"),
                           {"corpus": str(src), "group_by": "group",
                            "cache_dir": str(cache_root), "model": trained_model})
            for name in nbrun.NOTEBOOK_NAMES
            for kind, src in (("store", store), ("pandas", folder))}
    done = {}
    with ProcessPoolExecutor(3, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {key: pool.submit(nbrun.execute, *args) for key, args in jobs.items()}
        for key, future in futures.items():
            try:
                done[key] = future.result(timeout=600)
            except RuntimeError as exc:
                # Kernels started at once can race for a port (ZMQ "Address already in
                # use"): that kernel never ran a cell; run the notebook again, alone.
                if "Kernel died before replying to kernel_info" not in str(exc):
                    raise
                done[key] = nbrun.execute(*jobs[key])
    return done


@pytest.mark.parametrize("name", nbrun.NOTEBOOK_NAMES)
def test_every_notebook_shows_the_same_from_the_store(rendered, name):
    store, pandas = _outputs(rendered[name, "store"]), _outputs(rendered[name, "pandas"])
    assert not [o for o in store if o[1] == "error"]
    charts = [o for o in store if o[1] == nbrun.VEGALITE]
    assert len(charts) >= 2  # real charts, not only notes of too little data
    assert len(store) == len(pandas)
    for got, want in zip(store, pandas, strict=True):
        assert got == want, f"cell {got[0]}: {got[2][:300]} != {want[2][:300]}"


def test_the_entity_table_and_timeline_numbers_are_the_pandas_ones(rendered, allsides):
    """The key numbers, read back from the store notebook's charts: mentions per entity and
    group, and articles per period and group, as pandas counts them."""
    _, ann, _ = allsides
    run = nbrun.Run(rendered["entity_frequency", "store"])
    heatmap = run.chart("charts.entity_heatmap")
    rows = [r for data in heatmap["datasets"].values() for r in data]
    arts = an.select_articles(ann.articles, group_col="group")
    freq = an.entity_frequency(ann.mentions, arts, by="group",
                               types=["PERSON", "ORG", "PLACE"])
    shown = {(r["group"], r["entity_id"]): (r["mentions"], r["words"]) for r in rows
             if r["entity_id"] != an.OTHER and r["mentions"]}  # (the grid's empty cells: 0)
    assert len(shown) >= 30
    want = freq.set_index(["group", "entity_id"])
    assert shown == {k: tuple(int(x) for x in want.loc[k, ["mentions", "words"]])
                     for k in shown}
    timeline = nbrun.Run(rendered["timeline", "store"]).chart("charts.articles_timeline")
    per = [r for data in timeline["datasets"].values() for r in data if "articles" in r]
    t = an.articles_over_time(arts, by="group", freq="auto")
    assert sum(r["articles"] for r in per) == int(t["articles"].sum()) == len(arts)
    for group in ("left", "center", "right"):
        assert sum(r["articles"] for r in per if r["group"] == group and r.get("undated")) \
            == int(t.loc[t["undated"] & (t["group"] == group), "articles"].sum())


def test_workbench_report_renders_every_notebook_from_a_store(sample_store, tmp_path):
    from workbench.report.run import render_reports

    result = render_reports(sample_store, tmp_path / "reports")
    assert [r.status for r in result.runs] == ["ok"] * len(nbrun.NOTEBOOK_NAMES)
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["corpus"]["articles"] == 5
    assert re.fullmatch(r"[0-9a-f]{16}", manifest["corpus"]["fingerprint"])
    assert "Entity frequency" in result.index.read_text(encoding="utf-8")


def _store_selection(store, by: str, **params):
    from workbench.analyze import sql
    from workbench.store.corpus import StoreCorpus

    ann = StoreCorpus(store, memory_limit="256MB", threads=2)
    sel = sql.select(ann.db, {"group_by": by, **params})
    sel.sample_by = by
    return ann, sel


def _equal(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False, check_categorical=False)
    assert got.attrs.get("notes", []) == want.attrs.get("notes", [])


def test_text_analyses_below_the_sample_size_are_the_pandas_ones(allsides):
    _, ann, store = allsides
    s_ann, sel = _store_selection(store, "group")
    arts = an.select_articles(ann.articles, group_col="group")
    _equal(an.word_counts_by_period(sel, by="group", freq="M"),
           an.word_counts_by_period(arts, by="group", freq="M"))
    frames = an.lexicon_matches(sel, None, s_ann.quotes)
    want = an.lexicon_matches(arts, None, ann.quotes)
    _equal(frames, want)
    _equal(an.lexicon_counts(frames, sel, by="group", per="term"),
           an.lexicon_counts(want, arts, by="group", per="term"))
    _equal(an.kwic(s_ann.mentions, sel, "Donald Trump", by="group"),
           an.kwic(ann.mentions, arts, "Donald Trump", by="group"))
    _equal(an.quotes_table(s_ann.quotes, sel, by="group"),
           an.quotes_table(ann.quotes, arts, by="group"))
    s_ann.close()


def _md5_sample(arts: pd.DataFrame, by: str, k: int) -> set[str]:
    """The sample the store module documents, drawn here independently: in each group the
    ``k`` articles first by the MD5 of their id."""
    key = arts["article_id"].map(lambda a: hashlib.md5(a.encode()).hexdigest())
    order = arts.assign(_g=an.group_column(arts, by).to_numpy(), _k=key)
    order = order.sort_values(["_g", "_k", "article_id"])
    return set(order.groupby("_g").head(k)["article_id"])


def test_above_the_sample_size_word_keyness_reads_the_stratified_sample(allsides, monkeypatch):
    from workbench.analyze.sql import sample as nb_sample

    _, ann, store = allsides
    monkeypatch.setattr(nb_sample, "PER_GROUP", 20)
    s_ann, sel = _store_selection(store, "group", date_from="2000-01-01")
    arts = an.select_articles(ann.articles, group_col="group", date_from="2000-01-01")
    got = an.word_counts(sel, by="group")
    picked = arts[arts["article_id"].isin(_md5_sample(arts, "group", 20))]
    want = an.word_counts(picked, by="group")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)
    sizes = an.group_column(arts, "group").value_counts()
    note = got.attrs["notes"][-1]
    assert note.startswith(f"Word keyness computed on a random sample of {3 * 20} of "
                           f"{len(arts):,} articles (at most 20 per group, chosen by article id")
    for group, n in sizes.items():
        assert f"{group}: 20 of {n:,}" in note
    assert an.notes(got) == [note]  # as pandas word counts, no note of the selection's
    # The same sample on every run, and a KWIC line only from an article that has a hit.
    assert an.word_counts(sel, by="group").equals(got)
    k = an.kwic(s_ann.mentions, sel, "Donald Trump", by="group")
    assert set(k["article_id"]) <= set(an.kwic(ann.mentions, arts, "Donald Trump")["article_id"])
    s_ann.close()


def test_the_checks_say_the_same_on_a_store(allsides):
    """``check_*`` on narrow selections, where they do speak, and on the whole corpus."""
    _, ann, store = allsides
    outlet = ann.articles["outlet"].value_counts().index[-1]  # an outlet with few articles
    for params in ({}, {"outlets": [outlet]}, {"date_from": "2100-01-01"}):
        s_ann, sel = _store_selection(store, "group", **params)
        arts = an.select_articles(ann.articles, group_col="group",
                                  outlets=params.get("outlets"),
                                  date_from=params.get("date_from"))
        typed, s_typed = (an.of_types(t, ["PERSON"]) for t in (ann.mentions, s_ann.mentions))
        pairs = [
            (an.check_frequency, (s_ann.mentions,), (ann.mentions,), {}),
            (an.check_cooccurrence, (s_typed,), (typed,), {}),
            (an.check_cooccurrence_groups, (s_typed,), (typed,), {"by": "group"}),
            (an.check_variants, (s_ann.mentions,), (ann.mentions,), {}),
            (an.check_voices, (s_ann.quotes,), (ann.quotes,), {}),
            (an.check_events, (s_ann.dates,), (ann.dates,), {}),
        ]
        for check, s_args, p_args, kw in pairs:
            got = check(an.restrict(s_args[0], sel), sel, **kw)
            assert got == check(an.restrict(p_args[0], arts), arts, **kw), (check, params)
        for freq in ("D", "M", "auto"):
            assert an.check_timeline(sel, freq=freq) == an.check_timeline(arts, freq=freq)
        s_ann.close()
