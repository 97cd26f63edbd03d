"""Errors of the annotation step that are the input's fault (defined in :mod:`workbench.errors`,
importable here as before)."""

from workbench.errors import AnnotateError

__all__ = ["AnnotateError"]
