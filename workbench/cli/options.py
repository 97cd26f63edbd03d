"""Options several commands share, and argument types that refuse nonsense before any work.

Each command module adds its options with these helpers, so ``corpus``, ``annotate``,
``entities`` and ``report`` spell and check them the same way.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from workbench.errors import UsageError

__all__ = [
    "add_annotate_options",
    "add_work_options",
    "add_corpus_options",
    "annotated",
    "corpus_options",
    "non_negative_int",
    "positive_float",
    "positive_int",
    "print_problems",
]


def non_negative_int(text: str) -> int:
    """argparse type: a whole number ≥ 0."""
    value = _number(text, int, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {text}")
    return value


def positive_int(text: str) -> int:
    """argparse type: a whole number ≥ 1."""
    value = _number(text, int, "a whole number")
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a number > 0."""
    value = _number(text, float, "a number")
    if not value > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be more than 0, got {text}")
    return value


def _number(text: str, kind: type, what: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got '{text}'") from None


def add_corpus_options(p: argparse.ArgumentParser) -> None:
    """PATH and the loading options (``--field``, ``--sources``, ``--no-metadata``…)."""
    p.add_argument("path", metavar="PATH", help="corpus folder or file")
    p.add_argument("--field", action="append", default=[], metavar="NAME=KEY",
                   help="dataset field mapping, e.g. --field text=body --field outlet=site")
    p.add_argument("--sources", metavar="CSV", help="sources.csv to join (default: the folder's)")
    p.add_argument("--no-metadata", action="store_true", help="ignore metadata.csv sidecars")
    p.add_argument("--max-file-mb", type=positive_float, default=10,
                   help="size cap for one article file or dataset record (default 10)")
    p.add_argument("--max-dataset-mb", type=positive_float, default=4096,
                   help="cap on the decompressed bytes read from one dataset file "
                        "(default 4096)")
    p.add_argument("--follow-symlinks", action="store_true",
                   help="also read symbolic links that lead outside the corpus folder")


def corpus_options(args: argparse.Namespace) -> dict[str, object]:
    """``load_corpus`` keyword arguments from the shared corpus options.

    A ``--field`` that is not NAME=KEY, names a field the loader does not know or maps it to
    nothing raises UsageError, whether or not the corpus holds a dataset it would apply to.
    """
    from workbench.read.datasets import DEFAULT_FIELDS

    fields = {}
    for item in args.field:
        name, sep, key = item.partition("=")
        name, key = name.strip(), key.strip()
        if not sep or not name or not key:
            raise UsageError(f"--field wants NAME=KEY (e.g. --field text=body), got '{item}'")
        if name not in DEFAULT_FIELDS:
            raise UsageError(f"--field {item}: unknown field '{name}'; known: "
                             f"{', '.join(DEFAULT_FIELDS)}")
        fields[name] = key
    from workbench.read.limits import Limits

    limits = Limits(max_file_mb=args.max_file_mb, max_dataset_mb=args.max_dataset_mb,
                    follow_symlinks=args.follow_symlinks)
    return {"fields": fields or None, "sources": args.sources, "metadata": not args.no_metadata,
            "limits": limits}


def add_work_options(p: argparse.ArgumentParser, annotating: bool) -> None:
    """``--jobs`` and ``--scheduler``: where the loading (and annotating) work runs."""
    what = "load and annotate" if annotating else "load"
    p.add_argument("--jobs", type=positive_int, default=1, metavar="N",
                   help=f"worker processes to {what} with (default 1)")
    shared = ("; annotating workers must see the cache folder at the same path"
              if annotating else "")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help=f"{what} on this Dask cluster (e.g. tcp://10.0.0.5:8786; default: "
                        f"$WORKBENCH_SCHEDULER, else locally){shared}")


def add_annotate_options(p: argparse.ArgumentParser) -> None:
    """``--model``, ``--jobs``, ``--scheduler``, ``--cache-dir`` and ``--kb``."""
    p.add_argument("--model", metavar="NAME_OR_PATH",
                   help="spaCy pipeline (default: $WORKBENCH_SPACY_MODEL, en_core_web_sm, any "
                        "installed English pipeline; 'rules' for the rules-only fallback)")
    add_work_options(p, annotating=True)
    p.add_argument("--cache-dir", metavar="DIR", help="annotation cache folder")
    p.add_argument("--kb", metavar="YAML",
                   help="knowledge base (default: $WORKBENCH_KB, else the project's report.yml "
                        "kb, else the one shipped with the workbench)")


def annotated(args: argparse.Namespace) -> Any:
    """Load and annotate the corpus the shared options describe, through the caches."""
    from workbench.session import open_corpus

    options = corpus_options(args)  # checked before anything is loaded
    return open_corpus(args.path, model=args.model, jobs=args.jobs, cache_dir=args.cache_dir,
                       kb=args.kb, progress=sys.stderr.isatty(), scheduler=args.scheduler,
                       **options)


def print_problems(ann: Any) -> None:
    """The notes and problems of an annotated corpus, at most 100."""
    if ann.problems:
        print(f"\nNotes and problems ({len(ann.problems)}):")
        for line in ann.problems[:100]:
            print(f"  {line}")
