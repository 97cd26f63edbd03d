"""What annotation works on and hands back: a ``Job`` per article, a ``Result`` per article,
and long texts cut into ``chunks`` — shared by the English (spaCy) and the Russian/Ukrainian
paths, and by local and cluster runs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

MAX_CHUNK_CHARS = 100_000
"""Longer articles are annotated in chunks cut at paragraph breaks (spaCy's parser needs memory
in proportion to text length, and refuses texts over ``nlp.max_length``)."""


@dataclass
class Job:
    """An article to annotate: its cache key, text and publication date (the date anchor)."""

    key: str
    text: str
    published: date | None
    language: str | None = None  # ru/uk go to annotate/cyrillic.py, the rest to spaCy
    aside: str = ""  # Cyrillic lines set aside from the text (annotate/cyrillic_aside.py)
    aside_language: str | None = None


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
