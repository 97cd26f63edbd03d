"""The allow-list sanitiser: the security boundary between notebook output and the report page.

Every HTML or markdown fragment a notebook displays (article text in tables, KWIC, pandas
Styler output) passes through :func:`sanitize_html` before it reaches the page; data placed
in ``<script type="application/json">`` blocks goes through :func:`script_json`. Markup is
kept only from an allow-list (bleach), CSS only from an allow-list of properties and
functions (tinycss2), scoped under the notebook-output class; everything else is shown as
escaped text or dropped. Nothing here knows about notebooks, charts or nbconvert, so this
module can be reviewed on its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

import bleach
import markupsafe
import tinycss2
from bs4 import BeautifulSoup

__all__ = ["sanitize_html", "script_json"]

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
_IMG_DATA_URI = re.compile(
    r"^data:image/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]*$", re.I
)
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
                inner = rules(
                    tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                )
                if inner:
                    out.append(f"@media {query} {{ {' '.join(inner)} }}")
            # Everything else is dropped: @import/@font-face fetch, @namespace etc. are useless.
        return out

    sheet = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    text = "\n".join(rules(sheet))
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
