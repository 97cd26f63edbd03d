"""Headless-Chromium harness for exported HTML reports (a helper, not a test file).

Opens a report from disk the way a colleague would, with every non-local
request aborted and recorded, and reports what happened: charts rendered,
console errors, dialogs, injected markup. Uses Debian's ``/usr/bin/chromium``
through Playwright's sync API (Playwright's own browser download is not used).

    from browser import open_report, report_page, require_chromium

    require_chromium()                 # skip (or fail under WORKBENCH_CI=1)
    rep = open_report(path)            # PageReport
    with report_page(path) as page:    # keep the page for hovering etc.
        tip = page.hover_tooltip(chart=0, item=2)
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEFAULT_WAIT_MS = 15_000


@dataclass
class PageReport:
    """What a report page did once its charts settled."""

    charts: int  # chart containers (.wb-chart)
    rendered: int  # containers with at least one mark drawn
    marks_per_chart: list[int]  # data-mark items per chart (canvas: 1 if anything drawn)
    console_errors: list[str]  # console.error messages and uncaught exceptions
    requests_blocked: list[str]  # URLs of non-file:/data: requests, all aborted
    dialogs: list[str]  # alert/confirm/prompt/beforeunload, auto-dismissed
    injected: list[str]  # markup the page did not author (see _INJECTED_JS)
    chart_errors: list[str] = field(default_factory=list)  # visible chart error messages
    too_wide: list[str] = field(default_factory=list)  # charts wider than the report's column


@dataclass
class Tooltip:
    """vega-tooltip's box after hovering a mark."""

    text: str  # what the reader sees
    html: str  # innerHTML, for debugging
    tags: list[str]  # element names inside the box (vega-tooltip uses table/tr/td/h2)


def chromium_path() -> str | None:
    """Debian's chromium binary, if installed."""
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else None


def require_chromium() -> str:
    """Skip the calling test when Chromium/Playwright are missing.

    Under ``WORKBENCH_CI=1`` it fails instead: CI must not go green by
    silently skipping the browser checks.
    """
    import pytest

    problem = None
    if chromium_path() is None:
        problem = f"{CHROMIUM} not found (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = ("playwright is not installed (pip install playwright; "
                       "no browser download needed)")
    if problem is None:
        return CHROMIUM
    if os.environ.get("WORKBENCH_CI") == "1":
        pytest.fail(f"browser test cannot run under WORKBENCH_CI=1: {problem}", pytrace=False)
    pytest.skip(f"browser test skipped: {problem}")
    raise AssertionError("unreachable")


# Waits until every chart container has settled (rendered or error).
_SETTLED_JS = """() => Array.from(document.querySelectorAll('.wb-chart'))
    .every(c => c.dataset.wbState && c.dataset.wbState !== 'pending')"""

_CHARTS_JS = """() => Array.from(document.querySelectorAll('.wb-chart')).map(c => {
  let marks = 0;
  const svg = c.querySelector('svg');
  if (svg) {
    // Data marks only (role-mark), not axes/legends/frames: a chart with
    // axes but no bars did not really render.
    for (const g of svg.querySelectorAll('g[class*="mark-"]')) {
      const cls = g.getAttribute('class') || '';
      if (/\\bmark-group\\b/.test(cls) || !/\\brole-mark\\b/.test(cls)) continue;
      marks += g.childElementCount;
    }
  } else {
    const canvas = c.querySelector('canvas');
    if (canvas && canvas.width && canvas.height) {
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < data.length; i += 4) { if (data[i]) { marks = 1; break; } }
    }
  }
  const err = c.querySelector('.wb-chart-error');
  // Wider than the report's column: the reader has to scroll sideways to see all of it.
  const drawn = c.querySelector('svg, canvas');
  const room = (c.closest('.jp-OutputArea-output') || c.parentElement).clientWidth;
  const width = drawn ? drawn.getBoundingClientRect().width : 0;
  const title = drawn ? (drawn.querySelector('.role-title-text') || {}).textContent : '';
  const wide = `${title || '(untitled)'}: ${Math.round(width)} px in ${room}`;
  return {marks, error: err ? err.textContent : null, wide: width > room + 1 ? wide : null};
})"""

# Markup the page did not author. The page's own scripts carry the nonce its
# CSP names; the nonce is random per export, so injected markup cannot know
# it. (Read via the .nonce property: browsers hide the attribute.)
_INJECTED_JS = """() => {
  const found = [];
  const short = el => el.outerHTML.slice(0, 200);
  const csp = document.querySelector('head > meta[http-equiv="Content-Security-Policy" i]');
  const m = csp && /'nonce-([^']+)'/.exec(csp.getAttribute('content') || '');
  const nonce = m ? m[1] : null;
  const urlAttrs = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data', \
'srcdoc', 'poster']);
  const banned = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'form', \
'link', 'portal', 'applet']);
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) found.push(`event-handler attribute ${name}: ${short(el)}`);
      else if (urlAttrs.has(name) && \
/^\\s*(javascript|vbscript|data:text\\/html)/i.test(attr.value))
        found.push(`script URL in ${name}: ${short(el)}`);
    }
    if (tag === 'script' && (nonce === null || el.nonce !== nonce)) \
found.push(`foreign script: ${short(el)}`);
    else if (tag === 'img' && el.getAttribute('src') === 'x') \
found.push(`img[src=x]: ${short(el)}`);
    else if (banned.has(tag) && !(tag === 'form' && el.matches('.wb-chart form.vega-bindings')))
      found.push(`<${tag}> element: ${short(el)}`);  // vega-embed adds an (empty) bindings form
    else if (tag === 'meta' && !el.closest('head')) found.push(`<meta> outside head: ${short(el)}`);
    else if (tag === 'meta' && /refresh/i.test(el.httpEquiv || '')) \
found.push(`meta refresh: ${short(el)}`);
  }
  return found;
}"""

_TOOLTIP_JS = """() => {
  const el = document.getElementById('vg-tooltip-element');
  if (!el || !el.classList.contains('visible')) return null;
  return {text: el.innerText, html: el.innerHTML,
          tags: Array.from(el.querySelectorAll('*')).map(e => e.localName)};
}"""

# Hoverable data-mark items inside a chart.
MARK_ITEMS = 'svg g.role-mark:not(.mark-group) > *'


class _Recorder:
    def __init__(self) -> None:
        self.console_errors: list[str] = []
        self.requests_blocked: list[str] = []
        self.dialogs: list[str] = []

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests_blocked.append(url)
            route.abort("blockedbyclient")

    def console(self, msg: Any) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def page_error(self, error: Any) -> None:
        self.console_errors.append(f"uncaught: {error}")

    def dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


class ReportPage:
    """An open report: the Playwright ``page`` plus what has been recorded."""

    def __init__(self, page: Any, recorder: _Recorder) -> None:
        self.page = page
        self._recorder = recorder

    def report(self) -> PageReport:
        """Snapshot of the page now (call again after hovering to re-check)."""
        charts = self.page.evaluate(_CHARTS_JS)
        marks = [c["marks"] for c in charts]
        return PageReport(
            charts=len(charts),
            rendered=sum(1 for m in marks if m > 0),
            marks_per_chart=marks,
            console_errors=list(self._recorder.console_errors),
            requests_blocked=list(self._recorder.requests_blocked),
            dialogs=list(self._recorder.dialogs),
            injected=self.page.evaluate(_INJECTED_JS),
            chart_errors=[c["error"] for c in charts if c["error"]],
            too_wide=[c["wide"] for c in charts if c["wide"]],
        )

    def mark_count(self, chart: int) -> int:
        return self.page.locator(".wb-chart").nth(chart).locator(MARK_ITEMS).count()

    def hover_tooltip(
        self, chart: int, item: int = 0, *, timeout_ms: int = 2_000
    ) -> Tooltip | None:
        """Hover data mark ``item`` of chart ``chart``; the tooltip shown, if any."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        target = self.page.locator(".wb-chart").nth(chart).locator(MARK_ITEMS).nth(item)
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        if box is None:
            return None
        self.page.mouse.move(1, 1)  # leave the previous mark so the tooltip resets
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=2)
        try:
            handle = self.page.wait_for_function(_TOOLTIP_JS, timeout=timeout_ms)
        except PlaywrightTimeout:  # this mark has no tooltip
            return None
        value = handle.json_value()
        return Tooltip(text=value["text"], html=value["html"], tags=value["tags"])

    def tooltips(self, chart: int) -> list[Tooltip]:
        """Hover every data mark of a chart in turn; the tooltips that appeared."""
        found = []
        for item in range(self.mark_count(chart)):
            tip = self.hover_tooltip(chart, item)
            if tip is not None:
                found.append(tip)
        return found


@contextmanager
def report_page(path: str | Path, *, wait_ms: int = DEFAULT_WAIT_MS) -> Iterator[ReportPage]:
    """Open ``path`` in a fresh headless Chromium profile, offline.

    Returns once every chart has rendered or failed (or ``wait_ms`` passed).
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise RuntimeError(f"{CHROMIUM} is missing; call require_chromium() first")
    recorder = _Recorder()
    with tempfile.TemporaryDirectory(prefix="wb-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=executable,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        try:
            # Every URL, not a glob: nothing may leave the machine unrecorded.
            context.route(lambda _url: True, recorder.route)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("console", recorder.console)
            page.on("pageerror", recorder.page_error)
            page.on("dialog", recorder.dialog)
            page.on("websocket", lambda ws: recorder.requests_blocked.append(ws.url))
            page.goto(Path(path).resolve().as_uri(), wait_until="load")
            try:
                page.wait_for_function(_SETTLED_JS, timeout=wait_ms)
            except PlaywrightError:
                pass  # reported as unrendered charts rather than a harness crash
            # Two frames, so what vega drew is laid out before anyone measures it.
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            yield ReportPage(page, recorder)
        finally:
            context.close()


def open_report(path: str | Path, *, wait_ms: int = DEFAULT_WAIT_MS) -> PageReport:
    """Open a report offline in Chromium and report what happened."""
    with report_page(path, wait_ms=wait_ms) as page:
        return page.report()


# --------------------------------------------------------------------------
# Static check: does the HTML reference anything off the machine?
# --------------------------------------------------------------------------

# Attributes whose value the browser fetches or navigates to.
_URL_ATTRS = frozenset(
    "src href xlink:href action formaction poster data background srcset imagesrcset "
    "manifest longdesc lowsrc dynsrc ping codebase archive classid usemap icon".split()
)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//|^\s*(?:https?|ftp|wss?):", re.I)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.I | re.S)


class _RemoteRefFinder(HTMLParser):
    def __init__(self, allow_links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.allow_links = allow_links
        self.found: list[str] = []
        self._in_style = False

    def _css(self, css: str, where: str) -> None:
        for match in _CSS_URL.finditer(css):
            url = match.group(2) if match.group(2) is not None else match.group(4)
            if url and not url.strip().lower().startswith("data:"):
                self.found.append(f"{where}: {url[:120]}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self._css(value, f"<{tag} style>")
            elif name in _URL_ATTRS and not (self.allow_links and tag == "a" and name == "href"):
                urls = ([v.strip().split(" ")[0] for v in value.split(",")]
                        if "srcset" in name else [value])
                self.found.extend(f"<{tag} {name}>: {u[:120]}" for u in urls if _REMOTE.match(u))
            elif tag == "meta" and name == "content" and "url=" in value.lower():
                self.found.append(f"<meta content>: {value[:120]}")

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data, "<style>")


def remote_references(html: str, *, allow_links: bool = False) -> list[str]:
    """Remote URLs the page would load (or link to), found without a browser.

    Looks at URL-bearing attributes, inline CSS ``url()``/``@import`` and
    meta refresh. Script *text* is not inspected: the bundled libraries hold
    inert strings such as the SVG namespace ``http://www.w3.org/2000/svg``;
    what scripts actually request is caught at run time by the route block.
    ``allow_links`` ignores ``<a href>`` (a click, not a load).
    """
    finder = _RemoteRefFinder(allow_links)
    finder.feed(html)
    finder.close()
    return finder.found
