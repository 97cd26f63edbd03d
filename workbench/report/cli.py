"""`workbench report`."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    """Add the report command to the `workbench` parser."""
    r = sub.add_parser(
        "report", help="render every notebook into offline HTML reports",
        description="Run every notebook of notebooks/ with papermill (in parallel), export each "
                    "to a self-contained HTML file that works offline, and write index.html and "
                    "manifest.json. Parameters are checked before any kernel starts.")
    r.add_argument("--corpus", metavar="PATH", help="corpus folder or file (default: the "
                   "config's corpus, else data/sample)")
    r.add_argument("--out", metavar="DIR", help="output folder (default: the config's, else "
                   "reports/)")
    r.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                   help="notebook parameter, e.g. -p top_n=30 -p 'outlets=[\"Izvestia\"]' "
                        "(repeatable)")
    r.add_argument("--config", metavar="YAML", help="report config with shared parameters and "
                   "variants (each rendered into its own folder)")
    r.add_argument("--notebooks", metavar="NAMES", help="comma-separated subset, e.g. "
                   "timeline,source_bias")
    r.add_argument("--notebook-dir", metavar="DIR", help="render the notebooks of DIR instead "
                   "of the workbench's own")
    r.add_argument("--jobs", type=int, metavar="N", help="notebooks run at once (default: all)")
    r.add_argument("--model", metavar="NAME_OR_PATH", help="spaCy pipeline (see annotate)")
    r.add_argument("--cache-dir", metavar="DIR", help="annotation cache folder")
    r.set_defaults(run=_cmd_report)


def _cmd_report(args: argparse.Namespace) -> int:
    from workbench.report.config import Config, load_config
    from workbench.report.params import parse_cli
    from workbench.report.run import render_reports

    config = load_config(args.config) if args.config else Config()
    params = {**config.parameters, **parse_cli(args.param)}
    notebooks = args.notebooks.split(",") if args.notebooks else config.notebooks
    result = render_reports(args.corpus or config.corpus,
                            args.out or config.out or "reports", parameters=params,
                            variants=config.variants, notebooks=notebooks, jobs=args.jobs,
                            model=args.model, cache_dir=args.cache_dir,
                            notebook_dir=args.notebook_dir)
    runs = result.runs or [r for v in result.variants for r in v.runs]
    for run in runs:
        mark = "ok    " if run.status == "ok" else "FAILED"
        print(f"{mark} {run.title:<24} {run.seconds or 0:6.1f} s  {run.summary or ''}")
    print(f"index: {result.index}")
    if result.failed:
        print(f"{len(result.failed)} of {len(runs)} notebook(s) failed; their reports show the "
              f"error.", file=sys.stderr)
        return 1
    return 0
