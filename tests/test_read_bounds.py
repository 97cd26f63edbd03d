"""Hostile and faulty files: bounded memory, one named problem, every good article still loads.

The bombs run in a child process that reports its own peak RSS, so a regression shows as a
number (and cannot take the test runner down with it).
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from workbench.corpus.load import load_corpus, problems
from workbench.read.limits import Limits

GOOD = ("Moldova's president said on Wednesday, November 12, that talks with the European Union "
        "on accession would continue — talks on energy come first, officials said in Chisinau.")

# Peak RSS the loader may reach on any bomb: python + pandas + the workbench is ~150 MB.
MAX_RSS_MB = 450

_CHILD = textwrap.dedent("""
    import json, sys
    from workbench.corpus.load import load_corpus, problems
    from workbench.read.files import CorpusError
    try:
        df = load_corpus(sys.argv[1], dedupe=False)
        out = {"n": len(df), "problems": problems(df), "columns": list(df.columns)}
    except CorpusError as exc:
        out = {"n": 0, "problems": [str(exc), *exc.problems], "columns": []}
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss over from the forking parent
    # (the test runner, often past 1 GB); VmHWM belongs to this process's own memory.
    with open("/proc/self/status") as fh:
        hwm = next(line for line in fh if line.startswith("VmHWM:"))
    out["rss_mb"] = int(hwm.split()[1]) / 1024
    print(json.dumps(out))
""")


def load_in_child(path: Path, timeout: float = 120) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True,
                          text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def good_record(i: int) -> str:
    return json.dumps({"title": f"Talks {i}", "text": f"{GOOD} Item {i}.", "source": "Moldova 1"})


def about(found: list[str], *words: str) -> list[str]:
    return [p for p in found if all(w in p for w in words)]


def write_gzip(path: Path, parts) -> None:
    with gzip.open(path, "wb", compresslevel=1) as fh:
        for part in parts:
            fh.write(part)


@pytest.mark.slow
def test_one_huge_line_in_gzip_is_a_bomb_not_a_memory_spike(tmp_path):
    # 400 MB of one character on one line (the 4 GB repro, smaller): compresses ~1000:1.
    write_gzip(tmp_path / "one.jsonl.gz",
               [good_record(0).encode() + b"\n", b'{"text": "'] + [b"a" * (1 << 20)] * 400)
    (tmp_path / "fine.txt").write_text(GOOD, encoding="utf-8")
    out = load_in_child(tmp_path)
    assert out["rss_mb"] < MAX_RSS_MB, out
    assert out["n"] == 2  # the record before the bomb, and the other file
    assert len(about(out["problems"], "one.jsonl.gz", "compression bomb")) == 1, out["problems"]


@pytest.mark.slow
def test_many_big_records_in_gzip_stop_at_the_ratio(tmp_path):
    # 300 records of 1 MB each (the 3,000-record repro, smaller).
    rec = json.dumps({"text": "a" * (1 << 20)}).encode() + b"\n"
    write_gzip(tmp_path / "many.jsonl.gz", [rec] * 300)
    out = load_in_child(tmp_path)
    assert out["rss_mb"] < MAX_RSS_MB, out
    assert about(out["problems"], "many.jsonl.gz", "compression bomb", "100:1")


@pytest.mark.slow
def test_csv_gzip_bomb(tmp_path):
    write_gzip(tmp_path / "big.csv.gz",
               [b"title,text\n"] + [b"T,\"" + b"a" * 1_000_000 + b"\"\n"] * 100)
    out = load_in_child(tmp_path)
    assert out["rss_mb"] < MAX_RSS_MB, out
    assert about(out["problems"], "big.csv.gz", "compression bomb")


@pytest.mark.slow
def test_record_over_the_cap_is_skipped_and_the_next_one_loads(tmp_path):
    # An uncompressed 60 MB record between two good ones (incompressible text: no bomb).
    body = os.urandom(30 << 20).hex()
    with open(tmp_path / "dump.jsonl", "w", encoding="utf-8") as fh:
        fh.write(good_record(1) + "\n")
        fh.write(json.dumps({"text": body}) + "\n")
        fh.write(good_record(2) + "\n")
    del body
    out = load_in_child(tmp_path)
    assert out["rss_mb"] < MAX_RSS_MB, out
    assert out["n"] == 2
    assert about(out["problems"], "dump.jsonl:2", "10 MB limit", "max_file_mb"), out["problems"]


def test_the_caps_can_be_raised(tmp_path):
    body = "word " * 300_000  # 1.5 MB
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": body}) + "\n" + good_record(1) + "\n",
                                      encoding="utf-8")
    assert len(load_corpus(tmp_path, limits=Limits(max_file_mb=1), dedupe=False)) == 1
    assert len(load_corpus(tmp_path, limits=Limits(max_file_mb=2), dedupe=False)) == 2


def test_link_to_dev_zero_and_to_files_outside_are_refused(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "fine.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    df = load_corpus(corpus)
    assert len(df) == 1
    found = problems(df)
    assert about(found, "passwd.txt", "outside the corpus folder", "follow_symlinks")
    assert about(found, "zero.txt", "outside the corpus folder")
    # Asked to follow links, a device is still not read (it would never end).
    df = load_corpus(corpus, limits=Limits(follow_symlinks=True))
    assert about(problems(df), "zero.txt", "not a regular file")
    assert "root:" in " ".join(df["text"])  # the link the user asked for is followed


def test_links_inside_the_corpus_are_followed(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "one.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "alias.txt").symlink_to(corpus / "a" / "one.txt")
    df = load_corpus(corpus, dedupe=False)
    assert len(df) == 2 and not problems(df)


def test_corpus_path_that_is_a_link_to_a_folder(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "fine.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    assert len(load_corpus(tmp_path / "link")) == 1


def test_fifo_does_not_hang_the_load(tmp_path):
    (tmp_path / "fine.txt").write_text(GOOD, encoding="utf-8")
    os.mkfifo(tmp_path / "p.txt")
    out = load_in_child(tmp_path, timeout=60)
    assert out["n"] == 1
    assert about(out["problems"], "p.txt", "not a regular file")


def test_yaml_alias_bomb_in_front_matter(tmp_path):
    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    text = "---\n" + "\n".join(levels) + "\ntitle: *i\n---\n" + GOOD
    (tmp_path / "bomb.md").write_text(text, encoding="utf-8")
    df = load_corpus(tmp_path)
    assert len(df) == 1 and df["title_source"].iloc[0] != "front-matter"  # metadata not used
    assert "YAML aliases" in df["warnings"].iloc[0]


def test_yaml_alias_bomb_in_report_config(tmp_path):
    from workbench.report.config import load_config
    from workbench.report.errors import ReportError

    levels = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i, name in enumerate("bcdefghi"):
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{'abcdefghi'[i]}"] * 9) + "]")
    cfg = tmp_path / "report.yml"
    cfg.write_text("\n".join(levels) + "\nparameters: {top_n: *i}\n", encoding="utf-8")
    with pytest.raises(ReportError, match="alias"):
        load_config(cfg)


def test_many_distinct_keys_are_bounded(tmp_path):
    with open(tmp_path / "wide.jsonl", "w", encoding="utf-8") as fh:
        for i in range(200):
            rec = {"text": f"{GOOD} Number {i}.", **{f"k{i}_{j}": j for j in range(500)}}
            fh.write(json.dumps(rec) + "\n")
    df = load_corpus(tmp_path, dedupe=False)
    assert len(df) == 200
    assert len(df.columns) <= 30 + Limits().max_fields
    assert about(problems(df), "wide.jsonl", "max_fields=64")


def test_deeply_nested_json_costs_one_record(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "d.jsonl").write_text(good_record(1) + "\n" + deep + "\n" + good_record(2) + "\n",
                                      encoding="utf-8")
    (tmp_path / "whole.json").write_text(deep, encoding="utf-8")
    (tmp_path / "fine.txt").write_text(GOOD, encoding="utf-8")
    df = load_corpus(tmp_path, dedupe=False)
    assert len(df) == 3
    assert about(problems(df), "d.jsonl:2", "nested too deeply")
    assert about(problems(df), "whole.json", "nested too deeply")


def test_front_matter_date_out_of_range(tmp_path):
    (tmp_path / "a.md").write_text(f"---\ntitle: Talks\ndate: 9999-12-31\n---\n{GOOD}",
                                   encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD + " Again.", encoding="utf-8")
    df = load_corpus(tmp_path)
    assert len(df) == 2
    row = df[df["title"] == "Talks"].iloc[0]
    assert row["published_source"] != "front-matter"
    assert "9999-12-31" in row["warnings"]


def test_csv_with_one_stray_byte_keeps_every_row(tmp_path):
    rows = [f'"Talks {i}","{GOOD} Row {i}.","Moldova 1"' for i in range(300)]
    data = ("title,text,source\n" + "\n".join(rows) + "\n").encode("utf-8")
    data = data.replace(b"Row 150.", b"Row 150 \x96 dash.")  # cp1252 en dash in UTF-8
    (tmp_path / "d.csv").write_bytes(data)
    df = load_corpus(tmp_path, dedupe=False)
    assert len(df) == 300
    found = about(problems(df), "d.csv:")
    assert len(found) == 1 and "1 byte not UTF-8 replaced" in found[0], found
    assert df["text"].str.contains("—").all()  # the UTF-8 dashes are intact
    assert "Row 150 \ufffd dash" in " ".join(df["text"])


def test_csv_with_nul_bytes_and_mixed_encodings(tmp_path):
    lines = ["title,text"]
    lines += [f"Talks {i},\"{GOOD} Row {i}.\"" for i in range(20)]
    data = "\n".join(lines).encode("utf-8") + b"\n"
    data += 'Известия,"Переговоры в Кишинёве продолжатся, сказал президент."\n'.encode("cp1251")
    data += "Café,\"Le président a parlé à Chisinau, naïve déclaration.\"\n".encode("latin-1")
    data = data.replace(b"Row 3.", b"Row\x00 3.")
    (tmp_path / "mixed.csv").write_bytes(data)
    df = load_corpus(tmp_path, dedupe=False)
    assert len(df) == 22
    text = " ".join(df["text"])
    assert "Row 3." in text and "\x00" not in text
    assert "Переговоры в Кишинёве" in text
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in text)  # no Thai


def test_txt_with_a_stray_byte_stays_utf8(tmp_path):
    data = GOOD.encode("utf-8").replace(b"accession", b"acces\xe9ion")
    (tmp_path / "a.txt").write_bytes(data)
    df = load_corpus(tmp_path)
    assert "talks on energy" in df["text"].iloc[0] and "—" in df["text"].iloc[0]
    assert about(problems(df), "a.txt", "1 byte not UTF-8 replaced")


def test_metadata_with_one_malformed_row_keeps_the_others(sample_copy):
    meta = sample_copy / "metadata.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "broken.txt,Outlet,2025-01-01,Title,http://x,extra,too,many")
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = load_corpus(sample_copy)
    assert about(problems(df), "metadata.csv", "malformed row")
    assert (df["outlet_source"] == "sidecar").sum() >= 4


def test_report_folder_inside_the_corpus_is_not_read_back(sample_copy):
    before = len(load_corpus(sample_copy))
    out = sample_copy / "reports"
    out.mkdir()
    (out / "index.html").write_text("<html><body><p>" + GOOD + "</p></body></html>",
                                    encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"corpus": {}, "pipeline": {},
                                                   "knowledge_base": {}}), encoding="utf-8")
    df = load_corpus(sample_copy)
    assert len(df) == before
    assert any("report folder" in s for s in df.attrs["skipped"])


def test_cli_flags_set_the_caps(tmp_path):
    body = "word " * 300_000  # 1.5 MB
    (tmp_path / "d.jsonl").write_text(json.dumps({"text": body}) + "\n" + good_record(1) + "\n",
                                      encoding="utf-8")
    cmd = [sys.executable, "-m", "workbench", "corpus", str(tmp_path)]
    capped = subprocess.run([*cmd, "--max-file-mb", "1"], capture_output=True, text=True)
    assert capped.returncode == 0 and "1 MB limit" in capped.stdout + capped.stderr
    raised = subprocess.run([*cmd, "--max-file-mb", "2"], capture_output=True, text=True)
    assert "MB limit" not in raised.stdout + raised.stderr
