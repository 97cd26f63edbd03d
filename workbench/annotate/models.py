"""Which spaCy pipeline to annotate with, and the rules-only fallback when none is installed.

Resolution: ``model=`` argument, else ``$WORKBENCH_SPACY_MODEL``, else ``en_core_web_sm``, else
any installed English trained pipeline. A pipeline asked for by name (argument or variable) that
cannot be loaded is an error naming it; the default degrades to the next choice, and when no
trained pipeline loads at all to the rules-only fallback (blank English + sentences + knowledge
base + date rules), which every output labels.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import metadata, util
from pathlib import Path
from typing import Any

from workbench.annotate.errors import AnnotateError

DEFAULT_MODEL = "en_core_web_sm"
FALLBACK = "rules"  # model name that asks for the rules-only pipeline on purpose
FALLBACK_LABEL = "rules-only fallback (no trained spaCy pipeline)"
FALLBACK_LIMITS = ("entities come from the knowledge base only (no statistical entities) and "
                   "quotes are not extracted (they need a parser); dates still are.")
ENV_VAR = "WORKBENCH_SPACY_MODEL"

INSTALL_HELP = (
    "Install a trained English pipeline, e.g. `python -m spacy download en_core_web_sm` "
    "(needs network), `pip install path/to/en_core_web_sm-*.whl`, or with conda "
    "`conda install -c conda-forge spacy-model-en_core_web_sm`; then pass --model NAME or set "
    f"{ENV_VAR}."
)


@dataclass(frozen=True)
class ModelChoice:
    """The pipeline chosen, and why."""

    name: str  # package name or path, or FALLBACK
    fallback: bool
    notice: str | None  # what the user should be told (missing default, fallback…)


def installed_english_pipelines() -> list[str]:
    """Installed trained pipeline packages whose language is English, best first.

    Read from package metadata without importing spaCy: notebook kernels call this on every
    run, and importing spaCy costs most of a second.
    """
    names = []
    for entry in metadata.entry_points(group="spacy_models"):
        if package_meta(entry.name).get("lang") == "en":
            names.append(entry.name)
    # The standard pipelines first, small before large (speed), transformer last.
    order = {"en_core_web_sm": 0, "en_core_web_md": 1, "en_core_web_lg": 2, "en_core_web_trf": 3}
    return sorted(names, key=lambda n: (order.get(n, 5), n))


def choose_model(model: str | None = None) -> ModelChoice:
    """Decide which pipeline to use (see module docstring); never loads it."""
    asked = model or os.environ.get(ENV_VAR) or None
    if asked == FALLBACK:
        return ModelChoice(FALLBACK, True, f"using the {FALLBACK_LABEL}, as asked")
    if asked:
        if Path(asked).exists() or is_package(asked):
            return ModelChoice(asked, False, None)
        source = "--model/model=" if model else ENV_VAR
        others = installed_english_pipelines()
        raise AnnotateError(
            f"spaCy pipeline '{asked}' (from {source}) is not installed. {INSTALL_HELP} "
            f"Installed English pipelines: {', '.join(others) or 'none'}. Use --model "
            f"{FALLBACK} for the rules-only fallback.")
    if is_package(DEFAULT_MODEL):
        return ModelChoice(DEFAULT_MODEL, False, None)
    others = installed_english_pipelines()
    if others:
        return ModelChoice(others[0], False,
                           f"{DEFAULT_MODEL} is not installed; using {others[0]}")
    return ModelChoice(FALLBACK, True,
                       f"No trained English spaCy pipeline is installed ({DEFAULT_MODEL} is "
                       f"missing), so annotation uses the {FALLBACK_LABEL}: {FALLBACK_LIMITS} "
                       f"{INSTALL_HELP}")


def is_package(name: str) -> bool:
    """True when ``name`` is an installed distribution (spaCy's own test, without spaCy)."""
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def package_meta(name: str) -> dict[str, Any]:
    """A pipeline package's meta.json, read from disk without importing the package."""
    try:
        spec = util.find_spec(name)
    except (ImportError, ValueError):
        return {}
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "meta.json"
        if path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return {}
    return {}
