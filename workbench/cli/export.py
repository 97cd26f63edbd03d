"""`workbench export`: the tidy tables as CSV (formula-neutralised) and/or Parquet."""

from __future__ import annotations

import argparse

from workbench.cli.options import add_annotate_options, add_corpus_options, annotated


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the `workbench` parser."""
    p = sub.add_parser(
        "export", help="write the tidy tables (articles, mentions, quotes, dates, aside_mentions) "
                       "to CSV/Parquet",
        description="Annotate PATH if needed (cached) and write its tidy tables into DIR, one "
                    "file per table (columns: `workbench tables`). CSV cells that a spreadsheet "
                    "would run as a formula (=, +, -, @, tab, CR first) get a leading "
                    "apostrophe; Parquet keeps values as they are.")
    add_corpus_options(p)
    add_annotate_options(p)
    p.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    p.add_argument("--format", choices=["csv", "parquet", "both"], default="both",
                   help="file format (default: both)")
    p.add_argument("--lexicon", metavar="YAML", nargs="?", const="",
                   help="also write lexicon_matches (the frames of this lexicon; no value: "
                        "the shipped starter)")
    p.add_argument("--raw-text", action="store_true",
                   help="keep articles.raw_text (the decoded input, before cleaning)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the tables; print one line per file."""
    from workbench.analyze.lexicon_file import load_lexicon
    from workbench.export_tables import annotation_tables, export_tables

    if args.lexicon:
        load_lexicon(args.lexicon)  # a bad lexicon fails before the corpus is annotated
    ann = annotated(args)
    tables = annotation_tables(ann, lexicon=args.lexicon, raw_text=args.raw_text)
    formats = ["csv", "parquet"] if args.format == "both" else [args.format]
    for path in export_tables(tables, args.out, formats=formats):
        print(path)
    return 0
