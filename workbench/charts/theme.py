"""The workbench look, in one place: a registered Altair theme, enabled on import, plus the
data-transformer limit.

Charts are built from pandas aggregates, so they stay far below Altair's default 5,000-row
guard; the limit is raised to 20,000 rows only so that an unusually fine-grained chart (a
timeline over years by day for many outlets) still renders instead of raising.
"""

from __future__ import annotations

import altair as alt

THEME = "workbench"
MAX_ROWS = 20_000
FONT = "Inter, 'Helvetica Neue', Arial, sans-serif"
CATEGORY = "tableau20"  # 20 distinct hues: enough for top-N groups plus "(other)"
SEQUENTIAL = "blues"
SIDE_COLORS = {"group": "#c0392b", "rest": "#2c7fb8"}
PRECISION_COLORS = {"day": "#1f3b73", "month": "#5b8bd0", "year": "#a9c4eb"}


def theme_config() -> dict:
    """The theme's Vega-Lite config (a plain dict, so it can be inspected or reused)."""
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 280, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12,
                      "subtitleColor": "#555"},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 220,
                     "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "labelLimit": 220},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "range": {"category": {"scheme": CATEGORY}},
            "bar": {"continuousBandSize": 6},
        }
    }


def use() -> None:
    """Register and enable the theme and raise the row limit (idempotent; run on import)."""
    if hasattr(alt, "theme") and hasattr(alt.theme, "register"):
        alt.theme.register(THEME, enable=True)(theme_config)
    else:  # Altair < 5.5
        alt.themes.register(THEME, theme_config)
        alt.themes.enable(THEME)
    alt.data_transformers.enable("default", max_rows=MAX_ROWS)


use()
