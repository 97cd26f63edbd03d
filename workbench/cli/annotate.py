"""`workbench annotate` and `workbench entities`."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.options import (
    add_annotate_options,
    add_corpus_options,
    annotated,
    positive_int,
    print_problems,
)
from workbench.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the annotation commands to the `workbench` parser."""
    from workbench.annotate.kb import TYPES

    a = sub.add_parser(
        "annotate", help="annotate entities, quotes and dates (cached)",
        description="Annotate every article under PATH with a spaCy pipeline plus the knowledge "
                    "base, quote and date rules. Results are cached by article content and "
                    "pipeline: a re-run annotates only new or changed articles. Cache: "
                    "--cache-dir, else $WORKBENCH_CACHE_DIR, else ~/.cache/workbench.")
    add_corpus_options(a)
    add_annotate_options(a)
    a.add_argument("--out", metavar="DIR", help="also write articles/mentions/quotes/dates "
                   "as Parquet files into DIR")
    a.set_defaults(run=run_annotate)

    e = sub.add_parser("entities", help="top entities of an annotated corpus",
                       description="Annotate PATH if needed (cached) and print its top entities "
                                   "under their canonical names, with the spellings used.")
    add_corpus_options(e)
    add_annotate_options(e)
    e.add_argument("--top", type=positive_int, default=25, help="entities to show (default 25)")
    e.add_argument("--type", action="append", default=[], metavar="TYPE",
                   help=f"only {', '.join(TYPES[:-1])} or {TYPES[-1]} (repeatable)")
    e.add_argument("--count-duplicates", action="store_true",
                   help="count near-duplicate copies of a story separately")
    e.set_defaults(run=run_entities)


def run_annotate(args: argparse.Namespace) -> int:
    """Annotate (through the cache), print a summary, write ``--out`` if given."""
    ann = annotated(args)
    s = ann.stats
    print(f"{s['articles']} articles: {s['annotated']} annotated, {s['from_cache']} from the "
          f"cache ({s['seconds']:.1f} s)")
    print(f"pipeline: {ann.pipeline.label}; knowledge base: {ann.pipeline.kb_path}")
    print(f"{len(ann.mentions)} mentions of {ann.mentions['entity_id'].nunique()} entities, "
          f"{len(ann.quotes)} quotes, {len(ann.dates)} dated expressions "
          f"({int(ann.dates['date'].notna().sum())} resolved)")
    print_problems(ann)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name in ("articles", "mentions", "quotes", "dates"):
            getattr(ann, name).to_parquet(out / f"{name}.parquet", index=False)
        print(f"wrote articles, mentions, quotes and dates to {out}/")
    return 0


def entity_types(given: list[str]) -> list[str] | None:
    """``--type`` values, upper-cased and checked against the knowledge base's types."""
    from workbench.annotate.kb import TYPES

    types = [t.strip().upper() for t in given if t.strip()]
    unknown = sorted(set(types) - set(TYPES))
    if unknown:
        raise UsageError(f"--type: unknown entity type {', '.join(unknown)}; use "
                         f"{', '.join(TYPES)}")
    return types or None


def run_entities(args: argparse.Namespace) -> int:
    """Print the top entities with their spellings."""
    from workbench.analyze.entity_table import top_entities_table

    types = entity_types(args.type)  # before the corpus is loaded: a typo costs nothing
    ann = annotated(args)
    table = top_entities_table(ann.mentions, ann.articles, top=args.top, types=types,
                               once=not args.count_duplicates)
    print(f"Top entities — {ann.pipeline.label}"
          + ("" if args.count_duplicates else "; near-duplicate copies counted once"))
    print(table.to_string(index=False) if len(table) else "(no entities)")
    print_problems(ann)
    return 0
