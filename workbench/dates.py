"""Dated expressions in news text: find them with rules, parse them with dateparser, resolve them
against the article's publication date.

Works on plain text, so it serves pipelines without a DATE label (CoNLL) and the loader, which
uses it to infer a publication date when the metadata has none. Resolution policy, in brief:

- an expression that states its year ("May 16, 2025", "in February 2025", "in 2022", "12/21/98")
  needs no anchor;
- a weekday next to a month and day ("on Wednesday, November 12") pins the year: the year nearest
  the anchor in which that day fell on that weekday (without an anchor: the most recent one, not
  after today);
- what has no year — a weekday ("on Friday"), a month-day ("payable Dec. 21"), a month ("in early
  March"), "the 21st" — is read the way its clause points (``workbench.date_cues``): ahead for
  "will", "is due to", "scheduled", "next", "this coming", "ahead of"; back for the past tense,
  "last", "since", "ago"; ahead, within a few months, for the present tense ("the law takes
  effect in March"); and back, as news mostly do, when nothing says (``workbench.date_calendar``);
- "June last year", "January this year" are months; "last month", "this year", "yesterday",
  "tomorrow", "two days ago", "three years ago", "the day before last Tuesday" count from the
  anchor. Weeks, quarters, seasons and decades are not dated (no day, month or year fits them).
Without an anchor only the first two kinds get a date; the rest keep ``date=None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from workbench.date_calendar import (
    FUTURE_DAYS,
    counted,
    day_of_month_near,
    month_day_near,
    month_near,
    pin_near,
    safe_date,
    shift_months,
    weekday_near,
)
from workbench.date_cues import direction, sentence_breaks, token_starts
from workbench.date_holidays import HOLIDAY, holiday_near
from workbench.date_holidays import TRIGGERS as HOLIDAY_WORDS

__all__ = ["FUTURE_DAYS", "DateExpr", "as_datetime", "find_dates", "infer_published"]

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
_UNITS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
          "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINALS = {w: i + 1 for i, w in enumerate(_UNITS)}
_ORDINALS |= {"twentieth": 20, "thirtieth": 30, "thirty-first": 31}
_ORDINALS |= {f"twenty-{w}": 20 + i + 1 for i, w in enumerate(_UNITS[:9])}
_NUMBERS = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten "
                                           "eleven twelve".split())} | {"a": 1, "an": 1}

# Capitalised names only: "may" the verb and "march" the noun stay out.
_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)")
_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY_WORD = r"(?P<dayw>" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r")(?![\w-])"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_PREP = r"(?i:in|since|until|till|by|during|from|of|for|before|after|through|early|late|mid-?|" \
        r"end of|beginning of|start of|the end of|the beginning of|the start of)"
_DIR = r"(?P<dir>(?i:last|this|next|this\s+coming|coming))"
_COUNT_NOUN = (r"people|persons|troops|soldiers|residents|workers|employees|jobs|members|votes|"
               r"cases|deaths|students|refugees|migrants|units|homes|cars|shares|dollars|euros|"
               r"pounds|km|kilometers|kilometres|miles|feet|meters|metres|tons|tonnes|acres|"
               r"GMT|UTC|EST|EDT|hours|hrs|local\s+time|[ap]\.?m\b")

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>0[1-9]|1[0-2])-(?P<day>[0-3]\d)\b")),
    ("numeric", re.compile(r"(?<![\d/.])(?P<mon>1[0-2]|0?[1-9])/(?P<day>3[01]|[12]\d|0?[1-9])/"
                           r"(?P<year>(?:19|20)\d\d|\d\d)(?![\d/])")),
    ("holiday", HOLIDAY),
    ("day_shift", re.compile(rf"\b(?i:the\s+)?day\s+(?P<shift>before|after)\s+"
                             rf"(?:(?P<dir>last|next|this)\s+)?{_WD}\b")),
    ("month_day", re.compile(rf"\b(?:{_WD},?\s+)?{_MONTH}\s+{_DAY}\b(?!\s*%)(?:,?\s+{_YEAR}\b)?")),
    ("month_day_word", re.compile(rf"\b(?:{_WD},?\s+)?{_MONTH}\s+(?:the\s+)?{_DAY_WORD}"
                                  rf"(?:,?\s+{_YEAR}\b)?")),
    ("day_month", re.compile(rf"\b(?:{_WD},?\s+)?{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR}\b)?")),
    ("month_rel_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<ry>(?i:last|this|next))\s+"
                                  rf"(?i:year)\b")),
    ("month_year", re.compile(rf"\b{_MONTH}\s+(?:of\s+)?{_YEAR}\b")),
    ("month_dir", re.compile(rf"\b{_DIR}\s+{_MONTH}(?!\w|\.\d|\s+\d)")),
    ("month", re.compile(rf"\b(?:{_PREP}\s+|(?i:mid)-){_MONTH}(?!\w|\.\d|\s+\d)")),
    # "in March and April", "from May to July": the second of two months.
    ("month_list", re.compile(rf"(?:\b(?:and|or|to|through|until|till)\s+|[-–]\s*){_MONTH}"
                              rf"(?!\w|\.\d|\s+\d)")),
    # "the November elections", "a November surprise" (not "the March for Life").
    ("month_attr", re.compile(rf"\b(?i:the|a|an)\s+{_MONTH}(?=\s+(?!(?:for|of|to|and|or|is|was|"
                              rf"has|had|that|which|who|will|said|says|in|on|at|by)\b)[a-z]{{3}})")),
    ("year", re.compile(rf"\b(?P<prep>(?i:in|since|until|by|during|from|of|early|late|mid-?))\s+"
                        rf"{_YEAR}\b(?![\w-]|\s*(?:%|dollars|people|troops|km))")),
    ("mid_year", re.compile(rf"\b(?i:mid)-{_YEAR}\b")),
    ("bare_year", re.compile(rf"(?<![\w$€£#.,/:–-])(?P<year>(?:19\d|20[0-3])\d)(?![\w–-]|,\d|"
                             rf"\.\d|\s*(?:%|(?i:percent|per\s+cent))|\s+(?i:{_COUNT_NOUN})\b)")),
    ("relative", re.compile(r"(?<!USA )\b(?P<rel>(?:the\s+)?day\s+before\s+yesterday|"
                            r"(?:the\s+)?day\s+after\s+tomorrow|yesterday|today|tomorrow|"
                            r"tonight)\b", re.IGNORECASE)),
    ("unit_edge", re.compile(r"\b(?:the\s+)?(?:end|start|beginning|middle|rest)\s+of\s+the\s+"
                             r"(?P<unit>month|year)\b", re.IGNORECASE)),
    ("relative_unit", re.compile(
        r"\b(?:(?P<edge>early|earlier|late|later|mid-|the\s+end\s+of|end\s+of|the\s+start\s+of|"
        r"the\s+beginning\s+of|the\s+middle\s+of|the\s+rest\s+of)\s*)?"
        r"(?P<rdir>last|this|next)\s+(?P<unit>month|year)\b", re.IGNORECASE)),
    ("ago", re.compile(r"\b(?P<n>(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                       r"twelve)|\d{1,2})\s+(?P<unit>(?i:day|week|month|year))s?\s+"
                       r"(?P<how>(?i:ago|from\s+now))\b")),
    ("weekday", re.compile(rf"\b(?:(?P<dir>(?i:this\s+coming|coming|the\s+previous|previous|"
                           rf"the\s+following|following|the\s+next|next|last|this|on|until|till|"
                           rf"through|by|since|before|earlier\s+on|late\s+on|later\s+on|"
                           rf"early\s+on))\s+)?{_WD}\b")),
    ("day_of_month", re.compile(r"\b(?i:on|by|until|since|from|before|after)\s+the\s+"
                                r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)\b(?![\w-]|\s+(?!(?:and|or|"
                                r"at|to|when|in|after|before)\b)[A-Za-z])")),
]

_NAMED_DAY = re.compile(r"\b(?:Super|Black|Cyber|Good|Easter|Ash|Palm|Bloody|Giving|Fat|Holy|"
                        r"Maundy|Shrove|Whit|News)\s+$")
_NINE_ELEVEN = re.compile(r",?\s+(?:terror(?:ist)?\s+)?(?:attacks?|hijack|terror)", re.IGNORECASE)
_MONTH_BEFORE = re.compile(rf"{_MONTH}\.?,?\s*$")
_ON_A_DAY = re.compile(r"\b(?:on|by|until|till|through|before|after)\s+$", re.IGNORECASE)
_RANGE = re.compile(r"\s*(?:to|through|until|till|and|or|-|–|—)\s*", re.IGNORECASE)

# Every match holds one of these; no match is longer than _WINDOW on either side of it.
_TRIGGER = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|(?:18|19|20)\d\d|"
                      r"\d/\d|\d(?:st|nd|rd|th)\b")
_TRIGGER_WORDS = ("day", "week", "month", "year", "tonight", "tomorrow", *HOLIDAY_WORDS)
_WINDOW = 48
_DIGITS = tuple("0123456789")
_YEARS = ("18", "19", "20")
# Words one of which a kind's matches always contain (lowercased): kinds with none are skipped.
_NEEDS: dict[str, tuple[str, ...]] = {
    "iso": ("-",), "numeric": ("/",), "holiday": ("day", "july", *HOLIDAY_WORDS),
    "day_shift": ("day",), "month_day": _DIGITS,
    "month_day_word": ("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                       "eighth", "ninth", "tenth", "eleventh", "twelfth", "teenth", "twentieth",
                       "thirtieth"),
    "day_month": _DIGITS, "month_rel_year": ("year",), "month_year": _YEARS,
    "month_dir": ("last", "this", "next", "coming"), "year": _YEARS, "bare_year": _YEARS,
    "mid_year": ("mid-",),
    "relative": ("day", "tomorrow", "tonight"), "unit_edge": ("month", "year"),
    "relative_unit": ("month", "year"), "ago": ("ago", "from now"), "weekday": ("day",),
    "day_of_month": ("st", "nd", "rd", "th"),
}

# The kinds infer_published reads (the later kinds must not change a loaded corpus's dates).
_PUBLISH_KINDS = {"iso", "month_day", "day_month", "month_year", "month", "year", "relative",
                  "weekday"}


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
    kind: str = ""  # which rule found it (``_PATTERNS``)


def find_dates(text: str, anchor: date | None = None, *, today: date | None = None,
               doc: Any = None) -> list[DateExpr]:
    """All dated expressions in ``text``, left to right, resolved against ``anchor``.

    ``doc`` (a spaCy ``Doc`` of ``text``, optional) lets the tense of the governing verb decide
    which way a weekday, month-day or month without a year points; without it the words of the
    sentence do."""
    today = today or date.today()
    found: list[DateExpr] = []
    covered = bytearray(len(text) + 1)  # characters an earlier, more specific pattern took
    breaks: list[Any] = []  # sentence breaks or token offsets, found once when first needed
    low = text.lower()
    windows = _windows(text, low)
    for kind, pattern in _PATTERNS:
        needs = _NEEDS.get(kind)
        if needs and not any(w in low for w in needs):
            continue  # a cheap substring test spares scanning a long text for nothing
        for m in (m for lo, hi in windows for m in pattern.finditer(text, lo, hi)):
            if any(covered[m.start():m.end()]):
                continue
            reach = 1 if kind in ("weekday", "day_shift") else 2

            def cue(m: re.Match[str] = m, reach: int = reach) -> str:
                if not breaks:  # once per text, and only when some expression needs it
                    breaks.append(sentence_breaks(text) if doc is None else token_starts(doc))
                return direction(text, m.start(), m.end(), doc, reach,
                                 None if doc is not None else breaks[0],
                                 breaks[0] if doc is not None else None)
            expr = _resolve(kind, m, anchor, today, cue)
            if expr is not None:
                found.append(expr)
                covered[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    return _ranges(text, sorted(found, key=lambda d: d.start))


def _windows(text: str, low: str) -> list[list[int]]:
    """The stretches of ``text`` the rules need to read: around every word that each match
    contains (a month name, a year, "day", "week", "month", "year"…), merged. News text has
    most of its length elsewhere, and scanning only these is several times faster."""
    points = [m.start() for m in _TRIGGER.finditer(text)]
    for word in _TRIGGER_WORDS:
        i = low.find(word)
        while i >= 0:
            points.append(i)
            i = low.find(word, i + 1)
    spans: list[list[int]] = []
    for p in sorted(points):
        lo, hi = max(0, p - _WINDOW), min(len(text), p + _WINDOW)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    return spans


def _ranges(text: str, found: list[DateExpr]) -> list[DateExpr]:
    # "from August to December 2015": the first end of a range takes the year of the second.
    for i in range(len(found) - 1):
        a, b = found[i], found[i + 1]
        if (a.year_stated or a.date is None or b.date is None or not b.year_stated
                or a.kind not in ("month", "month_day", "day_month")
                or b.kind not in ("month_year", "month_day", "day_month")
                or not _RANGE.fullmatch(text, a.end, b.start)):
            continue
        year = b.date.year - (1 if (a.date.month, a.date.day) > (b.date.month, b.date.day) else 0)
        if (d := safe_date(year, a.date.month, a.date.day)) is not None:
            found[i] = replace(a, date=d)
    return found


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
    exprs = [d for d in find_dates(text, None, today=today) if d.kind in _PUBLISH_KINDS]
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
            fits = [x for y in window if (x := safe_date(y, *d.month_day)) is not None
                    and x.weekday() == d.weekday and x <= today]
            when = fits[0] if len(fits) == 1 else None
        elif latest_full is not None:
            x = safe_date(latest_full.year, *d.month_day)
            when = x if x is not None and latest_full <= x else None
        if when is None or when > today or (frame and not frame[0] <= when.year <= frame[1]):
            continue
        if best is None or when > best[0]:
            best = (when, d.text)
    return best


# --- resolution -----------------------------------------------------------------------------

def _resolve(kind: str, m: re.Match[str], anchor: date | None, today: date,
             cue: Callable[[], str]) -> DateExpr | None:
    g = m.groupdict()
    text = m.group(0)
    span = (m.start(), m.end())
    if kind in ("iso", "numeric"):
        year = int(g["year"])
        year += 0 if year >= 100 else 1900 if year >= 50 else 2000
        d = safe_date(year, int(g["mon"]), int(g["day"]))
        return DateExpr(*span, text, d, "day", year_stated=True, kind=kind,
                        month_day=(int(g["mon"]), int(g["day"]))) if d else None
    if kind in ("month_day", "day_month", "month_day_word"):
        return _calendar_day(kind, m, anchor, today, cue)
    if kind == "month_rel_year":
        step = {"last": -1, "this": 0, "next": 1}[g["ry"].lower()]
        d = date(anchor.year + step, _month(g), 1) if anchor else None
        return DateExpr(*span, text, d, "month", kind=kind)
    if kind == "month_year":
        d = safe_date(int(g["year"]), _month(g), 1)
        return DateExpr(*span, text, d, "month", year_stated=True, kind=kind) if d else None
    if kind == "month_list" and not _MONTH_BEFORE.search(m.string, max(0, m.start() - 14),
                                                         m.start()):
        return None  # "said to May": Theresa May, not a second month
    if kind in ("month", "month_dir", "month_attr", "month_list"):
        if g["month"] == "May" and re.match(r"['’]s\b", m.string[m.end():m.end() + 3]):
            return None  # "because of May's impending departure": Theresa May
        word = " ".join((g.get("dir") or "").lower().split())
        d = month_near(_month(g), anchor, "" if word else cue(), word) if anchor else None
        return DateExpr(*span, text, d, "month", kind=kind)
    if kind in ("year", "bare_year", "mid_year"):
        return DateExpr(*span, text, date(int(g["year"]), 1, 1), "year", year_stated=True,
                        kind=kind)
    if kind == "relative":
        if text.isupper():
            return None  # "TODAY's Jayne O'Donnell", "USA TODAY": the show and the paper
        rel = " ".join(g["rel"].lower().split()).removeprefix("the ")
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1,
                 "day before yesterday": -2, "day after tomorrow": 2}[rel]
        d = anchor + timedelta(days=shift) if anchor else None
        return DateExpr(*span, text, d, "day", kind=kind)
    if kind == "relative_unit":
        return _relative_unit(m, anchor)
    if kind == "unit_edge":  # "until the end of the year": this one
        unit = g["unit"].lower()
        d = (shift_months(anchor, 0) if unit == "month" else date(anchor.year, 1, 1)) \
            if anchor else None
        return DateExpr(*span, text, d, unit, kind=kind)
    if kind == "ago":
        return _ago(m, anchor)
    if kind in ("weekday", "day_shift"):
        if _NAMED_DAY.search(m.string, max(0, m.start() - 12), m.start()) and not g.get("dir"):
            return None  # "Super Tuesday", "Fox News Sunday": a named day or a show
        word = " ".join((g.get("dir") or "").lower().split())
        d = None
        if anchor:
            way = "" if word in ("last", "next", "previous", "the previous", "coming",
                                 "this coming", "following", "the following") else cue()
            d = weekday_near(_WEEKDAYS[g["wd"].lower()], anchor, way, word)
            if kind == "day_shift":
                d += timedelta(days=-1 if g["shift"].lower() == "before" else 1)
        return DateExpr(*span, text, d, "day", kind=kind)
    if kind == "holiday":
        d = holiday_near(g["hol"], anchor, cue()) if anchor else None
        return DateExpr(*span, text, d, "day", kind=kind)
    if kind == "day_of_month":
        d = day_of_month_near(int(g["day"]), anchor, cue()) if anchor else None
        return DateExpr(*span, text, d, "day", kind=kind) if 1 <= int(g["day"]) <= 31 else None
    raise ValueError(kind)


def _month(g: dict[str, str | None]) -> int:
    return _MONTHS[(g["month"] or "").rstrip(".").lower()]


def _calendar_day(kind: str, m: re.Match[str], anchor: date | None, today: date,
                  cue: Callable[[], str]) -> DateExpr | None:
    g = m.groupdict()
    text, span = m.group(0), (m.start(), m.end())
    month = _month(g)
    day = _ORDINALS[g["dayw"].lower()] if g.get("dayw") else int(g["day"])
    if not 1 <= day <= 31 or safe_date(2000, month, day) is None:
        return None  # "June 45": not a date
    weekday = _WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
    if g.get("year"):
        d = (_parse(text) if kind != "month_day_word" else None) \
            or safe_date(int(g["year"]), month, day)
        return DateExpr(*span, text, d, "day", year_stated=True, month_day=(month, day),
                        weekday=weekday, kind=kind) if d else None
    if weekday is not None:
        d = pin_near(month, day, weekday, anchor) if anchor else \
            _pin_year(month, day, weekday, today)
        if d is not None:
            return DateExpr(*span, text, d, "day", weekday_pinned=True, kind=kind,
                            month_day=(month, day), weekday=weekday)
    if anchor and anchor.year > 2001 and (month, day) == (9, 11) and (
            _NINE_ELEVEN.match(m.string, m.end())
            or not _ON_A_DAY.search(m.string, max(0, m.start() - 8), m.start())):
        # "the September 11 attacks", "World War II, and September 11": the attacks of 2001
        return DateExpr(*span, text, date(2001, 9, 11), "day", month_day=(month, day), kind=kind)
    d = month_day_near(month, day, anchor, cue()) if anchor else None
    return DateExpr(*span, text, d, "day", month_day=(month, day), weekday=weekday, kind=kind)


@lru_cache(maxsize=4096)
def _parse(expression: str) -> date | None:
    # dateparser reads the words as written (ordinals, abbreviations, weekday names, day-month
    # order); the rules above decide which words are a date and which year is meant.
    import dateparser

    parsed = dateparser.parse(expression, languages=["en"],
                              settings={"STRICT_PARSING": True,
                                        "PARSERS": ["absolute-time"]})
    return parsed.date() if parsed else None


def _pin_year(month: int, day: int, weekday: int, reference: date) -> date | None:
    for year in range(reference.year, reference.year - WEEKDAY_PIN_YEARS, -1):
        d = safe_date(year, month, day)
        if d and d <= reference and d.weekday() == weekday:
            return d
    return None


def _relative_unit(m: re.Match[str], anchor: date | None) -> DateExpr | None:
    g = m.groupdict()
    rel, unit = g["rdir"].lower(), g["unit"].lower()
    before = m.string[max(0, m.start() - 9):m.start()].lower()
    if rel != "this" and not g["edge"] and re.search(r"\b(?:the|past|over)\s+$", before):
        return None  # "over the last year", "the next month": a span of time, not a date
    step = {"last": -1, "this": 0, "next": 1}[rel]
    d = None
    if anchor:
        d = shift_months(anchor, step) if unit == "month" else date(anchor.year + step, 1, 1)
    return DateExpr(m.start(), m.end(), m.group(0), d, unit, kind="relative_unit")


def _ago(m: re.Match[str], anchor: date | None) -> DateExpr:
    g = m.groupdict()
    n = int(g["n"]) if g["n"].isdigit() else _NUMBERS[g["n"].lower()]
    unit = g["unit"].lower()
    d = counted(anchor, -n if g["how"].lower() == "ago" else n, unit) if anchor else None
    precision = unit if unit in ("month", "year") else "day"
    return DateExpr(m.start(), m.end(), m.group(0), d, precision, kind="ago")


def as_datetime(d: date | None) -> datetime | None:
    """A ``date`` as a naive midnight ``datetime`` (pandas' datetime64 wants one)."""
    return datetime(d.year, d.month, d.day) if d else None
