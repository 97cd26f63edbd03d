"""Import-time workarounds shared by the modules that notebook kernels and reports load."""

from __future__ import annotations

import sys


def import_jsonschema_quickly() -> None:
    """Import jsonschema without rfc3987-syntax.

    Altair and nbformat import jsonschema, which imports rfc3987-syntax (installed with
    JupyterLab) to check IRI formats; that package compiles a grammar on import, about 2.5 s of
    every kernel's and every report's start. Neither checks IRIs, so jsonschema is loaded
    without it; a later explicit ``import rfc3987_syntax`` still works.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]
