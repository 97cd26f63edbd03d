"""Bad input: each problem is one line naming the file, and every good article still loads."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main
from workbench.corpus.load import CorpusError, load_corpus, problems

from conftest import sample_text

GOOD = sample_text("003")  # Moldova 1's article, a real good file
RUSSIAN = ("Украина официально прекратила контакты с Москвой по урегулированию конфликта, "
           "заявили в МИД России. Песков сказал, что Киеву рано или поздно придётся вернуться "
           "к переговорам, но с гораздо худших позиций.\n") * 3


def load_with(tmp_path: Path, name: str, data: bytes) -> tuple[list[str], object]:
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / name).write_bytes(data)
    df = load_corpus(tmp_path)
    assert "good.txt" in " ".join(df["path"]), "the good article must still load"
    return problems(df), df


def one_problem_about(found: list[str], name: str, *words: str) -> str:
    lines = [p for p in found if name in p]
    assert len(lines) == 1, found
    assert "\n" not in lines[0]
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


def test_empty_file(tmp_path):
    found, _ = load_with(tmp_path, "empty.txt", b"")
    one_problem_about(found, "empty.txt", "empty file")


def test_whitespace_only_file(tmp_path):
    found, _ = load_with(tmp_path, "blank.txt", b"  \n\t\n   \r\n")
    one_problem_about(found, "blank.txt", "only whitespace")


def test_binary_file(tmp_path):
    found, _ = load_with(tmp_path, "scan.txt", bytes(range(256)) * 40)
    one_problem_about(found, "scan.txt", "binary")


def test_pdf_saved_as_txt(tmp_path):
    found, _ = load_with(tmp_path, "article.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    one_problem_about(found, "article.txt", "PDF")


def test_cp1251_russian_is_decoded(tmp_path):
    found, df = load_with(tmp_path, "ru.txt", RUSSIAN.encode("cp1251"))
    ru = df[df["path"].str.endswith("ru.txt")].iloc[0]
    assert "Песков" in ru["text"] and ru["language"] == "ru"
    assert "decoded as cp1251" in ru["warnings"]
    assert not [p for p in found if "ru.txt" in p]


def test_utf16_with_bom(tmp_path):
    found, df = load_with(tmp_path, "u16.txt", GOOD.replace("Galuzin", "Галузин").encode("utf-16"))
    u = df[df["path"].str.endswith("u16.txt")].iloc[0]
    assert u["title"] == "Russia reaffirms readiness to resume Ukraine negotiations in Istanbul"
    assert "Галузин" in u["text"]
    assert found == []


def test_malformed_header_date(tmp_path):
    bad = sample_text("001").replace("date 2025-11-13", "date 2025-13-45")
    found, df = load_with(tmp_path, "bad-date.txt", bad.encode())
    r = df[df["path"].str.endswith("bad-date.txt")].iloc[0]
    assert "'2025-13-45' is not a valid date" in r["warnings"]
    assert r["title"].startswith("Kremlin Claims Willingness")  # the rest of the header is kept
    assert r["published_source"] != "header"


def test_huge_file_is_skipped_with_a_reason(tmp_path):
    found, _ = load_with(tmp_path, "huge.txt", (GOOD + "\n").encode() * (50 * 1024 * 1024 //
                                                                      len(GOOD.encode())))
    one_problem_about(found, "huge.txt", "MB is over the 10 MB limit", "max_file_mb")


def test_truncated_jsonl_line(tmp_path):
    good = json.dumps({"title": "A", "text": GOOD, "source": "Moldova 1", "date": "2025-11-12"})
    data = (good + "\n" + good[: len(good) // 2]).encode()
    found, df = load_with(tmp_path, "dump.jsonl", data)
    assert len(df) == 2
    one_problem_about(found, "dump.jsonl:2", "truncated JSON", "skipped")


def test_truncated_gzip(tmp_path):
    good = json.dumps({"title": "A", "text": GOOD, "source": "Moldova 1"}) + "\n"
    blob = gzip.compress((good * 200).encode())
    found, df = load_with(tmp_path, "dump.jsonl.gz", blob[: len(blob) // 2])
    assert len(df) > 2  # the records before the cut are kept
    one_problem_about(found, "dump.jsonl.gz", "ends early")


def test_record_without_text(tmp_path):
    recs = [{"title": "no body", "source": "X"}, {"title": "A", "text": GOOD, "source": "Y"}]
    found, df = load_with(tmp_path, "d.jsonl", "\n".join(map(json.dumps, recs)).encode())
    one_problem_about(found, "d.jsonl:1", "no article text")


def test_unreadable_file(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    found, _ = load_with(tmp_path, "fine.txt", GOOD.encode())
    one_problem_about(found, "gone.txt", "cannot read")
    if os.geteuid() != 0:  # root reads anything; the permission case only exists for users
        locked = tmp_path / "locked.txt"
        locked.write_text(GOOD, encoding="utf-8")
        locked.chmod(0)
        one_problem_about(problems(load_corpus(tmp_path)), "locked.txt", "cannot read")


def test_odd_file_names(tmp_path):
    for name in ["with spaces.txt", "Известия — статья.txt", "naïve café (1).md"]:
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    df = load_corpus(tmp_path)
    assert len(df) == 3 and problems(df) == []
    assert {Path(p).name for p in df["path"]} == {"with spaces.txt", "Известия — статья.txt",
                                                   "naïve café (1).md"}


def test_bad_front_matter_keeps_the_article(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: [unclosed\n---\n" + GOOD, encoding="utf-8")
    r = load_corpus(tmp_path).iloc[0]
    assert "front matter is not valid YAML" in r["warnings"]
    assert "Polishchuk" in r["text"]


def test_bad_sidecar_row_is_reported(sample_copy):
    meta = sample_copy / "metadata.csv"
    meta.write_text("file,published\n003_7c94212d73da4d5b.txt,someday\n", encoding="utf-8")
    df = load_corpus(sample_copy)
    line = one_problem_about(problems(df), "metadata.csv", "someday")
    assert len(df) == 5 and "not a recognisable date" in line


def test_missing_path_and_empty_folder(tmp_path, capsys):
    with pytest.raises(CorpusError, match="no such file or folder"):
        load_corpus(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no article files found"):
        load_corpus(tmp_path / "empty")
    assert main(["corpus", str(tmp_path / "missing")]) != 0
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["corpus", str(tmp_path / "empty")]) != 0


def test_nothing_loadable_is_an_error_listing_the_problems(tmp_path, capsys):
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 10)
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert len(info.value.problems) == 2
    assert main(["corpus", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "a.txt: empty file" in err and "b.txt" in err


def test_cli_prints_problems(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["corpus", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "Problems (1):" in out and "empty.txt: empty file" in out


def test_file_name_that_is_not_utf8(tmp_path):
    name = os.fsdecode(b"bad\xff\xfename.txt")
    (tmp_path / name).write_text(GOOD, encoding="utf-8")
    df = load_corpus(tmp_path)
    assert len(df) == 1 and "\\xff" in df["path"].iloc[0]
    df.to_parquet(tmp_path / "out.parquet")


def test_utf16_without_bom(tmp_path):
    for enc in ("utf-16-le", "utf-16-be"):
        found, df = load_with(tmp_path, f"{enc}.txt", GOOD.encode(enc))
        assert "Polishchuk" in df[df["path"].str.endswith(f"{enc}.txt")].iloc[0]["text"]


def test_cp1252_smart_quotes_are_not_read_as_central_european(tmp_path):
    text = ("The minister called the plan \u201cna\u00efve\u201d and said the caf\u00e9 "
            "owners\u2019 union would meet again on Friday to discuss the r\u00e9sum\u00e9 of "
            "talks. ") * 3
    found, df = load_with(tmp_path, "west.txt", text.encode("cp1252"))
    row = df[df["path"].str.endswith("west.txt")].iloc[0]
    assert "\u201cna\u00efve\u201d" in row["text"]


def test_single_json_object_is_one_article(tmp_path):
    found, df = load_with(tmp_path, "one.json", json.dumps(
        {"title": "Talks", "text": GOOD, "tags": ["a", "b"]}).encode())
    assert (df["title"] == "Talks").any() and found == []


def test_jsonl_with_bom_and_a_stray_encoding_line(tmp_path):
    rec = {"title": "A", "text": GOOD, "source": "Moldova 1"}
    lines = [json.dumps(rec).encode("utf-8") for _ in range(4)]
    lines[2] = json.dumps({**rec, "title": "caf\u00e9"}, ensure_ascii=False).encode("cp1252")
    data = b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n"
    found, df = load_with(tmp_path, "d.jsonl", data)
    rows = df[df["path"].str.contains("d.jsonl")]
    assert len(rows) == 4 and list(rows["path"].str.split(":").str[-1]) == ["1", "2", "3", "4"]
    one_problem_about(found, "d.jsonl:3", "not UTF-8")


def test_semicolon_csv_and_non_article_csv(tmp_path):
    good = tmp_path / "ok"
    good.mkdir()
    (good / "d.csv").write_bytes(("\ufefftitle;text;source\nTalks;" + GOOD.replace("\n", " ")
                                  .replace(";", ",") + ";Moldova 1\n").encode("utf-8"))
    df = load_corpus(good)
    assert len(df) == 1 and df.iloc[0]["outlet"] == "Moldova 1"
    notes = "name,score\n" + "".join(f"x{i},{i}\n" for i in range(50))
    found, _ = load_with(tmp_path, "notes.csv", notes.encode())
    one_problem_about(found, "notes.csv", "no article text column")


def test_header_date_without_title_and_date_words_that_are_a_title(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-03-04\n" + GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text("date night ideas for couples stuck at home\n" + GOOD,
                                    encoding="utf-8")
    df = load_corpus(tmp_path).set_index("path")
    a = df.loc[str(tmp_path / "a.txt")]
    assert (a["published"], a["published_source"]) == (pd.Timestamp("2025-03-04"), "header")
    assert a["title"] == "Russia reaffirms readiness to resume Ukraine negotiations in Istanbul"
    b = df.loc[str(tmp_path / "b.txt")]
    assert b["title"] == "date night ideas for couples stuck at home"


def test_metadata_rows_match_by_relative_path_and_unmatched_rows_are_reported(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "sub" / "a.txt").write_text(GOOD + "\nAnother copy.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,outlet\na.txt,Root Outlet\nmissing.txt,X\n",
                                           encoding="utf-8")
    df = load_corpus(tmp_path)
    outlets = dict(zip(df["path"].map(lambda p: Path(p).relative_to(tmp_path).as_posix()),
                       df["outlet"]))
    assert outlets["a.txt"] == "Root Outlet" and pd.isna(outlets["sub/a.txt"])
    one_problem_about(problems(df), "metadata.csv", "missing.txt", "matches no article file")


def test_ambiguous_and_relative_metadata_dates_are_refused(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("file,published\na.txt,12/09/2025\n", encoding="utf-8")
    df = load_corpus(tmp_path)
    one_problem_about(problems(df), "metadata.csv", "ambiguous")


def test_unknown_field_in_mapping_is_a_clear_cli_error(tmp_path, capsys):
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": GOOD}), encoding="utf-8")
    assert main(["corpus", str(tmp_path), "--field", "txt=body"]) == 1
    assert "unknown field 'txt'" in capsys.readouterr().err
