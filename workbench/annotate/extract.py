"""One article in, its mention, quote and date rows out — what every worker process runs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workbench.annotate.kb import KnowledgeBase
from workbench.annotate.mentions import doc_mentions, sentence_starts
from workbench.dates import as_datetime, find_dates

MAX_CHUNK_CHARS = 100_000
"""Longer articles are annotated in chunks cut at paragraph breaks (spaCy's parser needs memory
in proportion to text length, and refuses texts over ``nlp.max_length``)."""


@dataclass
class Job:
    """An article to annotate: its cache key, text and publication date (the date anchor)."""

    key: str
    text: str
    published: date | None


@dataclass
class Result:
    """The rows for one article, without ``article_id`` (the cache is keyed by content)."""

    key: str
    status: str = "ok"  # ok | empty | error
    message: str | None = None
    n_chunks: int = 0
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"mentions": [], "quotes": [], "dates": []})


def chunks(text: str, limit: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """``(offset, piece)`` pieces of at most ``limit`` characters, cut at paragraph breaks,
    else line breaks, else spaces."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            for sep in ("\n\n", "\n", ". ", " "):
                cut = text.rfind(sep, start + limit // 2, end)
                if cut > start:
                    end = cut + len(sep)
                    break
        out.append((start, text[start:end]))
        start = end
    return out


def annotate_jobs(nlp: Any, kb: KnowledgeBase, jobs: Iterable[Job], batch_size: int = 16
                  ) -> Iterator[Result]:
    """Annotate ``jobs`` with ``nlp`` (via ``nlp.pipe``), yielding one Result per job, in order.

    An article whose rules fail gets status ``error`` and the reason; the others go on.
    """
    from workbench.annotate.quotes import doc_quotes

    def pieces() -> Iterator[tuple[str, tuple[Job, int, int, int]]]:
        for job in jobs:
            parts = chunks(job.text) if job.text.strip() else []
            if not parts:
                yield "", (job, -1, 0, 0)
            for i, (offset, piece) in enumerate(parts):
                yield piece, (job, i, len(parts), offset)

    current: Result | None = None
    sent_offset = 0
    for doc, (job, index, total, offset) in nlp.pipe(pieces(), as_tuples=True,
                                                     batch_size=batch_size):
        if index == -1:
            yield Result(job.key, status="empty", message="no text to annotate")
            continue
        if index == 0:
            current, sent_offset = Result(job.key, n_chunks=total), 0
            if total > 1:
                current.message = (f"long text ({len(job.text):,} characters) annotated in "
                                   f"{total} pieces cut at paragraph breaks")
        assert current is not None
        try:
            starts = sentence_starts(doc)
            mentions = doc_mentions(doc, kb, starts)
            current.rows["quotes"] += _shift(doc_quotes(doc, mentions, kb, starts), offset,
                                             sent_offset)
            current.rows["mentions"] += _shift(mentions, offset, sent_offset)
            current.rows["dates"] += _shift(doc_dates(doc, job.published, starts), offset,
                                            sent_offset)
            sent_offset += len(starts)
        except Exception as exc:  # a rule bug on one article must not stop the corpus
            current.status = "error"
            current.message = f"annotation rules failed: {type(exc).__name__}: {exc}"
        if index == total - 1:
            if current.status == "error":
                current.rows = Result(job.key).rows
            yield current


def doc_dates(doc: Any, anchor: date | None, starts: list[int]) -> list[dict[str, Any]]:
    """Date rows for one Doc: the rules of ``workbench.dates``, placed in their sentences."""
    from bisect import bisect_right

    sents = list(doc.sents)
    rows = []
    for d in find_dates(doc.text, anchor):
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
