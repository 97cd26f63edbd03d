"""Altair chart builders: each takes an analysis function's output and returns a chart.

Importing this package registers and enables the workbench theme, raises Altair's row limit
(see :mod:`workbench.charts.theme`) and makes charts leave the kernel as Vega-Lite JSON rather
than CDN-loading HTML (see :mod:`workbench.charts.render`).  Charts carry their data inline,
already aggregated, with long strings cut to 300 characters; text stays plain data (the
renderer escapes it).
"""

from workbench._imports import import_jsonschema_quickly

import_jsonschema_quickly()

from . import render, theme  # noqa: E402
from .entities import cooccurrence_matrix, entity_bar, entity_heatmap
from .keyness import keyness_bars
from .stories import coverage_matrix, stories_timeline
from .timelines import articles_timeline, events_timeline, mentions_timeline
from .variants import variants_bars
from .voices import voices_bars

__all__ = [
    "render", "theme", "entity_bar", "entity_heatmap", "cooccurrence_matrix", "keyness_bars",
    "variants_bars", "voices_bars", "articles_timeline", "events_timeline",
    "mentions_timeline", "stories_timeline", "coverage_matrix",
]
