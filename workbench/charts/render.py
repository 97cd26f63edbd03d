"""How charts leave the kernel: as Vega-Lite JSON, never as HTML that loads scripts.

Altair's default renderer writes HTML that fetches Vega from a CDN, which breaks offline and in
exported reports. This renderer emits the spec under the Vega-Lite mimetypes instead: the v6 key
(read by the workbench's offline HTML export, which inlines Vega 6 once per page) and the v5 key
(rendered by JupyterLab's built-in, offline Vega-Lite extension).
"""

from __future__ import annotations

from typing import Any

import altair as alt

NAME = "workbench"


SUBTITLE_CHARS = 100
"""Longer subtitles are broken into lines: Vega never wraps a title, and a subtitle listing
what was left out would otherwise widen its chart past the page."""


def wrap_subtitles(spec: Any, width: int = SUBTITLE_CHARS) -> Any:
    """``spec`` with every title's subtitle of more than ``width`` characters broken into
    lines (a list, which Vega-Lite draws one under the other), at any depth."""
    import textwrap

    if isinstance(spec, list):
        return [wrap_subtitles(v, width) for v in spec]
    if not isinstance(spec, dict):
        return spec
    out = {k: wrap_subtitles(v, width) for k, v in spec.items()}
    title = out.get("title")
    if isinstance(title, dict) and isinstance(title.get("subtitle"), str) \
            and len(title["subtitle"]) > width:
        out["title"] = {**title, "subtitle": textwrap.wrap(title["subtitle"], width)}
    return out


def mimebundle(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    """The output bundle for one chart spec (its long subtitles broken into lines)."""
    spec = wrap_subtitles(spec)
    return {
        "application/vnd.vegalite.v6+json": spec,
        "application/vnd.vegalite.v5+json": spec,
        "text/plain": "<Vega-Lite chart: open in JupyterLab or an exported report>",
    }


def use() -> None:
    """Register and enable the renderer (idempotent; run on import of ``workbench.charts``)."""
    alt.renderers.register(NAME, mimebundle)
    alt.renderers.enable(NAME)


use()
