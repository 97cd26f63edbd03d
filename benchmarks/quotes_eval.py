"""Direct-quote precision, recall and speaker accuracy on the hand-labelled gold set.

``tests/data/quotes_gold.jsonl``: 36 real articles cleaned by ``load_corpus`` — split ``dev``:
26 (10 from NewsWCL50, one per event and outlet leaning; 16 from the AllSides dump, one per
outlet), the set the rules were tuned on; split ``heldout``: 10 more AllSides articles from other
outlets, labelled after the rules were written and not tuned on —, with every
direct quote labelled by hand: the quoted words' offsets in ``text``, the speaker as the article
names them (``aliases``: other names that are right, e.g. "suit" for a lawsuit's plaintiff), and
``optional`` for the borderline cases (a clause-long quote after "that", half of a quote split
by "however"), which count neither way.

What counts as a direct quote (the convention of direct-quotation corpora such as DirectQuote):
words in quotation marks that reproduce a speaker's utterance as a whole — after or before an
attribution (`“…,” he said`, `said: “…”`, `adding, “…”`), a continuation in the next sentence or
paragraph. Not: scare quotes, titles, slogans, and fragments woven into the writer's own sentence
(`called it an “all-out assault”`, `said he would “leave the meeting” if`). A quote split by its
attribution (`“X,” he said. “Y.”`) is two quotes.

Scoring: a system row of kind ``direct`` matches a gold quote when their spans overlap by at least
half of the shorter one. Precision = matched rows ÷ rows (rows on optional quotes left out);
recall = required gold quotes matched ÷ required gold quotes; speaker right = matched quotes whose
speaker is the gold one (its last word, the first of a three-word name — "Kim" of "Kim Jong
Un" —, or the whole name or alias, ignoring case and a leading "the"/title; a lower-case common
noun alone — "the agency" — is not a name) ÷ matched quotes.

    .venv/bin/python benchmarks/quotes_eval.py                  # new rules vs the old ones
    .venv/bin/python benchmarks/quotes_eval.py --errors         # and list every miss
    .venv/bin/python benchmarks/quotes_eval.py --baseline REV   # old rules from another commit
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "quotes_gold.jsonl"
BASELINE = "e236879"  # the rules before issue 9 (fragments, nominal speakers)
_LEAD = {"the", "a", "an", "mr.", "mrs.", "ms.", "dr.", "mr", "mrs", "ms", "dr"}


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The gold articles, one dict each (``text``, ``quotes``)."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def speaker_ok(got: str | None, quote: dict[str, Any]) -> bool:
    """Is ``got`` the gold speaker of ``quote`` (see the module docstring)?"""
    if not got:
        return False
    words = [w for w in got.replace("’s", "").split() if w.lower() not in _LEAD]
    if not words:
        return False
    names = [quote["speaker"], *quote.get("aliases", [])]
    low = " ".join(words).lower()
    if any(low == n.lower() for n in names):
        return True
    if not any(w[:1].isupper() for w in words):
        return False
    return any(words[-1].lower() == w.lower() for n in names for w in n.split()[-1:] +
               n.split()[:1] * (len(n.split()) == 3))  # "Kim" of "Kim Jong Un"


def score(gold: list[dict[str, Any]], rows_by_article: list[list[dict[str, Any]]]
          ) -> dict[str, Any]:
    """Precision, recall, speaker accuracy and the errors, over all articles."""
    tp = fp = fn = right = 0
    errors: list[str] = []
    for art, rows in zip(gold, rows_by_article, strict=True):
        direct = [r for r in rows if r["kind"] == "direct"]
        used: set[int] = set()
        for r in direct:
            k = next((k for k, q in enumerate(art["quotes"]) if k not in used
                      and _overlap(r, q)), None)
            if k is None:
                fp += 1
                errors.append(f"FP  {art['outlet']}: {r['speaker']!r} “{r['quote'][:70]}”")
                continue
            used.add(k)
            q = art["quotes"][k]
            if q.get("optional"):
                continue
            tp += 1
            if speaker_ok(r["speaker"], q):
                right += 1
            else:
                errors.append(f"SPK {art['outlet']}: {r['speaker']!r} ≠ {q['speaker']!r} "
                              f"“{q['quote'][:60]}”")
        for k, q in enumerate(art["quotes"]):
            if k not in used and not q.get("optional"):
                fn += 1
                errors.append(f"FN  {art['outlet']}: {q['speaker']!r} “{q['quote'][:70]}”")
    return {"precision": tp / max(1, tp + fp), "recall": tp / max(1, tp + fn),
            "speaker": right / max(1, tp), "tp": tp, "fp": fp, "fn": fn, "errors": errors}


def _overlap(r: dict[str, Any], q: dict[str, Any]) -> bool:
    inter = min(r["end"], q["end"]) - max(r["start"], q["start"])
    return inter > 0 and inter >= 0.5 * min(r["end"] - r["start"], q["end"] - q["start"])


def old_doc_quotes(rev: str) -> Any:
    """``doc_quotes`` of the rules at git revision ``rev`` (quotes.py and quote_marks.py)."""
    tmp = Path(tempfile.mkdtemp(prefix="quotes-eval-"))
    for name in ("quote_marks", "quotes"):
        src = subprocess.run(["git", "show", f"{rev}:workbench/annotate/{name}.py"], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
        src = src.replace("from workbench.annotate.quote_marks import",
                          "from old_quote_marks import")
        (tmp / f"old_{name}.py").write_text(src, encoding="utf-8")
    sys.path.insert(0, str(tmp))
    spec = importlib.util.spec_from_file_location("old_quotes", tmp / "old_quotes.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_quotes"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.doc_quotes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--model", default=os.environ.get("WORKBENCH_SPACY_MODEL",
                                                      "en_conll_ewt_sm"))
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the old rules")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list misses of the new rules")
    args = ap.parse_args()

    from workbench.annotate.kb import load_kb
    from workbench.annotate.mentions import doc_mentions, sentence_starts
    from workbench.annotate.models import choose_model
    from workbench.annotate.pipeline import build_nlp
    from workbench.annotate.quotes import doc_quotes

    gold = load_gold(args.gold)
    kb = load_kb()
    nlp = build_nlp(choose_model(args.model), kb)
    rules = {"new": doc_quotes}
    if not args.no_baseline:
        rules = {f"old ({args.baseline})": old_doc_quotes(args.baseline), **rules}
    rows: dict[str, list[list[dict[str, Any]]]] = {name: [] for name in rules}
    for doc in nlp.pipe([a["text"] for a in gold], batch_size=8):
        starts = sentence_starts(doc)
        mentions = doc_mentions(doc, kb, starts)
        for name, fn in rules.items():
            rows[name].append(fn(doc, [dict(m) for m in mentions], kb, starts))
    n_gold = sum(not q.get("optional") for a in gold for q in a["quotes"])
    print(f"{len(gold)} articles, {n_gold} gold direct quotes "
          f"(+{sum(bool(q.get('optional')) for a in gold for q in a['quotes'])} optional), "
          f"pipeline {args.model}")
    print(f"{'rules, split(articles)':<28} {'precision':>9} {'recall':>7} {'speaker':>8} {'tp':>4} "
          f"{'fp':>4} {'fn':>4}")
    splits = {"all": range(len(gold))}
    for split in sorted({a.get("split", "dev") for a in gold}):
        splits[split] = [i for i, a in enumerate(gold) if a.get("split", "dev") == split]
    for split, idx in splits.items():
        for name in rules:
            s = score([gold[i] for i in idx], [rows[name][i] for i in idx])
            label = f"{name} {split}({len(idx)})"
            print(f"{label:<28} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['speaker']:>8.3f} "
                  f"{s['tp']:>4} {s['fp']:>4} {s['fn']:>4}")
            if args.errors and name == "new" and split == "all":
                print("\n".join(s["errors"]))


if __name__ == "__main__":
    main()
