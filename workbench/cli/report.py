"""`workbench report`."""

from __future__ import annotations

import argparse
import sys

from workbench.cli.options import positive_int


def register(sub: argparse._SubParsersAction) -> None:
    """Add the report command to the `workbench` parser."""
    r = sub.add_parser(
        "report", help="render every notebook into offline HTML reports",
        description="Run every report notebook with papermill (in parallel), export each to a "
                    "self-contained HTML file that works offline, and write index.html and "
                    "manifest.json. Parameters are checked before any kernel starts. Settings "
                    "come from --config, else the report.yml of the project folder you are in "
                    "(see workbench init); options given here win.")
    r.add_argument("--corpus", metavar="PATH", help="corpus folder or file (default: the "
                   "config's corpus, else the sample corpus shipped with the workbench)")
    r.add_argument("--out", metavar="DIR", help="output folder (default: the config's, else "
                   "reports/)")
    r.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="notebook parameter, e.g. -p top_n=30 -p 'outlets=[\"Izvestia\"]' "
                        "(repeatable)")
    r.add_argument("--config", metavar="YAML", help="report config with shared parameters and "
                   "variants (each rendered into its own folder); default: report.yml in this "
                   "folder or one above it")
    r.add_argument("--notebooks", metavar="NAMES", help="comma-separated subset, e.g. "
                   "timeline,source_bias")
    r.add_argument("--notebook-dir", metavar="DIR", help="render the notebooks of DIR instead "
                   "of the workbench's own (default: the config's notebook_dir)")
    r.add_argument("--kb", metavar="YAML", help="knowledge base (default: the config's kb, else "
                   "$WORKBENCH_KB, else the one shipped with the workbench)")
    r.add_argument("--jobs", type=positive_int, metavar="N",
                   help="notebooks run at once (default: all)")
    r.add_argument("--model", metavar="NAME_OR_PATH", help="spaCy pipeline (see annotate)")
    r.add_argument("--cache-dir", metavar="DIR", help="annotation cache folder")
    r.add_argument("--sources", metavar="CSV", help="sources.csv to join (outlet → group, "
                   "country…; default: the one beside the corpus)")
    r.add_argument("--scheduler", metavar="ADDRESS", help="load and annotate on this "
                   "Dask cluster (default: $WORKBENCH_SCHEDULER, else locally)")
    r.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Render the reports; 1 when any notebook failed."""
    from workbench.project import find_config
    from workbench.report.config import Config, load_config
    from workbench.report.params import parse_cli
    from workbench.report.run import render_reports

    config_path = args.config or find_config()
    config = load_config(config_path) if config_path else Config()
    if config_path and not args.config:
        print(f"settings: {config_path}", file=sys.stderr)
    params = {**config.parameters, **parse_cli(args.param)}
    notebooks = args.notebooks.split(",") if args.notebooks else config.notebooks
    result = render_reports(args.corpus or config.corpus,
                            args.out or config.out or "reports", parameters=params,
                            variants=config.variants, notebooks=notebooks, jobs=args.jobs,
                            model=args.model, cache_dir=args.cache_dir,
                            notebook_dir=args.notebook_dir or config.notebook_dir,
                            kb=args.kb or config.kb, scheduler=args.scheduler,
                            sources=args.sources)
    runs = result.runs or [r for v in result.variants for r in v.runs]
    for one in runs:
        mark = "ok    " if one.status == "ok" else "FAILED"
        print(f"{mark} {one.title:<24} {one.seconds or 0:6.1f} s  {one.summary or ''}")
    print(f"index: {result.index}")
    if result.failed:
        print(f"{len(result.failed)} of {len(runs)} notebook(s) failed; their reports show the "
              f"error.", file=sys.stderr)
        return 1
    return 0
