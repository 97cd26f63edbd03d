"""`workbench stories`."""

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
    """Add the stories command to the `workbench` parser."""
    s = sub.add_parser(
        "stories", help="group articles about the same event, largest stories first",
        description="Annotate PATH if needed (cached), group its articles into stories "
                    "(articles on the same event within a few days, by their words and "
                    "entities) and print the stories, largest first.")
    add_corpus_options(s)
    add_annotate_options(s)
    s.add_argument("--top", type=positive_int, default=25, help="stories to show (default 25)")
    s.add_argument("--window-days", type=positive_int, default=None, metavar="N",
                   help="days within which two articles can be one story (default 3)")
    s.add_argument("--by", default="outlet", metavar="COLUMN",
                   help="count groups by this column (default outlet)")
    s.add_argument("--out", metavar="CSV", help="also write the stories table (one row per "
                   "article) to this CSV file")
    s.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the stories, largest first."""
    import pandas as pd

    from workbench.analyze.select import group_column
    from workbench.analyze.stories import StoryOptions, story_summary
    from workbench.errors import UsageError

    ann = annotated(args)
    try:
        group_column(ann.articles, args.by)
    except KeyError as exc:
        raise UsageError(f"--by: {exc.args[0]}") from None
    opts = StoryOptions() if args.window_days is None else StoryOptions(
        window_days=args.window_days)
    stories = ann.stories_with(opts)
    summary = story_summary(stories, ann.articles, by=args.by)
    multi = int((summary["articles"] > 1).sum())
    print(f"{len(ann.articles)} articles in {len(summary)} stories ({multi} with more than one "
          f"article; {int((~stories['dated']).sum())} undated articles grouped by content)")
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        shown = summary.head(args.top).rename(columns={"groups": args.by + "s"})
        print(shown.to_string(index=False))
    if args.out:
        from workbench.export_tables import write_csv

        write_csv(stories, args.out)
        print(f"wrote {args.out}")
    print_problems(ann)
    return 0
