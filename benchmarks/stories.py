"""Story grouping: quality on the development sets and cost as the corpus grows.

    python benchmarks/stories.py quality            # NewsWCL50 B-cubed, tgcontest pair accuracy
    python benchmarks/stories.py scale --sizes 10000,100000,1000000

quality: NewsWCL50 (10 events × 5 outlets, gold ``event_id``) through the whole workbench path
(load, annotate with the installed pipeline, group) — B-cubed precision, recall, F1; the
tgcontest same-story pairs (Russian and English) — pair accuracy, precision and recall of
"same story", grouped on text alone (no entities: the English pipeline is not run on
Russian text here). scale: grouping time, where it goes, and peak memory (each size in its
own process) on the AllSides 10k articles and on SYNTHETIC larger corpora made from them
(``synthetic``: up to 1M and beyond), with growth exponents between sizes. Run big sizes
under ``nice``: 1M takes about half an hour on a busy 2-core machine.
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT))

from workbench.analyze.stories import StoryOptions, bcubed, group_stories  # noqa: E402


def quality(cache_dir: str) -> None:
    import workbench as wb

    ann = wb.open_corpus(CORPORA / "newswcl50.jsonl.gz", cache_dir=cache_dir, progress=False)
    gold = ann.articles["event_id"].astype(str).tolist()
    s = ann.stories.set_index("article_id").loc[ann.articles["article_id"]]
    prec, rec, f1 = bcubed(gold, s["story_id"].tolist())
    print(f"NewsWCL50 ({len(gold)} articles, {len(set(gold))} events; {ann.pipeline.label}; "
          f"{int(s['dated'].sum())} dated): B-cubed P {prec:.3f} R {rec:.3f} F1 {f1:.3f}, "
          f"{s['story_id'].nunique()} stories")
    crossed = pd.crosstab(pd.Series(gold, name="gold"), s["story_id"].to_numpy())
    for event, row in crossed.iterrows():
        if (row > 0).sum() > 1:
            print(f"  event {event} split over {(row > 0).sum()} stories: {row[row > 0].tolist()}")
    for story in crossed.columns:
        col = crossed[story]
        if (col > 0).sum() > 1:
            print(f"  story {story} mixes events {col[col > 0].to_dict()}")

    arts = {r["id"]: r for r in map(json.loads, gzip.open(CORPORA / "tgcontest-articles.jsonl.gz",
                                                          "rt", encoding="utf-8"))}
    pairs = [json.loads(x) for x in gzip.open(CORPORA / "tgcontest-pairs.jsonl.gz", "rt")]
    ids = sorted(arts)
    df = pd.DataFrame({"article_id": ids, "title": [arts[i]["title"] for i in ids],
                       "text": [arts[i]["text"] for i in ids], "published": pd.NaT,
                       "duplicate_of": None})
    story = group_stories(df).set_index("article_id")["story_id"]
    for lang in ("ru", "en"):
        ps = [p for p in pairs if p["lang"] == lang]
        same = np.array([story[p["a"]] == story[p["b"]] for p in ps])
        gold_same = np.array([p["same_story"] for p in ps])
        tp = int((same & gold_same).sum())
        print(f"tgcontest {lang} ({len(ps)} pairs, text only, undated): accuracy "
              f"{float((same == gold_same).mean()):.3f}, same-story precision "
              f"{tp / max(int(same.sum()), 1):.3f} recall {tp / max(int(gold_same.sum()), 1):.3f}")


def allsides() -> pd.DataFrame:
    rows = [json.loads(x) for x in gzip.open(CORPORA / "allsides-10k.jsonl.gz", "rt")]
    return pd.DataFrame({"article_id": [f"a{i:07d}" for i in range(len(rows))],
                         "title": [r.get("title") for r in rows],
                         "text": [r.get("content_original") or "" for r in rows],
                         "published": pd.to_datetime([r.get("date") for r in rows],
                                                     errors="coerce"),
                         "outlet": [r.get("source") for r in rows], "duplicate_of": None})


def synthetic(base: pd.DataFrame, n: int) -> pd.DataFrame:
    """SYNTHETIC: ``n`` articles made of copies of ``base`` with new ids, copy k shifted by
    10·k years (AllSides spans 8.6 years, so no copy shares a story window with another and
    the articles per day stay as in AllSides; microsecond timestamps go far past 2262). The
    base's undated articles stay undated in copy 0 only; in the other copies they take the
    date of the article before them in the file: a real corpus of 1M articles would not hold
    100 identical undated copies of each, all grouped against each other."""
    copies = []
    for k in range(-(-n // len(base))):
        c = base.copy()
        c["article_id"] = [f"k{k:03d}{i}" for i in c["article_id"]]
        dates = c["published"] if k == 0 else c["published"].ffill().bfill()
        c["published"] = dates + pd.DateOffset(years=10 * k)
        copies.append(c)
    return pd.concat(copies, ignore_index=True).head(n)


def _rss_mb() -> float:
    """Resident memory now (Linux), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def scale_one(n: int) -> dict:
    """Group ``n`` articles in this process; time, peak RSS and where the time went."""
    base = allsides()
    df = base.head(n) if n <= len(base) else synthetic(base, n)
    import scipy.sparse  # noqa: F401 - imported before "before": not grouping memory
    import sklearn.feature_extraction.text  # noqa: F401

    before = _rss_mb()
    t = time.perf_counter()
    s = group_stories(df, None, StoryOptions())
    secs = time.perf_counter() - t
    parts = dict(s.attrs["seconds"])
    parts["other"] = round(secs - sum(parts.values()), 2)
    return {"n": n, "seconds": secs, "stories": int(s["story_id"].nunique()),
            "undated": int((~s["dated"]).sum()), "rss_before": before,
            "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "parts": parts}


def scale(sizes: list[int]) -> None:
    """Each size in its own process (so each peak RSS is that size's), then growth exponents
    between consecutive sizes: log(time ratio) / log(size ratio)."""
    import subprocess

    rows = []
    for n in sizes:
        done = subprocess.run([sys.executable, __file__, "scale-one", "--sizes", str(n)],
                              capture_output=True, text=True, check=True)
        r = json.loads(done.stdout.strip().splitlines()[-1])
        label = "AllSides" if n <= 10_000 else "SYNTHETIC from AllSides"
        print(f"{n:>9,} articles ({label}): {r['seconds']:7.1f} s, "
              f"{n / r['seconds']:5.0f} articles/s, {r['stories']:,} stories "
              f"({r['undated']:,} undated articles), peak RSS {r['peak']:,.0f} MB "
              f"({r['rss_before']:,.0f} MB before grouping: corpus and imports)", flush=True)
        print("           time: " + ", ".join(f"{k} {v:.0f} s" for k, v in r["parts"].items()),
              flush=True)
        rows.append(r)
    for a, b in zip(rows, rows[1:], strict=False):
        k = np.log(b["n"] / a["n"])
        print(f"{a['n']:,} → {b['n']:,}: time exponent "
              f"{np.log(b['seconds'] / a['seconds']) / k:.2f}"
              f", peak RSS exponent {np.log(b['peak'] / a['peak']) / k:.2f}, grouping memory "
              f"(peak − before) exponent "
              f"{np.log((b['peak'] - b['rss_before']) / (a['peak'] - a['rss_before'])) / k:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["quality", "scale", "scale-one"])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--cache-dir", default=None)
    args = ap.parse_args()
    if args.what == "quality":
        quality(args.cache_dir)
    elif args.what == "scale-one":
        print(json.dumps(scale_one(int(args.sizes))))
    else:
        scale([int(x) for x in args.sizes.split(",")])


if __name__ == "__main__":
    main()
