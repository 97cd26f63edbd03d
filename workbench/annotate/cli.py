"""`workbench annotate` and `workbench entities`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd


def register(sub: argparse._SubParsersAction) -> None:
    """Add the annotation commands to the `workbench` parser."""
    from workbench.cli import _corpus_args

    a = sub.add_parser(
        "annotate", help="annotate entities, quotes and dates (cached)",
        description="Annotate every article under PATH with a spaCy pipeline plus the knowledge "
                    "base, quote and date rules. Results are cached by article content and "
                    "pipeline: a re-run annotates only new or changed articles. Cache: "
                    "--cache-dir, else $WORKBENCH_CACHE_DIR, else ~/.cache/workbench.")
    _corpus_args(a)
    _annotate_args(a)
    a.add_argument("--out", metavar="DIR", help="also write articles/mentions/quotes/dates "
                   "as Parquet files into DIR")
    a.set_defaults(run=_cmd_annotate)

    e = sub.add_parser("entities", help="top entities of an annotated corpus",
                       description="Annotate PATH if needed (cached) and print its top entities "
                                   "under their canonical names, with the spellings used.")
    _corpus_args(e)
    _annotate_args(e)
    e.add_argument("--top", type=int, default=25, help="entities to show (default 25)")
    e.add_argument("--type", action="append", default=[], metavar="TYPE",
                   help="only PERSON, ORG, PLACE, GROUP, EVENT or OTHER (repeatable)")
    e.add_argument("--count-duplicates", action="store_true",
                   help="count near-duplicate copies of a story separately")
    e.set_defaults(run=_cmd_entities)


def _annotate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", metavar="NAME_OR_PATH",
                   help="spaCy pipeline (default: $WORKBENCH_SPACY_MODEL, en_core_web_sm, any "
                        "installed English pipeline; 'rules' for the rules-only fallback)")
    p.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes")
    p.add_argument("--cache-dir", metavar="DIR", help="annotation cache folder")
    p.add_argument("--kb", metavar="YAML", help="knowledge base (default data/kb/entities.yaml)")


def annotated(args: argparse.Namespace):
    """Load and annotate the corpus the shared options describe, through the caches."""
    from workbench.cli import corpus_options
    from workbench.session import open_corpus

    return open_corpus(args.path, model=args.model, jobs=args.jobs, cache_dir=args.cache_dir,
                       kb=args.kb, progress=sys.stderr.isatty(), **corpus_options(args))


def _cmd_annotate(args: argparse.Namespace) -> int:
    ann = annotated(args)
    s = ann.stats
    print(f"{s['articles']} articles: {s['annotated']} annotated, {s['from_cache']} from the "
          f"cache ({s['seconds']:.1f} s)")
    print(f"pipeline: {ann.pipeline.label}; knowledge base: {ann.pipeline.kb_path}")
    print(f"{len(ann.mentions)} mentions of {ann.mentions['entity_id'].nunique()} entities, "
          f"{len(ann.quotes)} quotes, {len(ann.dates)} dated expressions "
          f"({int(ann.dates['date'].notna().sum())} resolved)")
    _print_problems(ann)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("articles", "mentions", "quotes", "dates"):
            getattr(ann, name).to_parquet(out / f"{name}.parquet", index=False)
        print(f"wrote articles, mentions, quotes and dates to {out}/")
    return 0


def _cmd_entities(args: argparse.Namespace) -> int:
    ann = annotated(args)
    table = top_entities_table(ann.mentions, ann.articles, top=args.top,
                               types=[t.upper() for t in args.type] or None,
                               once=not args.count_duplicates)
    print(f"Top entities — {ann.pipeline.label}"
          + ("" if args.count_duplicates else "; near-duplicate copies counted once"))
    print(table.to_string(index=False) if len(table) else "(no entities)")
    _print_problems(ann)
    return 0


def top_entities_table(mentions: pd.DataFrame, articles: pd.DataFrame, *, top: int = 25,
                       types: list[str] | None = None, once: bool = True) -> pd.DataFrame:
    """Entity, type, mentions, articles, outlets and the spellings used, most mentioned first."""
    from workbench.analyze import restrict, select_articles

    articles = select_articles(articles, count_duplicates_once=once)
    m = restrict(mentions, articles)
    if types:
        m = m[m["type"].isin(types)]
    if m.empty:
        return pd.DataFrame(columns=["entity", "type", "mentions", "articles", "outlets",
                                     "spellings"])
    outlets = articles.set_index("article_id")["outlet"]
    m = m.assign(outlet=m["article_id"].map(outlets))
    spellings = (m.groupby(["entity_id", "text"]).size().rename("n").reset_index()
                 .sort_values(["entity_id", "n"], ascending=[True, False])
                 .groupby("entity_id")
                 .apply(lambda g: ", ".join(f"{t} {n}" for t, n in zip(g["text"], g["n"])),
                        include_groups=False))
    agg = m.groupby(["entity_id"]).agg(entity=("entity", "first"), type=("type", "first"),
                                       mentions=("text", "size"),
                                       articles=("article_id", "nunique"),
                                       outlets=("outlet", "nunique"))
    agg["spellings"] = spellings
    agg = agg.sort_values(["mentions", "articles", "entity"], ascending=[False, False, True])
    return agg.head(top).reset_index(drop=True)


def _print_problems(ann) -> None:
    if ann.problems:
        print(f"\nNotes and problems ({len(ann.problems)}):")
        for line in ann.problems[:100]:
            print(f"  {line}")
