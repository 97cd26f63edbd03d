"""The notebooks on a corpus in two languages, and the reports' language lines.

The corpus is the sample (English; the Izvestia article with Russian photo titles) plus eleven
real Russian articles of ../shared/corpora/tgcontest-articles.jsonl.gz
(``test_languages_keyness.write_mixed_corpus``). It is annotated once into a private cache,
which the papermill runs reuse.
"""

from __future__ import annotations

import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor

import pandas as pd
import pytest
from test_languages_keyness import TGCONTEST, write_mixed_corpus

try:  # tests/ is not a package; works under `pytest` and `python -m pytest`
    from tests import nbrun
except ImportError:  # pragma: no cover
    import nbrun

pytestmark = pytest.mark.skipif(not TGCONTEST.exists(), reason="shared corpora not present")

RUNS = {"sb_language": ("source_bias", {"group_by": "language"}),
        "sb_outlet": ("source_bias", {})}
CYRILLIC = re.compile("[а-яёіїєґ]", re.I)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, trained_model):
    """(folder, cache, ann): the mixed corpus, annotated once."""
    import workbench as wb

    folder = write_mixed_corpus(tmp_path_factory.mktemp("mixed"))
    cache = tmp_path_factory.mktemp("cache")
    ann = wb.open_corpus(folder, model=trained_model, cache_dir=cache, progress=False)
    return folder, cache, ann


@pytest.fixture(scope="module")
def runs(corpus, trained_model, tmp_path_factory):
    folder, cache, _ = corpus
    out = tmp_path_factory.mktemp("runs")
    common = {"corpus": str(folder), "cache_dir": str(cache), "model": trained_model}
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=ctx) as pool:
        futures = {key: pool.submit(nbrun.execute, name, str(out / f"{key}.ipynb"),
                                    {**common, **params})
                   for key, (name, params) in RUNS.items()}
        return {key: nbrun.Run(f.result(), RUNS[key][1]) for key, f in futures.items()}


CONTEXT = "nb.setup("


def test_reports_list_the_languages_and_their_pipelines(runs, corpus):
    _, _, ann = corpus
    for run in runs.values():
        found = [t for t in run.note_texts(CONTEXT) if t.startswith("Languages")]
        assert len(found) == 1, run.note_texts(CONTEXT)
        text = found[0]
        assert re.search(r"Russian \(ru\), 11 articles: natasha [\d.]+ NER", text), text
        assert "lemmas: pymorphy3" in text
        assert re.search(rf"English \(en\), \d articles: {re.escape(ann.pipeline.label)}", text)
        assert text.index("Russian") < text.index("English")  # most articles first
        # The all-English line is not said again in the context box.
        assert not any(t.startswith("Annotated with") for t in run.note_texts(CONTEXT))


def test_grouped_by_language_word_keyness_says_why_entity_keyness_compares(runs):
    run = runs["sb_language"]
    reasons = run.note_texts("an.word_counts_by_period(", kind="too-little")
    assert len(reasons) == 1 and "each group is a language of its own" in reasons[0]
    assert run.charts("an.word_counts_by_period(") == []
    spec = run.chart("an.entity_counts(")
    terms = {r["term"] for r in nbrun.rows(spec)}
    assert "Vladimir Putin" in terms and not {"Путин", "Владимир Путин"} & terms


def test_grouped_by_language_entities_are_one_row_across_languages(corpus):
    # What entity_frequency.ipynb charts with group_by=language (its heatmap's table).
    from workbench import analyze as an

    _, _, ann = corpus
    arts = an.select_articles(ann.articles)
    freq = an.entity_frequency(ann.mentions, arts, by="language")
    putin = freq[freq["entity_id"] == "Q7747"]
    assert set(putin["group"]) == {"en", "ru"} and set(putin["entity"]) == {"Vladimir Putin"}
    assert not freq["entity"].isin(["Путин", "Владимир Путин", "Путина"]).any()
    ru = ann.mentions[ann.mentions["entity_id"] == "Q7747"]
    assert {"Путин", "Владимир Путин"} & set(ru["text"])  # found as written in Russian


def test_by_outlet_one_word_chart_per_language(runs):
    run = runs["sb_outlet"]
    specs = run.charts("an.word_counts_by_period(")
    titles = [nbrun.title_text(s)[0] for s in specs]
    assert titles == ["English (en) words: what each group favours",
                      "Russian (ru) words: what each group favours"]
    en_terms = {r["term"] for r in nbrun.rows(specs[0])}
    ru_terms = {r["term"] for r in nbrun.rows(specs[1])}
    assert en_terms and not any(CYRILLIC.search(t) for t in en_terms)
    assert ru_terms and all(CYRILLIC.search(t) or t.isascii() for t in ru_terms)
    notes = run.note_texts("an.word_counts_by_period(")
    assert any("within one language only" in n for n in notes)


def test_language_lines_of_a_selection(corpus):
    from workbench import notebook as nb

    _, _, ann = corpus
    arts = ann.articles
    assert nb.language_lines(ann, arts[arts["language"] == "en"]) == (None, False)
    other = arts.assign(language=pd.Series(["de"] + ["en"] * (len(arts) - 1),
                                           index=arts.index, dtype="string"))
    text, warn = nb.language_lines(ann, other)
    assert warn and "German (de), 1 article: " in text and "English pipeline on de text" in text
