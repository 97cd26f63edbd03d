"""Errors of the annotation step that are the input's fault (shown as one clear line)."""


class AnnotateError(ValueError):
    """A model that is not installed, an unreadable cache, a knowledge base that does not load…"""
