"""The corpus store (issue 13) on real articles: the sample and 100 real AllSides articles,
annotated with the real pipeline.

- every table comes back as the annotated corpus had it, through the workbench and through
  plain pandas, pyarrow, DuckDB and Dask;
- an update rewrites only the parts whose articles changed and removes the rest afterwards;
- a write killed with SIGKILL anywhere (a part, the manifest, the clean-up) leaves a store that
  reads exactly as before or exactly as after, never a mix;
- fsspec URLs (``memory://``, ``file://``): the manifest, not a listing, decides what is live;
- the command line prints what it wrote and refuses a bad destination in one line.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import pickle
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from workbench import tables
from workbench.store import StoreError, open_store, update_store, write_store
from workbench.store.layout import MANIFEST, TEXT_COLUMNS

from conftest import SAMPLE, SHARED

ALLSIDES = SHARED / "corpora" / "allsides-10k.jsonl.gz"
TABLES = ("articles", "mentions", "quotes", "dates", "aside_mentions", "stories")


@pytest.fixture(scope="module")
def allsides_dir(tmp_path_factory) -> Path:
    """100 real AllSides articles (the first by ID of those under 2,500 characters; none is
    under ~1,700), with a sources.csv giving each outlet's AllSides rating as ``group``."""
    if not ALLSIDES.exists():
        pytest.skip(f"{ALLSIDES} not available")
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rows = sorted((r for r in rows if r.get("date")
                   and len(r.get("content_original") or "") < 2500),
                  key=lambda r: r["ID"])[:100]
    dest = tmp_path_factory.mktemp("allsides")
    with open(dest / "articles.jsonl", "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)
    with open(dest / "sources.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["outlet", "group"])
        w.writerows(sorted({(r["source"], r["bias_text"]) for r in rows}))
    return dest


@pytest.fixture(scope="module")
def allsides(allsides_dir, trained_model, cache_root):
    from workbench.session import open_corpus

    ann = open_corpus(allsides_dir, model=trained_model, cache_dir=cache_root)
    assert len(ann.articles) == 100 and len(ann.mentions) > 1000 and len(ann.quotes) > 100
    return ann


def subset(ann, ids, articles: pd.DataFrame | None = None):
    """``ann`` restricted to the articles ``ids`` (in that order); ``articles``: replaces the
    articles table (edited metadata). Stories are grouped again for the subset."""
    arts = ann.articles if articles is None else articles
    keep = set(ids)
    arts = arts.set_index("article_id", drop=False).loc[list(ids)].reset_index(drop=True)
    parts = {name: getattr(ann, name)[getattr(ann, name)["article_id"].isin(keep)]
             .reset_index(drop=True) for name in ("mentions", "quotes", "dates",
                                                  "aside_mentions")}
    return replace(ann, articles=arts, **parts, cache_dir=None, _stories={})


def ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in one order whatever order they were stored in."""
    return df.sort_values(list(df.columns), kind="stable").reset_index(drop=True)


def expected(ann, name: str) -> pd.DataFrame:
    df = tables.conform(getattr(ann, name), name)
    if name == "articles":
        df = df.drop(columns=list(TEXT_COLUMNS))
    df.attrs = {}
    return ordered(df)


def assert_store_holds(store_path, ann, names=TABLES) -> None:
    store = open_store(store_path)
    for name in names:
        got = store.table(name)
        pd.testing.assert_frame_equal(ordered(got), expected(ann, name))
    texts = store.table("articles", columns=["article_id", "title", "text"])
    want = tables.conform(ann.articles, "articles")[["article_id", "title", "text"]]
    pd.testing.assert_frame_equal(ordered(texts), ordered(want))


def stored_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()
            and p.name != ".lock"}


def live(root) -> set[str]:
    manifest = json.loads((Path(root) / MANIFEST).read_text())
    return {f["path"] for p in manifest["parts"] for f in p["files"].values()} | {MANIFEST}


def test_every_table_comes_back_as_annotated(sample_annotations, allsides, tmp_path):
    for ann, rows in ((sample_annotations, 2), (allsides, 16)):
        dest = tmp_path / f"store-{rows}"
        assert write_store(ann, dest, rows_per_part=rows) == dest
        assert_store_holds(dest, ann)
        store = open_store(dest)
        n = len(ann.articles)
        assert len(store.parts) == -(-n // rows) and store.n_articles == n
        assert store.pipeline["fingerprint"] == ann.pipeline.fingerprint
        assert store.pipeline["label"] == ann.pipeline.label
        assert stored_files(dest) == live(dest)
        # Texts are kept apart: the articles table holds none, the texts table little else.
        assert not set(TEXT_COLUMNS) & set(store.columns("articles"))
        assert store.columns("texts") == ["article_id", "title", "text"]
        # Part N of every table holds the rows of the same articles.
        for part in store.parts:
            ids = set(pd.read_parquet(dest / part["files"]["articles"]["path"])["article_id"])
            assert len(ids) == part["articles"] <= rows
            for name, f in part["files"].items():
                got = pd.read_parquet(dest / f["path"])
                assert len(got) == f["rows"] and set(got["article_id"]) <= ids, name


def test_only_the_columns_and_rows_asked_are_read(allsides, tmp_path):
    write_store(allsides, tmp_path / "s", rows_per_part=25)
    store = open_store(tmp_path / "s")
    people = store.table("mentions", columns=["article_id", "entity"],
                         filter=[("type", "==", "PERSON")])
    m = allsides.mentions
    assert list(people.columns) == ["article_id", "entity"]
    assert len(people) == int((m["type"] == "PERSON").sum()) > 100
    assert people["entity"].dtype == "string"
    import pyarrow.compute as pc

    dated = store.table("dates", columns=["date"], filter=pc.field("date").is_valid())
    assert len(dated) == int(allsides.dates["date"].notna().sum())
    assert dated["date"].dtype == "datetime64[ns]"
    groups = store.table("articles", columns=["article_id", "group"])
    assert groups.set_index("article_id")["group"].sort_index().tolist() == \
        allsides.articles.set_index("article_id")["group"].sort_index().tolist()
    with pytest.raises(StoreError, match="no column nope"):
        store.table("mentions", columns=["nope"])
    with pytest.raises(StoreError, match="no `lexicon` table"):
        store.table("lexicon")


def test_plain_pandas_pyarrow_duckdb_and_dask_read_it(allsides, tmp_path):
    import duckdb
    import pyarrow.dataset as ds

    root = tmp_path / "s"
    write_store(allsides, root, rows_per_part=30)
    store = open_store(root)
    for name in ("mentions", "quotes", "dates", "stories"):
        want = expected(allsides, name)
        by_pandas = pd.read_parquet(root / name)  # the folder: hidden files are skipped
        by_arrow = ds.dataset(store.files(name), format="parquet").to_table().to_pandas()
        by_duckdb = duckdb.sql(f"SELECT * FROM read_parquet('{root}/{name}/*.parquet')").df()
        by_dask = store.dask(name).compute()
        for got in (by_pandas, by_arrow, by_duckdb, by_dask):
            got = ordered(tables.conform(got.reset_index(drop=True), name))
            # Each part has its own dictionary of story labels: the same labels, listed in
            # the order the parts give them.
            pd.testing.assert_frame_equal(got, want, check_categorical=name != "stories")
    # The pandas dtypes are the contract's even without conform (stored with the files).
    plain = pd.read_parquet(store.files("mentions"))
    assert dict(plain.dtypes.astype(str)) == {c.name: c.dtype for c in
                                              tables.TABLES["mentions"]}
    # An aggregation pushed into DuckDB over the live files gives the pandas counts.
    files = store.files("mentions")
    sql = duckdb.sql(f"SELECT entity, count(*) AS n FROM read_parquet({files}) "
                     "GROUP BY entity ORDER BY n DESC, entity LIMIT 5").df()
    counts = allsides.mentions.groupby("entity").size().reset_index(name="n")
    top = counts.sort_values(["n", "entity"], ascending=[False, True]).head(5)
    assert sql["entity"].tolist() == top["entity"].tolist()
    assert sql["n"].tolist() == top["n"].tolist()


def test_a_store_written_batch_by_batch_is_the_same_store(allsides, tmp_path):
    from workbench.store import StoreWriter
    from workbench.store.frames import pipeline_info

    whole = write_store(allsides, tmp_path / "whole", rows_per_part=25)
    stories = allsides.stories
    with StoreWriter(tmp_path / "batches", pipeline=pipeline_info(allsides),
                     rows_per_part=25) as w:
        for start in range(0, 100, 25):  # what a corpus too large for memory would do
            ids = set(allsides.articles["article_id"].iloc[start:start + 25])
            w.add({name: df[df["article_id"].isin(ids)] for name, df in
                   (("articles", allsides.articles), ("mentions", allsides.mentions),
                    ("quotes", allsides.quotes), ("dates", allsides.dates),
                    ("aside_mentions", allsides.aside_mentions), ("stories", stories))})
    assert w.report.summary() == "4 parts, 4 rewritten (28 files written, 0 removed); " \
        "100 articles"
    # File for file the same bytes, so the same names.
    assert open_store(tmp_path / "batches").parts == open_store(whole).parts
    with pytest.raises(StoreError, match="part 0 was already written"), \
            StoreWriter(tmp_path / "batches", rows_per_part=25) as w:
        w.add({"articles": allsides.articles.iloc[:5]})
        w.add({"articles": allsides.articles.iloc[5:10]}, number=0)
    assert open_store(tmp_path / "batches").parts == open_store(whole).parts  # unpublished
    with pytest.raises(StoreError, match="part 1 of `articles` has columns"), \
            StoreWriter(tmp_path / "batches", rows_per_part=25) as w:
        w.add({"articles": allsides.articles.iloc[:5]})
        w.add({"articles": allsides.articles.iloc[5:10].assign(extra="x")})


def test_an_update_rewrites_only_the_parts_that_changed(allsides, tmp_path):
    root = tmp_path / "s"
    ids = allsides.articles["article_id"].tolist()
    first = subset(allsides, ids[:75])
    r1 = update_store(first, root, rows_per_part=10, stories=False)
    assert (r1.parts, r1.rewritten) == (8, 8)  # the last part holds 5
    before = json.loads((root / MANIFEST).read_text())["parts"]
    # Then: article 5 is gone (part 0), article 25 moved to another outlet (part 2), the
    # other 25 arrive (5 top up part 7, 20 fill parts 8 and 9).
    arts = allsides.articles.copy()
    arts.loc[arts["article_id"] == ids[25], "outlet"] = "Another Outlet"
    second = subset(allsides, ids[:5] + ids[6:], articles=arts)
    r2 = update_store(second, root, rows_per_part=10, stories=False)
    assert (r2.parts, r2.rewritten, r2.articles) == (10, 5, 99)
    assert r2.summary().startswith("10 parts, 5 rewritten")
    after = json.loads((root / MANIFEST).read_text())["parts"]
    changed = {p["number"] for p in after
               if p["files"] != next((b["files"] for b in before
                                      if b["number"] == p["number"]), None)}
    assert changed == {0, 2, 7, 8, 9}
    # The outlet change rewrote part 2's articles file only: its texts and tables are as they
    # were, file for file.
    old2, new2 = before[2]["files"], after[2]["files"]
    assert old2["articles"] != new2["articles"]
    assert all(old2[t] == new2[t] for t in ("texts", "mentions", "quotes", "dates"))
    assert_store_holds(root, second, names=("articles", "mentions", "quotes", "dates"))
    assert stored_files(root) == live(root)  # the replaced files are gone
    # Nothing changed: nothing written.
    r3 = update_store(second, root, rows_per_part=10, stories=False)
    assert (r3.rewritten, r3.files_written, r3.files_removed) == (0, 0, 0)
    # Stories added later: one new file per part, nothing else rewritten.
    r4 = update_store(second, root, rows_per_part=10)
    assert (r4.rewritten, r4.files_written) == (10, 10)
    assert_store_holds(root, second)


def test_thinned_out_neighbours_are_merged(allsides, tmp_path):
    root = tmp_path / "s"
    ids = allsides.articles["article_id"].tolist()
    write_store(subset(allsides, ids[:40]), root, rows_per_part=10, stories=False)
    keep = ids[:2] + ids[10:13] + ids[20:30] + ids[30:34]  # parts keep 2, 3, 10 and 4
    r = update_store(subset(allsides, keep), root, rows_per_part=10, stories=False)
    assert [(p["number"], p["articles"]) for p in open_store(root).parts] == \
        [(0, 5), (2, 10), (3, 4)]
    assert (r.parts, r.rewritten) == (3, 2)
    assert_store_holds(root, subset(allsides, keep), names=("articles", "mentions", "quotes"))
    assert stored_files(root) == live(root)


def test_a_reader_of_an_older_manifest_rereads_the_new_one(allsides, tmp_path):
    root = tmp_path / "s"
    ids = allsides.articles["article_id"].tolist()
    write_store(subset(allsides, ids[:50]), root, rows_per_part=10, stories=False)
    reader = open_store(root)
    write_store(subset(allsides, ids[10:]), root, rows_per_part=10, stories=False)
    # The files the reader's manifest names are gone; it reads the new manifest's instead.
    got = reader.table("mentions")
    assert set(got["article_id"]) == set(allsides.mentions["article_id"]) - set(ids[:10])
    assert reader.n_articles == 90


def test_an_emptied_corpus_leaves_no_parts(allsides, tmp_path):
    root = tmp_path / "s"
    write_store(allsides, root, rows_per_part=40)
    r = update_store(subset(allsides, []), root, rows_per_part=40)
    assert (r.parts, r.articles, r.files_removed) == (0, 0, 3 * 7)
    assert stored_files(root) == {MANIFEST}
    store = open_store(root)
    assert store.n_articles == 0 and store.files("mentions") == []
    empty = store.table("mentions")
    assert len(empty) == 0 and dict(empty.dtypes) == dict(tables.empty("mentions").dtypes)


KILLER = r"""
import os, pickle, signal, sys
import workbench.store.files as F
from workbench.store import write_store

ann = pickle.load(open(sys.argv[1], "rb"))
where, n = sys.argv[3], int(sys.argv[4])
calls = {"put": 0}
def die():
    os.kill(os.getpid(), signal.SIGKILL)
put, replace, remove = F.put, os.replace, F.remove
def killing_put(fs, path, data):
    calls["put"] += 1
    if where == "part" and calls["put"] > n:
        die()
    put(fs, path, data)
def killing_replace(src, dst):
    if where == "manifest" and str(dst).endswith("_store.json"):
        die()  # the new manifest is written under its temporary name, not yet in place
    replace(src, dst)
def killing_remove(fs, paths):
    if where == "sweep" and paths:
        remove(fs, paths[:n])
        die()
    remove(fs, paths)
F.put, F.remove, os.replace = killing_put, killing_remove, killing_replace
write_store(ann, sys.argv[2], rows_per_part=5, stories=False)
"""


@pytest.mark.parametrize("where, n", [("part", 7), ("manifest", 0), ("sweep", 3),
                                      ("external", 0)])
def test_a_killed_write_leaves_the_store_whole(allsides, tmp_path, where, n):
    root = tmp_path / "s"
    ids = allsides.articles["article_id"].tolist()
    old = subset(allsides, ids[:60])
    write_store(old, root, rows_per_part=5, stories=False)
    arts = allsides.articles.copy()
    arts["outlet"] = arts["outlet"] + " (renamed)"  # every part's articles file changes
    new = subset(allsides, ids[20:], articles=arts)
    pickled = tmp_path / "new.pkl"
    pickled.write_bytes(pickle.dumps(new))
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    names = ("articles", "mentions", "quotes", "dates")
    proc = subprocess.Popen([sys.executable, str(script), str(pickled), str(root), where,
                             str(n)], stderr=subprocess.PIPE)
    if where == "external":  # kill -9 from outside, as soon as the first new file appears
        first = stored_files(root)
        while proc.poll() is None and stored_files(root) <= first:
            time.sleep(0.002)
        proc.kill()
    proc.wait(timeout=120)
    if where != "external":
        assert proc.returncode == -9, proc.stderr.read().decode()[-2000:]
    published = json.loads((root / MANIFEST).read_text())["tables"]["articles"]["rows"]
    if where == "sweep" or (where == "external" and published == 80):
        assert_store_holds(root, new, names)  # published before the kill: the new store
    else:
        assert published == 60
        assert_store_holds(root, old, names)  # the previous store, intact
    if where in ("part", "manifest"):
        assert stored_files(root) > live(root)  # leftovers the manifest does not list…
    r = update_store(new, root, rows_per_part=5, stories=False)
    assert_store_holds(root, new, names)
    assert stored_files(root) == live(root)  # …swept by the next write
    if where == "part":
        # Kept parts 4–11 get a new articles file, new parts 12–19 six files; the 7 files the
        # killed run finished are complete, and reused.
        assert r.files_written == 8 + 8 * 6 - n


def test_memory_and_file_urls(allsides, tmp_path):
    import fsspec

    ids = allsides.articles["article_id"].tolist()
    first, second = subset(allsides, ids[:40]), subset(allsides, ids[30:])
    url = "memory://store-test/corpus"
    try:
        assert write_store(first, url, rows_per_part=10) == url
        store = open_store(url)
        assert store.files("mentions")[0].startswith("memory:///store-test/corpus/mentions/")
        fs = fsspec.filesystem("memory")
        # A file no manifest lists (a killed writer's part) is not read, and the next write
        # removes it.
        orphan = "/store-test/corpus/mentions/part-00000-0000000000000000.parquet"
        fs.pipe_file(orphan, fs.cat_file(store.files("mentions")[1]))
        for name in TABLES:
            pd.testing.assert_frame_equal(ordered(open_store(url).table(name)),
                                          expected(first, name))
        r = update_store(second, url, rows_per_part=10)
        assert r.parts == 7 and not fs.exists(orphan)
        plain = pd.concat([pd.read_parquet(u) for u in open_store(url).files("quotes")])
        pd.testing.assert_frame_equal(ordered(tables.conform(plain, "quotes")),
                                      expected(second, "quotes"))
        for name in TABLES:
            pd.testing.assert_frame_equal(ordered(open_store(url).table(name)),
                                          expected(second, name))
        assert len(open_store(url).dask("dates").compute()) == len(second.dates)
        import duckdb

        con = duckdb.connect()
        con.register_filesystem(open_store(url).fs)  # DuckDB reads fsspec URLs through it
        n = con.sql(f"SELECT count(*) FROM read_parquet({open_store(url).files('quotes')})")
        assert n.fetchall() == [(len(second.quotes),)]
        batches = list(open_store(url).iter_parts("mentions", columns=["entity"]))
        assert len(batches) == 7 and sum(map(len, batches)) == len(second.mentions)
    finally:
        fsspec.filesystem("memory").rm("/store-test", recursive=True)
    root = tmp_path / "f"
    assert write_store(first, root.as_uri(), rows_per_part=10) == root
    assert_store_holds(root, first)
    assert open_store(root.as_uri()).files("dates") == open_store(root).files("dates")


def test_a_destination_that_is_no_store_is_refused(allsides, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a store .* not empty"):
        write_store(allsides, tmp_path)
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]  # not even a lock file
    with pytest.raises(StoreError, match="a file is in the way"):
        write_store(allsides, tmp_path / "notes.txt" / "store")
    with pytest.raises(StoreError, match="no store here"):
        open_store(tmp_path / "nothing")
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / MANIFEST).write_text('{"format": "something else"}')
    with pytest.raises(StoreError, match="not a workbench store manifest"):
        open_store(tmp_path / "bad")


def test_the_command_writes_then_updates(trained_model, cache_root, tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "store"
    argv = ["store", str(SAMPLE), "--out", str(out), "--model", trained_model,
            "--cache-dir", str(cache_root), "--rows-per-part", "2"]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert f"wrote {out}: 3 parts, 3 rewritten (21 files written, 0 removed); 5 articles" in said
    assert main(argv) == 0
    assert "3 parts, 0 rewritten (0 files written, 0 removed)" in capsys.readouterr().out
    assert open_store(out).n_articles == 5
    blocked = tmp_path / "file"
    blocked.write_text("")
    for bad, says in ((blocked / "store", "cannot write the store (a file is in the way)"),
                      ("nosuch://bucket/x", "cannot open this store location"),
                      (SAMPLE, "not a store (no _store.json) and not empty")):
        code = main([*argv[:3], str(bad), *argv[4:]])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and len(err) == 1 and err[0].startswith("error: ") and says in err[0]
    assert not {".lock", MANIFEST, "articles"} & set(os.listdir(SAMPLE))  # nothing written


# --- the store built shard by shard (workbench store --shard) ---------------------------------


def _store_tables(root) -> dict[str, pd.DataFrame]:
    store = open_store(root)
    return {name: store.table(name) for name in store.tables}


def test_a_store_built_shard_by_shard_is_the_store_written_whole(allsides, allsides_dir,
                                                                 trained_model, cache_root,
                                                                 tmp_path):
    """Five shards of 20 real articles, the corpus-wide name rules gathered across them: the
    same part files, byte for byte, as the store written from the whole annotated corpus."""
    from workbench.annotate.run import annotate
    from workbench.store.build import build_store

    raw = annotate(allsides.articles, model=trained_model, cache_dir=cache_root,
                   corpus_rules=False)
    cols = ["entity_id", "entity", "type"]
    changed = (raw.mentions[cols].astype(object).fillna("") !=
               allsides.mentions[cols].astype(object).fillna("")).any(axis=1)
    assert changed.sum() >= 20  # the rules have work to do across shards

    whole = write_store(allsides, tmp_path / "whole", rows_per_part=10)
    built = build_store(allsides_dir, tmp_path / "sharded", shard_articles=20,
                        rows_per_part=10, model=trained_model, cache_dir=cache_root)
    assert built.stats["shards"] == 5 and built.stats["articles"] == 100
    assert built.stats["annotated"] == 0  # the annotation cache is shared with the whole path
    assert sorted(built.problems) == sorted(allsides.problems)
    assert live(tmp_path / "sharded") == live(whole)
    for name in live(whole) - {MANIFEST}:
        assert (tmp_path / "sharded" / name).read_bytes() == (whole / name).read_bytes(), name
    got, want = _store_tables(tmp_path / "sharded"), _store_tables(whole)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name])
    assert not list((cache_root / "staging").glob(".stage-*"))  # the staging is removed

    # Building again onto the store written whole changes nothing.
    again = build_store(allsides_dir, whole, shard_articles=30, rows_per_part=10,
                        model=trained_model, cache_dir=cache_root)
    assert (again.write.rewritten, again.write.files_written) == (0, 0)


def test_a_sharded_build_of_two_languages_is_the_whole_build(trained_model, cache_root,
                                                            tmp_path):
    """Russian and English news with the sample: the Cyrillic↔Latin links and the stories'
    entity tokens (a corpus of two languages) come out as from the whole corpus."""
    import shutil

    from workbench.session import open_corpus
    from workbench.store.build import build_store

    path = SHARED / "corpora" / "tgcontest-articles.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not available")
    corpus = tmp_path / "corpus"
    shutil.copytree(SAMPLE, corpus)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    picked = [r for r in rows if r["lang"] == "ru"][:20] + [r for r in rows
                                                           if r["lang"] == "en"][:12]
    (corpus / "tg.jsonl").write_text("".join(json.dumps(r) + "\n" for r in picked),
                                     encoding="utf-8")
    ann = open_corpus(corpus, model=trained_model, cache_dir=cache_root)
    assert set(ann.articles["language"]) >= {"ru", "en"}
    whole = write_store(ann, tmp_path / "whole", rows_per_part=4)
    build_store(corpus, tmp_path / "sharded", shard_articles=8, rows_per_part=4,
                model=trained_model, cache_dir=cache_root)
    assert live(tmp_path / "sharded") == live(whole)
    got, want = _store_tables(tmp_path / "sharded"), _store_tables(whole)
    for name in want:
        pd.testing.assert_frame_equal(got[name], want[name])


def test_an_interrupted_sharded_build_leaves_the_store_as_it_was(allsides, allsides_dir,
                                                                trained_model, cache_root,
                                                                tmp_path, monkeypatch):
    from workbench.store import build

    dest = write_store(allsides, tmp_path / "store", rows_per_part=10)
    before = {p: (dest / p).read_bytes() for p in stored_files(dest)}
    calls = []

    def stops(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return annotate(*args, **kwargs)

    from workbench.annotate.run import annotate

    monkeypatch.setattr(build, "annotate", stops)
    with pytest.raises(KeyboardInterrupt):
        build.build_store(allsides_dir, dest, shard_articles=20, rows_per_part=5,
                          model=trained_model, cache_dir=cache_root)
    assert {p: (dest / p).read_bytes() for p in stored_files(dest)} == before
    assert not list((cache_root / "staging").glob(".stage-*"))


def test_the_command_builds_shard_by_shard(allsides_dir, trained_model, cache_root, tmp_path,
                                           capsys):
    from workbench.cli import main

    out = tmp_path / "store"
    killed = cache_root / "staging" / ".stage-killed.tmp"  # what a killed build left
    killed.mkdir(parents=True)
    (killed / "chunk-000000.pkl").write_bytes(b"x")
    os.utime(killed, (time.time() - 2 * 86400,) * 2)
    assert main(["store", str(allsides_dir), "--out", str(out), "--model", trained_model,
                 "--cache-dir", str(cache_root), "--rows-per-part", "25", "--shard", "50",
                 "--no-stories"]) == 0
    assert not killed.exists()
    said = capsys.readouterr().out
    assert "100 articles in 2 shard(s): 0 annotated, 100 from the cache" in said
    assert f"wrote {out}: 4 parts, 4 rewritten (24 files written, 0 removed); 100 articles" \
        in said
    assert "stories" not in open_store(out).tables


def test_sharded_stories_read_their_leads_from_disk_as_the_whole_corpus(
        trained_model, cache_root, tmp_path, monkeypatch):
    """NewsWCL50 (10 events, 5 outlets each), with the IDF from a sample and several time
    segments (the path of a corpus over 50k articles, forced here on 50): the stories of a
    sharded build, whose texts wait on disk sorted by DuckDB, are the whole corpus's."""
    from workbench.analyze import stories as S
    from workbench.session import open_corpus
    from workbench.store.build import build_store

    path = SHARED / "corpora" / "newswcl50.jsonl.gz"
    if not path.exists():
        pytest.skip(f"{path} not available")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "wcl.jsonl").write_bytes(gzip.decompress(path.read_bytes()))
    ann = open_corpus(corpus, model=trained_model, cache_dir=cache_root)
    monkeypatch.setattr(S, "IDF_SAMPLE", 20)
    monkeypatch.setattr(S, "SEGMENT", 15)
    want = tables.conform(S.group_stories(ann.articles, ann.mentions), "stories")
    assert want["story_id"].nunique() <= 30  # stories of several articles
    build_store(corpus, tmp_path / "sharded", shard_articles=12, rows_per_part=6,
                model=trained_model, cache_dir=cache_root)
    got = open_store(tmp_path / "sharded").table("stories")
    want.attrs = {}
    pd.testing.assert_frame_equal(ordered(got), ordered(want))
