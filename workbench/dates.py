"""Dated expressions in news text: find them with rules, parse them with dateparser, resolve them
against the article's publication date.

Works on plain text, so it serves pipelines without a DATE label (CoNLL) and the loader, which
uses it to infer a publication date when the metadata has none. Resolution policy, in brief:

- an expression that states its year ("May 16, 2025", "in February 2025", "in 2022") needs no anchor;
- a weekday next to a month and day ("on Wednesday, November 12") pins the year: the most recent
  year, not after today, in which that day fell on that weekday;
- a month and day alone ("on July 23") takes the anchor's year, moved back a year when that would
  put it more than ``FUTURE_DAYS`` after the anchor (news mostly look back);
- a month alone ("in August") is its most recent occurrence on or before the anchor's month;
- a weekday alone ("on Friday") is the most recent such day on or before the anchor, or the next
  one after it with "next", "until", "through", "by";
- "last month", "this year", "yesterday"… count from the anchor.
Without an anchor only the first two kinds get a date; the rest keep ``date=None``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

FUTURE_DAYS = 45
"""A month-day with no year may lie this many days after the anchor before it is read as last year's."""

WEEKDAY_PIN_YEARS = 40
"""How far back a weekday may pin a year ("Wednesday, November 12")."""

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
             "saturday": 5, "sunday": 6}

# Capitalised names only: "may" the verb and "march" the noun stay out.
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PREP = r"(?i:in|since|until|till|by|during|from|of|for|before|after|through|early|late|mid-?|" \
        r"end of|beginning of|start of|the end of|the beginning of|the start of)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>[0-3]\d)\b")),
    ("month_day", re.compile(rf"\b(?:{_WD},?\s+)?{_MONTH}\s+{_DAY}\b(?!\s*%)(?:,?\s+{_YEAR}\b)?")),
    ("day_month", re.compile(rf"\b(?:{_WD},?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?")),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("month", re.compile(rf"\b{_PREP}\s+{_MONTH}(?![\w.]|\s+\d)")),
    ("year", re.compile(rf"\b(?P<prep>(?i:in|since|until|by|during|from|of|early|late|mid-?))\s+"
                        rf"{_YEAR}\b(?![\w-]|\s*(?:%|dollars|people|troops|km))")),
    ("relative", re.compile(r"\b(?P<rel>yesterday|today|(?:last|this|next)\s+(?:month|year)|"
                            r"earlier this (?:month|year)|later this (?:month|year))\b",
                            re.IGNORECASE)),
    ("weekday", re.compile(rf"\b(?:(?P<dir>(?i:next|last|this|on|until|through|by|since|"
                           rf"earlier on|late on))\s+)?{_WD}\b")),
]


@dataclass(frozen=True)
class DateExpr:
    """One dated expression found in a text."""

    start: int
    end: int
    text: str
    date: date | None
    precision: str  # "day" | "month" | "year"
    year_stated: bool = False
    weekday_pinned: bool = False
    month_day: tuple[int, int] | None = None  # (month, day) for day-precise calendar dates
    weekday: int | None = None  # 0 = Monday, when the expression names one next to a date


def find_dates(text: str, anchor: date | None = None, *, today: date | None = None
               ) -> list[DateExpr]:
    """All dated expressions in ``text``, left to right, resolved against ``anchor``."""
    today = today or date.today()
    found: list[DateExpr] = []
    covered = bytearray(len(text) + 1)  # characters an earlier, more specific pattern took
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(covered[m.start():m.end()]):
                continue
            expr = _resolve(kind, m, anchor, today)
            if expr is not None:
                found.append(expr)
                covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return sorted(found, key=lambda d: d.start)


def infer_published(text: str, *, today: date | None = None,
                    frame: tuple[int, int] | None = None) -> tuple[date, str] | None:
    """The latest calendar day the text reports, not after today, and the words that gave it.

    An article appears on or after the latest date it reports, so this is a lower bound (for
    news usually the day itself). Counted: days stated with their year ("May 16, 2025"); a
    weekday next to a month-day ("Wednesday, November 12") when exactly one year fits among the
    years the text states, or else among ``frame`` (first and last year of the corpus's known
    dates; default the ten years before ``today``); a month-day without a year in the year of
    an earlier stated day ("May 16, 2025 … as of November 13"). With a ``frame``, a day outside
    its years is history the text recalls ("June 19, 1865"), not when it appeared: not counted.
    """
    today = today or date.today()
    exprs = find_dates(text, None, today=today)
    full = [d.date for d in exprs if d.year_stated and d.precision == "day" and d.date
            and d.date <= today]
    stated = sorted({d.date.year for d in exprs if d.year_stated and d.date
                     and d.date <= today})
    lo, hi = frame or (today.year - 10, today.year)
    window = stated or list(range(lo, hi + 1))
    latest_full = max(full) if full else None
    best: tuple[date, str] | None = None
    for d in exprs:
        when: date | None = None
        if d.precision != "day" or d.month_day is None:
            continue
        if d.year_stated:
            when = d.date
        elif d.weekday is not None:
            fits = [x for y in window if (x := _safe_date(y, *d.month_day)) is not None
                    and x.weekday() == d.weekday and x <= today]
            when = fits[0] if len(fits) == 1 else None
        elif latest_full is not None:
            x = _safe_date(latest_full.year, *d.month_day)
            when = x if x is not None and latest_full <= x else None
        if when is None or when > today or (frame and not frame[0] <= when.year <= frame[1]):
            continue
        if best is None or when > best[0]:
            best = (when, d.text)
    return best


# --- resolution -----------------------------------------------------------------------------

def _resolve(kind: str, m: re.Match[str], anchor: date | None, today: date) -> DateExpr | None:
    g = m.groupdict()
    text = m.group(0)
    span = (m.start(), m.end())
    if kind == "iso":
        d = _safe_date(int(g["year"]), int(g["mon"]), int(g["day"]))
        return DateExpr(*span, text, d, "day", year_stated=True,
                        month_day=(int(g["mon"]), int(g["day"]))) if d else None
    if kind in ("month_day", "day_month"):
        month, day = _MONTHS[g["month"].rstrip(".").lower()], int(g["day"])
        if not 1 <= day <= 31 or _safe_date(2000, month, day) is None:
            return None  # "June 45": not a date
        weekday = _WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
        if g.get("year"):
            d = _parse(text) or _safe_date(int(g["year"]), month, day)
            return DateExpr(*span, text, d, "day", year_stated=True, month_day=(month, day),
                            weekday=weekday) if d else None
        if weekday is not None:
            d = _pin_year(month, day, weekday, anchor or today)
            if d is not None:
                return DateExpr(*span, text, d, "day", weekday_pinned=True,
                                month_day=(month, day), weekday=weekday)
        d = _month_day_near(month, day, anchor) if anchor else None
        return DateExpr(*span, text, d, "day", month_day=(month, day), weekday=weekday)
    if kind == "month_year":
        d = _safe_date(int(g["year"]), _MONTHS[g["month"].rstrip(".").lower()], 1)
        return DateExpr(*span, text, d, "month", year_stated=True) if d else None
    if kind == "month":
        month = _MONTHS[g["month"].rstrip(".").lower()]
        d = None
        if anchor:
            year = anchor.year if month <= anchor.month else anchor.year - 1
            d = date(year, month, 1)
        return DateExpr(*span, text, d, "month")
    if kind == "year":
        return DateExpr(*span, text, date(int(g["year"]), 1, 1), "year", year_stated=True)
    if kind == "relative":
        return _relative(span, text, g["rel"].lower(), anchor)
    if kind == "weekday":
        return _weekday(span, text, (g.get("dir") or "").lower(), _WEEKDAYS[g["wd"].lower()],
                        anchor)
    raise ValueError(kind)


@lru_cache(maxsize=4096)
def _parse(expression: str) -> date | None:
    # dateparser reads the words as written (ordinals, abbreviations, weekday names, day-month
    # order); the rules above decide which words are a date and which year is meant.
    import dateparser

    parsed = dateparser.parse(expression, languages=["en"],
                              settings={"STRICT_PARSING": True,
                                        "PARSERS": ["absolute-time"]})
    return parsed.date() if parsed else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _pin_year(month: int, day: int, weekday: int, reference: date) -> date | None:
    for year in range(reference.year, reference.year - WEEKDAY_PIN_YEARS, -1):
        d = _safe_date(year, month, day)
        if d and d <= reference and d.weekday() == weekday:
            return d
    return None


def _month_day_near(month: int, day: int, anchor: date) -> date | None:
    d = _safe_date(anchor.year, month, day)
    if d is None:  # February 29 in a common year
        return None
    if (d - anchor).days > FUTURE_DAYS:
        return _safe_date(anchor.year - 1, month, day)
    if (anchor - d).days > 365 - FUTURE_DAYS:
        return _safe_date(anchor.year + 1, month, day)
    return d


def _relative(span: tuple[int, int], text: str, rel: str, anchor: date | None) -> DateExpr:
    if rel in ("yesterday", "today"):
        d = anchor - timedelta(days=1 if rel == "yesterday" else 0) if anchor else None
        return DateExpr(*span, text, d, "day")
    unit = "month" if rel.endswith("month") else "year"
    step = -1 if rel.startswith("last") else 1 if rel.startswith("next") else 0
    d = None
    if anchor and unit == "month":
        months = anchor.year * 12 + anchor.month - 1 + step
        d = date(months // 12, months % 12 + 1, 1)
    elif anchor:
        d = date(anchor.year + step, 1, 1)
    return DateExpr(*span, text, d, unit)


def _weekday(span: tuple[int, int], text: str, direction: str, weekday: int,
             anchor: date | None) -> DateExpr:
    d = None
    if anchor:
        if direction in ("next", "until", "through", "by"):
            d = anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)
        else:
            d = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
            if direction == "last" and d == anchor:
                d -= timedelta(days=7)
    return DateExpr(*span, text, d, "day")


def as_datetime(d: date | None) -> datetime | None:
    """A ``date`` as a naive midnight ``datetime`` (pandas' datetime64 wants one)."""
    return datetime(d.year, d.month, d.day) if d else None
