"""Evaluate headline detection and wire datelines of plain-text files on real articles.

What it measures
    Titles. Headline-first ``.txt`` files are written from real articles — AllSides
    (``allsides-10k``: title + body) and tgcontest (Russian and English) — varying what the issue
    names: a blank line after the title or not, titles ending in a closing quote or bracket, in a
    short word ("… as war grinds on"), long titles (> 20 words), bodies hard-wrapped at 72
    columns or one paragraph per line. Every file is loaded with ``load_corpus`` and its title
    compared with the real one (exact match after whitespace normalisation). Body-first files
    (no headline: the same corpora's bodies, NewsWCL50's texts, some hard-wrapped) measure the
    false-headline rate: a body whose first line is taken as a headline. Precision is the
    share of ``first-line`` titles, over both sets, that are the real headline.

    "old" is the rule before issue 9 (kept below as ``legacy_title``) on the same cleaned lines,
    "new" what ``load_corpus`` gives now. Records are split by a hash of their id into a
    development half (rules tuned there) and a held-out half; both are printed.

    Datelines. Wire copy (AllSides articles of Reuters and the Associated Press, tgcontest
    articles of TASS, RIA Novosti and Interfax, which open with a dateline) is written three
    ways: as it is (dateline at the start), under its headline, and under its headline and a
    standfirst (the lead's own first sentence). Reported: how often the agency becomes the
    outlet (``outlet_source`` = ``dateline``) and the dateline is out of ``text``; and, over
    every body-first file, how many non-wire articles got an agency from a dateline.

    .venv/bin/python benchmarks/titles_eval.py [--n 1500] [--out /tmp/titles-eval]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import re
import shutil
import sys
import textwrap
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CORPORA = REPO.parent / "shared" / "corpora"

from workbench.corpus.clean import TERMINAL, clean_text, count_words  # noqa: E402
from workbench.corpus.load import load_corpus  # noqa: E402

SHORT_ENDS = frozenset("a an and as at between but by for from in into is of on or that the to "
                       "was were with up out off over down".split())
AGENCY_SOURCES = {"Reuters": "Reuters", "Associated Press": "AP", "tass.ru": "TASS",
                  "ria.ru": "RIA Novosti", "www.interfax.ru": "Interfax"}


def legacy_title(lines: list[str]) -> tuple[str | None, str]:
    """The headline rule before issue 9 (3–30 words, no closing punctuation or short word)."""
    ends = frozenset("a an and as at between but by for from in into is of on or that the to "
                     "was were with".split())
    for i, line in enumerate(lines):
        if not line:
            continue
        n = count_words(line)
        last = line.rsplit(" ", 1)[-1].casefold()
        if 3 <= n <= 30 and (not line.endswith(TERMINAL) or line.endswith(("?", "!"))) \
                and last not in ends and i + 1 < len(lines):
            return line, "first-line"
        break
    return None, "first-sentence"


def norm(text: str | None) -> str:
    return " ".join((text or "").split())


def half(key: str) -> str:
    return "heldout" if int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2 else "dev"


def kind_of(title: str) -> str:
    last = title.rstrip()
    if last.endswith(tuple("\"'”’»)]")):
        return "quote/bracket"
    if last.rsplit(" ", 1)[-1].casefold() in SHORT_ENDS:
        return "short word"
    if count_words(title) > 20:
        return "long"
    return "other"


def wrap(body: str) -> str:
    return "\n\n".join(textwrap.fill(p, 72) for p in body.split("\n") if p.strip())


def read(name: str) -> list[dict]:
    with gzip.open(CORPORA / name, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def allsides_body(r: dict) -> str:
    body, title = (r.get("content_original") or "").strip(), (r.get("title") or "").strip()
    if title and body.startswith(title):
        body = body[len(title):].strip()
    return body


def build(out: Path, n: int, seed: int) -> dict[str, list[dict]]:
    """Write the files; return the gold rows by set."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    sets: dict[str, list[dict]] = {"headline": [], "body": [], "wire": []}
    allsides = [r for r in read("allsides-10k.jsonl.gz")
                if (r.get("title") or "").strip() and not r["title"].startswith("http")
                and count_words(allsides_body(r)) >= 30]
    tg = read("tgcontest-articles.jsonl.gz")
    wcl = read("newswcl50.jsonl.gz")
    by_kind: dict[str, list[dict]] = {}
    for r in allsides:
        by_kind.setdefault(kind_of(r["title"]), []).append(r)
    picked = [r for k in ("quote/bracket", "short word", "long") for r in by_kind[k]]
    picked += rng.sample(by_kind["other"], min(len(by_kind["other"]), max(0, n - len(picked))))
    rows = [("allsides", r["ID"], r["title"].strip(), allsides_body(r)) for r in picked]
    rows += [("tgcontest-" + r["lang"], r["id"], r["title"].strip(), r["text"].strip()) for r in tg]
    for src, key, title, body in rows:
        sep = "\n\n" if rng.random() < 0.5 else "\n"
        wrapped = src == "allsides" and rng.random() < 0.2
        text = title + sep + (wrap(body) if wrapped else body)
        sets["headline"].append({"file": _write(out / "headline", key, text), "src": src,
                                 "key": key, "title": title, "kind": kind_of(title),
                                 "sep": "blank" if sep == "\n\n" else "newline",
                                 "wrapped": wrapped, "half": half(key)})
    bodies = [("allsides", r["ID"], allsides_body(r), r["source"])
              for r in rng.sample(allsides, min(n, 1000))]
    bodies += [("newswcl50", f"wcl{i}", r["text"], urlparse(r["url"]).hostname)
               for i, r in enumerate(wcl)]
    bodies += [("tgcontest-" + r["lang"], r["id"], r["text"], urlparse(r["url"]).hostname)
               for r in tg]
    for src, key, body, outlet in bodies:
        wrapped = rng.random() < 0.3
        text = wrap(body) if wrapped else body
        sets["body"].append({"file": _write(out / "body", key, text), "src": src, "key": key,
                             "outlet": outlet, "wrapped": wrapped, "half": half(key)})
    wire = [(AGENCY_SOURCES[r["source"]], r["ID"], r["title"].strip(), allsides_body(r))
            for r in read("allsides-10k.jsonl.gz") if r.get("source") in AGENCY_SOURCES
            and (r.get("title") or "").strip()]
    wire += [(AGENCY_SOURCES[urlparse(r["url"]).hostname], r["id"], r["title"].strip(),
              r["text"].strip()) for r in tg if urlparse(r["url"]).hostname in AGENCY_SOURCES]
    for agency, key, title, body in wire:
        # The standfirst: the lead's first sentence, without its dateline (up to its dash).
        lead = re.split(r"\s[—–-]{1,2}\s|/\.\s|\)\s|^\W?\w+, \d+ \w+\.\s", body[:300],
                        maxsplit=1)[-1] + body[300:]
        lead = lead.strip().lstrip("-—– ").split("\n", 1)[0]
        standfirst = re.split(r"(?<=[a-zа-я0-9”\"»][.!?])\s+(?=[A-ZА-Я])", lead, maxsplit=1)[0]
        for where, text in (("start", body), ("after headline", f"{title}\n\n{body}"),
                            ("after headline and standfirst",
                             f"{title}\n\n{standfirst}\n\n{body}")):
            name = f"{key}-{where.replace(' ', '_')}"
            sets["wire"].append({"file": _write(out / "wire", name, text),
                                 "agency": agency, "where": where, "key": key})
    return sets


def _write(folder: Path, key: str, text: str) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9_-]', '_', key)}.txt"
    path.write_text(text, encoding="utf-8")
    return path.name


def load(folder: Path) -> dict[str, dict]:
    df = load_corpus(folder, dedupe=False)
    return {Path(p).name: row for p, row in zip(df["path"], df.to_dict("records"), strict=True)}


def legacy(folder: Path, name: str) -> tuple[str | None, str]:
    raw = (folder / name).read_text(encoding="utf-8")
    return legacy_title(clean_text(raw).text.split("\n"))


def pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.3f}" if b else "–"


def report_titles(out: Path, sets: dict[str, list[dict]]) -> list[dict]:
    head, body = load(out / "headline"), load(out / "body")
    for g in sets["headline"]:
        row = head[g["file"]]
        g["new"], g["new_src"] = row["title"], row["title_source"]
        g["old"], g["old_src"] = legacy(out / "headline", g["file"])
    for g in sets["body"]:
        row = body[g["file"]]
        g["new_src"], g["new"] = row["title_source"], row["title"]
        g["old_src"] = legacy(out / "body", g["file"])[1]
    for part in ("dev", "heldout"):
        hs = [g for g in sets["headline"] if g["half"] == part]
        bs = [g for g in sets["body"] if g["half"] == part]
        print(f"\n== {part}: {len(hs)} headline-first files, {len(bs)} body-first files")
        print(f"{'slice':<34}{'old':>22}{'new':>22}")
        slices = [("all headline-first", hs)]
        slices += [(f"  {k}", [g for g in hs if g["kind"] == k])
                   for k in ("quote/bracket", "short word", "long", "other")]
        slices += [(f"  {s}", [g for g in hs if g["src"] == s])
                   for s in ("allsides", "tgcontest-ru", "tgcontest-en")]
        slices += [("  blank line after title", [g for g in hs if g["sep"] == "blank"]),
                   ("  no blank line", [g for g in hs if g["sep"] == "newline"]),
                   ("  body hard-wrapped", [g for g in hs if g["wrapped"]])]
        for name, gs in slices:
            old = sum(norm(g["old"]) == norm(g["title"]) for g in gs)
            new = sum(norm(g["new"]) == norm(g["title"]) for g in gs)
            print(f"{name:<34}{pct(old, len(gs)):>22}{pct(new, len(gs)):>22}")
        for name, gs in [("false headline, body-first", bs),
                         ("  of them hard-wrapped", [g for g in bs if g["wrapped"]])]:
            old = sum(g["old_src"] == "first-line" for g in gs)
            new = sum(g["new_src"] == "first-line" for g in gs)
            print(f"{name:<34}{pct(old, len(gs)):>22}{pct(new, len(gs)):>22}")
        for who in ("old", "new"):
            right = sum(g[f"{who}_src"] == "first-line" and norm(g[who]) == norm(g["title"])
                        for g in hs)
            claimed = sum(g[f"{who}_src"] == "first-line" for g in hs + bs)
            print(f"precision of first-line titles ({who}): {pct(right, claimed)}; "
                  f"recall {pct(right, len(hs))}")
    return sets["body"]


def report_datelines(out: Path, sets: dict[str, list[dict]]) -> None:
    wire = load(out / "wire")
    print(f"\n== datelines: {len(sets['wire']) // 3} wire articles, each in 3 positions")
    by = Counter()
    for g in sets["wire"]:
        row = wire[g["file"]]
        ok = row["outlet"] == g["agency"] and row["outlet_source"] == "dateline"
        # Taken out: one occurrence fewer in the text than in the file (some copy repeats it).
        gone = isinstance(row["dateline"], str) and \
            (row["text"] or "").count(row["dateline"]) < row["raw_text"].count(row["dateline"])
        by[(g["agency"], g["where"], "n")] += 1
        by[(g["agency"], g["where"], "ok")] += ok
        by[(g["agency"], g["where"], "gone")] += ok and gone
    for agency in sorted({g["agency"] for g in sets["wire"]}):
        for where in ("start", "after headline", "after headline and standfirst"):
            n, ok, gone = (by[(agency, where, k)] for k in ("n", "ok", "gone"))
            print(f"{agency:<12}{where:<32} outlet from dateline {pct(ok, n)}"
                  f"; dateline out of text {pct(gone, n)}")
    body = load(out / "body")
    credited = [(g, body[g["file"]]) for g in sets["body"]
                if body[g["file"]]["outlet_source"] == "dateline"]
    places = sum(bool(body[g["file"]]["dateline_place"]) for g in sets["body"])
    own = [(g, row) for g, row in credited if _same(row["outlet"], g["outlet"])]
    print(f"body-first files with a dateline place: {places}/{len(sets['body'])}; "
          f"credited to an agency by a dateline: {len(credited)}, {len(own)} of them published "
          "by that agency; the others (the agency's copy run by another outlet, to check):")
    for g, row in credited:
        if not _same(row["outlet"], g["outlet"]):
            print(f"  {g['outlet'] or '?':<24}{row['outlet']:<12}{row['dateline']!r}")


def _same(agency: str, outlet: str | None) -> bool:
    a, o = agency.casefold(), (outlet or "").casefold()
    return a in o or (a == "ap" and "associated press" in o) or (a == "cnn" and "cnn" in o)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1500, help="AllSides headline-first files")
    ap.add_argument("--out", type=Path, default=Path("/tmp/titles-eval"))
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--show-errors", type=int, default=0, metavar="N",
                    help="print N misses of the development half")
    args = ap.parse_args()
    sets = build(args.out, args.n, args.seed)
    report_titles(args.out, sets)
    report_datelines(args.out, sets)
    if args.show_errors:
        show_errors(sets, args.show_errors)


def show_errors(sets: dict[str, list[dict]], n: int) -> None:
    """The development half's misses, to read (never the held-out half: it stays unseen)."""
    misses = [g for g in sets["headline"] if g["half"] == "dev"
              and norm(g["new"]) != norm(g["title"])]
    print(f"\n== {len(misses)} development misses (gold | got)")
    for g in misses[:n]:
        print(f"  [{g['src']}, {g['sep']}{', wrapped' if g['wrapped'] else ''}] "
              f"{g['title']!r}\n      {g['new_src']}: {g['new']!r}")
    false = [g for g in sets["body"] if g["half"] == "dev" and g["new_src"] == "first-line"]
    print(f"\n== {len(false)} development false headlines (body-first)")
    for g in false[:n]:
        print(f"  [{g['src']}{', wrapped' if g['wrapped'] else ''}] {g['new']!r}")


if __name__ == "__main__":
    main()
