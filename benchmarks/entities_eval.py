"""Entity validity before/after: top entities per type, glued punctuation, splits, NORP counts.

The evaluation corpus: the AllSides articles that name Ukraine or Russia most (``--allsides``,
default 250, ranked by how often "Ukrain"/"Russia" occurs, at least 3 times) plus all 50
NewsWCL50 articles — ~300 real articles. Two steps:

    # 1. annotate with some version of the code and keep its mentions (run once per version;
    #    PYTHONPATH=<an exported older tree> to get "before")
    .venv/bin/python benchmarks/entities_eval.py dump --out /tmp/entities-eval/after.parquet
    # 2. compare two dumps: figures and the top-50 lists to read
    .venv/bin/python benchmarks/entities_eval.py compare BEFORE.parquet AFTER.parquet

What ``compare`` prints, per dump:
  * per type, the top 50 entities (by mentions) and how many of them are
    - glued: the canonical name carries punctuation no name has ("Griner ―", "Lavrov(RUSSIAN");
    - split: another top-500 entity of the same type is the same person written another way
      (middle initials dropped, a hyphenated part cut off: "Antony J. Blinken"/"Antony
      Blinken", "Karine Jean"/"Karine Jean-Pierre", "Poroshenko"/"Petro Poroshenko");
    - wrong type: listed in ``WRONG_TYPE`` below, a judgement made by reading the lists (a
      platform, outlet, agency or place typed PERSON, a person typed ORG…);
  * NORP: precision and recall of "people group" mentions (the ``local:russians``,
    ``local:ukrainians``, ``local:americans`` entities) against ``NORP_GOLD``, hand labels of
    occurrences of Russian(s)/Ukrainian(s)/American(s) sampled from the corpus with a fixed
    seed (``sample`` prints the contexts to label).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "corpora"
WORK = Path("/tmp/entities-eval")
TYPES = ("PERSON", "ORG", "PLACE", "GROUP", "OTHER")
_GLUED = re.compile(r"[()\[\]{}―—–\"“”«»|/\\@#*+=<>;:!?]|^\W|\W$")
_DEMONYM = re.compile(r"\b(Russian|Ukrainian|American)(s?)\b")
_PEOPLE = {"local:russians", "local:ukrainians", "local:americans"}


def build_corpus(n_allsides: int, out: Path) -> Path:
    """The evaluation corpus as one JSONL file (deterministic)."""
    rows = []
    with gzip.open(SHARED / "allsides-10k.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            text = d.get("content_original") or ""
            hits = len(re.findall(r"Ukrain|Russia", text))
            if hits >= 3:
                rows.append((hits, d["ID"], d))
    rows.sort(key=lambda r: (-r[0], r[1]))
    chosen = [d for _, _, d in rows[:n_allsides]]
    with gzip.open(SHARED / "newswcl50.jsonl.gz", "rt", encoding="utf-8") as f:
        chosen += [json.loads(line) for line in f]
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for d in chosen:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return out


def dump(args: argparse.Namespace) -> None:
    import workbench as wb

    corpus = build_corpus(args.allsides, WORK / "corpus.jsonl")
    ann = wb.open_corpus(corpus, cache_dir=args.cache_dir, progress=False)
    m = ann.mentions.merge(ann.articles[["article_id", "text"]], on="article_id")
    m = m.drop(columns="text_y").rename(columns={"text_x": "text"})
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    ann.mentions.to_parquet(args.out)
    ann.articles[["article_id", "text"]].to_parquet(WORK / "articles.parquet")
    print(f"{len(ann.articles)} articles, {len(ann.mentions)} mentions → {args.out} "
          f"(code from {Path(wb.__file__).parent})")


def _name_key(name: str) -> str:
    """A person's name without initials, hyphen parts or case: what a split shares."""
    words = [w for w in re.split(r"[\s\-‐]+", name) if not re.fullmatch(r"[A-Z]\.?", w)]
    return " ".join(words).casefold()


def top_tables(m: pd.DataFrame, k: int = 50) -> dict[str, pd.DataFrame]:
    """Per type, the top-k entities with their counts and the glued/split flags."""
    out = {}
    for kind in TYPES:
        sub = m[m["type"] == kind]
        counts = sub.groupby("entity").size().sort_values(ascending=False)
        wide = list(counts.index[:500])
        keys = Counter(_name_key(e) for e in wide)
        lasts = Counter(e for e in wide if " " not in e)
        rows = []
        for name, n in counts.head(k).items():
            split = keys[_name_key(name)] > 1 or (
                kind == "PERSON" and (" " not in name and any(
                    w.endswith(" " + name) for w in wide))) or (
                kind == "PERSON" and " " in name and name.split()[-1] in lasts
                and any(o != name and o.endswith(" " + name.split()[-1]) for o in wide)
                and False)
            rows.append({"entity": name, "n": int(n), "glued": bool(_GLUED.search(name)),
                         "split": bool(split), "wrong": name in WRONG_TYPE.get(kind, ())})
        out[kind] = pd.DataFrame(rows)
    return out


def norp_scores(m: pd.DataFrame) -> tuple[float, float, int]:
    """(precision, recall, n) of people-group mentions over the hand-labelled occurrences."""
    people = m[m["entity_id"].isin(_PEOPLE)]
    predicted = {(a, s) for a, s in zip(people["article_id"], people["start"], strict=True)}
    tp = fp = fn = 0
    for (article, start), gold in NORP_GOLD.items():
        pred = (article, start) in predicted
        tp += pred and gold == "P"
        fp += pred and gold != "P"
        fn += (not pred) and gold == "P"
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    return precision, recall, len(NORP_GOLD)


def compare(args: argparse.Namespace) -> None:
    for label, path in (("before", args.before), ("after", args.after)):
        m = pd.read_parquet(path)
        print(f"\n=== {label}: {path} — {len(m)} mentions, "
              f"{m['entity'].nunique()} entities")
        for kind, table in top_tables(m).items():
            print(f"{kind:7} top-50: glued {table['glued'].sum():2}  split "
                  f"{table['split'].sum():2}  wrong type {table['wrong'].sum():2}")
        if NORP_GOLD:
            p, r, n = norp_scores(m)
            print(f"NORP people-group mentions on {n} hand-labelled occurrences: "
                  f"precision {p:.2f}, recall {r:.2f}")
        group = m[m["type"] == "GROUP"].groupby("entity").size().sort_values(ascending=False)
        print("GROUP top 5:", ", ".join(f"{e} {n}" for e, n in group.head(5).items()))
        if args.lists:
            for kind, table in top_tables(m).items():
                flags = table.apply(lambda r: "".join(
                    c for c, f in (("G", r.glued), ("S", r.split), ("W", r.wrong)) if f), axis=1)
                print(f"\n{kind}: " + "; ".join(
                    f"{e} {n}{'[' + f + ']' if f else ''}"
                    for e, n, f in zip(table["entity"], table["n"], flags, strict=True)))


def sample(args: argparse.Namespace) -> None:
    """Print a fixed random sample of demonym occurrences with context, to hand-label."""
    arts = pd.read_parquet(WORK / "articles.parquet")
    found = []
    for a, text in zip(arts["article_id"], arts["text"], strict=True):
        for mt in _DEMONYM.finditer(text):
            found.append((a, mt.start(), text[max(0, mt.start() - 60):mt.end() + 40]))
    random.Random(7).shuffle(found)
    for a, s, ctx in found[:args.n]:
        print(f'    ("{a}", {s}): "?",  # {" ".join(ctx.split())}')


# Judgements made by reading the top-50 lists of both dumps (see the module docstring).
WRONG_TYPE: dict[str, set[str]] = {}

# (article_id, start) → "P" (the people group: "Russians", "the Russians", "a Russian") or "A"
# (the adjective: "Russian troops", "the Russian government"; or the language).
NORP_GOLD: dict[tuple[str, int], str] = {}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--out", default=str(WORK / "after.parquet"))
    d.add_argument("--allsides", type=int, default=250)
    d.add_argument("--cache-dir", default="/tmp/entities-cache")
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    c.add_argument("--lists", action="store_true", help="print the top-50 lists too")
    s = sub.add_parser("sample")
    s.add_argument("--n", type=int, default=80)
    args = p.parse_args(argv)
    {"dump": dump, "compare": compare, "sample": sample}[args.cmd](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
