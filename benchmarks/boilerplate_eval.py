"""Boilerplate detection on real text: speed at 10k articles, precision, recall, and keyness.

    .venv/bin/python benchmarks/boilerplate_eval.py [--corpus PATH] [--sample]

1. Loads the AllSides 10k dump once (``load_corpus(..., boilerplate=False)``) and times
   ``mark_boilerplate`` on it.
2. **Precision**: a fixed random sample of 60 flagged paragraphs (seed 0) checked against hand
   labels in ``boilerplate_labels.json`` (1 = boilerplate: credits, bylines, bios, promos,
   newsletter pitches, disclaimers, stock background, photo credits, chrome; 0 = the article's
   own content). ``--sample`` prints the sample to label.
3. **Recall**: stock lines checked by hand in named outlets (regexes below), the share of their
   copies flagged — in outlets printing them at least 3 times (the rule's minimum).
4. **Keyness** (the issue's must-show): a two-outlet corpus of real articles (500 Washington
   Times, 500 NPR); RT's real background paragraph on the Ukraine war, with the small edits RT
   makes, is appended to every 7th Washington Times article (72 copies, 14%: the issue's outlet
   had it in 67–98 of 500). Top-40 keyness of the Washington Times with the paragraph's terms
   marked: as loaded (default), with ``include_boilerplate=True``, and for the articles
   without the paragraph at all (the baseline). Also the real Fox Online News vs CNN pair,
   whose stock credit and promo lines are real.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import pandas as pd  # noqa: E402

from workbench import analyze as an  # noqa: E402
from workbench.analyze.tokens import terms  # noqa: E402
from workbench.corpus.boilerplate import mark_boilerplate, parse_spans  # noqa: E402
from workbench.corpus.load import load_corpus  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpora" / "allsides-10k.jsonl.gz"
LABELS = Path(__file__).with_name("boilerplate_labels.json")

# Stock lines, read in the dump and checked by hand: (outlet, pattern matching its copies).
KNOWN = [
    ("Fox Online News", r"contributed to this report\.?$"),
    ("Fox Online News", r"^CLICK HERE TO GET THE FOX NEWS APP$"),
    ("Washington Times", r"contributed to this (report|article)\.?$"),
    ("USA TODAY", r"^Contributing: "),
    ("Politico", r"contributed to this report\.?$"),
    ("CNN (Web News)", r"contributed to this report\.?$"),
    ("Christian Science Monitor", r"^Get the Monitor Stories you care about"),
    ("Townhall", r"^The opinions expressed by columnists are their own"),
    ("NPR Online News", r"^NPR transcripts are created on a rush deadline"),
    ("Vox", r"^Support Vox’s explanatory journalism|^Every day at Vox, we aim"),
    ("The Daily Caller", r"^Content created by The Daily Caller News Foundation"),
    ("The Hill", r"contributed\.$"),
]


def flagged_paragraphs(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for row in df.itertuples():
        for start, end in parse_spans(row.boilerplate):
            rows.append((row.outlet, row.article_id, start, end, row.text[start:end]))
    return pd.DataFrame(rows, columns=["outlet", "article_id", "start", "end", "paragraph"])


def precision(flags: pd.DataFrame, show: bool) -> None:
    rng = random.Random(0)
    sample = flags.iloc[sorted(rng.sample(range(len(flags)), 60))]
    labels = json.loads(LABELS.read_text(encoding="utf-8")) if LABELS.exists() else {}
    right = wrong = unlabelled = 0
    for row in sample.itertuples():
        key = f"{row.outlet} | {row.paragraph[:80]}"
        label = labels.get(key)
        if show:
            print(json.dumps(key, ensure_ascii=False), ":", label, "#", row.paragraph[80:200])
        if label is None:
            unlabelled += 1
        elif label:
            right += 1
        else:
            wrong += 1
    done = right + wrong
    print(f"precision: {right}/{done} = {right / max(done, 1):.1%} of a random sample of "
          f"{len(sample)} flagged paragraphs ({unlabelled} without a hand label)")
    flagged = {f"{o} | {p[:80]}" for o, p in zip(flags["outlet"], flags["paragraph"],
                                                 strict=True)}
    known = [v for k, v in labels.items() if k in flagged]
    print(f"  over every distinct hand-labelled paragraph flagged (samples drawn while tuning): "
          f"{sum(known)}/{len(known)} = {sum(known) / max(len(known), 1):.1%}")


def recall(df: pd.DataFrame) -> None:
    total = hit = 0
    for outlet, pattern in KNOWN:
        rx = re.compile(pattern)
        sub = df[df["outlet"] == outlet]
        copies = flagged = 0
        for row in sub.itertuples():
            spans = set(parse_spans(row.boilerplate))
            for m in re.finditer(r"[^\n]+", row.text or ""):
                if rx.search(m.group()):
                    copies += 1
                    flagged += (m.start(), m.end()) in spans
        total += copies
        hit += flagged
        print(f"  {outlet:26} {pattern[:50]:52} {flagged:4}/{copies:<4} flagged")
    print(f"recall: {hit}/{total} = {hit / max(total, 1):.1%} of the known stock lines' copies")


def keyness_check(rows_a: list[dict], rows_b: list[dict], outlet: str,
                  stock: list[str] | None) -> None:
    import test_boilerplate as tb

    with tempfile.TemporaryDirectory() as tmp:
        df = load_corpus(tb._write(Path(tmp), rows_a + rows_b))
    default = an.select_articles(df)
    kept = an.select_articles(df, include_boilerplate=True)
    sets = {"default": default, "include_boilerplate=True": kept}
    if stock is not None:
        original = df["text"].copy()
        for v in stock:
            original = original.str.replace("\n" + v, "", regex=False)
        sets["baseline (no paragraph)"] = an.select_articles(
            df.assign(text=original, boilerplate=None), include_boilerplate=True)
        para_terms = {t for v in stock for t in terms(v)}
        carrying = df["text"].str.contains("completely unprovoked", regex=False)
        spans = [parse_spans(b) for b in df.loc[carrying, "boilerplate"]]
        ok = sum(any("unprovoked" in t[s:e] for s, e in sp)
                 for t, sp in zip(df.loc[carrying, "text"], spans, strict=True))
        print(f"  stock paragraph flagged in {ok}/{int(carrying.sum())} copies")
    else:
        own = df[df["outlet"] == outlet]
        para_terms = {t for row in own.itertuples() for s, e in parse_spans(row.boilerplate)
                      for t in terms(row.text[s:e])}
    tops = {}
    for name, arts in sets.items():
        k = an.keyness(an.word_counts(arts, by="outlet"))
        top = an.top_keyness(k, n=40).query(f"group == {outlet!r} and side == 'group'")
        tops[name] = list(top["term"])
    base = set(tops.get("baseline (no paragraph)", tops["default"]))
    for name, top in tops.items():
        marked = [t for t in top if t in para_terms and t not in base]
        print(f"  {name:26} top-40 terms of {outlet} from the boilerplate "
              f"(not in the baseline): {marked}")
    print(f"  note: {[n for n in an.notes(default) if 'boilerplate' in n]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--sample", action="store_true", help="print the precision sample")
    args = ap.parse_args()

    started, cpu = time.perf_counter(), time.process_time()
    df = load_corpus(args.corpus, boilerplate=False)
    loaded, loaded_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    mark_boilerplate(df)
    took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    flags = flagged_paragraphs(df)
    words = df["boilerplate_words"].sum() / df["n_words"].sum()
    print(f"{len(df):,} articles loaded in {loaded:.0f} s wall, {loaded_cpu:.0f} s CPU (without "
          f"boilerplate detection); "
          f"detection {took:.1f} s wall, {took_cpu:.1f} s CPU")
    print(f"flagged: {len(flags):,} paragraphs in {flags['article_id'].nunique():,} articles "
          f"of {flags['outlet'].nunique()} outlets, {words:.2%} of all words")
    precision(flags, args.sample)
    recall(df)

    import test_boilerplate as tb

    print("keyness, Washington Times (RT paragraph appended to every 7th) vs NPR Online News:")
    keyness_check(tb._with_stock(tb._real("Washington Times", 500), 7),
                  tb._real("NPR Online News", 500), "Washington Times", list(tb.VARIANTS))
    print("keyness, Fox Online News vs CNN (Web News), real stock lines only:")
    keyness_check(tb._real("Fox Online News", 500), tb._real("CNN (Web News)", 500),
                  "Fox Online News", None)


if __name__ == "__main__":
    main()
