"""Quotations found by their marks alone, before any parse (rule 1 of ``quotes.py``).

Marks are paired within a paragraph (“…” «…» "…"): an opening mark pairs with the last closing
mark before the next opening one, so a stray mark inside is tolerated; ‘…’/'…' count only around
several words at word boundaries ("Ukraine's" is no quote); a paragraph opening with a dash is a
quotation up to its attribution (`— …," he said.`, translated Russian style). An unclosed mark
runs to the end of its paragraph.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

OPENERS = "“«„"


@dataclass
class Span:
    """Where a quotation's words, marks and paragraph are."""

    start: int  # the quoted words, trimmed
    end: int
    open: int  # opening mark or dash
    close: int  # just past the closing mark or the dash quotation's separator
    para: int
    tail: bool  # is there text after it in the paragraph (an attribution may follow)?
    ends: bool = False  # do the quoted words end a sentence?


def quote_spans(text: str) -> list[Span]:
    """The quotations in ``text`` (rule 1), in order."""
    spans: list[Span] = []
    pos = 0
    for para, line in enumerate(text.split("\n")):
        spans += _dash_span(line, pos, para) or _mark_spans(line, pos, para)
        pos += len(line) + 1
    return spans


_MARK = re.compile(r'[“”«»„"]')
_SINGLE = re.compile(r"(?<![\w’'])[‘'](?=\w)(.{1,300}?\S)[’'](?![\w’'])")
_NONSPACE = re.compile(r"\S")


def _mark_spans(line: str, pos: int, para: int) -> list[Span]:
    marks = []  # (index, is_opener); a straight mark opens after a space or bracket
    for m in _MARK.finditer(line):
        i, c = m.start(), m.group()
        before, after = line[i - 1:i] or " ", line[i + 1:i + 2] or " "
        if c != '"':
            marks.append((i, c in OPENERS))
        elif not (before.isspace() and after.isspace()):
            marks.append((i, before.isspace() or before in "([{—–-/"))
    spans = []
    nxt = len(marks)  # the next opening mark (scanning backwards): only closers lie between
    for k in range(len(marks) - 1, -1, -1):
        i, opener = marks[k]
        if not opener:
            continue
        if nxt - 1 > k:  # the last closing mark before the next opening one
            close = marks[nxt - 1][0]
            spans.append(_make_span(line, pos, para, i, i + 1, close, close + 1))
        elif nxt == len(marks):  # unclosed: the quotation goes on in the next paragraph
            spans.append(_make_span(line, pos, para, i, i + 1, len(line), len(line)))
        nxt = k
    spans.reverse()
    opens = [s.open - pos for s in spans]
    for m in _SINGLE.finditer(line):
        k = bisect_right(opens, m.start()) - 1
        if " " in m.group(1) and not (k >= 0 and spans[k].close - pos > m.start()):
            spans.append(_make_span(line, pos, para, m.start(), m.start(1), m.end(1), m.end()))
    return sorted(spans, key=lambda s: s.open)


def _make_span(line: str, pos: int, para: int, open_: int, a: int, b: int, close: int) -> Span:
    inner = line[a:b]
    a += len(inner) - len(inner.lstrip())
    inner = inner.strip().rstrip(",").rstrip()
    return Span(pos + a, pos + a + len(inner), pos + open_, pos + close, para,
                 bool(inner and _NONSPACE.search(line, close)), inner[-1:] in ".…!?")


_DASH_START = re.compile(r"\s*[—–-]\s+")
_DASH_TAIL = re.compile(r"[,!?.…]?\s*[\"”»]\s+|,\s+[—–-]\s+")


def _dash_span(line: str, pos: int, para: int) -> list[Span]:
    head = _DASH_START.match(line)
    tails = list(_DASH_TAIL.finditer(line, head.end())) if head else []
    if not tails:
        return []
    m = tails[-1]  # the attribution follows the last separator
    inner = line[head.end():m.start()].rstrip().rstrip(",")
    inner += m.group()[0] if m.group()[0] in ".!?…" else ""
    return [Span(pos + head.end(), pos + head.end() + len(inner), pos + head.start(),
                  pos + m.end(), para, True)]
