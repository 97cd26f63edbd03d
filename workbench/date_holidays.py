"""Named days of the (US) news calendar: "Election Day", "Christmas", "Thanksgiving".

A holiday without a year is the occurrence its clause points to, like a month-day
(``workbench.date_calendar``): ahead for "will"/present, back for the past tense, the nearest
one when nothing says.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from workbench.date_cues import FUTURE, PAST, PRESENT

HOLIDAY = re.compile(
    r"\b(?P<hol>Christmas\s+Eve|Christmas\s+Day|Christmas|New\s+Year['’]s\s+Eve|"
    r"New\s+Year['’]s\s+Day|New\s+Year['’]s|Thanksgiving(?:\s+Day)?|Independence\s+Day|"
    r"Fourth\s+of\s+July|July\s+Fourth|Labor\s+Day|Memorial\s+Day|Veterans\s+Day|Halloween|"
    r"Valentine['’]s\s+Day|Election\s+Day|Martin\s+Luther\s+King\s+(?:Jr\.\s+)?Day|"
    r"Presidents['’]?\s+Day)\b")
TRIGGERS = ("christmas", "new year", "thanksgiving", "halloween")
"""Lowercase words one of which every holiday without "day" in its name contains."""

_FIXED = {"christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
          "new year's eve": (12, 31), "new year's day": (1, 1), "new year's": (1, 1),
          "independence day": (7, 4), "fourth of july": (7, 4), "july fourth": (7, 4),
          "veterans day": (11, 11), "halloween": (10, 31), "valentine's day": (2, 14)}
# (month, weekday, n): the n-th such weekday of the month (n = -1: the last).
_NTH = {"thanksgiving": (11, 3, 4), "thanksgiving day": (11, 3, 4), "labor day": (9, 0, 1),
        "memorial day": (5, 0, -1), "martin luther king day": (1, 0, 3),
        "martin luther king jr. day": (1, 0, 3), "presidents day": (2, 0, 3),
        "presidents' day": (2, 0, 3)}


def holiday_on(name: str, year: int) -> date:
    """The day the holiday ``name`` (as matched by ``HOLIDAY``) falls on in ``year``."""
    key = " ".join(name.lower().replace("’", "'").split())
    if key in _FIXED:
        return date(year, *_FIXED[key])
    if key == "election day":  # the Tuesday after the first Monday of November
        first = date(year, 11, 1)
        return first + timedelta(days=(0 - first.weekday()) % 7 + 1)
    month, weekday, n = _NTH[key]
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def holiday_near(name: str, anchor: date, way: str) -> date:
    """The occurrence of the holiday the direction points to."""
    options = [holiday_on(name, y) for y in (anchor.year - 1, anchor.year, anchor.year + 1)]
    if way in (FUTURE, PRESENT):
        return min(d for d in options if d >= anchor - timedelta(days=3))
    if way == PAST:
        return max(d for d in options if d <= anchor + timedelta(days=3))
    return min(options, key=lambda d: abs((d - anchor).days))
