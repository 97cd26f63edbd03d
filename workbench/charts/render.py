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


def mimebundle(spec: dict[str, Any], **_: Any) -> dict[str, Any]:
    """The output bundle for one chart spec."""
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
