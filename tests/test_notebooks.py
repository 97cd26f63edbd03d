"""The parameterized notebooks, run top to bottom under papermill on the sample corpus.

Each notebook/parameter combination in ``RUNS`` is executed once per session, in a small
process pool (the kernels spend most of their time importing), and only the combinations the
selected tests need are run.  The tests read the executed notebooks: the Vega-Lite specs the
charts emitted (marks, encodings, inline data), the note boxes (``workbench.notebook.note``)
that say in words what was left out or why a statistic is not shown, and the HTML tables.

The last tests need no kernel: the committed notebooks must be stripped of outputs and agree
on their common parameters.
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import shutil
from collections import Counter
from concurrent.futures import Future, ProcessPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat
import pytest

try:  # tests/ is not a package; works under `pytest` and `python -m pytest`
    from tests import nbrun
except ImportError:  # pragma: no cover
    import nbrun

NOTEBOOK_NAMES, NOTEBOOKS, Run = nbrun.NOTEBOOK_NAMES, nbrun.NOTEBOOKS, nbrun.Run
encodings, field, marks, rows = nbrun.encodings, nbrun.field, nbrun.marks, nbrun.rows
subspecs, title_text, tooltip_fields = nbrun.subspecs, nbrun.title_text, nbrun.tooltip_fields

OUTLETS = {"Novinite", "Izvestia", "Moldova 1", "syrializm.net"}
COUNTRIES = {"Bulgaria", "Russia", "Moldova", "Syria"}
ONE_DAY = {"date_from": "2025-11-13", "date_to": "2025-11-13"}
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "<script>alert(2)</script>"
HOSTILE_OUTLET = "Evil <script>alert(3)</script> Times"

# key → (notebook, parameters beyond corpus/model/cache_dir); "corpus": "hostile" swaps corpora.
RUNS: dict[str, tuple[str, dict[str, Any]]] = {
    "ef_default": ("entity_frequency", {}),
    "ef_person": ("entity_frequency", {"entity_types": ["PERSON"],
                                       "kwic_entity": "Volodymyr Zelensky"}),
    "ef_outlets": ("entity_frequency", {"outlets": ["Izvestia", "Moldova 1"],
                                        "kwic_entity": "Kyiv"}),
    "ef_range": ("entity_frequency", dict(ONE_DAY)),
    "ef_hostile": ("entity_frequency", {"corpus": "hostile",
                                        "kwic_entity": "Volodymyr Zelensky"}),
    "sb_default": ("source_bias", {}),
    "sb_country": ("source_bias", {"group_by": "country"}),
    "sb_one_outlet": ("source_bias", {"outlets": ["syrializm.net"]}),
    "sb_hostile": ("source_bias", {"corpus": "hostile"}),
    "tl_default": ("timeline", {}),
    "tl_week": ("timeline", {"freq": "W"}),
    "tl_one_day": ("timeline", dict(ONE_DAY)),
    # Real AllSides articles, two groups over different periods (tests/test_analyze_groups.py).
    "ef_two": ("entity_frequency", {"corpus": "two", "group_by": "group",
                                    "kwic_entity": "Donald Trump"}),
    "sb_two": ("source_bias", {"corpus": "two", "group_by": "group"}),
    "sb_two_common": ("source_bias", {"corpus": "two", "group_by": "group",
                                      "common_period": True}),
    "tl_two": ("timeline", {"corpus": "two", "group_by": "group", "freq": "M"}),
}

# The cells of interest, by a snippet of their source.
BAR, HEATMAP, COOC, COOC_GROUPS, KWIC = ("charts.entity_bar", "charts.entity_heatmap",
                                         "cooc = an.cooccurrence(", "cooc_groups = ",
                                         "an.kwic(")
CONTEXT = "nb.setup("
WORD_KEYNESS, ENTITY_KEYNESS = "an.word_counts_by_period(", "an.entity_counts("
MONTH_KEYNESS = "an.keyness_by_period("
VARIANTS, VOICES, QUOTES = "charts.variants_bars", "charts.voices_bars", "an.quotes_table("
ARTICLES_TL, EVENTS_TL, EVENTS_TABLE, MENTIONS_TL = (
    "charts.articles_timeline", "charts.events_timeline", "an.most_cited(",
    "charts.mentions_timeline")


def executed(test):
    """Mark a test that runs notebooks (kernel + trained pipeline)."""
    return pytest.mark.model(pytest.mark.slow(test))


# -- running the notebooks ---------------------------------------------------------------------

@pytest.fixture(scope="session")
def hostile_corpus(tmp_path_factory, sample_dir) -> Path:
    """Two sample articles plus one whose outlet, title and body carry markup."""
    dest = tmp_path_factory.mktemp("hostile_corpus")
    names = {}
    for prefix in ("002", "003"):
        src = next(sample_dir.glob(f"{prefix}_*.txt"))
        shutil.copy(src, dest / src.name)
        names[prefix] = src.name
    (dest / "000_hostile.txt").write_text(
        f"date 2025-11-14 {HOSTILE_IMG} Zelensky {HOSTILE_SCRIPT} meets envoys\n\n"
        f"Ukrainian President Volodymyr Zelensky met envoys in Kyiv on Friday. {HOSTILE_SCRIPT} "
        f"The talks with Russia {HOSTILE_IMG} remain stalled, Zelensky said. Vladimir Putin "
        f"did not comment. Dmitry Peskov said the Kremlin was \"open to talks\" <b>bold</b> "
        f"& more.\n", encoding="utf-8")
    (dest / "metadata.csv").write_text(
        "file,outlet\n"
        f"000_hostile.txt,\"{HOSTILE_OUTLET}\"\n"
        f"{names['002']},Izvestia\n"
        f"{names['003']},Moldova 1\n", encoding="utf-8")
    return dest


class Runner:
    """Runs the RUNS combinations in a process pool, once each, on first demand."""

    def __init__(self, session: pytest.Session, out_dir: Path, common: dict[str, Any],
                 corpora: dict[str, str]):
        self.session, self.out_dir, self.common, self.corpora = session, out_dir, common, corpora
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[str, Future] = {}
        self.params: dict[str, dict[str, Any]] = {}

    def wanted(self) -> set[str]:
        """The RUNS the selected tests use (as fixtures or as a ``run_key`` parameter)."""
        keys = set()
        for item in self.session.items:
            keys |= set(getattr(item, "fixturenames", ())) & set(RUNS)
            callspec = getattr(item, "callspec", None)
            if callspec is not None and callspec.params.get("run_key") in RUNS:
                keys.add(callspec.params["run_key"])
        return keys

    def parameters(self, key: str) -> dict[str, Any]:
        params = {**self.common, **RUNS[key][1]}
        params["corpus"] = self.corpora.get(params["corpus"], params["corpus"])
        return params

    def submit(self, keys: set[str]) -> None:
        if self.pool is None:
            # Kernels spend their time importing (CPU); one more than the cores keeps them busy.
            workers = min(4, (os.cpu_count() or 1) + 1)
            spawn = multiprocessing.get_context("spawn")  # no fork of a threaded pytest
            self.pool = ProcessPoolExecutor(workers, mp_context=spawn)
        for key in sorted(keys - set(self.futures)):
            self.params[key] = self.parameters(key)
            out = str(self.out_dir / f"{key}.ipynb")
            self.futures[key] = self.pool.submit(nbrun.execute, RUNS[key][0], out,
                                                 self.params[key])

    def get(self, key: str) -> Run:
        if key not in self.futures:
            self.submit(self.wanted() | {key})
        path = self.futures[key].result(timeout=900)
        return Run(path, self.params[key])

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def notebook_runner(request, tmp_path_factory, sample_dir, trained_model, cache_root,
                    sample_annotations, hostile_corpus):
    from test_analyze_groups import allsides_corpus

    import workbench as wb

    two = allsides_corpus()
    # Warm the corpus and annotation caches in this process, so that the kernels running in
    # parallel only read them.
    for corpus in (sample_dir, hostile_corpus, two):
        wb.open_corpus(corpus, model=trained_model, cache_dir=cache_root)
    common = {"corpus": str(sample_dir.resolve()), "cache_dir": str(cache_root),
              "model": trained_model}
    runner = Runner(request.session, tmp_path_factory.mktemp("executed"), common,
                    {"hostile": str(hostile_corpus.resolve()), "two": str(two.resolve())})
    yield runner
    runner.close()


def _run_fixture(key: str):
    @pytest.fixture(scope="session", name=key)
    def run(notebook_runner) -> Run:
        return notebook_runner.get(key)
    return run


for _key in RUNS:
    globals()[f"_run_{_key}"] = _run_fixture(_key)


@pytest.fixture
def run(run_key, notebook_runner) -> Run:
    """The run named by the test's ``run_key`` parameter."""
    return notebook_runner.get(run_key)


# -- small helpers -------------------------------------------------------------------------------

def only(specs: list[dict]) -> dict:
    assert len(specs) == 1, f"{len(specs)} views"
    return specs[0]


def values(data: list[dict], col: str) -> set:
    return {r[col] for r in data}


def selected_words(articles) -> int:
    """Words in the sample articles the notebooks count by default (near-duplicates once)."""
    kept = articles[articles["duplicate_of"].isna()]
    return int(kept["n_words"].sum())


def assert_same_counts_per_group(subset: list[dict], full: list[dict]) -> None:
    """Heatmap cells of a selection that keeps whole outlets equal the full run's cells for
    those outlets (on the entities both show): selecting changes which groups, not counts."""
    full_cells = {(r["group"], r["entity"]): (r["mentions"], r["words"]) for r in full}
    shared = [r for r in subset if (r["group"], r["entity"]) in full_cells]
    assert shared
    for r in shared:
        assert (r["mentions"], r["words"]) == full_cells[(r["group"], r["entity"])], r


class Tags(HTMLParser):
    """Every start tag and its attributes in an HTML fragment."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


# -- every run -------------------------------------------------------------------------------

@executed
@pytest.mark.parametrize("run_key", sorted(RUNS))
def test_runs_cleanly_with_inline_vegalite_charts(run):
    """Top to bottom, no error or stderr output, every chart an inline Vega-Lite 6 spec."""
    for out in run.outputs():
        assert out.output_type != "error", out
        assert not (out.output_type == "stream" and out.name == "stderr"), out.text
    charts = run.charts()
    assert charts, "no chart at all"
    for cell in run.code_cells():
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if nbrun.VEGALITE in data:
                assert data.get(nbrun.VEGALITE_V5) == data[nbrun.VEGALITE]
    for spec in charts:
        assert "vega-lite/v6" in spec["$schema"]
        for view in subspecs(spec):
            assert "url" not in (view.get("data") or {}), "data must be inline"
    for h in run.html():
        assert "<script" not in h.lower(), "HTML that loads scripts (not the offline renderer)"


# -- entity frequency --------------------------------------------------------------------------

@executed
def test_entity_frequency_default_top_entities_bar(ef_default, sample_articles):
    spec = ef_default.chart(BAR)
    assert marks(spec) == ["bar"]
    enc = spec["encoding"]
    assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == (
        "per_1k_words", "entity", "type")
    assert tooltip_fields(enc) >= {"entity", "type", "mentions", "articles", "groups",
                                   "per_1k_words"}
    data = rows(spec)
    names = [r["entity"] for r in data]
    assert len(data) == 20  # top_n
    assert {"Ukraine", "Russia", "Kyiv", "Moscow"} <= set(names[:5])
    assert {"Volodymyr Zelensky", "Donald Trump", "Vladimir Putin", "Kremlin"} <= set(names)
    assert values(data, "type") <= {"PERSON", "ORG", "PLACE"}
    assert enc["y"]["sort"] == names  # most mentioned first
    assert [r["mentions"] for r in data] == sorted((r["mentions"] for r in data), reverse=True)
    words = selected_words(sample_articles)  # the near-duplicate Novinite copy counts once
    for r in data:
        assert r["per_1k_words"] == pytest.approx(r["mentions"] * 1000 / words)
        assert 1 <= r["groups"] <= 4
    assert f"over {words:,} words in 4 outlets" in title_text(spec)[1]


@executed
def test_entity_frequency_default_heatmap(ef_default, sample_articles):
    spec = ef_default.chart(HEATMAP)
    assert marks(spec) == ["rect"]
    enc = spec["encoding"]
    assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == (
        "group", "entity", "per_1k_words")
    assert tooltip_fields(enc) >= {"group", "entity", "mentions", "words", "per_1k_words"}
    data = rows(spec)
    assert values(data, "group") == OUTLETS
    entities = values(data, "entity")
    assert {"Ukraine", "Kyiv", "Volodymyr Zelensky"} <= entities and len(entities) == 20
    cells = Counter((r["group"], r["entity"]) for r in data)
    assert set(cells.values()) == {1} and len(cells) == 4 * 20  # a full grid, zeros included
    kept = sample_articles[sample_articles["duplicate_of"].isna()]
    words = kept.groupby("outlet")["n_words"].sum()
    for r in data:
        assert r["words"] == words[r["group"]]
        assert r["per_1k_words"] == pytest.approx(r["mentions"] * 1000 / r["words"])
    kyiv = {r["group"]: r["mentions"] for r in data if r["entity"] == "Kyiv"}
    assert kyiv["Izvestia"] > kyiv["Moldova 1"] > 0  # "Kiev" counts for Kyiv
    assert values(data, "type") <= {"PERSON", "ORG", "PLACE"}


@executed
def test_entity_frequency_default_cooccurrence(ef_default):
    spec = ef_default.chart(COOC)
    assert marks(spec) == ["rect"]
    enc = spec["encoding"]
    assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == (
        "entity_a", "entity_b", "jaccard")
    assert tooltip_fields(enc) >= {"together", "units_a", "units_b", "jaccard"}
    data = rows(spec)
    assert data and all(0 <= r["jaccard"] <= 1 for r in data)
    assert all(r["unit"] == "article" and r["units"] == 4 for r in data)
    pairs = {(r["entity_a"], r["entity_b"]): r["together"] for r in data}
    assert all(pairs[(b, a)] == n for (a, b), n in pairs.items())  # symmetric
    assert len(values(data, "entity_a")) <= 15
    assert ("Ukraine", "Russia") in pairs


@executed
def test_entity_frequency_default_context_and_kwic(ef_default):
    notes = ef_default.note_texts(CONTEXT)
    assert notes[0].startswith("4 articles from 4 outlets; published 2025-11-12 to "
                               "2025-11-13; 1 undated")
    assert "1 undated article kept: they count in every total but cannot appear on a time " \
           "axis." in notes
    assert "1 near-duplicate article counted once (copies of selected articles dropped)." in notes
    # No kwic_entity: the selection's most mentioned person, said so.
    top = sample_top_person(ef_default)
    assert f"{top}: the most mentioned person of the selection (set kwic_entity for another)." \
        in ef_default.note_texts(KWIC)
    table, *folded = [h for h in ef_default.html(KWIC) if "nb-note" not in h]
    assert len(folded) == 2 and all(f.startswith("<details>") for f in folded)
    tags = {t for t, _ in Tags(table).tags}
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "p"}
    assert top.split()[-1] in table


def sample_top_person(run) -> str:
    """The most mentioned person in the run's top-entities bar chart."""
    totals: dict[str, int] = {}
    for r in rows(run.chart(BAR)):
        if r["type"] == "PERSON":
            totals[r["entity"]] = totals.get(r["entity"], 0) + r["mentions"]
    return max(totals, key=lambda e: (totals[e], e))


@executed
def test_entity_frequency_person_only(ef_person, ef_default):
    bar = rows(ef_person.chart(BAR))
    assert values(bar, "type") == {"PERSON"}
    names = [r["entity"] for r in bar]
    assert {"Volodymyr Zelensky", "Donald Trump", "Vladimir Putin", "Dmitry Peskov"} <= set(names)
    assert not {"Ukraine", "Russia", "Kyiv", "Kremlin"} & set(names)
    heat = rows(ef_person.chart(HEATMAP))
    assert values(heat, "type") == {"PERSON"} and values(heat, "group") == OUTLETS
    assert bar != rows(ef_default.chart(BAR))
    # Same selection, so the same words behind each rate: only the entities changed.
    words = {r["group"]: r["words"] for r in rows(ef_default.chart(HEATMAP))}
    assert {r["group"]: r["words"] for r in heat} == words
    table = [h for h in ef_person.html(KWIC) if "nb-note" not in h][0]
    assert "<td>Izvestia</td>" in table
    assert "Vladimir Zelensky</td>" in table  # the spelling kept, and its variant tag
    assert re.search(r"<td>vladimir[-a-z]*</td>", table)


@executed
def test_cooccurrence_follows_entity_types(ef_person, ef_default, sample_annotations):
    """The "Who appears together" matrix should show the entity types the notebook was asked
    for (``entity_types``), like the two charts above it."""
    m = sample_annotations.mentions
    types = {e: set(map(str, t)) for e, t in m.groupby("entity")["type"].unique().items()}
    for run, wanted in ((ef_person, {"PERSON"}), (ef_default, {"PERSON", "ORG", "PLACE"})):
        shown = values(rows(run.chart(COOC)), "entity_a")
        off = {e: sorted(types[e]) for e in shown if not types.get(e, set()) <= wanted}
        assert not off, (f"entity_types={run.parameters.get('entity_types', 'default')}: "
                         f"co-occurrence shows {off}")


@executed
def test_entity_frequency_two_outlets(ef_outlets, ef_default):
    heat = rows(ef_outlets.chart(HEATMAP))
    assert values(heat, "group") == {"Izvestia", "Moldova 1"}
    bar = rows(ef_outlets.chart(BAR))
    assert all(r["groups"] <= 2 for r in bar)
    default = {r["entity"]: r["mentions"] for r in rows(ef_default.chart(BAR))}
    mine = {r["entity"]: r["mentions"] for r in bar}
    assert mine["Ukraine"] < default["Ukraine"]
    assert "Dmitry Peskov" not in mine or mine["Dmitry Peskov"] < default["Dmitry Peskov"]
    assert_same_counts_per_group(heat, rows(ef_default.chart(HEATMAP)))
    notes = ef_outlets.note_texts(CONTEXT)
    assert notes[0].startswith("2 articles from 2 outlets")
    assert "3 articles from other outlet values excluded." in notes
    # Two articles cannot show who appears together: said in words, no matrix.
    assert not ef_outlets.charts(COOC)
    [reason] = ef_outlets.note_texts(COOC, kind="too-little")
    assert "co-occurrence needs at least 3" in reason
    # KWIC covers every spelling of the entity (Izvestia's "Kiev", Moldova 1's "Kyiv") and
    # escapes the article text (Moldova 1 quotes with ASCII quotation marks).
    table = [h for h in ef_outlets.html(KWIC) if h.startswith("<table")][0]
    assert "<td>kiev</td>" in table and "<td>kyiv</td>" in table
    assert "&quot;" in table
    assert {"<td>Izvestia</td>", "<td>Moldova 1</td>"} == {
        c for c in ("<td>Izvestia</td>", "<td>Moldova 1</td>", "<td>Novinite</td>",
                    "<td>syrializm.net</td>") if c in table}


@executed
def test_entity_frequency_date_range(ef_range, ef_default):
    notes = ef_range.note_texts(CONTEXT)
    assert notes[0].startswith("2 articles from 2 outlets; published 2025-11-13 to "
                               "2025-11-13;"), notes[0]
    assert "undated" not in notes[0]
    assert "1 dated article outside 2025-11-13 – 2025-11-13 excluded." in notes
    assert ("1 undated article excluded by the date range (they cannot be placed in it)."
            in notes)
    heat = rows(ef_range.chart(HEATMAP))
    assert values(heat, "group") == {"Izvestia", "Novinite"}
    bar = rows(ef_range.chart(BAR))
    assert bar != rows(ef_default.chart(BAR))
    assert_same_counts_per_group(heat, rows(ef_default.chart(HEATMAP)))
    assert not ef_range.charts(COOC)
    assert ef_range.note_texts(COOC, kind="too-little")


@executed
def test_entity_frequency_hostile_corpus_is_escaped(ef_hostile):
    # The corpus's markup reaches the page only as escaped text…
    for h in ef_hostile.html():
        assert "<script" not in h.lower() and "<img" not in h.lower(), h[:300]
        for tag, attrs in Tags(h).tags:
            assert tag not in {"script", "img", "svg", "iframe", "b"}, h[:300]
            assert not [a for a, _ in attrs if a.lower().startswith("on")], h[:300]
    table = [h for h in ef_hostile.html(KWIC) if h.startswith("<table")][0]
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in table
    assert "&lt;img src=x onerror=alert(1)&gt;" in table
    assert "Evil &lt;script&gt;alert(3)&lt;/script&gt; Times" in table
    # …and the charts carry it as plain data, for the renderer to show as text.
    heat = rows(ef_hostile.chart(HEATMAP))
    assert HOSTILE_OUTLET in values(heat, "group")


@executed
def test_source_bias_hostile_corpus_tables_are_escaped(sb_hostile):
    for h in sb_hostile.html():
        assert "<script" not in h.lower() and "<img" not in h.lower(), h[:300]
        assert not {t for t, _ in Tags(h).tags} & {"script", "img", "svg", "iframe"}
    tables = sb_hostile.html(QUOTES)
    assert any("Evil &lt;script&gt;alert(3)&lt;/script&gt; Times" in t for t in tables)
    groups = {g for spec in sb_hostile.charts() for g in values(rows(spec), "group")}
    assert HOSTILE_OUTLET in groups


# -- source bias ---------------------------------------------------------------------------------

def keyness_rows(spec: dict) -> list[dict]:
    assert spec["facet"]["field"] == "group"
    assert marks(spec) == ["bar"]
    enc = only(encodings(spec))
    assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == ("z", "term", "favoured")
    assert tooltip_fields(enc) >= {"group", "term", "count", "count_rest", "z", "delta", "se"}
    return rows(spec)


@executed
def test_source_bias_word_keyness(sb_default):
    data = keyness_rows(sb_default.chart(WORD_KEYNESS))
    assert values(data, "group") == OUTLETS
    kiev = {r["group"]: r for r in data if r["term"] == "kiev"}
    assert kiev["Izvestia"]["side"] == "group" and kiev["Izvestia"]["z"] > 1.96
    assert kiev["Izvestia"]["favoured"] == "favoured by this group"
    assert kiev["Izvestia"]["count"] > 0 and kiev["Izvestia"]["count_rest"] == 0
    assert all(r["side"] == "rest" for g, r in kiev.items() if g != "Izvestia")
    for r in data:  # right of zero: favoured by the group; left: by the rest
        assert (r["z"] > 0) == (r["side"] == "group")
        assert r["count"] + r["count_rest"] >= 2  # min_count


@executed
def test_source_bias_entity_keyness(sb_default):
    data = keyness_rows(sb_default.chart(ENTITY_KEYNESS))
    assert values(data, "group") == OUTLETS
    izvestia = {r["term"] for r in data if r["group"] == "Izvestia" and r["side"] == "group"}
    assert {"Rodion Miroshnik", "Kyiv"} <= izvestia


@executed
def test_source_bias_naming_variants(sb_default):
    spec = sb_default.chart(VARIANTS)
    panels = spec["concat"]  # one panel per entity, each with its own small legend
    assert marks(spec) == ["bar"] * len(panels) and len(panels) >= 2
    assert spec["resolve"]["scale"]["color"] == "independent"
    for enc in encodings(spec):
        assert (field(enc["x"]), enc["x"].get("aggregate"), field(enc["y"]),
                field(enc["color"])) == ("share", "sum", "group", "variant")
        assert enc["color"]["legend"]["symbolLimit"] == 0
        assert tooltip_fields(enc) >= {"group", "entity", "variant", "spelling", "mentions",
                                       "share"}
    data = rows(spec)
    kyiv = {(r["group"], r["variant"]): r for r in data if r["entity"] == "Kyiv"}
    assert kyiv[("Izvestia", "kiev")]["share"] == 1.0
    assert kyiv[("Izvestia", "kiev")]["spelling"] == "Kiev"
    assert kyiv[("Moldova 1", "kyiv")]["share"] == 1.0
    assert ("Izvestia", "kyiv") not in kyiv and ("Moldova 1", "kiev") not in kyiv
    shares = Counter()
    for r in data:
        shares[(r["group"], r["entity"])] += r["share"]
    assert all(s == pytest.approx(1.0) for s in shares.values())  # 100 % bars
    assert "Volodymyr Zelensky" in values(data, "entity")


@executed
def test_source_bias_voices(sb_default):
    spec = sb_default.chart(VOICES)
    assert len(spec["vconcat"]) == 2 and marks(spec) == ["bar", "bar"]
    speakers, affiliations = (rows(spec, view) for view in spec["vconcat"])
    for view in spec["vconcat"]:
        enc = view["encoding"]
        assert (field(enc["x"]), enc["x"].get("stack"), field(enc["y"]), field(enc["color"])) == (
            "quotes", "normalize", "group", "voice")
        assert tooltip_fields(enc) >= {"group", "voice", "quotes", "share"}
    assert "Dmitry Peskov" in values(speakers, "voice")
    peskov = [r for r in speakers if r["voice"] == "Dmitry Peskov"]
    assert all(r["affiliation"] == "Russia" for r in peskov)
    assert "Russia" in values(affiliations, "voice")
    for data in (speakers, affiliations):
        assert values(data, "group") <= OUTLETS
        share = Counter()
        for r in data:
            share[r["group"]] += r["share"]
        assert all(s == pytest.approx(1.0) for s in share.values())
    # The table of quotes under the chart: a sample across the outlets, saying so.
    assert any(t.startswith("25 of ") and "sampled evenly across the 4 outlets" in t
               for t in sb_default.note_texts(QUOTES))
    assert any("<table" in h and "Peskov" in h for h in sb_default.html(QUOTES))


@executed
def test_source_bias_by_country(sb_country, sb_default):
    assert sb_country.note_texts(CONTEXT)[0].startswith("4 articles in 4 country groups")
    words = sb_country.chart(WORD_KEYNESS)
    data = keyness_rows(words)
    assert values(data, "group") == COUNTRIES
    assert title_text(words)[0] == "What each country favours"
    kiev = {r["group"]: r for r in data if r["term"] == "kiev"}
    assert kiev["Russia"]["side"] == "group" and kiev["Russia"]["z"] > 1.96
    assert values(keyness_rows(sb_country.chart(ENTITY_KEYNESS)), "group") == COUNTRIES
    variants = rows(sb_country.chart(VARIANTS))
    kyiv = {(r["group"], r["variant"]) for r in variants if r["entity"] == "Kyiv"}
    assert ("Russia", "kiev") in kyiv and ("Moldova", "kyiv") in kyiv
    voices = sb_country.chart(VOICES)
    for view in voices["vconcat"]:
        assert values(rows(voices, view), "group") <= COUNTRIES
        assert view["encoding"]["y"]["title"] == "country"
    # One outlet per country in the sample: the same counts under other names.
    by_outlet = {(r["term"], r["count"]) for r in keyness_rows(sb_default.chart(WORD_KEYNESS))
                 if r["group"] == "Izvestia"}
    by_country = {(r["term"], r["count"]) for r in data if r["group"] == "Russia"}
    assert by_outlet == by_country


@executed
def test_source_bias_one_outlet_says_too_little(sb_one_outlet):
    """One group: nothing to compare, said in words instead of a chart."""
    assert sb_one_outlet.note_texts(CONTEXT)[0].startswith("1 article from 1 outlet;")
    expected = ("Keyness compares groups, but the selection has 1 (syrializm.net); it needs at "
                "least 2.")
    for cell in (WORD_KEYNESS, ENTITY_KEYNESS):
        assert not sb_one_outlet.charts(cell), cell
        assert sb_one_outlet.note_texts(cell, kind="too-little") == [expected]
    # Shares within the one outlet still mean something: its own spellings, its own voices.
    variants = rows(sb_one_outlet.chart(VARIANTS))
    assert values(variants, "group") == {"syrializm.net"}
    assert ("Volodymyr Zelensky", "zelensky") in {(r["entity"], r["variant"]) for r in variants}
    voices = sb_one_outlet.chart(VOICES)
    assert values(rows(voices, voices["vconcat"][0]), "group") == {"syrializm.net"}
    assert not sb_one_outlet.note_texts(VARIANTS) and not sb_one_outlet.note_texts(VOICES)


# -- timeline ------------------------------------------------------------------------------------

def articles_timeline_parts(spec: dict) -> tuple[list[dict], list[dict]]:
    """(dated rows, undated rows) of an articles timeline with an undated panel."""
    main, side = spec["hconcat"]
    assert marks(main) == ["bar"] and marks(side) == ["bar"]
    enc = main["encoding"]
    assert (field(enc["x"]), enc["x"]["type"], field(enc["x2"])) == (
        "period", "temporal", "period_end")
    assert (field(enc["y"]), enc["y"].get("aggregate")) == ("articles", "sum")
    assert field(enc["color"]) == "group"
    assert tooltip_fields(enc) >= {"period", "group", "articles", "estimated"}
    assert field(side["encoding"]["x"]) == "when"
    assert spec["resolve"]["scale"]["y"] == "shared"
    return rows(spec, main), rows(spec, side)


@executed
def test_timeline_articles_show_the_undated_apart(tl_default, sample_articles):
    spec = tl_default.chart(ARTICLES_TL)
    dated, undated = articles_timeline_parts(spec)
    assert {(r["group"], r["period"][:10]) for r in dated} == {
        ("Moldova 1", "2025-11-12"), ("Izvestia", "2025-11-13"), ("Novinite", "2025-11-13")}
    assert all(r["period_end"][:10] > r["period"][:10] for r in dated)
    assert {r["group"]: r["estimated"] for r in dated} == {
        "Moldova 1": 1, "Izvestia": 1, "Novinite": 0}  # dated from their text
    assert [(r["group"], r["when"], r["articles"]) for r in undated] == [
        ("syrializm.net", "undated", 1)]
    # Nothing dropped: every selected article is on the chart.
    kept = sample_articles[sample_articles["duplicate_of"].isna()]
    assert sum(r["articles"] for r in dated + undated) == len(kept) == 4
    title, subtitle = title_text(spec)
    assert title == "Articles per day"
    assert subtitle == "1 undated article shown apart, right; 3 dated"


@executed
def test_timeline_dated_events(tl_default):
    spec = tl_default.chart(EVENTS_TL)
    assert sorted(marks(spec)) == ["bar", "circle"]
    for enc in encodings(spec):
        assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == (
            "date", "group", "precision")
        # The date written at its precision: "2025-05-16", "August 2025", "2025".
        assert tooltip_fields(enc) >= {"when", "precision", "group", "text", "sentence",
                                       "articles", "mentions"}
    data = rows(spec)
    istanbul = {r["date"][:10]: r for r in data
                if r["group"] == "Moldova 1" and "Istanbul talks" in r["sentence"]}
    assert set(istanbul) == {"2025-05-16", "2025-06-02", "2025-07-23"}
    assert {r["precision"] for r in istanbul.values()} == {"day"}
    days = {r["date"][:10] for r in data if r["precision"] == "day"}
    assert {"2025-05-16", "2025-06-02", "2025-07-23", "2025-11-12"} <= days
    coarse = [r for r in data if r["precision"] != "day"]
    assert coarse and {r["precision"] for r in coarse} <= {"month", "year"}
    assert all(r["date_end"] > r["date"] for r in data)
    assert all(len(r["sentence"]) <= 300 for r in data)
    # The table of dates under the chart.
    table, *outside = [h for h in tl_default.html(EVENTS_TABLE) if "<table" in h]
    assert "2025-05-16" in table and "2025-07-23" in table
    assert "<th>outlet</th>" in table and "<td>Moldova 1</td>" in table


@executed
def test_timeline_entities_over_time(tl_default):
    spec = tl_default.chart(MENTIONS_TL)
    assert marks(spec) == ["line"] and spec["facet"]["field"] == "entity"  # a panel each
    enc = only(encodings(spec))
    assert (field(enc["x"]), field(enc["y"]), field(enc["color"])) == (
        "period", "per_1k_words", "group")  # a line per outlet
    data = rows(spec)
    assert values(data, "group") <= OUTLETS
    assert len(values(data, "entity")) == 5
    assert {"Donald Trump", "Volodymyr Zelensky", "Vladimir Putin"} <= values(data, "entity")
    assert {r["period"][:10] for r in data} == {"2025-11-12", "2025-11-13"}
    assert not any(r["undated"] for r in data)
    # The undated article's mentions cannot be placed: counted in words, not dropped silently.
    subtitle = title_text(spec)[1]
    assert subtitle.endswith("in undated articles not shown"), subtitle
    assert int(subtitle.split()[0]) > 0


@executed
def test_timeline_by_week(tl_week, tl_default):
    """All the sample's dated articles fall in one ISO week: by week there is no change over
    time, and the notebook says so instead of drawing a single bar and single points."""
    expected = ("All 3 dated articles appeared in the week from 2025-11-10 (1 undated); there "
                "is no change over time to show.")
    for cell in (ARTICLES_TL, MENTIONS_TL):
        assert not tl_week.charts(cell), cell
        assert expected in tl_week.note_texts(cell)
    assert tl_default.charts(ARTICLES_TL)  # by day the same selection has a timeline
    # The dates the texts name do not depend on the publication period.
    assert rows(tl_week.chart(EVENTS_TL)) == rows(tl_default.chart(EVENTS_TL))


@executed
def test_timeline_one_day_says_too_little(tl_one_day):
    notes = tl_one_day.note_texts(CONTEXT)
    assert "1 undated article excluded by the date range (they cannot be placed in it)." in notes
    assert "1 dated article outside 2025-11-13 – 2025-11-13 excluded." in notes
    expected = ("All 2 dated articles appeared on 2025-11-13; there is no change over time "
                "to show.")
    for cell in (ARTICLES_TL, MENTIONS_TL):
        assert not tl_one_day.charts(cell), cell
        assert tl_one_day.note_texts(cell, kind="too-little") == [expected]
    events = rows(tl_one_day.chart(EVENTS_TL))  # the dates the two articles name still show
    assert values(events, "group") == {"Izvestia", "Novinite"}


# -- what an analysis leaves out is said, not dropped ------------------------------------------

def analysis_notes(corpus: Path, model: str, cache: Path, step) -> list[str]:
    """The notes (``attrs["notes"]``) an analysis step attaches, on the default selection."""
    import workbench as wb
    from workbench import analyze as an

    ann = wb.open_corpus(corpus, model=model, cache_dir=cache)
    arts = an.select_articles(ann.articles, group_col="outlet")
    return an.notes(step(an, ann, arts))


@executed
def test_timeline_says_how_many_dates_it_could_not_place(tl_default, sample_dir, trained_model,
                                                         cache_root):
    """The undated article's "on Friday" cannot be placed; dated_events counts such
    expressions in a note, which the notebook must show rather than drop."""
    expected = analysis_notes(sample_dir, trained_model, cache_root, lambda an, ann, arts:
                              an.dated_events(an.restrict(ann.dates, arts), arts))
    assert expected  # e.g. "10 date expressions could not be resolved … and are not shown."
    shown = tl_default.note_texts()
    assert set(expected) <= set(shown), f"not shown: {sorted(set(expected) - set(shown))}"


@executed
def test_source_bias_says_which_groups_are_too_thin_for_keyness(
        sb_hostile, sb_default, sample_dir, hostile_corpus, trained_model, cache_root):
    """keyness() names the groups whose scores rest on very little text (the 46-word
    "Evil Times" article here); the notebook draws their panels, so it must say so."""
    words = analysis_notes(hostile_corpus, trained_model, cache_root, lambda an, ann, arts:
                           an.keyness(an.word_counts(arts, by="outlet"), min_count=2))
    ents = analysis_notes(sample_dir, trained_model, cache_root, lambda an, ann, arts:
                          an.keyness(an.entity_counts(ann.mentions, arts, by="outlet"),
                                     min_count=2, min_tokens=20))
    assert words  # a 46-word group is thin by any measure
    missing = {run.path.stem: sorted(set(expected) - set(run.note_texts()))
               for run, expected in ((sb_hostile, words), (sb_default, ents))}
    assert not any(missing.values()), f"not shown: {missing}"


# -- two groups over different periods (real AllSides articles) ----------------------------------

def scale_colours(enc: dict) -> dict[str, str]:
    """{group: colour} of a colour channel with an explicit domain and range."""
    scale = enc["color"]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))


@executed
def test_two_groups_warning_and_ranges(sb_two, tl_two, ef_two):
    for run in (sb_two, tl_two, ef_two):
        [warning] = run.note_texts(CONTEXT, kind="warning")
        assert warning.startswith("The groups cover different periods (")
        assert "right 2019-06-" in warning and "left 2019-01-" in warning
        assert "common_period=True" in warning
        [ranges] = [h for h in run.html(CONTEXT) if "<table" in h]
        assert "left" in ranges and "right" in ranges and "2019-12-" in ranges


@executed
def test_two_groups_common_period(sb_two_common, sb_two):
    assert not sb_two_common.note_texts(CONTEXT, kind="warning")
    [restricted] = [t for t in sb_two_common.note_texts(CONTEXT)
                    if t.startswith("common_period: all groups restricted to")]
    window = restricted.split("restricted to ")[1][:23]  # "YYYY-MM-DD – YYYY-MM-DD"
    lo, hi = window.split(" – ")
    [ranges] = [h for h in sb_two_common.html(CONTEXT) if "<table" in h]
    dates = set(re.findall(r"<td>(2019-\d\d-\d\d)</td>", ranges))
    assert dates and all(lo <= d <= hi for d in dates), (window, dates)
    # Over the common period the words the left favours are no longer the year's topics.
    full = {r["term"] for r in rows(sb_two.chart(WORD_KEYNESS)) if r["favoured"] == "left"}
    common = {r["term"] for r in rows(sb_two_common.chart(WORD_KEYNESS))
              if r["favoured"] == "left"}
    assert full != common


@executed
def test_two_groups_keyness_is_one_diverging_panel_in_group_colours(sb_two, tl_two):
    from workbench.charts.colors import group_colors

    spec = sb_two.chart(WORD_KEYNESS)
    assert "facet" not in spec and marks(spec) == ["bar"]  # not two mirrored panels
    enc = spec["encoding"]
    assert field(enc["x"]) == "z" and field(enc["color"]) == "favoured"
    data = rows(spec)
    assert values(data, "favoured") == {"left", "right"}
    assert all((r["z"] > 0) == (r["favoured"] == "left") for r in data)
    colours = scale_colours(enc)
    assert colours == group_colors(["right", "left"])  # from the names, not the order
    # The same colour for each group in another report of the corpus.
    main = tl_two.chart(ARTICLES_TL)
    timeline = main["hconcat"][0] if "hconcat" in main else main
    assert scale_colours(timeline["encoding"]) == colours
    assert scale_colours(only(encodings(tl_two.chart(MENTIONS_TL)))) == colours
    assert sb_two.chart(MONTH_KEYNESS)  # the within-months comparison is drawn


@executed
def test_two_groups_every_view_carries_the_group(ef_two, sb_two, tl_two):
    groups = {"left", "right"}
    assert values(rows(ef_two.chart(HEATMAP)), "group") == groups
    cooc = ef_two.chart(COOC_GROUPS)
    assert cooc["facet"]["field"] == "group" and values(rows(cooc), "group") == groups
    kwic = [h for h in ef_two.html(KWIC) if h.startswith("<table")][0]
    assert "<th>group</th>" in kwic
    assert "<td>left</td>" in kwic and "<td>right</td>" in kwic
    [sampled] = [t for t in ef_two.note_texts(KWIC) if "sampled evenly" in t] or [""]
    assert sampled == "" or "across the 2 groups" in sampled
    quotes = [h for h in sb_two.html(QUOTES) if "<table" in h]
    assert quotes and "<th>group</th>" in quotes[0] and "<td>right</td>" in quotes[0]
    assert values(rows(sb_two.chart(VARIANTS)), "group") <= groups
    assert values(rows(tl_two.chart(EVENTS_TL)), "group") == groups
    [table] = [h for h in tl_two.html(EVENTS_TABLE) if "<table" in h][:1]
    assert "<th>group</th>" in table and "<td>left</td>" in table and "<td>right</td>" in table
    assert values(rows(tl_two.chart(MENTIONS_TL)), "group") == groups


@executed
def test_two_groups_events_axis_and_precision(tl_two):
    spec = tl_two.chart(EVENTS_TL)
    domains = [e["x"]["scale"]["domain"] for e in encodings(spec) if "scale" in e["x"]]
    [(lo, hi)] = domains
    # The publication period (2019) widened by at most a year: not 1800–2060.
    assert lo["year"] >= 2018 and (hi["year"], hi["month"]) <= (2021, 1), domains
    data = rows(spec)
    for r in data:
        if r["precision"] == "year":
            assert r["when"] == r["date"][:4]
        elif r["precision"] == "month":
            assert re.fullmatch(r"[A-Z][a-z]+ \d{4}", r["when"]), r["when"]
        else:
            assert r["when"] == r["date"][:10]


# -- the committed notebooks ---------------------------------------------------------------------

COMMON_PARAMETERS = {"corpus", "outlets", "groups", "group_by", "date_from", "date_to",
                     "count_duplicates_once", "common_period", "top_n", "model", "cache_dir"}


def committed(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def parameters_cell(nb: nbformat.NotebookNode):
    cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{len(cells)} cells tagged 'parameters'"
    return cells[0]


def declared(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """name → default of every assignment in the parameters cell."""
    out = {}
    for stmt in ast.parse(parameters_cell(nb).source).body:
        assert isinstance(stmt, ast.Assign) and len(stmt.targets) == 1, ast.dump(stmt)
        out[stmt.targets[0].id] = ast.literal_eval(stmt.value)
    return out


def test_notebook_set_is_complete():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NOTEBOOK_NAMES)


def test_no_executed_output_committed_beside_the_notebooks():
    """Only the stripped notebooks are committed in notebooks/: executed copies and rendered
    reports belong in the (ignored) reports folder."""
    import subprocess

    try:
        listed = subprocess.run(["git", "ls-files", "--", "."], cwd=NOTEBOOKS, check=True,
                                capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    extra = [p for p in listed if not p.endswith(".ipynb") and p != "README.md"]
    assert not extra, f"committed in notebooks/: {extra}"


# Metadata that executing or editing a notebook leaves behind.
STALE_NOTEBOOK_METADATA = {"papermill", "widgets", "execution", "varInspector", "toc"}
STALE_CELL_METADATA = {"papermill", "execution", "ExecuteTime", "widgets", "scrolled",
                       "collapsed", "jupyter", "pycharm"}


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_committed_notebook_is_stripped(name):
    nb = committed(name)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        where = f"{name} cell {i}"
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{where} has outputs"
            assert cell.execution_count is None, f"{where} has an execution count"
        assert not set(cell.metadata) & STALE_CELL_METADATA, f"{where}: {dict(cell.metadata)}"
        assert set(cell.metadata.get("tags", [])) <= {"parameters"}, where
        assert not cell.get("attachments"), where
    assert not set(nb.metadata) & STALE_NOTEBOOK_METADATA, dict(nb.metadata)
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata.get("language_info", {})) <= {"name"}, "stale language_info"


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_one_parameters_cell_with_the_common_parameters(name):
    params = declared(committed(name))
    assert COMMON_PARAMETERS <= set(params)


def test_common_parameter_defaults_agree():
    defaults = {name: {k: v for k, v in declared(committed(name)).items()
                       if k in COMMON_PARAMETERS} for name in NOTEBOOK_NAMES}
    first = defaults[NOTEBOOK_NAMES[0]]
    assert all(d == first for d in defaults.values()), defaults
    assert first["corpus"] == "../data/sample" and first["group_by"] == "outlet"
    assert first["outlets"] == [] and first["count_duplicates_once"] is True


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_papermill_sees_every_parameter(name):
    """`papermill --help-notebook` and `workbench report -p` read the parameters through
    papermill's parser, which gives up on any line with a second "=" (even in a comment)."""
    import papermill

    seen = set(papermill.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb")))
    missing = sorted(set(declared(committed(name))) - seen)
    assert not missing, f"papermill cannot see {missing} in {name}.ipynb"
