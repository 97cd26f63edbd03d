"""A researcher's own project folder: ``workbench init DIR`` and finding its ``report.yml``.

The workbench ships its notebooks, knowledge base and sample corpus inside the package
(:mod:`workbench.resources`); a researcher edits copies in a folder of their own::

    DIR/
      report.yml              corpus, notebooks, knowledge base, parameters, variants
      notebooks/*.ipynb       the report notebooks (edit them, add your own)
      data/kb/entities.yaml   the knowledge base (add entities and aliases)
      data/kb/aliases-*.yaml  its entities' Russian and Ukrainian spellings (aliases-ru-uk.yaml)
      data/lexicons/*.yaml    phrase lexicons, when the workbench ships any
      data/sample/            the five-article sample corpus, as a model for your own

The layout mirrors the repository's, so the notebooks' default ``corpus = "../data/sample"``
works in JupyterLab as it is. ``workbench report`` run in DIR or below reads ``report.yml``;
so does the default knowledge base (:func:`workbench.annotate.kb.default_kb_path`), so a
notebook opened in JupyterLab links entities against the project's edited file too.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from workbench import resources
from workbench.annotate.kb_aliases import alias_files
from workbench.errors import UsageError

__all__ = ["CONFIG_NAME", "find_config", "init_project", "project_setting"]

CONFIG_NAME = "report.yml"

_CONFIG_TEXT = """\
# This workbench project (made by `workbench init`). `workbench report`, run in this folder or
# below, reads this file, and so does every notebook here for its knowledge base. Paths are
# relative to this file. Command-line options win over what is set here.

corpus: data/sample          # your corpus: a folder of articles or a dataset file (.jsonl, .csv…)
out: reports                 # where the HTML reports, index.html and manifest.json go
notebook_dir: notebooks      # the report notebooks: edit them, or add your own
kb: data/kb/entities.yaml    # the knowledge base: add your entities, aliases and variants
parameters:                  # given to every notebook; -p NAME=VALUE on the command line wins
  top_n: 25
# variants:                  # optional: each is rendered into reports/<slug>/
#   - name: By country
#     parameters: {group_by: country}
#   - name: November 2025
#     parameters: {date_from: "2025-11-01", date_to: "2025-11-30"}
"""


def init_project(folder: str | Path) -> list[Path]:
    """Copy the notebooks, knowledge base, lexicons and sample corpus, and write a
    ``report.yml``, into ``folder`` (created if needed). Returns the paths written.

    Refuses (UsageError) when any of them already exists there: a researcher's edits are
    never overwritten.
    """
    root = Path(folder).expanduser()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{root}: exists and is not a folder")
    plan: list[tuple[Path | None, Path]] = [(None, root / CONFIG_NAME)]
    plan += [(p, root / "notebooks" / p.name)
             for p in sorted(resources.path("notebooks").glob("*.ipynb"))]
    kb = resources.path("kb")
    plan.append((kb / "entities.yaml", root / "data" / "kb" / "entities.yaml"))
    # The other languages' spellings travel with it: the loader reads every aliases-*.yaml
    # beside the knowledge-base file, so the project's copy still links Путин to Putin.
    plan += [(p, root / "data" / "kb" / p.name) for p in alias_files(kb / "entities.yaml")]
    try:
        lexicons = sorted(resources.path("lexicons").glob("*.yaml"))
    except FileNotFoundError:
        lexicons = []
    plan += [(p, root / "data" / "lexicons" / p.name) for p in lexicons]
    sample = resources.path("sample")
    plan += [(p, root / "data" / "sample" / p.relative_to(sample))
             for p in sorted(sample.rglob("*")) if p.is_file()]
    existing = [dest for _, dest in plan if dest.exists()]
    if existing:
        shown = ", ".join(str(p.relative_to(root)) for p in existing[:5])
        more = " …" if len(existing) > 5 else ""
        raise UsageError(f"{root}: already holds {shown}{more}; nothing was changed (choose an "
                         "empty folder)")
    for source, dest in plan:
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source is None:
            dest.write_text(_CONFIG_TEXT, encoding="utf-8")
        else:
            shutil.copyfile(source, dest)
    return [dest for _, dest in plan]


def find_config(start: str | Path | None = None) -> Path | None:
    """The ``report.yml`` of the project ``start`` (default: the working folder) is in: the
    nearest one in ``start`` or a folder above it, or None."""
    here = Path(start or Path.cwd()).expanduser().resolve()
    for folder in (here, *here.parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def project_setting(key: str, start: str | Path | None = None) -> Path | None:
    """A path setting (``kb``, ``notebook_dir``…) of the nearest ``report.yml``, resolved
    against that file's folder; None when there is no such file or it does not set ``key``.
    A file that is not valid YAML raises UsageError naming it."""
    import yaml

    config = find_config(start)
    if config is None:
        return None
    try:
        data: Any = yaml.safe_load(config.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"{config}: cannot read the project settings "
                         f"({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise UsageError(f"{config}: cannot read the project settings:{where} not valid YAML "
                         f"({getattr(exc, 'problem', None) or 'parse error'})") from None
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (config.parent / path).resolve()
