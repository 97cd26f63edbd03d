"""The `workbench` command (also `python -m workbench`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from workbench import __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except _user_errors() as exc:
        print(f"error: {exc}", file=sys.stderr)
        for line in getattr(exc, "problems", [])[:20]:
            print(f"  {line}", file=sys.stderr)
        return 1


def _user_errors() -> tuple[type[BaseException], ...]:
    # Errors that are the input's fault get one clear line, not a traceback.
    from workbench.annotate.errors import AnnotateError
    from workbench.read.datasets import FieldError
    from workbench.read.files import CorpusError
    from workbench.report.errors import ReportError

    return (CorpusError, FieldError, AnnotateError, ReportError)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="workbench",
        description="Study how news outlets cover a story: load a folder of articles, annotate "
                    "entities, quotes and dates, render reports.")
    p.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    c = sub.add_parser("corpus", help="load a corpus and show its articles table and problems",
                       description="Load every article under PATH (a folder, recursively, or one "
                                   "file: .txt, .md, .html, .jsonl, .json, .csv, optionally .gz) "
                                   "and print the articles table and the problems found.")
    _corpus_args(c)
    c.add_argument("--out", metavar="FILE", help="also write the table to FILE (.csv or .parquet)")
    c.add_argument("--limit", type=int, default=40, help="rows to print (default 40)")
    c.set_defaults(run=_cmd_corpus)

    sub.add_parser("tables", help="print the tidy-table contract (columns of every table)"
                   ).set_defaults(run=_cmd_tables)

    from workbench.annotate.cli import register as annotate_commands
    from workbench.report.cli import register as report_commands

    annotate_commands(sub)
    report_commands(sub)
    return p


def _corpus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("path", metavar="PATH", help="corpus folder or file")
    p.add_argument("--field", action="append", default=[], metavar="NAME=KEY",
                   help="dataset field mapping, e.g. --field text=body --field outlet=site")
    p.add_argument("--sources", metavar="CSV", help="sources.csv to join (default: the folder's)")
    p.add_argument("--no-metadata", action="store_true", help="ignore metadata.csv sidecars")
    p.add_argument("--max-file-mb", type=float, default=10, help="size cap for one article file")


def corpus_options(args: argparse.Namespace) -> dict[str, object]:
    """load_corpus keyword arguments from the shared corpus options."""
    fields = {}
    for item in args.field:
        name, sep, key = item.partition("=")
        if not sep:
            raise SystemExit(f"error: --field wants NAME=KEY, got '{item}'")
        fields[name.strip()] = key.strip()
    return {"fields": fields or None, "sources": args.sources, "metadata": not args.no_metadata,
            "max_file_mb": args.max_file_mb}


def _cmd_corpus(args: argparse.Namespace) -> int:
    from workbench.corpus.load import load_corpus
    from workbench.corpus.show import describe

    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".csv", ".parquet"):
        print(f"error: --out must end in .csv or .parquet, got {out.name}", file=sys.stderr)
        return 2
    df = load_corpus(args.path, progress=sys.stderr.isatty(), **corpus_options(args))
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


def _cmd_tables(args: argparse.Namespace) -> int:
    from workbench.tables import as_markdown

    print(as_markdown())
    return 0
