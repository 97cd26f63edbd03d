"""Every input format the loader accepts, on real article text."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from workbench.corpus.load import load_corpus

from conftest import sample_text

BODY = sample_text("004").split("\n", 1)[1]  # the wire story, without its headline line
TITLE = "The Kremlin confirms that negotiations with Kyiv are stalled"


def row(df: pd.DataFrame) -> pd.Series:
    assert len(df) == 1, df[["path", "title"]]
    return df.iloc[0]


def test_plain_text_with_header(tmp_path: Path):
    (tmp_path / "a.txt").write_text(f" date 2025-09-12 {TITLE}\n{BODY}", encoding="utf-8")
    r = row(load_corpus(tmp_path))
    assert (r["title"], r["title_source"]) == (TITLE, "header")
    assert (r["published"], r["published_source"]) == (pd.Timestamp("2025-09-12"), "header")
    assert r["text"].startswith("The Kremlin announced on Friday")


def test_plain_text_without_header(tmp_path: Path):
    (tmp_path / "a.txt").write_text(f"{TITLE}\n{BODY}", encoding="utf-8")
    r = row(load_corpus(tmp_path))
    assert (r["title"], r["title_source"]) == (TITLE, "first-line")
    assert TITLE not in r["text"]


def test_markdown_front_matter(tmp_path: Path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Kremlin says talks stalled\ndate: 2025-09-12\nsource: Example Wire\n"
        "url: https://example.org/kremlin\nauthor: [Jane Roe, John Doe]\n---\n" + BODY,
        encoding="utf-8")
    r = row(load_corpus(tmp_path))
    assert r["title"] == "Kremlin says talks stalled" and r["title_source"] == "front-matter"
    assert r["published"] == pd.Timestamp("2025-09-12")
    assert r["published_source"] == "front-matter"
    assert (r["outlet"], r["outlet_source"]) == ("Example Wire", "front-matter")
    assert r["url"] == "https://example.org/kremlin"
    assert r["author"] == "Jane Roe, John Doe"
    assert "---" not in r["text"]


def test_html_main_text_and_metadata(tmp_path: Path):
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY.split("\n") if p)
    (tmp_path / "page.html").write_text(
        "<html><head><title>Kremlin | Example</title>"
        '<meta property="og:site_name" content="Example News">'
        '<meta property="article:published_time" content="2025-09-12T09:00:00Z">'
        '<link rel="canonical" href="https://example.com/world/kremlin-talks"></head><body>'
        "<nav><a href='/'>Home</a> | <a href='/world'>World</a></nav>"
        f"<article><h1>{TITLE}</h1>{paragraphs}</article>"
        "<footer>Cookie settings | Contact us</footer></body></html>", encoding="utf-8")
    r = row(load_corpus(tmp_path))
    assert r["title"] == TITLE
    assert (r["outlet"], r["published"]) == ("Example News", pd.Timestamp("2025-09-12"))
    assert r["url"] == "https://example.com/world/kremlin-talks"
    assert r["text"].startswith("The Kremlin announced on Friday")
    assert "Cookie settings" not in r["text"] and "Home" not in r["text"]


def _records() -> list[dict]:
    return [
        {"title": TITLE, "content_original": BODY, "date": "2025-09-12", "source": "Wire A",
         "url": "https://a.example/1", "bias_text": "center"},
        {"title": "Russia reaffirms readiness", "content_original": sample_text("003"),
         "date": "2025-11-12", "source": "Moldova 1", "url": "https://moldova1.md/p/61873",
         "bias_text": "left"},
    ]


@pytest.mark.parametrize("name", ["d.jsonl", "d.jsonl.gz", "d.json", "d.csv", "d.csv.gz",
                                  "d.tsv"])
def test_datasets(tmp_path: Path, name: str):
    path = tmp_path / name
    recs = _records()
    if ".jsonl" in name:
        data = "".join(json.dumps(r) + "\n" for r in recs).encode()
    elif ".json" in name:
        data = json.dumps({"articles": recs}).encode()
    else:
        import io

        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(recs[0]), delimiter="\t" if "tsv" in name else ",")
        w.writeheader()
        w.writerows(recs)
        data = buf.getvalue().encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    df = load_corpus(path)
    assert len(df) == 2 and df.attrs["problems"] == []
    first = df.iloc[0]
    assert (first["title"], first["outlet"]) == (TITLE, "Wire A")
    assert (first["published"], first["published_source"]) == (pd.Timestamp("2025-09-12"),
                                                                 "dataset")
    assert first["bias_text"] == "center"  # unmapped fields stay as columns
    assert ":" in first["path"]  # a dataset row says which record it came from


def test_field_mapping(tmp_path: Path):
    (tmp_path / "d.jsonl").write_text(json.dumps({"headline": TITLE, "story": BODY,
                                                  "site": "Wire B", "when": "Sept. 12, 2025"}),
                                      encoding="utf-8")
    df = load_corpus(tmp_path, fields={"text": "story", "outlet": "site", "published": "when"})
    r = row(df)
    assert (r["title"], r["outlet"], r["published"]) == (TITLE, "Wire B",
                                                         pd.Timestamp("2025-09-12"))


def test_allsides_shape(tmp_path: Path):
    """The real AllSides dump's first records load with the default mapping."""
    src = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "allsides-10k.jsonl.gz"
    if not src.exists():
        pytest.skip("../shared/corpora not beside the checkout")
    lines = []
    with gzip.open(src, "rt", encoding="utf-8") as fh:
        for _ in range(20):
            lines.append(fh.readline())
    (tmp_path / "allsides.jsonl").write_text("".join(lines), encoding="utf-8")
    df = load_corpus(tmp_path)
    assert len(df) == 20
    assert df["outlet"].notna().all() and df["published"].notna().all()
    assert set(df["bias_text"]) <= {"left", "center", "right"}
    assert (df["n_words"] > 50).all()
    # The dump repeats each headline as the body's first line: it is the title, not text.
    first = df.iloc[0]
    assert first["title"].startswith("Poll: Prestigious Colleges")
    assert not first["text"].startswith(first["title"])


def test_sidecar_overrides_inference(sample_copy: Path):
    with open(sample_copy / "metadata.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for r in rows:
        if r["file"].startswith("004"):
            r["published"] = "2025-09-12"
            r["title"] = "Kremlin: talks with Kyiv stalled"
        else:
            r["published"] = ""
            r["title"] = ""
    with open(sample_copy / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "outlet", "url", "notes", "published",
                                           "title"])
        w.writeheader()
        w.writerows(rows)
    df = load_corpus(sample_copy)
    r = df[df["path"].str.contains("/004_")].iloc[0]
    assert (r["published"], r["published_source"]) == (pd.Timestamp("2025-09-12"), "sidecar")
    assert (r["title"], r["title_source"]) == ("Kremlin: talks with Kyiv stalled", "sidecar")
    assert r["notes"].startswith("Carries a wire story")


def test_sources_csv_classification_joined_and_outlet_resolved(tmp_path: Path):
    (tmp_path / "a.txt").write_text(f"{TITLE}\n{BODY}", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "file,url\na.txt,https://www.syrializm.net/the-kremlin-confirms\n", encoding="utf-8")
    (tmp_path / "sources.csv").write_text(
        "outlet,domain,country,group\nSyrializm,syrializm.net,Syria,regional\n", encoding="utf-8")
    r = row(load_corpus(tmp_path))
    # The URL's domain resolves to the researcher's name for the outlet.
    assert (r["outlet"], r["outlet_source"]) == ("Syrializm", "url")
    assert (r["country"], r["group"]) == ("Syria", "regional")


def test_recursive_folders_and_natural_order(tmp_path: Path):
    for sub, name in [("b", "file10.txt"), ("b", "file2.txt"), ("a", "x.txt")]:
        (tmp_path / sub).mkdir(exist_ok=True)
        (tmp_path / sub / name).write_text(f"{TITLE} {name}\n{BODY} {name}", encoding="utf-8")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "hidden.txt").write_text(BODY, encoding="utf-8")
    df = load_corpus(tmp_path)
    assert [Path(p).name for p in df["path"]] == ["x.txt", "file2.txt", "file10.txt"]


def test_article_ids_are_stable_and_content_derived(tmp_path: Path, sample_dir: Path):
    import shutil

    shutil.copy(next(sample_dir.glob("004_*.txt")), tmp_path / "renamed.txt")
    moved = load_corpus(tmp_path)
    original = load_corpus(sample_dir)
    assert moved.iloc[0]["article_id"] in set(original["article_id"])
