"""The `workbench` command (also `python -m workbench`): one module per command.

Each command module has ``register(sub)``, which adds its parser, and a ``run(args)`` the
parser dispatches to; the options several commands share are in :mod:`workbench.cli.options`.
Errors that are the input's fault (:class:`workbench.errors.WorkbenchError`, and argparse's
own) are one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.errors import WorkbenchError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line (with where to look) instead of the usage."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(2, f"error: {self.prog}: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a bad argument (already printed)
        return exc.code if isinstance(exc.code, int) else 2
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, inside the handler below, not at exit
        return code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `workbench corpus … | head`: the reader left. Stop quietly, as a process killed by
        # SIGPIPE does; the interpreter must not complain again when it flushes stdout.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except WorkbenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        for line in exc.problems[:20]:
            print(f"  {line}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    from workbench.cli import annotate, corpus, export, init, kb, report, store, stories, tables

    p = _Parser(
        prog="workbench",
        description="Study how news outlets cover a story: load a folder of articles, annotate "
                    "entities, quotes and dates, render reports.")
    p.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = p.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for command in (corpus, annotate, stories, report, tables, init, kb, export, store):
        command.register(sub)
    return p
