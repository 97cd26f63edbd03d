"""Errors of the report step that are the user's input's fault (shown as one clear line)."""


class ReportError(ValueError):
    """Bad parameters, a missing corpus or notebook, an unreadable config…"""
