"""HTML export: offline, safe with hostile article text, failures visible.

The browser tests execute small notebooks with papermill, export them with
``export_html`` and open the result in headless Chromium (tests/browser.py).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from workbench.report.export import export_html, sanitize_html, script_json

try:  # tests/ is not a package; works under `pytest` and `python -m pytest`
    from tests import browser as harness
except ImportError:  # pragma: no cover
    import browser as harness

open_report, report_page = harness.open_report, harness.report_page
remote_references, require_chromium = harness.remote_references, harness.require_chromium

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_BODY = "<script>alert(2)</script><svg onload=alert(3)>"
FOOTER = {
    "corpus": "sha256:0f3a…",
    "articles": "3",
    "spaCy pipeline": "en_core_web_sm 3.8.0",
    "parameters": "{'story': '<b>bridge</b>'}",
}

SETUP = f"""\
import altair as alt
import pandas as pd
from IPython.display import Markdown, display

# What the workbench's notebooks emit. (Altair 6's own "mimetype" renderer
# uses "application/vnd.vegalite.v6.json", which nbformat rejects.)
alt.renderers.register(
    "vegalite_json",
    lambda spec, **_: {{"application/vnd.vegalite.v6+json": spec, "text/plain": "<Chart>"}},
)
alt.renderers.enable("vegalite_json")
TITLE = {HOSTILE_TITLE!r}
BODY = {HOSTILE_BODY!r}
articles = pd.DataFrame({{
    "outlet": ["Daily Planet", "Gazette", "Evil Times"],
    "title": ["Mayor opens bridge", "Bridge opens to traffic", TITLE],
    "body": ["The mayor cut the ribbon.", "Traffic flowed by noon.", BODY],
    "words": [420, 380, 666],
}})
"""

BAR_CHART = """\
alt.Chart(articles).mark_bar().encode(
    x="outlet:N", y="words:Q", tooltip=["outlet", "title", "body", "words"]
)"""

TEXT_CHART = """\
alt.Chart(articles).mark_text(align="left", dx=4).encode(
    y="outlet:N", text="title:N", tooltip=["title", "body"]
).properties(width=400)"""

# Altair 6's default renderer emits CDN-loading HTML; the exporter must recover the spec.
HTML_RENDERER_CHART = """\
alt.renderers.enable("default")
alt.Chart(articles).mark_point().encode(x="words:Q", y="outlet:N", tooltip=["title", "body"])"""


def _notebook(cells: list) -> nbformat.NotebookNode:
    return new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
    )


def _execute(nb: nbformat.NotebookNode, directory: Path, name: str) -> Path:
    """Run with papermill; on failure return the partial notebook it wrote."""
    src, out = directory / f"{name}.in.ipynb", directory / f"{name}.ipynb"
    nbformat.write(nb, src)
    try:
        papermill.execute_notebook(
            str(src), str(out), kernel_name="python3", progress_bar=False, cwd=str(directory)
        )
    except papermill.PapermillExecutionError:
        pass  # the caller checks the failure is in the notebook
    return out


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    nb = _notebook(
        [
            new_markdown_cell(
                "# Bridge coverage\n\n"
                f"A headline pasted from the corpus: {HOSTILE_TITLE} {HOSTILE_BODY}"
            ),
            new_code_cell(SETUP + "articles"),
            new_code_cell(BAR_CHART),
            new_code_cell(TEXT_CHART),
            new_code_cell(
                'print(f"Top headline: {TITLE}\\n{BODY}")\n'
                'display(Markdown(f"**Headline:** {TITLE} {BODY}"))'
            ),
            # Styler does not escape
            new_code_cell('articles.style.highlight_max(subset=["words"])'),
            new_code_cell(HTML_RENDERER_CHART),
        ]
    )
    executed = _execute(nb, directory, "hostile")
    return export_html(
        executed, directory / "hostile.html", title="Bridge <coverage>", footer=FOOTER
    )


@pytest.fixture(scope="module")
def failed_report(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("failed")
    nb = _notebook(
        [
            new_code_cell(SETUP + "display(" + BAR_CHART + ")"),
            new_code_cell('raise RuntimeError("corpus is empty: <b>no articles</b>")'),
            new_code_cell(TEXT_CHART),
        ]
    )
    executed = _execute(nb, directory, "failed")
    assert nbformat.read(executed, as_version=4).metadata["papermill"]["exception"]
    return export_html(executed, directory / "failed.html", footer=FOOTER)


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


def _assert_clean(rep) -> None:
    assert rep.charts and rep.rendered == rep.charts, rep
    assert all(m > 0 for m in rep.marks_per_chart), rep
    assert rep.requests_blocked == [], "the page tried to reach the network"
    assert rep.console_errors == []
    assert rep.dialogs == [], "something from the data executed"
    assert rep.injected == []
    assert rep.chart_errors == []


# --------------------------------------------------------------------------
# Browser tests
# --------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.slow
def test_hostile_report_renders_offline_and_inert(chromium, hostile_report):
    with report_page(hostile_report) as page:
        rep = page.report()
        _assert_clean(rep)
        assert rep.charts == 3  # bar, text, and the one shown with Altair's html renderer

        # Hostile strings are visible as text where the data is shown.
        table = page.page.locator("table.dataframe").first.inner_text()
        assert HOSTILE_TITLE in table and HOSTILE_BODY in table
        styler = page.page.locator("table[id^='T_']").first.inner_text()
        # Styler's raw HTML, shown as text
        assert HOSTILE_TITLE in styler and HOSTILE_BODY in styler
        stream = page.page.locator("[data-mime-type='text/plain'] pre").first.inner_text()
        assert HOSTILE_TITLE in stream and HOSTILE_BODY in stream
        markdown = page.page.locator(".jp-MarkdownCell").first.inner_text()
        assert HOSTILE_TITLE in markdown and HOSTILE_BODY in markdown
        for output in page.page.locator("[data-mime-type='text/markdown']").all_inner_texts():
            assert HOSTILE_BODY in output  # display(Markdown(...)) output
        text_marks = (
            page.page.locator(".wb-chart").nth(1).locator("g.role-mark text").all_text_contents()
        )
        assert HOSTILE_TITLE in text_marks

        # The tooltip shows the hostile values as text, not markup.
        tips = [t for t in page.tooltips(0) if HOSTILE_TITLE in t.text]
        assert tips, "no tooltip showed the hostile title"
        assert HOSTILE_BODY in tips[0].text
        assert set(tips[0].tags) <= {"table", "tbody", "tr", "td", "h2"}, tips[0].html
        assert any(HOSTILE_BODY in t.text for t in page.tooltips(1))  # text marks' tooltips
        # The actions menu saves images only: no "view source" or "open in Vega editor"
        # (which would post the spec, article text included, to the network).
        actions = page.page.eval_on_selector_all(
            ".wb-chart .vega-actions a", "links => links.map(a => a.textContent.trim())")
        assert set(actions) <= {"Save as SVG", "Save as PNG"}, actions

        # Hovering added nothing executable either.
        after = page.report()
        assert after.dialogs == [] and after.injected == [] and after.console_errors == []

        header = page.page.locator(".wb-title").inner_text()
        assert header == "Bridge <coverage>"
        footer = page.page.locator(".wb-footer").inner_text()
        assert "<b>bridge</b>" in footer and "en_core_web_sm 3.8.0" in footer
        assert page.page.locator(".wb-errors").count() == 0


@pytest.mark.slow
def test_hostile_report_html_is_self_contained(hostile_report):
    html = hostile_report.read_text(encoding="utf-8")
    assert remote_references(html) == []
    assert not re.search(r"<script[^>]*\ssrc=", html, re.I), "external script"
    for cdn in ("cdn.jsdelivr", "cdnjs", "unpkg.com", "require.min.js", "mathjax@", "mermaid.esm"):
        assert cdn not in html.lower(), cdn
    assert html.count("window.vegaEmbed=") == 1, "vega bundle must be inlined exactly once"
    # Nothing hostile reaches the page unescaped (tables, JSON specs, text).
    for raw in ("<img src=x", "<script>alert", "<svg onload", "onerror=alert(1)>"):
        assert raw not in html, raw
    # The specs round-trip through their escaped JSON.
    specs = _chart_specs(html)
    assert len(specs) == 3
    assert any(row.get("title") == HOSTILE_TITLE for spec in specs for row in _rows(spec))
    assert len(html) < 2_500_000


@pytest.mark.browser
@pytest.mark.slow
def test_failed_run_exports_with_error_box(chromium, failed_report):
    with report_page(failed_report) as page:
        rep = page.report()
        _assert_clean(rep)
        assert rep.charts == 1  # the chart drawn before the failure

        box = page.page.locator(".wb-errors")
        assert box.is_visible()
        text = box.inner_text()
        assert "Cell 2 of 3" in text
        assert "RuntimeError" in text and "corpus is empty: <b>no articles</b>" in text
        assert "1 later code cell did not run" in text
        # Near the top: above the first output.
        assert box.bounding_box()["y"] < page.page.locator(".wb-chart").first.bounding_box()["y"]

        # The link goes to the traceback, shown where it happened.
        page.page.locator(".wb-errors a").first.click()
        marker = page.page.locator("#wb-error-1")
        assert marker.is_visible()
        traceback = marker.inner_text()
        assert "Execution failed in this cell" in traceback
        assert "Traceback (most recent call last)" in traceback and "corpus is empty" in traceback
        # papermill's own HTML banners were replaced, not duplicated.
        assert page.page.locator("#papermill-error-cell").count() == 0


@pytest.mark.browser
@pytest.mark.slow
def test_harness_catches_injection_network_and_dialogs(chromium, tmp_path):
    """Negative control: the checks above would notice a real injection."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!doctype html><html><head><title>bad</title></head><body>"
        f"{HOSTILE_TITLE}<svg onload=alert(3)></svg>"
        "<script>fetch('https://example.invalid/beacon').catch(() => {});</script>"
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    rep = open_report(page, wait_ms=500)
    assert any("img[src=x]" in i or "onerror" in i for i in rep.injected)
    assert any("foreign script" in i for i in rep.injected)
    assert rep.dialogs, "alert() should have been recorded"
    assert rep.requests_blocked == ["https://example.invalid/beacon"]
    assert "boom" in rep.console_errors


@pytest.mark.browser
@pytest.mark.slow
def test_broken_and_remote_charts_show_an_error(chromium, tmp_path):
    """A chart that cannot render says so in its place; the others still draw."""
    schema = "https://vega.github.io/schema/vega-lite/v6.json"
    values = {"values": [{"a": 1}, {"a": 2}]}
    charts = [
        {"$schema": schema, "mark": "nonsense", "data": values},
        {"$schema": schema, "mark": "point", "data": {"url": "https://example.invalid/d.json"}},
        {
            "$schema": schema,
            "mark": "point",
            "data": values,
            "encoding": {"x": {"field": "a", "type": "quantitative"}},
        },
    ]
    outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/vnd.vegalite.v6+json": c, "text/plain": "chart"}
        )
        for c in charts
    ]
    nb = _notebook([new_code_cell("charts()", outputs=outputs)])
    path = export_html(nb, tmp_path / "broken.html")
    # the remote one is not embedded
    assert len(_chart_specs(path.read_text(encoding="utf-8"))) == 2
    with report_page(path) as page:
        rep = page.report()
        assert rep.charts == 3 and rep.marks_per_chart[2] > 0
        assert len(rep.chart_errors) == 2
        assert rep.chart_errors[0].startswith("This chart could not be rendered")
        assert "https://example.invalid/d.json" in rep.chart_errors[1]
        assert page.page.locator(".wb-chart-error").first.is_visible()
        assert len(rep.console_errors) == 1  # the failed render is logged, too
        assert rep.requests_blocked == [] and rep.injected == []


# --------------------------------------------------------------------------
# Fast checks (no kernel, no browser)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("ci", ["1", None])
def test_require_chromium_policy(monkeypatch, ci):
    """Missing Chromium skips locally but fails under WORKBENCH_CI=1."""
    monkeypatch.setattr(harness, "chromium_path", lambda: None)
    if ci is None:
        monkeypatch.delenv("WORKBENCH_CI", raising=False)
    else:
        monkeypatch.setenv("WORKBENCH_CI", ci)
    expected = pytest.fail.Exception if ci == "1" else pytest.skip.Exception
    with pytest.raises(expected, match="chromium"):
        harness.require_chromium()


def test_page_without_charts_carries_no_vega(tmp_path):
    stream = nbformat.v4.new_output("stream", name="stdout", text=f"{HOSTILE_TITLE}\n")
    nb = _notebook([new_markdown_cell("# Notes"), new_code_cell("print(TITLE)", outputs=[stream])])
    html = export_html(nb, tmp_path / "plain.html", footer={"run": "2024-05-01"}).read_text(
        encoding="utf-8"
    )
    assert "vegaEmbed" not in html and "'unsafe-eval'" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "print(TITLE)" not in html  # no code
    assert remote_references(html) == []


def test_script_json_cannot_close_its_script():
    value = {"t": "</script><script>alert(1)</script><!-- & \u2028\u2029 -->"}
    text = str(script_json(value))
    for char in "<>&\u2028\u2029":
        assert char not in text
    assert json.loads(text) == value


def test_sanitizer_keeps_pandas_tables_and_neutralises_markup():
    html = str(
        sanitize_html(
            "<div><style scoped>.dataframe tbody tr th { vertical-align: top; }"
            " body { display: none } td { color: red; background-image: url(https://x/t.png) }"
            " @import url(https://x/a.css);</style>"
            '<table class="dataframe"><thead><tr style="text-align: right;">'
            "<th>title</th></tr></thead>"
            f"<tbody><tr><td>&lt;b&gt;ok&lt;/b&gt;</td><td>{HOSTILE_TITLE}{HOSTILE_BODY}</td></tr></tbody></table>"
            '<a href="javascript:alert(1)">x</a>'
            '<p class="wb-errors" style="position:fixed">spoof</p>'
            '<span style="cursor: url(https://x/c.cur), auto">c</span></div>'
        )
    )
    assert "<thead>" in html and "<th>title</th>" in html and 'style="text-align: right"' in html
    assert ".jp-RenderedHTMLCommon .dataframe tbody tr th { vertical-align: top }" in html
    assert ".jp-RenderedHTMLCommon body" in html  # scoped, so it matches nothing
    assert "url(" not in html and "@import" not in html
    assert "&lt;b&gt;ok&lt;/b&gt;" in html  # pandas' escaping survives
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html and "&lt;svg onload=alert(3)&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "<img" not in html
    assert "javascript:" not in html and "wb-errors" not in html and "position" not in html


def test_remote_reference_check():
    assert remote_references(
        '<svg xmlns="http://www.w3.org/2000/svg"><a href="#x">y</a></svg>'
    ) == []
    assert remote_references(
        '<img src="data:image/png;base64,AA=="><script>"https://a.b"</script>'
    ) == []
    found = remote_references(
        '<img src="https://t.example/p.gif"><link href="//cdn.example/x.css">'
        '<div style="background:url(http://x/y)"></div><style>@import "https://x/z.css";</style>'
    )
    assert len(found) == 4, found
    assert remote_references('<a href="https://example.org">src</a>', allow_links=True) == []


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


class _SpecCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.specs: list[str] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and "wb-chart-spec" in (dict(attrs).get("class") or "")
        if self._in:
            self.specs.append("")

    def handle_endtag(self, tag):
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.specs[-1] += data


def _chart_specs(html: str) -> list[dict]:
    collector = _SpecCollector()
    collector.feed(html)
    return [json.loads(s) for s in collector.specs]


def _rows(spec: dict) -> list[dict]:
    rows = []
    for dataset in spec.get("datasets", {}).values():
        rows.extend(dataset)
    rows.extend(
        spec.get("data", {}).get("values", []) if isinstance(spec.get("data"), dict) else []
    )
    return rows
