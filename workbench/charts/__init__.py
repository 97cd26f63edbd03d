"""Altair chart builders: each takes an analysis function's output and returns a chart.

Importing this package registers and enables the workbench theme, raises Altair's row limit
(see :mod:`workbench.charts.theme`) and makes charts leave the kernel as Vega-Lite JSON rather
than CDN-loading HTML (see :mod:`workbench.charts.render`).  Charts carry their data inline,
already aggregated, with long strings cut to 300 characters; text stays plain data (the
renderer escapes it).
"""

import sys


def _import_jsonschema_quickly() -> None:
    # Altair imports jsonschema, which imports rfc3987-syntax (installed with JupyterLab) to
    # check IRI formats; that package compiles a grammar on import, ~2.5 s of every kernel's
    # start. Altair never checks IRIs, so jsonschema is loaded without it; a later explicit
    # `import rfc3987_syntax` still works.
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        return
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    try:
        import jsonschema  # noqa: F401
    finally:
        del sys.modules["rfc3987_syntax"]


_import_jsonschema_quickly()

from . import render, theme  # noqa: E402
from .entities import cooccurrence_matrix, entity_bar, entity_heatmap
from .keyness import keyness_bars
from .timelines import articles_timeline, events_timeline, mentions_timeline
from .variants import variant_shares
from .voices import voices_bars

__all__ = [
    "render", "theme", "entity_bar", "entity_heatmap", "cooccurrence_matrix", "keyness_bars",
    "variant_shares", "voices_bars", "articles_timeline", "events_timeline",
    "mentions_timeline",
]
