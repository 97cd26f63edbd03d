"""Export an executed notebook to one self-contained, offline, sanitised HTML file.

Reports are emailed and opened from disk, often without network, and the
notebooks display untrusted article text. So the page:

* loads nothing: Vega, Vega-Lite and vega-embed are inlined once (from
  ``vl_convert.javascript_bundle()``), there is no require.js, MathJax,
  mermaid or widget manager, and a Content-Security-Policy forbids every
  fetch;
* runs only its own scripts: each carries a per-export random nonce that the
  CSP requires, and every HTML/markdown fragment from the notebook goes
  through an allow-list sanitiser (bleach for markup, tinycss2 for CSS);
* hides code, shows outputs, and puts a failed run's error at the top.

Typical use::

    from workbench.report.export import export_html
    export_html("out.ipynb", "report.html", footer={"corpus": fingerprint})
"""

from __future__ import annotations

import copy
import functools
import json
import re
import secrets
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import bleach
import jinja2
import markupsafe
import nbformat
import tinycss2
from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbconvert.filters import strip_ansi
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config import Config

__all__ = ["CHART_MIMETYPES", "export_html", "sanitize_html", "script_json", "vega_bundle"]

TEMPLATE_DIR = Path(__file__).with_name("templates")
TEMPLATE_NAME = "offline"

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
            "bundle_marker": _bundle_marker(nonce),
            **report,
        },
    }
    with _EXPORT_LOCK:
        html, _ = _exporter().from_notebook_node(nb, resources=resources)
    if report["has_charts"]:
        # Spliced in after nbconvert's BeautifulSoup pass, which need not
        # re-parse ~900 kB of JavaScript. The marker carries the secret nonce,
        # so notebook content cannot contain it.
        marker = _bundle_marker(nonce)
        if html.count(marker) != 1:
            raise RuntimeError("offline template lost the vega bundle marker")
        html = html.replace(marker, _script_safe_js(vega_bundle()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


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


_SCRIPT_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028",
                        "\u2029": "\\u2029"}


def script_json(value: Any) -> markupsafe.Markup:
    """JSON for a ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` are escaped so no string in the data can close the
    script element or open a comment; U+2028/9 so the text is also valid JS.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # str.replace per character (no replacement brings back any of them): on megabytes of
    # chart data it is tens of times faster than str.translate with a dict table.
    for char, escaped in _SCRIPT_JSON_ESCAPES.items():
        text = text.replace(char, escaped)
    return markupsafe.Markup(text)  # noqa: S704 - escaped above


# --------------------------------------------------------------------------
# Sanitiser: allow-list of markup that tables, markdown and pandas Styler need
# --------------------------------------------------------------------------

_ALLOWED_TAGS = frozenset(
    """a abbr b blockquote br caption cite code col colgroup dd del details div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small
    span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr""".split()
)
_GLOBAL_ATTRS = frozenset({"class", "id", "title", "style", "lang", "dir", "align", "valign"})
_TAG_ATTRS = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "scope"},
    "th": {"colspan", "rowspan", "headers", "scope"},
    "col": {"span", "width"},
    "colgroup": {"span", "width"},
    "table": {"border", "cellpadding", "cellspacing", "summary"},
    "ol": {"start", "type", "reversed"},
    "details": {"open"},
    "time": {"datetime"},
}
_IMG_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$", re.I)
_SAFE_HREF = re.compile(r"^(https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))", re.I)
_SAFE_ID = re.compile(r"^\S+$")
# Reserved for the page itself: content must not spoof or clobber its chrome.
_RESERVED_PREFIXES = ("wb-", "vg-")


def _allow_attribute(tag: str, name: str, value: str) -> bool:
    if name not in _GLOBAL_ATTRS and name not in _TAG_ATTRS.get(tag, ()):
        return False
    if name == "src":  # only inline images: the page is offline and must not beacon
        return bool(_IMG_DATA_URI.match(value))
    if name == "href":
        return bool(_SAFE_HREF.match(value.strip()))
    if name in ("id", "name"):
        return bool(_SAFE_ID.match(value)) and not value.lower().startswith(_RESERVED_PREFIXES)
    if name == "class":
        return not any(c.lower().startswith(_RESERVED_PREFIXES) for c in value.split())
    return True


# Layout/typography only: no position/z-index (overlays that spoof the page),
# no content, and every value is checked for url() and friends below.
_ALLOWED_CSS = frozenset(
    """background-color border border-bottom border-bottom-color border-bottom-style
    border-bottom-width border-collapse border-color border-left border-left-color
    border-left-style border-left-width border-radius border-right border-right-color
    border-right-style border-right-width border-spacing border-style border-top
    border-top-color border-top-style border-top-width border-width caption-side color
    direction display empty-cells font font-family font-size font-style font-variant
    font-variant-numeric font-weight height letter-spacing line-height list-style-type
    margin margin-bottom margin-left margin-right margin-top max-height max-width min-height
    min-width opacity overflow overflow-wrap overflow-x overflow-y padding padding-bottom
    padding-left padding-right padding-top table-layout text-align text-decoration
    text-indent text-overflow text-transform unicode-bidi vertical-align white-space width
    word-break word-wrap fill stroke stroke-width""".split()
)
_ALLOWED_CSS_FUNCTIONS = frozenset(
    "rgb rgba hsl hsla hwb lab lch oklab oklch color calc min max clamp var".split()
)
# Selectors are scoped under the outputs' common class so a fragment can
# style its own table but not the page's header, error box or footer.
_CSS_SCOPE = ".jp-RenderedHTMLCommon"


def _css_value_ok(tokens: Iterable[Any]) -> bool:
    for token in tokens:
        if token.type == "url":
            return False
        if token.type == "function":
            if token.lower_name not in _ALLOWED_CSS_FUNCTIONS or not _css_value_ok(token.arguments):
                return False
        elif token.type in ("() block", "[] block", "{} block"):
            if not _css_value_ok(token.content):
                return False
        elif token.type == "at-keyword":
            return False
    return True


def _sanitize_declarations(css: str | list[Any]) -> str:
    nodes = tinycss2.parse_blocks_contents(css, skip_comments=True, skip_whitespace=True)
    kept = []
    for node in nodes:
        if node.type != "declaration" or node.lower_name not in _ALLOWED_CSS:
            continue
        if not _css_value_ok(node.value):
            continue
        value = tinycss2.serialize(node.value).strip()
        kept.append(f"{node.lower_name}: {value}{' !important' if node.important else ''}")
    return "; ".join(kept)


class _CSSSanitizer:
    """bleach css_sanitizer for ``style`` attributes."""

    def sanitize_css(self, style: str) -> str:
        return _sanitize_declarations(style)


def _scope_selector(prelude: list[Any]) -> str | None:
    selectors: list[str] = []
    current: list[Any] = []
    for token in [*prelude, None]:
        if token is None or (token.type == "literal" and token.value == ","):
            text = tinycss2.serialize(current).strip()
            if text:
                selectors.append(f"{_CSS_SCOPE} {text}")
            current = []
        elif token.type in ("{} block", "url", "at-keyword"):
            return None
        else:
            current.append(token)
    return ", ".join(selectors) or None


def _sanitize_stylesheet(css: str) -> str:
    """Keep style rules (and @media around them) with safe declarations."""

    def rules(nodes: list[Any]) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                selector = _scope_selector(node.prelude)
                body = _sanitize_declarations(node.content)
                if selector and body:
                    out.append(f"{selector} {{ {body} }}")
            elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
                query = tinycss2.serialize(node.prelude).strip()
                if "{" in query or not _css_value_ok(node.prelude):
                    continue
                inner = rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
                if inner:
                    out.append(f"@media {query} {{ {' '.join(inner)} }}")
            # Everything else is dropped: @import/@font-face fetch, @namespace etc. are useless here.
        return out

    text = "\n".join(rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))
    # CSS escape, so the serialised sheet can never contain "</style".
    return text.replace("<", "\\3c ")


_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)(?:</style\b[^>]*>|$)", re.I | re.S)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)


def _img_or_text(match: re.Match[str]) -> str:
    # A pre-pass only: whatever it misses, bleach still strips src/on*.
    tag = match.group(0)
    img = BeautifulSoup(tag, "html.parser").find("img")
    src = img.get("src") if img is not None else None
    if isinstance(src, str) and _IMG_DATA_URI.match(src):
        return tag
    return str(markupsafe.escape(tag))


_cleaner = bleach.Cleaner(
    tags=_ALLOWED_TAGS,
    attributes=_allow_attribute,
    protocols={"http", "https", "mailto", "data"},  # narrowed per attribute above
    strip=False,  # disallowed markup is shown as escaped text, not silently lost
    strip_comments=True,
    css_sanitizer=_CSSSanitizer(),
)


def sanitize_html(fragment: Any) -> markupsafe.Markup:
    """Sanitise an HTML fragment from a notebook (text/html output, markdown).

    Unknown tags are escaped so they show as text (``<script>`` reads as the
    literal string), event handlers and non-inline images are removed, and
    ``<style>`` blocks (pandas tables, Styler) are kept after CSS
    sanitising, scoped to notebook content.
    """
    html = fragment.decode() if isinstance(fragment, bytes) else str(fragment)
    # bleach would keep a hostile <img src=x onerror=...> as an empty <img>;
    # show the tag as text instead, like the other markup it refuses.
    html = _IMG_TAG.sub(_img_or_text, html)
    sheets: list[str] = []

    def take_style(match: re.Match[str]) -> str:
        sheets.append(_sanitize_stylesheet(match.group(1)))
        return ""

    # A regex rather than a re-serialising parser, so the rest of the fragment
    # reaches bleach exactly as written. Like the browser, a style element
    # ends at the first "</style". Misplaced matches cannot hurt: bleach
    # still cleans the remainder and the CSS is rebuilt from an allow-list.
    html = _STYLE_ELEMENT.sub(take_style, html)
    cleaned = _cleaner.clean(html)
    styles = "".join(f"<style>\n{css}\n</style>" for css in sheets if css)
    return markupsafe.Markup(styles + cleaned)  # noqa: S704 - sanitised above


# --------------------------------------------------------------------------
# Chart specs
# --------------------------------------------------------------------------

# vega-embed lets a spec's usermeta.embedOptions override the caller's options;
# keep only presentational ones so a spec cannot re-enable actions, swap the
# tooltip handler or load a patch/config from a URL.
_EMBED_OPTIONS_ALLOWED = frozenset(
    {"theme", "renderer", "padding", "scaleFactor", "width", "height", "formatLocale", "timeFormatLocale", "hover", "i18n"}
)


def _chart_spec_json(spec: Any) -> markupsafe.Markup:
    if isinstance(spec, str):
        spec = json.loads(spec)
    if isinstance(spec, Mapping) and isinstance(spec.get("usermeta"), Mapping):
        spec = dict(spec)
        usermeta = dict(spec["usermeta"])
        options = usermeta.get("embedOptions")
        if isinstance(options, Mapping):
            usermeta["embedOptions"] = {k: v for k, v in options.items() if k in _EMBED_OPTIONS_ALLOWED}
        spec["usermeta"] = usermeta
    return script_json(spec)


def _chart_external_urls(spec: Any) -> list[str]:
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
                if key == "url" and isinstance(value, str) and not value.lower().startswith("data:"):
                    found.append(value)
                elif key != "usermeta":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found[:3]


def _chart_type(data: Mapping[str, Any]) -> str:
    """The chart mimetype an output's data renders as, or ''."""
    return next((m for m in CHART_MIMETYPES if m in data), "")


def _altair_html_spec(html: str) -> dict[str, Any] | None:
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


def _chart_mimetype(spec: Mapping[str, Any]) -> str:
    match = re.search(r"/schema/(vega-lite|vega)/v(\d+)", str(spec.get("$schema", "")))
    if match:
        kind = "vegalite" if match.group(1) == "vega-lite" else "vega"
        candidate = f"application/vnd.{kind}.v{match.group(2)}+json"
        if candidate in CHART_MIMETYPES:
            return candidate
    return CHART_MIMETYPES[0]


# --------------------------------------------------------------------------
# Notebook preparation
# --------------------------------------------------------------------------


def _prepare(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """Normalise a (copied) notebook and collect what the page header needs."""
    # papermill's own red banners are raw HTML with in-page links; the
    # template's error box replaces them.
    nb.cells = [c for c in nb.cells if PAPERMILL_ERROR_TAG not in c.get("metadata", {}).get("tags", [])]

    errors: list[dict[str, Any]] = []
    has_charts = False
    last_error_cell = -1
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data and not any(m in data for m in CHART_MIMETYPES):
                spec = _altair_html_spec(str(data["text/html"]))
                if spec is not None:
                    data[_chart_mimetype(spec)] = spec
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
            if cell.cell_type == "code" and cell.get("execution_count") is None and not cell.get("outputs")
        )
    papermill_failed = bool(nb.metadata.get("papermill", {}).get("exception"))
    return nb, {
        "errors": errors,
        "not_run": not_run,
        # A dead kernel leaves papermill's flag but no error output.
        "failed_without_output": papermill_failed and not errors,
        "has_charts": has_charts,
    }


def _bundle_marker(nonce: str) -> str:
    return f"/* workbench:vega-bundle:{nonce} */"


def _script_safe_js(js: str) -> str:
    # A classic script ends at the first "</script" whatever the JS means; the
    # bundle has none today, but a future one must not break the page.
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.I)


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
        yield ("wb_chart_json", _chart_spec_json)
        yield ("wb_chart_type", _chart_type)
        yield ("wb_chart_external_urls", _chart_external_urls)
