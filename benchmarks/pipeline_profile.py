"""Where annotation time goes, and how much parsing only some sentences could save.

On the texts of the first ``--n`` AllSides articles (default 300, cut into pieces as
``annotate`` does), in one process, by CPU time (``time.process_time``: less sensitive than wall
time to the other users of the shared cores):

1. every component of the workbench pipeline (``build_nlp``: the spaCy pipeline plus the
   workbench's sentence splitter, knowledge-base ruler and entity normaliser), run one after the
   other over all texts with batch_size 16, then the rules (mentions, quotes, dates);
2. which sentences the rules read the dependency parse of — those with a quotation (from the
   character before its opening mark to the one after its closing mark), a dated expression
   (``workbench.dates``: the tense of its clause), a speech-verb candidate (a VERB, or a noun or
   adjective ending in -s/-ed, whose lemma or form is a speech verb: indirect quotes) or a
   mention that is not a place (the speaker rules read the parse around persons and
   organisations: subjects, appositions, titles, "by" agents, before any quotation) — as shares
   of the tokens;
3. the parser run only on those sentences: each article becomes one sub-document of its needed
   sentences (plus the first two tokens of the sentence after each run, which the parser's
   lookahead reads), carrying the rows of the shared tok2vec output (``doc.tensor``, which the
   parser's listener reads), with the same sentence starts; its heads and labels are compared
   with the whole-document parse, and its CPU time with the parser's over whole documents
   (``--repeat`` times, alternating).

    .venv/bin/python benchmarks/pipeline_profile.py            # 300 articles, ~4 min
    .venv/bin/python benchmarks/pipeline_profile.py --n 50     # a quick check
"""

from __future__ import annotations

import argparse
import bisect
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
import numpy as np

cpu = time.process_time


def pieces(articles: Any) -> list[str]:
    from workbench.annotate.jobs import chunks

    out: list[str] = []
    for text in articles["text"].fillna("").astype(str):
        if text.strip():
            out += [piece for _, piece in chunks(text)]
    return out


def component_times(nlp: Any, kb: Any, texts: list[str]) -> tuple[list[Any], list[Any],
                                                                  dict[str, float]]:
    """(annotated docs, copies taken just before the parser, CPU seconds per step)."""
    from spacy.tokens import Doc

    from workbench.annotate.extract import doc_dates
    from workbench.annotate.mentions import doc_mentions, sentence_starts
    from workbench.annotate.quotes import doc_quotes

    times: dict[str, float] = {}
    t0 = cpu()
    docs = [nlp.make_doc(t) for t in texts]
    times["tokenizer"] = cpu() - t0
    before_parse: list[Any] = []
    for name, proc in nlp.pipeline:
        if name == "parser":
            before_parse = [_copy(Doc, d) for d in docs]
        t0 = cpu()
        docs = list(proc.pipe(docs, batch_size=16)) if hasattr(proc, "pipe") \
            else [proc(d) for d in docs]
        times[name] = cpu() - t0
    rules = {"rules: mentions": 0.0, "rules: quotes": 0.0, "rules: dates": 0.0}
    for doc in docs:
        t0 = cpu()
        starts = sentence_starts(doc)
        mentions = doc_mentions(doc, kb, starts)
        t1 = cpu()
        doc_quotes(doc, mentions, kb, starts)
        t2 = cpu()
        doc_dates(doc, None, starts)
        rules["rules: mentions"] += t1 - t0
        rules["rules: quotes"] += t2 - t1
        rules["rules: dates"] += cpu() - t2
    times.update(rules)
    return docs, before_parse, times


def _copy(doc_cls: Any, d: Any) -> Any:
    """The tokens, sentence starts and tok2vec output of ``d``, unparsed."""
    out = doc_cls(d.vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d],
                  sent_starts=[bool(t.is_sent_start) for t in d])
    out.tensor = d.tensor
    return out


def needed_sentences(doc: Any) -> tuple[list[Any], dict[str, np.ndarray]]:
    """The doc's sentences and, per criterion, which of them the rules read the parse of."""
    from workbench.annotate.mentions import LABEL_TYPES
    from workbench.annotate.quote_marks import quote_spans
    from workbench.annotate.speech import SPEECH_VERBS, TAIL_VERBS, _deinflect
    from workbench.dates import find_dates

    known = SPEECH_VERBS | TAIL_VERBS
    sents = list(doc.sents)
    starts = [s.start for s in sents]
    crit = {k: np.zeros(len(sents), bool) for k in ("quotation", "date", "speech verb",
                                                    "mention (not a place)")}

    def mark(key: str, a: int, b: int) -> None:
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None and len(span):
            lo = bisect.bisect_right(starts, span.start) - 1
            crit[key][lo:bisect.bisect_right(starts, span.end - 1)] = True

    for q in quote_spans(doc.text):
        mark("quotation", max(0, q.open - 1), min(len(doc.text), q.close + 1))
    for d in find_dates(doc.text, None):
        mark("date", d.start, d.end)
    for e in doc.ents:
        if LABEL_TYPES.get(e.label_, "OTHER") != "PLACE":
            crit["mention (not a place)"][bisect.bisect_right(starts, e.start) - 1] = True
    for t in doc:
        if (t.pos_ == "VERB" or (t.pos_ in ("NOUN", "ADJ") and t.lower_.endswith(("s", "ed")))) \
                and (t.lemma_.lower() in known or _deinflect(t.lower_, known)):
            crit["speech verb"][bisect.bisect_right(starts, t.i) - 1] = True
    return sents, crit


def sub_doc(doc: Any, sents: list[Any], keep: np.ndarray) -> tuple[Any, list[int]]:
    """The needed sentences of ``doc`` as one Doc (with the tok2vec rows), and where each of its
    tokens is in ``doc``."""
    from spacy.tokens import Doc

    idx: list[int] = []
    starts: list[bool] = []
    for k, s in enumerate(sents):
        if keep[k]:
            idx += range(s.start, s.end)
            starts += [True] + [False] * (len(s) - 1)
            if k + 1 < len(sents) and not keep[k + 1]:  # the parser's lookahead (B1) reads it
                nxt = sents[k + 1]
                m = min(len(nxt), 2)
                idx += range(nxt.start, nxt.start + m)
                starts += [True] + [False] * (m - 1)
    out = Doc(doc.vocab, words=[doc[i].text for i in idx],
              spaces=[bool(doc[i].whitespace_) for i in idx], sent_starts=starts)
    out.tensor = doc.tensor[idx]
    return out, idx


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_corpus_arg(parser)
    parser.add_argument("--n", type=int, default=300, help="articles (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=2,
                        help="timings of whole vs partial parsing (default %(default)s)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: choose_model())")
    parser.add_argument("--tables", action="store_true",
                        help="4. also compare the rules' rows with the partial parse (AllSides "
                             "texts + data/sample; two more pipeline passes)")
    args = parser.parse_args()
    corpus = c.require_corpus(args.corpus)

    from workbench.annotate.kb import load_kb
    from workbench.annotate.models import choose_model
    from workbench.annotate.pipeline import build_nlp
    from workbench.corpus.load import load_corpus

    choice = choose_model(args.model)
    if choice.fallback:
        sys.exit("error: no trained spaCy pipeline is installed; this benchmark needs one")
    c.banner("pipeline profile", {"corpus": corpus, "articles": args.n, "pipeline": choice.name})
    with tempfile.TemporaryDirectory(prefix="wb-bench-profile-") as tmp:
        subset = Path(tmp) / "subset.jsonl.gz"
        c.write_subset(corpus, subset, args.n)
        articles = load_corpus(subset)
    texts = pieces(articles)
    kb = load_kb()
    nlp = build_nlp(choice, kb)
    print(f"pipeline: {nlp.pipe_names}")
    c.step(f"1. every component over {len(texts)} texts")
    docs, unparsed, times = component_times(nlp, kb, texts)
    total = sum(times.values())
    n_tok = sum(len(d) for d in docs)
    c.print_table(["step", "CPU s", "share", "ms per 1k tokens"],
                  [[k, v, f"{100 * v / total:.1f}%", 1000 * v / n_tok * 1000]
                   for k, v in times.items()] + [["total", total, "100%", 1e6 * total / n_tok]],
                  title=f"1. CPU per step ({len(articles)} articles, {len(docs)} texts, "
                        f"{n_tok:,} tokens)")
    if "parser" not in nlp.pipe_names:
        print("no parser in this pipeline: nothing more to measure")
        return 0

    c.step("2. sentences whose parse the rules read")
    t0 = cpu()
    plans = [needed_sentences(d) for d in docs]
    t_select = cpu() - t0
    shares: dict[str, int] = {}
    keeps = []
    for sents, crit in plans:
        lens = np.array([len(s) for s in sents])
        keep = np.logical_or.reduce(list(crit.values()))
        keeps.append(keep)
        for k, v in {**crit, "quotation, date or speech verb": crit["quotation"] | crit["date"]
                     | crit["speech verb"], "any of the four (what the rules read)": keep}.items():
            shares[k] = shares.get(k, 0) + int(lens[v].sum())
    c.print_table(["sentences with", "share of tokens"],
                  [[k, v / n_tok] for k, v in shares.items()],
                  title="2. where the rules read the parse")
    print(f"finding them: {t_select:.2f} s CPU ({100 * t_select / total:.1f}% of the total)")

    c.step("3. the parser on the needed sentences only")
    parse = nlp.get_pipe("parser")
    rows = []
    for r in range(args.repeat):
        runs = {}
        for side in (("whole", "partial") if r % 2 == 0 else ("partial", "whole")):
            t0 = cpu()
            if side == "whole":
                fresh = [_copy(type(d), d) for d in unparsed]
                t_copy = cpu() - t0
                t0 = cpu()
                list(parse.pipe(fresh, batch_size=16))
                runs[side] = (cpu() - t0, t_copy)
            else:
                pairs = [sub_doc(d, sents, keep)
                         for d, (sents, _), keep in zip(unparsed, plans, keeps, strict=True)]
                t_build = cpu() - t0
                t0 = cpu()
                subs = list(parse.pipe([p[0] for p in pairs], batch_size=16))
                runs[side] = (cpu() - t0, t_build)
        whole, partial, build = runs["whole"][0], runs["partial"][0], runs["partial"][1]
        rows.append([r + 1, whole, partial, build, t_select,
                     whole - partial - build - t_select,
                     (whole - partial - build - t_select) / total])
    c.print_table(["run", "parser, whole docs", "parser, needed sentences", "building sub-docs",
                   "finding sentences", "CPU saved", "share of the pipeline"], rows,
                  title="3. CPU seconds")
    bad = checked = 0
    for ref, (sd, idx), (sents, _), keep in zip(docs, pairs, plans, keeps, strict=True):
        where = {i: j for j, i in enumerate(idx)}
        for k, s in enumerate(sents):
            if keep[k]:
                for t in s:
                    got = sd[where[t.i]]
                    checked += 1
                    bad += idx[got.head.i] != ref[t.i].head.i or got.dep_ != ref[t.i].dep_
    del subs
    print(f"parse of the needed sentences: {checked:,} tokens, {bad:,} with another head or "
          f"label than in the whole-document parse")
    if args.tables:
        c.step("4. the rules' rows with the partial parse against the whole parse")
        extra = pieces(load_corpus(c.REPO / "data" / "sample"))
        compare_rows(nlp, kb, texts + extra, docs + list(nlp.pipe(extra, batch_size=16)))
    print(c.load_note())
    return 0


def compare_rows(nlp: Any, kb: Any, texts: list[str], docs: list[Any]) -> None:
    """Mention, quote and date rows of every text with the parser run only on the needed
    sentences (the rest left unparsed: no head, no label) against the whole parse."""
    from spacy.attrs import DEP, HEAD, SENT_START

    from workbench.annotate.extract import doc_dates
    from workbench.annotate.mentions import doc_mentions, sentence_starts
    from workbench.annotate.quotes import doc_quotes

    def rows(doc: Any) -> dict[str, list[str]]:
        starts = sentence_starts(doc)
        mentions = doc_mentions(doc, kb, starts)
        got = {"mentions": mentions, "quotes": doc_quotes(doc, mentions, kb, starts),
               "dates": doc_dates(doc, None, starts)}
        return {k: [repr(sorted(r.items())) for r in v] for k, v in got.items()}

    ref = [rows(d) for d in docs]
    plans = [needed_sentences(d) for d in docs]
    variants = {"any of the four": lambda cr: np.logical_or.reduce(list(cr.values())),
                "quotation, date or speech verb only": lambda cr: cr["quotation"] | cr["date"]
                | cr["speech verb"]}
    out = []
    for name, choose in variants.items():
        plain = list(nlp.pipe(texts, batch_size=16, disable=["parser"]))
        keeps = [choose(crit) for _, crit in plans]
        pairs = [sub_doc(d, sents, keep) for d, (sents, _), keep in zip(plain, plans, keeps,
                                                                       strict=True)]
        parsed = list(nlp.get_pipe("parser").pipe([p[0] for p in pairs], batch_size=16))
        differ = dict.fromkeys(ref[0], 0)
        texts_differ = 0
        for d, sd, (_, idx), (sents, _), keep, r in zip(plain, parsed, pairs, plans, keeps,
                                                         ref, strict=True):
            sent_starts = d.to_array([SENT_START])
            wanted = {t for k, s in enumerate(sents) if keep[k] for t in range(s.start, s.end)}
            arr = np.zeros((len(d), 2), dtype="uint64")  # dep 0: no annotation
            for j, i in enumerate(idx):
                if i in wanted:  # not the lookahead tokens
                    arr[i] = (np.int64(idx[sd[j].head.i] - i).astype("uint64"), sd[j].dep)
            d.from_array([HEAD, DEP], arr)
            d.from_array([SENT_START], sent_starts)  # the tree moved them; put them back
            got = rows(d)
            for k in differ:
                a, b = set(r[k]), set(got[k])
                differ[k] += len(a ^ b)
            texts_differ += got != r
        share = sum(len(p[1]) for p in pairs) / sum(len(d) for d in docs)
        out.append([name, share, f"{texts_differ}/{len(docs)}",
                    *(f"{differ[k]} of {sum(len(r[k]) for r in ref):,}" for k in differ)])
    c.print_table(["parser on sentences with", "share of tokens parsed", "texts that differ",
                   "mention rows differing", "quote rows differing", "date rows differing"], out,
                  title="4. rows with the partial parse (AllSides texts + data/sample)")


if __name__ == "__main__":
    sys.exit(main())
