"""One article in, its mention, quote and date rows out — what every worker process runs.

(``Job``, ``Result`` and ``chunks`` live in :mod:`workbench.annotate.jobs`, shared with the
Russian/Ukrainian path; importable from here as before.)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from workbench.annotate.jobs import MAX_CHUNK_CHARS, Job, Result, chunks
from workbench.annotate.kb import KnowledgeBase
from workbench.annotate.mentions import doc_mentions, sentence_starts
from workbench.dates import as_datetime, find_dates

__all__ = ["MAX_CHUNK_CHARS", "Job", "Result", "annotate_jobs", "chunks", "doc_dates"]

def annotate_jobs(nlp: Any, kb: KnowledgeBase, jobs: Iterable[Job], batch_size: int = 16
                  ) -> Iterator[Result]:
    """Annotate ``jobs`` with ``nlp`` (via ``nlp.pipe``), yielding one Result per job, in order.

    An article on which a pipeline component or a rule fails gets status ``error`` and the
    reason, and no rows; the others go on. When a component raises inside ``nlp.pipe`` (which
    ends the stream), the articles still in flight and the rest are annotated one by one, so
    only the culprit fails.
    """
    from collections import deque

    from workbench.annotate.cyrillic import ROUTED, annotate_cyrillic_jobs
    from workbench.annotate.quotes import doc_quotes

    # The one routing point by language: Russian and Ukrainian articles never reach spaCy.
    jobs = list(jobs)
    if any(job.language in ROUTED for job in jobs):
        yield from annotate_cyrillic_jobs(kb, [j for j in jobs if j.language in ROUTED])
        jobs = [job for job in jobs if job.language not in ROUTED]
    failures: dict[str, str] = {}
    sent_in: deque[Piece] = deque()

    def pieces() -> Iterator[tuple[str, Piece]]:
        for job in jobs:
            parts = chunks(job.text) if job.text.strip() else [(0, "")]
            for i, (offset, piece) in enumerate(parts):
                context = Piece(job, i, len(parts), offset, piece)
                sent_in.append(context)
                yield piece, context

    state: dict[str, tuple[Result, int]] = {}  # job key → (result so far, sentence offset)

    def done(piece: Piece, doc: Any | None) -> Result | None:
        job = piece.job
        result, sent_offset = state.pop(job.key, (None, 0))
        if result is None:
            result = Result(job.key, n_chunks=piece.total)
            if piece.total > 1:
                result.message = (f"long text ({len(job.text):,} characters) annotated in "
                                  f"{piece.total} pieces cut at paragraph breaks")
        if not job.text.strip():
            result.status, result.message = "empty", "no text to annotate"
        elif doc is None:
            result.status = "error"
            result.message = failures.get(job.key, "a pipeline component failed on it")
        elif result.status != "error":
            try:
                sent_offset += _add_rows(result, doc, kb, job, piece.offset, sent_offset,
                                         doc_quotes)
            except Exception as exc:  # a rule bug on one article must not stop the corpus
                result.status = "error"
                result.message = f"annotation rules failed: {type(exc).__name__}: {exc}"
        if piece.index < piece.total - 1:
            state[job.key] = (result, sent_offset)
            return None
        if job.aside and result.status == "ok":
            _add_aside(result, job, kb)
        if result.status == "error":  # no partial rows for an article that failed
            result.rows = {name: [] for name in result.rows}
        return result

    stream = pieces()
    try:
        for doc, context in nlp.pipe(stream, as_tuples=True, batch_size=batch_size):
            while sent_in and sent_in[0] is not context:  # dropped by an error handler
                if (result := done(sent_in.popleft(), None)) is not None:
                    yield result
            sent_in.popleft()
            if (result := done(context, doc)) is not None:
                yield result
        return
    except Exception:  # noqa: BLE001 — a component raised; find which article, go on
        pass
    for _ in stream:  # the pieces nlp.pipe had not asked for yet join the queue
        pass
    while sent_in:
        piece = sent_in.popleft()
        try:
            doc = nlp(piece.text)
        except Exception as exc:  # noqa: BLE001 — this article is the culprit
            failures[piece.job.key] = (f"the spaCy pipeline failed on it: "
                                       f"{type(exc).__name__}: {exc}")
            doc = None
        if (result := done(piece, doc)) is not None:
            yield result


@dataclass(frozen=True, eq=False)
class Piece:
    """One piece of an article's text as it travels through ``nlp.pipe``."""

    job: Job
    index: int
    total: int
    offset: int
    text: str


def _add_rows(result: Result, doc: Any, kb: KnowledgeBase, job: Job, offset: int,
              sent_offset: int, doc_quotes: Any) -> int:
    """Add one piece's rows to ``result``; returns its number of sentences."""
    starts = sentence_starts(doc)
    mentions = doc_mentions(doc, kb, starts)
    result.rows["quotes"] += _shift(doc_quotes(doc, mentions, kb, starts), offset, sent_offset)
    result.rows["mentions"] += _shift(mentions, offset, sent_offset)
    result.rows["dates"] += _shift(doc_dates(doc, job.published, starts), offset, sent_offset)
    return len(starts)


def _add_aside(result: Result, job: Job, kb: KnowledgeBase) -> None:
    """The mentions of the article's Cyrillic aside lines (``annotate/cyrillic_aside.py``);
    should they fail, the article keeps its body's rows and says so."""
    from workbench.annotate.cyrillic_aside import aside_mentions

    try:
        result.rows["mentions"] += aside_mentions(job.aside, job.aside_language or "ru", kb)
    except Exception as exc:  # noqa: BLE001 — the body's rows stand without the aside's
        result.message = "; ".join(filter(None, [result.message, (
            f"its {job.aside_language} aside lines were not annotated: "
            f"{type(exc).__name__}: {exc}")]))


def doc_dates(doc: Any, anchor: date | None, starts: list[int]) -> list[dict[str, Any]]:
    """Date rows for one Doc: the rules of ``workbench.dates``, placed in their sentences."""
    from bisect import bisect_right

    sents = list(doc.sents)
    rows = []
    for d in find_dates(doc.text, anchor, doc=doc):  # the doc gives each clause its tense
        i = bisect_right(starts, d.start) - 1
        rows.append({"sent_index": i, "start": d.start, "end": d.end, "text": d.text,
                     "date": as_datetime(d.date), "precision": d.precision,
                     "anchor": as_datetime(anchor), "sentence": " ".join(sents[i].text.split())})
    return rows


def _shift(rows: list[dict[str, Any]], offset: int, sent_offset: int) -> list[dict[str, Any]]:
    if offset or sent_offset:
        for r in rows:
            r["start"] += offset
            r["end"] += offset
            r["sent_index"] += sent_offset
    return rows
