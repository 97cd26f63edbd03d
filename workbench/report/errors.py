"""Errors of the report step that are the user's input's fault (defined in
:mod:`workbench.errors`, importable here as before)."""

from workbench.errors import ReportError

__all__ = ["ReportError"]
