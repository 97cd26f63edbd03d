"""`workbench corpus`: load a corpus, print its articles table and the problems found."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbench.cli.options import (
    add_corpus_options,
    add_work_options,
    corpus_options,
    non_negative_int,
)
from workbench.errors import UsageError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the `workbench` parser."""
    c = sub.add_parser("corpus", help="load a corpus and show its articles table and problems",
                       description="Load every article under PATH (a folder, recursively, or one "
                                   "file: .txt, .md, .html, .jsonl, .json, .csv, optionally .gz) "
                                   "and print the articles table and the problems found.")
    add_corpus_options(c)
    add_work_options(c, annotating=False)
    c.add_argument("--out", metavar="FILE", help="also write the table to FILE (.csv or .parquet)")
    c.add_argument("--limit", type=non_negative_int, default=40, help="rows to print (default 40)")
    c.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load, print, and write ``--out`` if given."""
    from workbench.corpus.load import load_corpus
    from workbench.corpus.show import describe

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        raise UsageError(f"--out must end in .csv or .parquet, got {out.name}")
    df = load_corpus(args.path, progress=sys.stderr.isatty(), jobs=args.jobs,
                     scheduler=args.scheduler, **corpus_options(args))
    print(describe(df, limit=args.limit))
    if out is not None:
        try:
            if out.suffix.lower() == ".parquet":
                df.to_parquet(out, index=False)
            else:
                df.to_csv(out, index=False)
        except OSError as exc:
            print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"wrote {len(df)} articles to {out}")
    return 0
