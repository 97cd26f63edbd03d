"""Benchmark the Russian pipeline against bare natasha, and show what it finds per language.

What it measures (one run, the same texts: the Russian articles of
``../shared/corpora/tgcontest-articles.jsonl.gz`` after ``load_corpus``, at most ``--n``)

  a. bare natasha: ``Doc(text).segment(Segmenter())`` then ``doc.tag_ner(NewsNERTagger)`` — the
     statistical work the workbench's Russian path is built on, nothing else;
  b. the workbench's Russian path (``annotate.cyrillic.annotate_cyrillic_jobs``): the same NER
     plus razdel tokens and sentences, knowledge-base matching by lemma (pymorphy3), normal
     forms, transliterated ids, quotes and dates — the rows, without the Parquet cache.
  a and b alternate article by article (which goes first alternates too), so other users'
  load hits both alike; the blocks only show the spread. Both are warmed up first (model
  loading, first-use costs: not timed). "workbench ÷ bare" is b's throughput as a share of a's
  (target ≥ 0.90), by wall clock and by CPU time; numpy runs one thread (OMP_NUM_THREADS=1),
  so CPU time is not inflated by threads spinning on a busy machine.
  c. ``annotate()`` on the whole corpus (Russian and English, fresh cache): the pipelines by
     language, the top entities per language, the entities counted in both languages, and
     word keyness by outlet within each language (Russian words by lemma).

    .venv/bin/python benchmarks/russian.py            # all 392 Russian articles, 4 blocks
    .venv/bin/python benchmarks/russian.py --n 100 --blocks 2 --no-corpus
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before numpy loads (see the docstring)
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from workbench.annotate.cyrillic import annotate_cyrillic_jobs  # noqa: E402
from workbench.annotate.extract import Job  # noqa: E402
from workbench.annotate.kb import load_kb  # noqa: E402
from workbench.corpus.load import load_corpus  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / \
    "tgcontest-articles.jsonl.gz"


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def bare(texts: list[str], segmenter, ner) -> int:
    from natasha import Doc

    n = 0
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_ner(ner)
        n += len(doc.spans)
    return n


def bare_full(texts: list[str], segmenter, ner, morph, vocab) -> int:
    """natasha's documented pipeline for entities with normal forms: segment, morphology,
    NER, lemmas and span normalisation (what the workbench produces, done natasha's way)."""
    from natasha import Doc

    n = 0
    for text in texts:
        doc = Doc(text)
        doc.segment(segmenter)
        doc.tag_morph(morph)
        doc.tag_ner(ner)
        for token in doc.tokens:
            token.lemmatize(vocab)
        for span in doc.spans:
            span.normalize(vocab)
        n += len(doc.spans)
    return n


def workbench(texts: list[str], kb) -> int:
    jobs = [Job(str(i), t, None, "ru") for i, t in enumerate(texts)]
    return sum(len(r.rows["mentions"]) for r in annotate_cyrillic_jobs(kb, jobs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--n", type=int, default=400, help="Russian articles (default 400)")
    parser.add_argument("--blocks", type=int, default=4)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--no-corpus", action="store_true", help="skip part c")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"error: corpus not found: {args.corpus}")
    articles = load_corpus(args.corpus)
    ru = articles[articles["language"] == "ru"].head(args.n)
    texts = [str(t) for t in ru["text"]]
    print(f"{len(texts)} Russian articles, {sum(len(t) for t in texts):,} characters; "
          f"load average {os.getloadavg()[0]:.1f}")

    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, Segmenter

    kb = load_kb()
    emb = NewsEmbedding()
    segmenter, ner, morph, vocab = Segmenter(), NewsNERTagger(emb), NewsMorphTagger(emb), \
        MorphVocab()
    bare(texts[:3], segmenter, ner)
    workbench(texts[:3], kb)
    bare_full(texts[:3], segmenter, ner, morph, vocab)
    size = -(-len(texts) // args.blocks)
    totals = {"bare": [0.0, 0.0], "workbench": [0.0, 0.0]}
    print("\nblock  articles  bare s  workbench s  ratio")
    for b in range(args.blocks):
        block = texts[b * size:(b + 1) * size]
        if not block:
            continue
        times = {"bare": 0.0, "workbench": 0.0}
        for i, text in enumerate(block):
            for side in (("bare", "workbench") if i % 2 == 0 else ("workbench", "bare")):
                wall, cpu = time.perf_counter(), _cpu()
                if side == "bare":
                    bare([text], segmenter, ner)
                else:
                    workbench([text], kb)
                times[side] += time.perf_counter() - wall
                totals[side][0] += time.perf_counter() - wall
                totals[side][1] += _cpu() - cpu
        print(f"{b:5}  {len(block):8}  {times['bare']:6.2f}  {times['workbench']:11.2f}  "
              f"{times['bare'] / times['workbench']:5.3f}")
    wall = totals["bare"][0] / totals["workbench"][0]
    cpu = totals["bare"][1] / totals["workbench"][1]
    print(f"\nworkbench ÷ bare natasha NER throughput: {wall:.3f} (wall clock), {cpu:.3f} (CPU "
          f"time); {len(texts) / totals['workbench'][0]:.1f} articles/s")
    sample = texts[::4]  # natasha's full pipeline, on every fourth article (it is slow)
    full = {"bare": 0.0, "workbench": 0.0}
    for i, text in enumerate(sample):
        for side in (("bare", "workbench") if i % 2 == 0 else ("workbench", "bare")):
            cpu = _cpu()
            if side == "bare":
                bare_full([text], segmenter, ner, morph, vocab)
            else:
                workbench([text], kb)
            full[side] += _cpu() - cpu
    print(f"workbench ÷ natasha's NER + morphology + lemmas + normal forms, {len(sample)} "
          f"articles: {full['bare'] / full['workbench']:.3f} (CPU time)")
    if not args.no_corpus:
        corpus_summary(articles, args.top)


def corpus_summary(articles, top: int) -> None:
    from workbench.annotate.run import annotate

    with tempfile.TemporaryDirectory() as cache:
        ann = annotate(articles, cache_dir=cache, progress=False)
    print(f"\n{ann!r}")
    for lang, text in ann.stats["pipelines"].items():
        print(f"  {lang}: {text}")
    lang = articles.set_index("article_id")["language"]
    m = ann.mentions.assign(language=ann.mentions["article_id"].map(lang))
    for language, rows in m.groupby("language"):
        print(f"\ntop entities, {language} ({rows['article_id'].nunique()} articles):")
        for kind in ("PERSON", "PLACE", "ORG"):
            counts = (rows[rows["type"] == kind].groupby(["entity_id", "entity"])["article_id"]
                      .nunique().sort_values(ascending=False).head(top))
            shown = ", ".join(f"{name} ({n})" for (_, name), n in counts.items())
            print(f"  {kind}: {shown}")
    both = m.groupby("entity_id")["language"].nunique()
    shared = m[m["entity_id"].isin(both[both > 1].index)]
    people = shared[shared["type"] == "PERSON"].groupby("entity")["language"].unique()
    print(f"\nentities counted in more than one language: {int((both > 1).sum())}; people: "
          + ", ".join(f"{name} ({'/'.join(sorted(langs))})" for name, langs in people.items()))
    keyness_by_language(ann, top)


def keyness_by_language(ann, top: int) -> None:
    """Word keyness by outlet, within each language (analyze/keyness.py): the most
    distinctive terms of the largest outlets of each language, and what it cost."""
    from workbench import analyze as an

    started = time.process_time()
    arts = an.select_articles(ann.articles)
    k = an.keyness(an.word_counts(arts), min_count=3)
    print(f"\nword keyness by outlet within each language: {time.process_time() - started:.2f} s "
          f"CPU for {len(arts)} articles")
    for part in an.by_language(k):
        totals = sorted(part.attrs["group_totals"].items(), key=lambda kv: -kv[1])[:3]
        for group, n in totals:
            terms = part[(part["group"] == group) & (part["z"] > 0)].head(top // 2)["term"]
            print(f"  {part.attrs['language']} {group} ({n:,} terms): {', '.join(terms)}")


if __name__ == "__main__":
    main()
