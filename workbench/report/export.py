"""Export an executed notebook to one self-contained, offline, sanitised HTML file.

Reports are emailed and opened from disk, often without network, and the
notebooks display untrusted article text. So the page:

* loads nothing: Vega, Vega-Lite and vega-embed are inlined once
  (:mod:`workbench.report.vega`), there is no require.js, MathJax,
  mermaid or widget manager, and a Content-Security-Policy forbids every
  fetch;
* runs only its own scripts: each carries a per-export random nonce that the
  CSP requires, and every HTML/markdown fragment from the notebook goes
  through the allow-list sanitiser (:mod:`workbench.report.sanitize`);
* hides code, shows outputs, and puts a failed run's error at the top.

This module holds the notebook preparation and the nbconvert exporter.

Typical use::

    from workbench.report.export import export_html
    export_html("out.ipynb", "report.html", footer={"corpus": fingerprint})
"""

from __future__ import annotations

import copy
import functools
import secrets
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.filters import strip_ansi
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

from workbench.report.sanitize import sanitize_html, script_json
from workbench.report.vega import (
    CHART_MIMETYPES,
    altair_html_spec,
    bundle_marker,
    chart_external_urls,
    chart_mimetype,
    chart_spec_json,
    chart_type,
    script_safe_js,
    vega_bundle,
)
from workbench.resources import path as resource_path

# The exception workbench.notebook.setup raises for an empty selection: not a failure.
EMPTY_SELECTION = "NoArticles"

# sanitize_html, script_json and vega_bundle stay importable from here (their former home).
__all__ = ["CHART_MIMETYPES", "export_html", "sanitize_html", "script_json", "vega_bundle"]

TEMPLATE_DIR = resource_path("templates")
TEMPLATE_NAME = "offline"

# No application/javascript, widget views or mermaid: each needs code or a CDN
# the offline page does not have, so such outputs fall back to text/plain.
DISPLAY_PRIORITY = [
    *CHART_MIMETYPES,
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/latex",
    "text/plain",
]

PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def export_html(
    notebook: nbformat.NotebookNode | str | Path,
    out_path: str | Path,
    *,
    title: str | None = None,
    footer: Mapping[str, str] | None = None,
) -> Path:
    """Render an executed notebook to a self-contained HTML report.

    ``notebook`` is a notebook node or a path to an ``.ipynb`` (it is not
    modified). ``title`` becomes the page title and heading; ``footer`` items
    (provenance: corpus fingerprint, versions, parameters...) are shown,
    escaped, at the bottom of the page. A notebook whose run failed still
    exports, with the error at the top. Returns the written path.
    """
    out = Path(out_path)
    if isinstance(notebook, (str, Path)):
        source_dir = str(Path(notebook).resolve().parent)
        nb = nbformat.read(str(notebook), as_version=4)
    else:
        source_dir = str(Path.cwd())
        nb = copy.deepcopy(notebook)

    nb, report = _prepare(nb)
    if title:
        nb.metadata["title"] = title
    nonce = secrets.token_urlsafe(18)
    resources = {
        "metadata": {"name": title or nb.metadata.get("title") or out.stem, "path": source_dir},
        "workbench": {
            "nonce": nonce,
            "title": title,
            "footer": [(str(k), str(v)) for k, v in (footer or {}).items()],
            "bundle_marker": bundle_marker(nonce),
            **report,
        },
    }
    with _EXPORT_LOCK:
        html, _ = _exporter().from_notebook_node(nb, resources=resources)
    if report["has_charts"]:
        # Spliced in after nbconvert's BeautifulSoup pass, which need not
        # re-parse ~900 kB of JavaScript. The marker carries the secret nonce,
        # so notebook content cannot contain it.
        marker = bundle_marker(nonce)
        if html.count(marker) != 1:
            raise RuntimeError("offline template lost the vega bundle marker")
        html = html.replace(marker, script_safe_js(vega_bundle()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


# --------------------------------------------------------------------------
# Notebook preparation
# --------------------------------------------------------------------------


def _prepare(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """Drop papermill's banners from a (copied) notebook, turn Altair's HTML outputs into chart
    specs, and collect what the page header needs (errors, cells not run, charts)."""
    # papermill's own red banners are raw HTML with in-page links; the
    # template's error box replaces them.
    nb.cells = [
        c for c in nb.cells if PAPERMILL_ERROR_TAG not in c.get("metadata", {}).get("tags", [])
    ]

    errors: list[dict[str, Any]] = []
    has_charts = False
    last_error_cell = -1
    stopped_at = 0
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        # An empty selection stops a notebook on purpose, after its own note says so.
        kept = [o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "error" and o.get("ename") == EMPTY_SELECTION)]
        if len(kept) < len(cell.get("outputs", [])):
            stopped_at = number
        cell["outputs"] = kept
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data and not any(m in data for m in CHART_MIMETYPES):
                spec = altair_html_spec(str(data["text/html"]))
                if spec is not None:
                    data[chart_mimetype(spec)] = spec
            has_charts = has_charts or any(m in data for m in CHART_MIMETYPES)
            if output.get("output_type") == "error":
                anchor = f"wb-error-{len(errors) + 1}"
                output["wb_anchor"] = anchor  # read by the template's error block
                errors.append(
                    {
                        "anchor": anchor,
                        "cell": number,
                        "cells": len(nb.cells),
                        "execution_count": cell.get("execution_count"),
                        "ename": strip_ansi(str(output.get("ename", "Error"))),
                        "evalue": strip_ansi(str(output.get("evalue", ""))),
                    }
                )
                last_error_cell = number

    not_run = 0
    if last_error_cell > 0:
        not_run = sum(
            1
            for cell in nb.cells[last_error_cell:]
            if cell.cell_type == "code"
            and cell.get("execution_count") is None
            and not cell.get("outputs")
        )
    papermill_failed = bool(nb.metadata.get("papermill", {}).get("exception"))
    if stopped_at:  # the sections after the stop were never run: leave them out
        nb.cells = nb.cells[:stopped_at]
        papermill_failed = bool(errors)
    return nb, {
        "errors": errors,
        "not_run": not_run,
        # A dead kernel leaves papermill's flag but no error output.
        "failed_without_output": papermill_failed and not errors,
        "has_charts": has_charts,
    }


# --------------------------------------------------------------------------
# nbconvert exporter
# --------------------------------------------------------------------------


class _MarkdownRenderer(IPythonRenderer):
    """Leaves raw HTML in markdown verbatim, for the sanitiser to judge."""

    def block_html(self, html: str) -> str:
        return super(IPythonRenderer, self).block_html(html)

    def inline_html(self, html: str) -> str:
        return super(IPythonRenderer, self).inline_html(html)


# One exporter per process: building one compiles its Jinja templates (~0.2 s), and exports
# are pure Python, so the report's threads lose nothing by taking turns with it.
_EXPORT_LOCK = threading.Lock()


@functools.cache
def _exporter() -> _OfflineHTMLExporter:
    return _OfflineHTMLExporter()


class _OfflineHTMLExporter(HTMLExporter):
    """HTMLExporter wired to the ``offline`` template and the sanitiser."""

    def __init__(self, **kw: Any) -> None:
        kw.setdefault("template_name", TEMPLATE_NAME)
        kw.setdefault("extra_template_basedirs", [str(TEMPLATE_DIR)])
        super().__init__(
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            # Makes the lab template pipe markdown and HTML through clean_html
            # (our sanitiser, below) and drop application/javascript.
            sanitize_html=True,
            embed_images=True,  # markdown images become data: URIs
            **kw,
        )

    @jinja2.pass_context
    def markdown2html(self, context: Any, source: str) -> str:
        """nbconvert's markdown filter, minus raw-HTML image embedding.

        With ``embed_images`` nbconvert re-parses each inline HTML token on its
        own, which scrambles text like ``<script>x</script>`` (to
        ``<script></script>x``) before the sanitiser can show it as written.
        Markdown images (``![](fig.png)``, attachments) are still embedded.
        """
        cell = context.get("cell", {})
        renderer = _MarkdownRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        return MarkdownWithMath(renderer=renderer).render(source)

    @property
    def default_config(self) -> Config:
        config = super().default_config
        config.merge(Config({"NbConvertBase": {"display_data_priority": DISPLAY_PRIORITY}}))
        return config

    def default_filters(self):  # type: ignore[override]
        yield from super().default_filters()
        # Later registrations win: replaces nbconvert's narrower bleach call,
        # which escapes <th>/<thead> and drops pandas' <style>.
        yield ("clean_html", sanitize_html)
        yield ("wb_chart_json", chart_spec_json)
        yield ("wb_chart_type", chart_type)
        yield ("wb_chart_external_urls", chart_external_urls)
