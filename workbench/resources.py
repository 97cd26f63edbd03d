"""The files the workbench ships beside its code: notebooks, knowledge base, lexicons, the sample
corpus and the report templates.

In the repository they live where researchers see and edit them (``notebooks/``,
``data/kb/``, ``data/lexicons/``, ``data/sample/``); a wheel carries copies inside the package
(``workbench/_data/…``, see ``[tool.hatch.build.targets.wheel.force-include]`` in
``pyproject.toml``). :func:`path` finds the packaged copy through ``importlib.resources`` and
falls back to the repository copy in an editable install, so the same call works in both.

``workbench init DIR`` (:mod:`workbench.project`) copies the editable ones into a researcher's
own project folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["NAMES", "path"]

# name → (folder inside the installed package, folder in the repository checkout)
_LOCATIONS: dict[str, tuple[str, str]] = {
    "notebooks": ("_data/notebooks", "notebooks"),
    "kb": ("_data/kb", "data/kb"),
    "lexicons": ("_data/lexicons", "data/lexicons"),
    "sample": ("_data/sample", "data/sample"),
    "templates": ("report/templates", "workbench/report/templates"),
}
NAMES = tuple(_LOCATIONS)


def path(name: str) -> Path:
    """The folder of the shipped resource ``name`` (one of :data:`NAMES`): ``"notebooks"``,
    ``"kb"`` (holds ``entities.yaml``), ``"lexicons"``, ``"sample"`` or ``"templates"``.

    Raises KeyError for an unknown name and FileNotFoundError when neither the packaged nor
    the repository copy exists (a broken install).
    """
    packaged, repository = _LOCATIONS[name]
    # A real folder is needed (papermill and the YAML loader read files by path); the
    # workbench is never installed zipped, so files() gives a pathlib.Path here.
    root = files("workbench")
    candidate = Path(str(root.joinpath(*packaged.split("/"))))
    if candidate.is_dir():
        return candidate
    checkout = Path(str(root)).resolve().parent / repository
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"workbench resource '{name}' not found (looked in {candidate} and "
                            f"{checkout}); reinstall the workbench")
