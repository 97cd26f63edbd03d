"""Reports of a two-group corpus in Chromium: every chart renders with no Vega warning in the
console (a cut legend, a conflicting scale or a nominal sort all log one), no legend reads
"…N entries", and each group keeps its colour across the three reports.

The corpus is real AllSides articles, left-rated outlets over 2019 and right-rated ones over
June–October 2019 (``tests/test_analyze_groups.py``), compared with ``group_by=group``.
"""

from __future__ import annotations

import pytest
from test_analyze_groups import allsides_corpus

from workbench.report.run import render_reports

from browser import _SETTLED_JS, report_page, require_chromium

# Legend entries in every report's SVG: (legend title, label, swatch colour).
_LEGENDS_JS = """() => Array.from(document.querySelectorAll('g.role-legend')).map(g => {
  const title = g.querySelector('.role-legend-title text');
  // One <g> per entry inside the legend's scope group: its symbol and its label.
  return Array.from(g.querySelectorAll('.role-legend-entry .role-scope > g'))
    .map(e => {
      const label = e.querySelector('.role-legend-label text');
      const sym = e.querySelector('.role-legend-symbol path');
      return [title ? title.textContent : '', label ? label.textContent : '',
              sym ? (sym.getAttribute('fill') || sym.getAttribute('stroke')) : ''];
    });
}).flat()"""


@pytest.fixture(scope="module")
def group_reports(tmp_path_factory, cache_root, trained_model):
    out = tmp_path_factory.mktemp("group-reports")
    return render_reports(allsides_corpus(), out, cache_dir=cache_root, model=trained_model,
                          parameters={"group_by": "group", "kwic_entity": "Donald Trump"})


def _open(path):
    """(console messages of every level, legend entries, SVG texts) of a report."""
    messages: list[str] = []
    with report_page(path) as page:
        page.page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
        page.page.reload(wait_until="load")  # now every message is recorded from the start
        page.page.wait_for_function(_SETTLED_JS, timeout=15_000)
        page.page.wait_for_timeout(500)
        report = page.report()
        legends = page.page.evaluate(_LEGENDS_JS)
        texts = page.page.evaluate(
            "() => Array.from(document.querySelectorAll('svg text')).map(t => t.textContent)")
    return report, messages, legends, texts


@pytest.mark.model
@pytest.mark.slow
def test_group_reports_render_with_no_vega_warning_and_no_cut_legend(group_reports):
    require_chromium()
    assert not group_reports.failed
    colours: dict[str, set[str]] = {}
    for run in group_reports.runs:
        report, messages, legends, texts = _open(group_reports.out / run.html)
        # Stories of 22 articles: the side-by-side charts need a story two groups covered.
        minimum = 1 if run.name == "stories" else 3
        assert report.charts >= minimum and report.rendered == report.charts, run.name
        assert report.console_errors == [], (run.name, report.console_errors)
        assert report.too_wide == [], run.name
        warnings = [m for m in messages if "WARN" in m or m.startswith("warning")]
        assert warnings == [], (run.name, warnings)
        cut = [t for t in texts if "entries" in t and t.lstrip().startswith("…")]
        assert cut == [], (run.name, cut)
        for title, label, fill in legends:
            if (title == "group" or title.startswith("favoured by")) and label in (
                    "left", "right") and fill:
                colours.setdefault(label, set()).add(fill.lower())
    # Each group is drawn in one colour in every report, and the two differ.
    assert set(colours) == {"left", "right"}, colours
    assert all(len(c) == 1 for c in colours.values()), colours
    assert colours["left"] != colours["right"]
