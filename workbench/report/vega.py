"""Charts in the offline report: the inlined Vega bundle and the handling of chart specs.

Vega, Vega-Lite and vega-embed are inlined once per page (:func:`vega_bundle`, spliced in at
:func:`bundle_marker` after export). Each chart output's spec is written into a JSON script
block (:func:`chart_spec_json`), stripped of embed options that could re-enable actions or
load code; specs that would fetch data from a URL are reported (:func:`chart_external_urls`)
so the page says so instead of drawing empty axes. Altair's ``html`` renderer output is turned
back into a spec (:func:`altair_html_spec`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

import markupsafe

from workbench.report.sanitize import script_json

__all__ = [
    "CHART_MIMETYPES",
    "altair_html_spec",
    "bundle_marker",
    "chart_external_urls",
    "chart_mimetype",
    "chart_spec_json",
    "chart_type",
    "script_safe_js",
    "vega_bundle",
]

# Newest first: an output carrying several versions renders the newest one.
CHART_MIMETYPES = (
    "application/vnd.vegalite.v6+json",
    "application/vnd.vegalite.v5+json",
    "application/vnd.vegalite.v4+json",
    # Altair 6's own "mimetype" renderer drops the "+" (nbformat rejects such
    # outputs as dicts, but a notebook may still carry one).
    "application/vnd.vegalite.v6.json",
    "application/vnd.vega.v6+json",
    "application/vnd.vega.v5+json",
)


@functools.cache
def vega_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script (defines window.vegaEmbed).

    About 900 kB and 2 s to build, hence cached per process and on disk (in the workbench
    cache, per vl-convert version).
    """
    import vl_convert

    from workbench.cache.paths import default_cache_dir, new_tmp_dir, publish

    version = getattr(vl_convert, "__version__", "unknown")
    path = default_cache_dir() / "vega" / f"bundle-{version}.js"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle()
    try:
        tmp = new_tmp_dir(path.parent, "bundle")
        (tmp / path.name).write_text(bundle, encoding="utf-8")
        publish(tmp / path.name, path)
        tmp.rmdir()
    except OSError:
        pass  # a read-only cache only costs the 2 s again next time
    return bundle


# vega-embed lets a spec's usermeta.embedOptions override the caller's options;
# keep only presentational ones so a spec cannot re-enable actions, swap the
# tooltip handler or load a patch/config from a URL.
_EMBED_OPTIONS_ALLOWED = frozenset(
    {
        "theme", "renderer", "padding", "scaleFactor", "width", "height", "formatLocale",
        "timeFormatLocale", "hover", "i18n",
    }
)


def chart_spec_json(spec: Any) -> markupsafe.Markup:
    if isinstance(spec, str):
        spec = json.loads(spec)
    if isinstance(spec, Mapping) and isinstance(spec.get("usermeta"), Mapping):
        spec = dict(spec)
        usermeta = dict(spec["usermeta"])
        options = usermeta.get("embedOptions")
        if isinstance(options, Mapping):
            usermeta["embedOptions"] = {
                k: v for k, v in options.items() if k in _EMBED_OPTIONS_ALLOWED
            }
        spec["usermeta"] = usermeta
    return script_json(spec)


def chart_external_urls(spec: Any) -> list[str]:
    """URLs a chart would fetch (``"url": "..."`` anywhere, e.g. data, images).

    Altair embeds data by default; a spec that points elsewhere (the "json"
    data transformer, a remote CSV) cannot work offline, so the template says
    so instead of drawing empty axes.
    """
    if isinstance(spec, str):
        spec = json.loads(spec)
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, Mapping):
            for key, value in node.items():
                if key == "url" and isinstance(value, str):
                    if not value.lower().startswith("data:"):
                        found.append(value)
                elif key != "usermeta":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found[:3]


def chart_type(data: Mapping[str, Any]) -> str:
    """The chart mimetype an output's data renders as, or ''."""
    return next((m for m in CHART_MIMETYPES if m in data), "")


def altair_html_spec(html: str) -> dict[str, Any] | None:
    """Recover the spec from Altair's ``html`` renderer output.

    Altair 6's default renderer emits HTML whose script loads vega from a CDN;
    the sanitiser would leave an empty div. The spec is a JSON literal passed
    to the wrapper function (``})({spec}, {embed_options});``), so decode it
    as data and render it like a mimetype output.
    """
    if "altair-viz-" not in html or "vegaEmbed" not in html:
        return None
    decoder = json.JSONDecoder()
    # The first call site that decodes wins: chart data (which follows it)
    # may itself contain "})(".
    for match in re.finditer(r"\}\)\(\s*(?=\{)", html):
        try:
            spec, _ = decoder.raw_decode(html, match.end())
        except ValueError:
            continue
        if isinstance(spec, dict) and "$schema" in spec:
            return spec
    return None


def chart_mimetype(spec: Mapping[str, Any]) -> str:
    match = re.search(r"/schema/(vega-lite|vega)/v(\d+)", str(spec.get("$schema", "")))
    if match:
        kind = "vegalite" if match.group(1) == "vega-lite" else "vega"
        candidate = f"application/vnd.{kind}.v{match.group(2)}+json"
        if candidate in CHART_MIMETYPES:
            return candidate
    return CHART_MIMETYPES[0]


def bundle_marker(nonce: str) -> str:
    return f"/* workbench:vega-bundle:{nonce} */"


def script_safe_js(js: str) -> str:
    # A classic script ends at the first "</script" whatever the JS means; the
    # bundle has none today, but a future one must not break the page.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I)
