"""The sample corpus loads the way a researcher needs it to (issue: corpus loading, Must show)."""

from __future__ import annotations

import pandas as pd

from workbench import tables
from workbench.cli import main


def by_file(df: pd.DataFrame, prefix: str) -> pd.Series:
    return df[df["path"].str.contains(f"/{prefix}_")].iloc[0]


def test_five_articles_with_contract_columns(sample_articles):
    df = sample_articles
    assert len(df) == 5
    assert list(df.columns[: len(tables.columns("articles"))]) == tables.columns("articles")
    assert df["article_id"].is_unique
    assert df.attrs["problems"] == []
    assert any("PROVENANCE.md" in s for s in df.attrs["skipped"])


def test_outlets_titles_and_dates_with_their_source(sample_articles):
    df = sample_articles
    novinite = by_file(df, "001")
    assert novinite["outlet"] == "Novinite"
    assert novinite["title"].startswith("Kremlin Claims Willingness for Peace Talks")
    assert (novinite["published"], novinite["published_source"]) == (pd.Timestamp("2025-11-13"),
                                                                      "header")
    izvestia = by_file(df, "002")
    assert izvestia["outlet"] == "Izvestia"
    # Not stated; the text reports events "as of November 13" of a year it names (2025).
    assert izvestia["published"] == pd.Timestamp("2025-11-13")
    assert izvestia["published_source"] == "text"
    assert izvestia["published_evidence"] == "November 13"
    moldova = by_file(df, "003")
    assert moldova["title"] == (
        "Russia reaffirms readiness to resume Ukraine negotiations in Istanbul")
    assert moldova["title_source"] == "first-line"
    assert moldova["published"] == pd.Timestamp("2025-11-12")  # "on Wednesday, November 12"
    assert moldova["published_source"] == "text"
    syria = by_file(df, "004")
    assert syria["title"] == "The Kremlin confirms that negotiations with Kyiv are stalled"
    # Only "Friday" and "Zapad-2025": no date is stated, so none is made up.
    assert pd.isna(syria["published"]) and syria["published_source"] == "unknown"


def test_duplicate_pair_linked(sample_articles):
    df = sample_articles
    a, b = by_file(df, "000"), by_file(df, "001")
    assert b["duplicate_of"] == a["article_id"]
    assert df["duplicate_of"].notna().sum() == 1


def test_translations_credited(sample_articles):
    izvestia = by_file(sample_articles, "002")
    assert (izvestia["translated_by"], izvestia["translation"]) == ("Yandex Translator", "machine")
    moldova = by_file(sample_articles, "003")
    assert (moldova["translated_by"], moldova["translation"]) == ("Iurie Tataru", "human")
    assert moldova["author"] == "Ana Cebotari"


def test_clean_text_keeps_the_article_and_sets_aside_cyrillic(sample_articles):
    izvestia = by_file(sample_articles, "002")
    assert "Skip to main content" not in izvestia["text"]
    assert "Photo:" not in izvestia["text"]
    assert "Украина" in izvestia["aside_text"] and "Украина" not in izvestia["text"]
    assert izvestia["text"].startswith("Ukraine was initially not in the mood for negotiations")
    assert "Kiev regime" in izvestia["text"]
    assert izvestia["raw_text"].startswith("Skip to main content")
    glued = by_file(sample_articles, "000")
    assert "When Politics Means Violence" not in glued["text"]
    assert glued["text"].endswith("with no end in sight.")


def test_sources_joined(sample_articles):
    assert by_file(sample_articles, "002")["country"] == "Russia"
    assert by_file(sample_articles, "003")["country"] == "Moldova"


def test_cli_prints_table_and_writes_files(sample_dir, tmp_path, capsys):
    out = tmp_path / "articles.parquet"
    assert main(["corpus", str(sample_dir), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5 articles, 4 outlets, 1 duplicate(s) linked, 1 undated" in printed
    assert "Izvestia" in printed and "text: November 13" in printed
    assert "machine translation credited (Yandex Translator)" in printed
    back = pd.read_parquet(out)
    assert len(back) == 5 and set(tables.columns("articles")) <= set(back.columns)
    csv = tmp_path / "articles.csv"
    assert main(["corpus", str(sample_dir), "--out", str(csv)]) == 0
    assert len(pd.read_csv(csv)) == 5


def test_without_sidecar_outlet_is_inferred_or_unknown(sample_copy):
    from workbench.corpus.load import load_corpus

    (sample_copy / "metadata.csv").unlink()
    df = load_corpus(sample_copy)
    izvestia = by_file(df, "002")
    # "…, told Izvestia." again and again: the outlet credits itself.
    assert (izvestia["outlet"], izvestia["outlet_source"]) == ("Izvestia", "credit")
    assert by_file(df, "004")["outlet_source"] == "unknown"


def test_outlets_missing_from_sources_csv_are_one_problem_line(tmp_path):
    """Articles whose outlet has no sources.csv row are in no group: the load says so, once,
    naming the file and the outlets (a comparison of groups would otherwise lose them
    silently)."""
    import shutil
    from pathlib import Path

    from workbench.corpus.load import load_corpus, problems

    sample = Path(__file__).resolve().parents[1] / "data" / "sample"
    for src in sample.glob("*.txt"):
        shutil.copy(src, tmp_path / src.name)
    shutil.copy(sample / "metadata.csv", tmp_path / "metadata.csv")
    sources = tmp_path / "my-sources.csv"
    sources.write_text("outlet,bloc\nNovinite,EU\nIzvestia,Russia\nMoldova 1,EU\n", "utf-8")
    lines = [p for p in problems(load_corpus(tmp_path, sources=sources)) if "no row" in p]
    assert len(lines) == 1 and lines[0].startswith(str(sources))
    assert "syrializm" in lines[0].casefold()
    assert not [p for p in problems(load_corpus(sample)) if "no row" in p]  # all listed
