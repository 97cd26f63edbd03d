"""Score dated-expression resolution on the hand-labelled gold set ``tests/data/dates_gold.jsonl``.

What it measures
    Each gold line is one temporal expression in a sentence of a real article (``split``
    ``dev``: 40 articles, 30 drawn at random from the AllSides dump and 10 from NewsWCL50, the
    first 3,000 characters of each, labelled while the rules were written; ``heldout``: 20
    more AllSides articles labelled after, scoring rules not tuned on them), with the
    article's publication date as the anchor and the value a reader gives it:
    ``YYYY-MM-DD`` (day), ``YYYY-MM`` (month), ``YYYY`` (year), or ``other`` (weeks, seasons,
    durations, the generic "today": not scored). Every sentence is run through
    ``find_dates(sentence, anchor)`` of

    - ``old``: ``workbench/dates.py`` as of ``--baseline`` (default: the commit before the
      tense-aware rules), read from git;
    - ``new, text``: the current rules without a spaCy ``Doc`` (the words give the tense);
    - ``new, doc``: the current rules with the sentence's ``Doc`` (the governing verb gives it),
      as annotation runs them.

How to read the output
    ``recall`` = gold day/month/year expressions that an emitted expression overlaps with the
    right value at the gold precision (and that precision) ÷ all of them. ``precision`` = emitted
    dated expressions that are right so ÷ emitted dated expressions (those over an ``other``
    expression are left out; those over no gold expression are wrong). ``--errors`` lists the
    misses of the last system.

    .venv/bin/python benchmarks/dates_eval.py [--errors] [--model en_conll_ewt_sm]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
GOLD = REPO / "tests" / "data" / "dates_gold.jsonl"
BASELINE = "e236879"  # main before the tense-aware rules


def load_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The gold lines, one dict each."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def value_at(d: date, precision: str) -> str:
    """A date written at a precision: ``1999-03-01`` at month is ``1999-03``."""
    return {"day": d.isoformat(), "month": d.isoformat()[:7], "year": str(d.year)}[precision]


def score(gold: list[dict[str, Any]], run: Callable[[str, date], list[Any]]
          ) -> tuple[dict[str, float], list[str]]:
    """Recall and precision of one system (``run(sentence, anchor)`` → DateExpr list)."""
    by_sentence: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for g in gold:
        by_sentence.setdefault((g["sentence"], g["anchor"]), []).append(g)
    hits = Counter()
    misses: list[str] = []
    for (sentence, anchor), items in by_sentence.items():
        found = [d for d in run(sentence, date.fromisoformat(anchor)) if d.date is not None]
        spans = [(g["start"], g["start"] + len(g["expression"]), g) for g in items]
        for lo, hi, g in spans:
            if g["precision"] == "other":
                continue
            hits["gold"] += 1
            hits[f"gold_{g['precision']}"] += 1
            over = [d for d in found if d.start < hi and lo < d.end]
            if any(d.precision == g["precision"] and value_at(d.date, g["precision"]) ==
                   g["value"] for d in over):
                hits["recall"] += 1
                hits[f"recall_{g['precision']}"] += 1
            else:
                got = ", ".join(f"{d.text!r}→{value_at(d.date, d.precision)}" for d in over)
                misses.append(f"{anchor}  {g['expression']!r} gold {g['value']} got "
                              f"[{got or '-'}]  | {sentence[:140]}")
        for d in found:
            over = [g for lo, hi, g in spans if d.start < hi and lo < d.end]
            if any(g["precision"] == "other" for g in over):
                continue
            hits["emitted"] += 1
            if any(d.precision == g["precision"] and value_at(d.date, d.precision) == g["value"]
                   for g in over):
                hits["precise"] += 1
            elif not over:
                misses.append(f"{anchor}  emitted {d.text!r}→{value_at(d.date, d.precision)} "
                              f"over no gold date | {sentence[:140]}")
    figures = {"recall": hits["recall"] / max(1, hits["gold"]),
               "precision": hits["precise"] / max(1, hits["emitted"]),
               "gold": hits["gold"], "emitted": hits["emitted"]}
    for p in ("day", "month", "year"):
        figures[f"recall_{p}"] = hits[f"recall_{p}"] / max(1, hits[f"gold_{p}"])
        figures[f"gold_{p}"] = hits[f"gold_{p}"]
    return figures, misses


def baseline_module(rev: str) -> Any:
    """``workbench/dates.py`` as of git revision ``rev``, imported under another name."""
    source = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:workbench/dates.py"],
                            check=True, capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "dates_baseline.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("dates_baseline", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["dates_baseline"] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> None:
    """Print recall and precision of the old and new rules on the gold set."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--baseline", default=BASELINE, help="git revision of the old rules")
    parser.add_argument("--model", default="en_conll_ewt_sm", help="spaCy pipeline for 'doc'")
    parser.add_argument("--errors", action="store_true", help="list the new rules' misses")
    args = parser.parse_args(argv)

    import spacy

    from workbench.dates import find_dates

    gold = load_gold(args.gold)
    nlp = spacy.load(args.model)
    docs: dict[str, Any] = {}
    today = date(2030, 1, 1)

    def with_doc(sentence: str, anchor: date) -> list[Any]:
        doc = docs.get(sentence) or docs.setdefault(sentence, nlp(sentence))
        return find_dates(sentence, anchor, today=today, doc=doc)

    systems: list[tuple[str, Callable[[str, date], list[Any]]]] = []
    try:
        old = baseline_module(args.baseline)
        systems.append((f"old ({args.baseline})", lambda s, a: old.find_dates(s, a, today=today)))
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"baseline {args.baseline} not readable from git ({exc}); scoring the new rules only")
    systems.append(("new, text", lambda s, a: find_dates(s, a, today=today)))
    systems.append(("new, doc", with_doc))

    splits = sorted({g.get("split", "all") for g in gold})
    misses: list[str] = []
    for split in [*splits, "all"] if len(splits) > 1 else splits:
        part = [g for g in gold if split in ("all", g.get("split", "all"))]
        articles = len({g["article"] for g in part})
        print(f"\n{args.gold.name} [{split}]: {len(part)} expressions in {articles} articles")
        print(f"{'system':<18} {'recall':>7} {'day':>6} {'month':>6} {'year':>6} "
              f"{'precision':>10} {'emitted':>8}")
        for name, run in systems:
            f, misses = score(part, run)
            print(f"{name:<18} {f['recall']:>7.3f} {f['recall_day']:>6.3f} "
                  f"{f['recall_month']:>6.3f} {f['recall_year']:>6.3f} {f['precision']:>10.3f} "
                  f"{f['emitted']:>8}")
        print(f"gold scored: {f['gold']} (day {f['gold_day']}, month {f['gold_month']}, "
              f"year {f['gold_year']})")
    if args.errors:
        print("\n".join(["", f"misses of {systems[-1][0]} (all):", *misses]))

if __name__ == "__main__":
    main()
