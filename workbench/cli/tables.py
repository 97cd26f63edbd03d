"""`workbench tables`: print the tidy-table contract."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the command to the `workbench` parser."""
    sub.add_parser("tables", help="print the tidy-table contract (columns of every table)"
                   ).set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print :mod:`workbench.tables` as Markdown."""
    from workbench.tables import as_markdown

    print(as_markdown())
    return 0
