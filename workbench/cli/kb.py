"""`workbench kb suggest` and `workbench kb add`: grow the knowledge base from the corpus."""

from __future__ import annotations

import argparse
from pathlib import Path

from workbench.cli.options import add_annotate_options, add_corpus_options, annotated, positive_int


def register(sub: argparse._SubParsersAction) -> None:
    """Add `kb suggest` and `kb add` to the `workbench` parser."""
    kb = sub.add_parser("kb", help="grow the knowledge base: suggest entities, add reviewed ones",
                        description="Suggest the people and organisations the corpus needs in "
                                    "the knowledge base, then add the ones you reviewed.")
    cmds = kb.add_subparsers(title="kb commands", metavar="COMMAND",
                             parser_class=type(kb))
    s = cmds.add_parser(
        "suggest", help="list frequent unlinked people and organisations into a review file",
        description="Annotate PATH if needed (cached) and write a review file (YAML) of the "
                    "people and organisations it mentions most that the knowledge base does "
                    "not know: counts, example sentences, candidate merges (knowledge-base "
                    "matches, surname clusters, spelling variants) and type conflicts. Edit "
                    "it, then run `workbench kb add`.")
    add_corpus_options(s)
    add_annotate_options(s)
    s.add_argument("--out", metavar="YAML", default="kb-review.yaml",
                   help="review file to write (default: kb-review.yaml)")
    s.add_argument("--top", type=positive_int, default=200, help="suggestions (default 200)")
    s.add_argument("--min-mentions", type=positive_int, default=3,
                   help="least mentions for a suggestion (default 3)")
    s.set_defaults(run=run_suggest)

    a = cmds.add_parser(
        "add", help="merge a reviewed suggestion file into a knowledge-base file",
        description="Add the entries marked `add` as new entities and the aliases of those "
                    "marked `merge` to their knowledge-base entity, in the file --kb (created "
                    "as a copy of the shipped knowledge base, or --base, if missing). The "
                    "result is validated before the file is replaced.")
    a.add_argument("review", metavar="FILE", help="the edited review file")
    a.add_argument("--kb", metavar="YAML", required=True,
                   help="your knowledge-base file to write (use it with --kb / $WORKBENCH_KB)")
    a.add_argument("--base", metavar="YAML",
                   help="knowledge base to start from when --kb does not exist yet")
    a.set_defaults(run=run_add)


def run_suggest(args: argparse.Namespace) -> int:
    """Write the review file and print the top suggestions."""
    from workbench.annotate.kb import load_kb
    from workbench.annotate.kb_review import write_review
    from workbench.annotate.kb_suggest import suggest

    ann = annotated(args)
    kb = load_kb(ann.pipeline.kb_path)
    found = suggest(ann.mentions, ann.articles, kb, min_mentions=args.min_mentions,
                    top=args.top)
    path = write_review(found, args.out)
    print(f"{len(found)} suggestions from {len(ann.articles):,} articles "
          f"(knowledge base: {ann.pipeline.kb_path}) written to {path}")
    if len(found):
        cols = ["name", "type", "mentions", "articles", "merge_name", "type_conflict"]
        print(found[cols].head(30).fillna("").to_string(index=False))
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Merge the review file; print what changed."""
    from workbench.annotate.kb_review import add_reviewed

    result = add_reviewed(args.review, args.kb, base=args.base)
    n_aliases = sum(len(v) for v in result.merged.values())
    print(f"{Path(result.path)}: {len(result.added)} entities added, {n_aliases} aliases "
          f"merged into {len(result.merged)} entities, {result.skipped} skipped")
    for note in result.notes:
        print(f"  {note}")
    return 0
