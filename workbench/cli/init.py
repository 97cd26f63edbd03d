"""`workbench init DIR`: a project folder of one's own (notebooks, knowledge base, report.yml)."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the `workbench` parser."""
    i = sub.add_parser(
        "init", help="start a project folder: notebooks, knowledge base and report.yml to edit",
        description="Copy the report notebooks, the knowledge base, the lexicons and the sample "
                    "corpus into DIR, with a report.yml that points at them. Edit them there; "
                    "`workbench report` run in DIR (or below) uses them. Refuses to overwrite "
                    "anything.")
    i.add_argument("dir", metavar="DIR", help="the project folder (created if needed)")
    i.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the project folder and say what to do next."""
    from workbench.project import init_project

    root = Path(args.dir)
    written = init_project(root)
    print(f"wrote {len(written)} files into {root}/:")
    for top in sorted({p.relative_to(root).parts[0] for p in written}):
        print(f"  {top}")
    print(f"next: cd {root} && workbench report   (edit report.yml to use your own corpus)")
    return 0
