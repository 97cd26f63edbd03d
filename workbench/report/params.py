"""Notebook parameters: what each notebook declares, and checking what the user passes.

Everything here runs before any kernel starts, so a typo in a parameter name, a value of the
wrong type or a missing corpus is one clear message instead of N failed notebooks.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from workbench.annotate.kb import TYPES as ENTITY_TYPES
from workbench.report.errors import ReportError

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}

# Parameters every notebook declares that belong to the whole run: the runner sets them.
RUN_OPTIONS = ("corpus", "model", "cache_dir", "sources")

# The values the notebooks accept for ``entity_types`` (the knowledge base's types) and
# ``freq`` (the analyses' periods, or "auto") are checked before any notebook runs.


def declared(notebook: Path) -> dict[str, Any]:
    """The parameters a notebook declares (its ``parameters`` cell): name → default value.

    Read with Python's own parser (papermill's line-based one trips over comments holding an
    "="); a default that is an expression rather than a literal is kept as None, so any value
    is accepted for it.
    """
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise ReportError(f"{notebook}: needs exactly one cell tagged 'parameters', "
                          f"found {len(cells)}")
    try:
        tree = ast.parse(cells[0].source)
    except SyntaxError as exc:
        raise ReportError(f"{notebook}: parameters cell line {exc.lineno}: {exc.msg}") from None
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and node.value is not None:
                    try:
                        out[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        out[target.id] = None
    return out


def parse_cli(items: Iterable[str]) -> dict[str, Any]:
    """``-p name=value`` items → {name: "value"}: kept as written, and read according to the
    parameter's declared type by ``check`` (so ``-p kwic_entity=1e3`` stays "1e3")."""
    out: dict[str, Any] = {}
    for item in items:
        name, sep, raw = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ReportError(f"-p wants NAME=VALUE (e.g. -p top_n=30), got '{item}'")
        out[name] = CliValue(raw.strip())
    return out


class CliValue(str):
    """A parameter value as typed on the command line, still to be read by its type."""


def check(values: Mapping[str, Any], notebooks: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Validate ``values`` against the notebooks' declared parameters and return them converted
    to the declared types. Unknown names and wrong types raise ReportError naming them."""
    known: dict[str, Any] = {}
    for params in notebooks.values():
        for name, default in params.items():
            known.setdefault(name, default)
    out: dict[str, Any] = {}
    problems = []
    for name, value in values.items():
        if name not in known:
            close = [k for k in known if k.startswith(name[:3])]
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            problems.append(f"unknown parameter '{name}'{hint}; the notebooks take: "
                            f"{', '.join(sorted(known))}")
            continue
        try:
            out[name] = _convert(value, known[name])
        except (TypeError, ValueError) as exc:
            problems.append(f"parameter '{name}': {exc}")
    problems += _value_problems(out)
    if problems:
        raise ReportError("; ".join(problems))
    return out


def _value_problems(values: Mapping[str, Any]) -> list[str]:
    """Values the notebooks would only reject after starting: bad dates, types, periods."""
    import pandas as pd

    from workbench.analyze.timeline import FREQS as PERIODS

    freqs = ("auto", *PERIODS)
    problems = []
    bounds = {}
    for name in ("date_from", "date_to"):
        value = values.get(name)
        if value:
            try:
                bounds[name] = pd.Timestamp(value)
            except (ValueError, TypeError):
                problems.append(f"parameter '{name}': '{value}' is not a date (YYYY-MM-DD)")
    if len(bounds) == 2 and bounds["date_from"] > bounds["date_to"]:
        problems.append(f"date_from {values['date_from']} is after date_to "
                        f"{values['date_to']}: no article could match")
    types = values.get("entity_types")
    bad = sorted(set(map(str.upper, map(str, types or []))) - set(ENTITY_TYPES))
    if bad:
        problems.append(f"parameter 'entity_types': unknown {', '.join(bad)}; use "
                        f"{', '.join(sorted(ENTITY_TYPES))}")
    if values.get("freq") and values["freq"] not in freqs:
        problems.append(f"parameter 'freq': '{values['freq']}' is not one of "
                        f"{', '.join(freqs)}")
    return problems


def check_against_corpus(values: Mapping[str, Any], articles: Any) -> None:
    """Values that need the corpus to check: ``group_by`` must name a column of it."""
    from workbench.tables import TABLES

    by = values.get("group_by")
    contract = {c.name for c in TABLES["articles"]}
    if by and by not in articles.columns:
        extra = [c for c in articles.columns if c in ("outlet", "country", "group")
                 or c not in contract]
        raise ReportError(f"parameter 'group_by': the corpus has no column '{by}'; try "
                          f"{', '.join(extra)} (sources.csv columns are joined onto the "
                          "articles)")


def _literal(raw: str) -> Any:
    for parse in (json.loads, ast.literal_eval):
        try:
            return parse(raw)
        except (ValueError, SyntaxError, TypeError):
            continue
    return raw


def _convert(value: Any, default: Any) -> Any:
    if isinstance(value, CliValue):  # read the text by the declared type
        if isinstance(default, str):
            return str(value)
        value = _literal(value) if not isinstance(default, list) or value[:1] in "[(" \
            else str(value)
    expected = type(default)
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in _TRUE | _FALSE:
            return str(value).lower() in _TRUE
        raise ValueError(f"expected true or false, got {value!r}")
    if isinstance(default, str):
        if isinstance(value, (list, dict, bool)):
            raise ValueError(f"expected text, got {type(value).__name__} {value!r}")
        return str(value)
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError(f"expected a whole number, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"expected a whole number, got {value!r}") from None
    if isinstance(default, float):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ValueError(f"expected a number, got {value!r}") from None
    if isinstance(default, list):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list such as [\"a\", \"b\"], got {value!r}")
        return list(value)
    if isinstance(value, expected) or default is None:
        return value
    raise ValueError(f"expected {expected.__name__}, got {value!r}")
