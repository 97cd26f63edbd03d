"""`workbench store`: build or update a corpus's partitioned Parquet store."""

from __future__ import annotations

import argparse

from workbench.cli.options import (
    add_annotate_options,
    add_corpus_options,
    annotated,
    positive_int,
    print_problems,
)


def register(sub: argparse._SubParsersAction) -> None:
    """Add `store` to the `workbench` parser."""
    from workbench.store.layout import ROWS_PER_PART

    p = sub.add_parser(
        "store", help="write the corpus and its annotations as a partitioned Parquet store",
        description="Load and annotate PATH (both cached), then write every table into the "
                    "store STORE (a folder or an fsspec URL such as s3://bucket/corpus): "
                    "articles metadata, texts, mentions, quotes, dates and stories, as Parquet "
                    "parts of a bounded number of articles. Updating an existing store rewrites "
                    "only the parts whose articles changed; readers see the old store or the "
                    "new one, never a mix. Read it with workbench.store.open_store, pandas, "
                    "DuckDB or Dask.")
    add_corpus_options(p)
    add_annotate_options(p)
    p.add_argument("--out", metavar="STORE", required=True,
                   help="the store's folder or URL (created; updated when it exists)")
    p.add_argument("--rows-per-part", type=positive_int, default=ROWS_PER_PART, metavar="N",
                   help=f"articles per part (default {ROWS_PER_PART}); changing it rewrites "
                        "every part")
    p.add_argument("--no-stories", action="store_true",
                   help="leave out the stories table (grouping stories takes a while on a "
                        "large corpus)")
    p.add_argument("--shard", type=positive_int, metavar="N",
                   help="build the store N articles at a time (e.g. 5000), for a corpus too "
                        "big for memory: only narrow columns of the whole corpus are held, "
                        "texts wait on disk beside the cache; the load itself is not cached")
    p.add_argument("--raw-text", action="store_true",
                   help="keep articles.raw_text (the decoded input, before cleaning) in texts")
    p.set_defaults(run=run_store)


def run_store(args: argparse.Namespace) -> int:
    """Annotate (through the cache), write or update the store, say what was written."""
    from workbench.store.write import check_destination, update_store

    check_destination(args.out)  # a wrong --out fails before anything is loaded
    if args.shard:
        return _run_sharded(args)
    ann = annotated(args)
    s = ann.stats
    print(f"{s['articles']} articles: {s['annotated']} annotated, {s['from_cache']} from the "
          f"cache ({s['seconds']:.1f} s); pipeline: {ann.pipeline.label}")
    report = update_store(ann, args.out, rows_per_part=args.rows_per_part,
                          stories=not args.no_stories, raw_text=args.raw_text)
    print(f"wrote {report.path}: {report.summary()} in {report.seconds:.1f} s")
    print_problems(ann)
    return 0


def _run_sharded(args: argparse.Namespace) -> int:
    import sys

    from workbench.cli.options import corpus_options
    from workbench.store.build import build_store

    built = build_store(args.path, args.out, shard_articles=args.shard,
                        rows_per_part=args.rows_per_part, stories=not args.no_stories,
                        raw_text=args.raw_text, model=args.model, jobs=args.jobs,
                        cache_dir=args.cache_dir, kb=args.kb, progress=sys.stderr.isatty(),
                        scheduler=args.scheduler, **corpus_options(args))
    s = built.stats
    print(f"{s['articles']} articles in {s['shards']} shard(s): {s['annotated']} annotated, "
          f"{s['from_cache']} from the cache ({s['seconds']:.1f} s); pipeline: "
          f"{built.pipeline.label}")
    print(f"wrote {built.write.path}: {built.write.summary()} in {built.write.seconds:.1f} s")
    print_problems(built)
    return 0
