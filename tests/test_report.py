"""`workbench report`: offline HTML that renders in a real browser, stays inert with hostile
text, survives a failing notebook, and refuses bad parameters before any kernel starts."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from workbench.cli import main
from workbench.report import run as report_run
from workbench.report.errors import ReportError
from workbench.report.run import render_reports

from browser import open_report, remote_references, report_page, require_chromium
from conftest import SAMPLE, sample_text
from nbrun import NOTEBOOK_NAMES

pytestmark = [pytest.mark.model, pytest.mark.slow]

HOSTILE_TITLE = "<img src=x onerror=alert(1)>"
HOSTILE_BODY = ("Volodymyr Zelensky said <script>alert(2)</script> in Kyiv, and Dmitry Peskov "
                "answered <svg onload=alert(3)> from Moscow.")
HOSTILE_OUTLET = "<b onmouseover=alert(4)>Evil Outlet</b>"


@pytest.fixture(scope="module")
def sample_reports(tmp_path_factory, cache_root, trained_model, sample_annotations):
    out = tmp_path_factory.mktemp("reports")
    result = render_reports(SAMPLE, out, cache_dir=cache_root, model=trained_model)
    return result


@pytest.fixture(scope="module")
def hostile_reports(tmp_path_factory, cache_root, trained_model):
    corpus = tmp_path_factory.mktemp("hostile")
    for name in ("001", "002", "003"):
        src = next(SAMPLE.glob(f"{name}_*.txt"))
        shutil.copy(src, corpus / src.name)
    (corpus / "evil.txt").write_text(
        f"{HOSTILE_TITLE}\n{HOSTILE_BODY}\nOn May 16, 2025 the talks began. {HOSTILE_BODY}",
        encoding="utf-8")
    (corpus / "metadata.csv").write_text(
        f'file,outlet,published,title\nevil.txt,"{HOSTILE_OUTLET}",2025-11-14,'
        f'"{HOSTILE_TITLE}"\n', encoding="utf-8")
    out = tmp_path_factory.mktemp("hostile-reports")
    return render_reports(corpus, out, cache_dir=cache_root, model=trained_model,
                          parameters={"kwic_entity": "Volodymyr Zelensky"})


def test_every_report_renders_offline_in_chromium(sample_reports):
    require_chromium()
    assert not sample_reports.failed
    for run in sample_reports.runs:
        page = open_report(sample_reports.out / run.html)
        # The sample's largest story is one outlet's two copies: nothing to set side by side.
        assert page.charts >= (2 if run.name == "stories" else 3), run.name
        assert page.rendered == page.charts, (run.name, page.chart_errors)
        assert all(n > 0 for n in page.marks_per_chart), run.name
        assert page.too_wide == [], run.name
        assert page.requests_blocked == [], run.name
        assert page.console_errors == [], (run.name, page.console_errors)
        assert page.dialogs == [] and page.injected == []
    index = open_report(sample_reports.index)
    assert index.requests_blocked == [] and index.console_errors == []


def test_reports_are_self_contained(sample_reports):
    for path in [sample_reports.index, *(sample_reports.out / r.html for r in sample_reports.runs)]:
        html = path.read_text(encoding="utf-8")
        assert remote_references(html, allow_links=path.name == "index.html") == [], path
        for needle in ("require.js", "mathjax", "cdn.jsdelivr", "unpkg.com"):
            assert needle not in html.lower(), (path, needle)
    # Vega is inlined once per page with charts.
    page = (sample_reports.out / "timeline.html").read_text(encoding="utf-8")
    assert page.count("window.vegaEmbed=") == 1


def test_tooltips_work_offline(sample_reports):
    require_chromium()
    with report_page(sample_reports.out / "entity_frequency.html") as page:
        tip = page.hover_tooltip(chart=0, item=0)
    assert tip is not None and "mentions" in tip.text


def test_index_manifest_and_footer_share_the_provenance(sample_reports, trained_model):
    manifest = json.loads(sample_reports.manifest.read_text(encoding="utf-8"))
    assert manifest["corpus"]["articles"] == 5
    assert manifest["pipeline"]["name"] == trained_model
    assert manifest["pipeline"]["fallback"] is False
    assert {"spacy", "pandas", "altair", "papermill", "workbench"} <= set(manifest["packages"])
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * len(NOTEBOOK_NAMES)
    assert all(n["seconds"] > 0 for n in manifest["notebooks"])
    fingerprint = manifest["corpus"]["fingerprint"]
    for run in sample_reports.runs:
        html = (sample_reports.out / run.html).read_text(encoding="utf-8")
        assert fingerprint in html and trained_model in html
    index = sample_reports.index.read_text(encoding="utf-8")
    for title in ("Entity frequency", "Source bias", "Timeline", "Stories"):
        assert title in index
    assert index.count('class="ok"') == len(NOTEBOOK_NAMES)


def test_hostile_text_renders_as_text_and_nothing_executes(hostile_reports):
    require_chromium()
    assert not hostile_reports.failed
    seen = {"title": False, "body": False, "outlet": False}
    for run in hostile_reports.runs:
        path = hostile_reports.out / run.html
        with report_page(path) as page:
            report = page.report()
            text = page.page.inner_text("body")
            tips = [tip.text for i in range(report.charts)
                    for j in range(min(12, page.mark_count(i)))
                    if (tip := page.hover_tooltip(i, j, timeout_ms=800)) is not None]
            after = page.report()  # hovering must not have run anything either
        assert report.dialogs == [] and after.dialogs == [], (run.name, after.dialogs)
        assert report.injected == [] and after.injected == [], (run.name, after.injected)
        assert report.console_errors == [], (run.name, report.console_errors)
        assert report.rendered == report.charts
        seen["title"] |= HOSTILE_TITLE in text or any(HOSTILE_TITLE in t for t in tips)
        seen["body"] |= "<script>alert(2)</script>" in text
        seen["outlet"] |= HOSTILE_OUTLET in text or any(HOSTILE_OUTLET in t for t in tips)
    assert all(seen.values()), seen  # shown as visible text in tables, KWIC and tooltips


def test_a_failing_notebook_still_gets_its_report(tmp_path, cache_root, trained_model, capsys):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(report_run.NOTEBOOK_DIR / "timeline.ipynb", folder)
    broken = nbformat.read(str(report_run.NOTEBOOK_DIR / "entity_frequency.ipynb"), as_version=4)
    broken.cells.insert(6, nbformat.v4.new_code_cell("raise RuntimeError('the data went away')"))
    nbformat.write(broken, str(folder / "broken.ipynb"))
    code = main(["report", "--corpus", str(SAMPLE), "--out", str(tmp_path / "out"),
                 "--notebook-dir", str(folder), "--cache-dir", str(cache_root),
                 "--model", trained_model])
    assert code != 0
    printed = capsys.readouterr()
    assert "FAILED" in printed.out and "1 of 2 notebook(s) failed" in printed.err
    html = (tmp_path / "out" / "broken.html").read_text(encoding="utf-8")
    assert "the data went away" in html and "RuntimeError" in html
    assert (tmp_path / "out" / "timeline.html").exists()
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'class="failed"' in index and "the data went away" in index
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert {n["name"]: n["status"] for n in manifest["notebooks"]} == {
        "broken": "failed", "timeline": "ok"}
    require_chromium()
    page = open_report(tmp_path / "out" / "broken.html")
    assert page.rendered == page.charts and page.charts >= 1  # the cells before it still show


@pytest.mark.parametrize("params, message", [
    ({"top_nn": 5}, "unknown parameter 'top_nn'"),
    ({"top_n": "many"}, "expected a whole number"),
    ({"outlets": {"a": 1}}, "expected a list"),
    ({"count_duplicates_once": "maybe"}, "expected true or false"),
])
def test_bad_parameters_are_refused_before_any_kernel(monkeypatch, tmp_path, params, message):
    started = []
    monkeypatch.setattr(report_run, "_execute", lambda *a: started.append(a))
    with pytest.raises(ReportError, match=message):
        render_reports(SAMPLE, tmp_path, parameters=params)
    assert started == []


def test_missing_corpus_is_refused_before_any_kernel(monkeypatch, tmp_path, capsys):
    started = []
    monkeypatch.setattr(report_run, "_execute", lambda *a: started.append(a))
    assert main(["report", "--corpus", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 1
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["report", "-p", "top_n=x", "--out", str(tmp_path)]) == 1
    assert "expected a whole number" in capsys.readouterr().err
    assert started == []


def test_config_variants_render_into_their_own_folders(tmp_path, cache_root, trained_model):
    config = tmp_path / "report.yml"
    config.write_text(
        f"corpus: {SAMPLE}\nout: {tmp_path / 'out'}\nnotebooks: [timeline]\n"
        "parameters: {top_n: 5}\nvariants:\n"
        "  - name: All outlets\n"
        "  - name: Izvestia & Moldova 1\n"
        "    parameters: {outlets: [Izvestia, Moldova 1]}\n", encoding="utf-8")
    assert main(["report", "--config", str(config), "--cache-dir", str(cache_root),
                 "--model", trained_model]) == 0
    out = tmp_path / "out"
    assert (out / "all-outlets" / "timeline.html").exists()
    assert (out / "izvestia-moldova-1" / "timeline.html").exists()
    top = (out / "index.html").read_text(encoding="utf-8")
    assert "izvestia-moldova-1/index.html" in top and "All outlets" in top
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [v["folder"] for v in manifest["variants"]] == ["all-outlets", "izvestia-moldova-1"]
    variant = json.loads((out / "izvestia-moldova-1" / "manifest.json").read_text("utf-8"))
    assert variant["parameters"]["outlets"] == ["Izvestia", "Moldova 1"]
    executed = nbformat.read(str(out / "izvestia-moldova-1" / "executed" / "timeline.ipynb"),
                             as_version=4)
    injected = next(c.source for c in executed.cells
                    if "injected-parameters" in c.metadata.get("tags", []))
    assert "Izvestia" in injected and "top_n = 5" in injected


def test_broken_config_is_a_clear_error(tmp_path, capsys):
    bad = tmp_path / "bad.yml"
    bad.write_text("variants:\n  - name: [unclosed\n", encoding="utf-8")
    assert main(["report", "--config", str(bad)]) == 1
    assert "bad.yml" in capsys.readouterr().err
    bad.write_text("colour: blue\n", encoding="utf-8")
    assert main(["report", "--config", str(bad)]) == 1
    assert "unknown key" in capsys.readouterr().err


def test_fallback_is_labelled_in_every_output(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text(sample_text("003"), encoding="utf-8")
    result = render_reports(corpus, tmp_path / "out", model="rules",
                            cache_dir=tmp_path / "cache", notebooks=["timeline"])
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["pipeline"]["fallback"] is True
    assert "rules-only fallback" in result.index.read_text(encoding="utf-8")
    assert "rules-only fallback" in (result.out / "timeline.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("params, message", [
    ({"date_from": "2025-13-45"}, "is not a date"),
    ({"entity_types": ["PERSON", "PEOPLE"]}, "unknown PEOPLE"),
    ({"freq": "Y"}, "is not one of auto, D, W, M"),
    ({"date_from": "2025-12-01", "date_to": "2025-11-01"}, "is after date_to"),
])
def test_bad_values_are_refused_before_any_kernel(monkeypatch, tmp_path, params, message):
    started = []
    monkeypatch.setattr(report_run, "KernelPool", lambda **kw: started.append(kw))
    with pytest.raises(ReportError, match=message):
        render_reports(SAMPLE, tmp_path, parameters=params)
    assert started == []


def test_cli_values_are_read_by_the_declared_type():
    from workbench.report.params import check, parse_cli

    declared_params = {"nb": {"kwic_entity": "Volodymyr Zelensky", "top_n": 20,
                              "outlets": [], "count_duplicates_once": True}}
    got = check(parse_cli(["kwic_entity=1e3", "top_n=30", "outlets=Izvestia, Moldova 1",
                           "count_duplicates_once=no"]), declared_params)
    assert got == {"kwic_entity": "1e3", "top_n": 30, "outlets": ["Izvestia", "Moldova 1"],
                   "count_duplicates_once": False}
    assert check(parse_cli(['outlets=["A, B", "C"]']), declared_params)["outlets"] == ["A, B",
                                                                                        "C"]


def test_corpus_given_as_a_parameter_is_the_runs_corpus(monkeypatch, tmp_path):
    started = []
    monkeypatch.setattr(report_run, "KernelPool", lambda **kw: started.append(kw))
    with pytest.raises(ReportError, match="given twice"):
        render_reports(SAMPLE, tmp_path, parameters={"corpus": str(tmp_path / "other")})
    with pytest.raises(ReportError, match="other: no such file or folder"):
        render_reports(None, tmp_path, parameters={"corpus": str(tmp_path / "other")})
    assert started == []


def test_unknown_group_by_is_refused_before_the_notebooks(tmp_path, cache_root, trained_model,
                                                          monkeypatch):
    ran = []
    monkeypatch.setattr(report_run, "_execute", lambda *a: ran.append(a))
    with pytest.raises(ReportError, match="no column 'colour'"):
        render_reports(SAMPLE, tmp_path, parameters={"group_by": "colour"},
                       cache_dir=cache_root, model=trained_model)
    assert ran == []


def test_an_export_failure_loses_only_that_report(tmp_path, cache_root, trained_model,
                                                  monkeypatch):
    from workbench.report import export

    real = export.export_html

    def flaky(source, path, **kw):
        if "timeline" in str(path):
            raise OSError("disk full")
        return real(source, path, **kw)

    monkeypatch.setattr(export, "export_html", flaky)
    result = render_reports(SAMPLE, tmp_path, cache_dir=cache_root, model=trained_model,
                            notebooks=["timeline", " source_bias"])
    status = {r.name: (r.status, r.error) for r in result.runs}
    assert status["source_bias"] == ("ok", None)
    assert status["timeline"][0] == "failed" and "disk full" in status["timeline"][1]
    assert "disk full" in (tmp_path / "timeline.html").read_text(encoding="utf-8")
    assert result.index.exists() and result.manifest.exists()


def test_kernel_pool_never_hands_out_a_dead_kernel():
    from jupyter_core.utils import run_sync

    from workbench.report.kernels import KernelPool

    pool = KernelPool(size=1, needed=2)
    try:
        km = pool.take()
        assert km is not None
        # Async managers, as nbclient wants them (a blocking one hides a dead kernel).
        run_sync(km.shutdown_kernel)(now=True)  # dies before the next notebook could use it
        pool._ready.insert(0, km)
        fresh = pool.take()
        assert fresh is not km and (fresh is None or run_sync(fresh.is_alive)())
    finally:
        pool.close()


def _three_cells(tmp_path, last: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("print('first cell ran')"),
                nbformat.v4.new_code_cell("x = 2"), nbformat.v4.new_code_cell(last)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / "in.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_report_engine_writes_the_notebook_once(tmp_path, monkeypatch):
    import papermill
    import papermill.engines

    from workbench.report.engine import ENGINE

    writes = []
    real = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb",
                        lambda nb, path: (writes.append(path), real(nb, path)))
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(_three_cells(tmp_path, "x + 1")), str(out),
                               kernel_name="python3", progress_bar=False, engine_name=ENGINE)
    # papermill's own engine writes at every cell's start and end: 7 times here.
    assert writes == [str(out)]
    cells = nbformat.read(str(out), as_version=4).cells
    assert cells[2].outputs[0]["data"]["text/plain"] == "3"


def test_report_engine_keeps_outputs_up_to_a_timeout(tmp_path):
    import papermill

    from workbench.report.engine import ENGINE

    out = tmp_path / "out.ipynb"
    with pytest.raises(Exception, match="(?i)timed? ?out"):
        papermill.execute_notebook(str(_three_cells(tmp_path, "import time; time.sleep(60)")),
                                   str(out), kernel_name="python3", progress_bar=False,
                                   engine_name=ENGINE, execution_timeout=3)
    cells = nbformat.read(str(out), as_version=4).cells
    assert "first cell ran" in cells[0].outputs[0]["text"]


@pytest.mark.parametrize("params", [{"outlets": ["Nonexistent"]},
                                    {"date_from": "2030-01-01"}])
def test_an_empty_selection_says_so_and_fails_nothing(tmp_path, cache_root, trained_model,
                                                      sample_annotations, params):
    result = render_reports(SAMPLE, tmp_path, parameters=params, cache_dir=cache_root,
                            model=trained_model)
    assert not result.failed, [(r.name, r.error) for r in result.failed]
    for run in result.runs:
        assert run.summary == "no article matches the selection"
        page = (tmp_path / run.html).read_text(encoding="utf-8")
        assert "No article matches the selection" in page
        assert "This run failed" not in page and "NoArticles" not in page


def test_sources_given_apart_from_the_corpus(tmp_path, cache_root, trained_model):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for src in SAMPLE.glob("*.txt"):
        shutil.copy(src, corpus / src.name)
    shutil.copy(SAMPLE / "metadata.csv", corpus / "metadata.csv")  # outlets, not groups
    sources = tmp_path / "my-sources.csv"
    sources.write_text("outlet,bloc\nNovinite,EU\nIzvestia,Russia\nMoldova 1,EU\n",
                       encoding="utf-8")
    with pytest.raises(ReportError, match="bloc"):  # without it, no such column
        render_reports(corpus, tmp_path / "no", parameters={"group_by": "bloc"},
                       cache_dir=cache_root, model=trained_model, notebooks=["timeline"])
    result = render_reports(corpus, tmp_path / "out", parameters={"group_by": "bloc"},
                            cache_dir=cache_root, model=trained_model, notebooks=["timeline"],
                            sources=sources)
    assert not result.failed, [(r.name, r.error) for r in result.failed]
    page = (tmp_path / "out" / "timeline.html").read_text(encoding="utf-8")
    # EU and Russia; syrializm.net is not listed, and the header says so.
    assert "in 2 bloc groups (1 with no bloc: the group \"(unknown)\")" in page
