"""Every error that is the input's fault, under one base class.

The command line prints a :class:`WorkbenchError` as one line (``error: …``, then any
``problems`` it carries) instead of a traceback; anything else is a bug and keeps its
traceback. Each class stays importable from the module that raises it (``workbench.read.files
.CorpusError`` and so on). They derive from ValueError, as they always did, so code that
catches ValueError keeps working.

::

    WorkbenchError
    ├── CorpusError    the corpus as a whole cannot be read (missing path, nothing to load)
    ├── FieldError     a dataset field mapping names an unknown field
    ├── DecodeError    bytes that are not text in any recognisable encoding
    ├── LimitError     a file or record over one of the loader's size limits
    ├── KBError        a knowledge-base file that is missing or invalid
    ├── LexiconError   a phrase-lexicon file that is missing or invalid
    ├── AnnotateError  a model that is not installed, an unreadable cache…
    ├── ReportError    bad report parameters, a missing notebook, an unreadable config…
    ├── StoreError     a corpus store that cannot be written or read (workbench/store)
    └── UsageError     a command-line argument that makes no sense (``--limit -5``)
"""

from __future__ import annotations

__all__ = [
    "AnnotateError",
    "CorpusError",
    "DecodeError",
    "FieldError",
    "KBError",
    "LexiconError",
    "LimitError",
    "ReportError",
    "StoreError",
    "UsageError",
    "WorkbenchError",
]


class WorkbenchError(ValueError):
    """An error that is the input's fault: its message names the file or option and the
    problem. ``problems`` holds further one-line details (may be empty)."""

    def __init__(self, message: str = "", problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class CorpusError(WorkbenchError):
    """The corpus as a whole cannot be read (missing path, nothing to load)."""


class FieldError(WorkbenchError):
    """A field mapping names a field the loader does not know."""


class DecodeError(WorkbenchError):
    """The bytes are not text in any encoding we can recognise."""


class LimitError(WorkbenchError):
    """A file or record is over one of the loader's limits (``workbench.read.limits``)."""


class LexiconError(WorkbenchError):
    """A lexicon file is missing or invalid; the message names the file, the line and the
    problem."""


class KBError(WorkbenchError):
    """A knowledge-base file is missing or invalid; the message names the file, the line
    when known, and the problem."""


class AnnotateError(WorkbenchError):
    """A model that is not installed, an unreadable cache, a knowledge base that does not
    load…"""


class ReportError(WorkbenchError):
    """Bad parameters, a missing corpus or notebook, an unreadable config…"""


class StoreError(WorkbenchError):
    """A corpus store that cannot be written or read: an unwritable destination, a folder that
    is not a store, a manifest from a newer workbench, a table the store does not hold."""


class UsageError(WorkbenchError):
    """A command-line argument that makes no sense (an unknown entity type, a negative
    limit, a field mapping that maps nothing)."""
