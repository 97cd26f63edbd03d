"""Calendar arithmetic for dated expressions without a year: which occurrence is meant.

Each function takes the publication date (``anchor``) and a direction from
``workbench.date_cues`` ("future", "past", "present" or "" for no cue) and returns the
occurrence that direction points to, within a window a news text can mean.
"""

from __future__ import annotations

from datetime import date, timedelta

from workbench.date_cues import FUTURE, PAST, PRESENT

FUTURE_DAYS = 45
"""With no tense cue, a month-day may lie this many days after the anchor before it is read as
last year's (news mostly look back)."""

SLACK_DAYS = 3
"""A past event may carry a date this many days after the anchor (a story dated the day before
it was filed, time zones)."""

AHEAD_SLACK_DAYS = 10
"""A coming event ("will need Congress … March 1", filed March 10) may carry a date this many
days before the anchor: a month-day that recent is this year's, not next year's."""


def safe_date(year: int, month: int, day: int) -> date | None:
    """``date(year, month, day)``, or None when there is no such day (February 29, June 31)."""
    try:
        return date(year, month, day)
    except ValueError:
        return None


def weekday_near(weekday: int, anchor: date, way: str, word: str = "") -> date:
    """The day named by a weekday (0 = Monday), given its modifier ``word`` and direction.

    "last"/"previous" is strictly before the anchor, "next"/"coming"/"following" strictly
    after; otherwise the tense decides, the anchor's own weekday meaning the anchor itself
    (AP style names the day even for today).
    """
    back = anchor - timedelta(days=(anchor.weekday() - weekday) % 7)
    ahead = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
    if word in ("last", "previous", "the previous"):
        return back - timedelta(days=7) if back == anchor else back
    if word in ("next", "the next", "coming", "this coming", "the coming", "following",
                "the following"):
        return ahead + timedelta(days=7) if ahead == anchor else ahead
    if word in ("since", "earlier on"):
        return back
    if word in ("until", "till", "through", "by", "before") and way != PAST:
        return ahead
    return ahead if way in (FUTURE, PRESENT) else back


def month_day_near(month: int, day: int, anchor: date, way: str) -> date | None:
    """The occurrence of a month-day without a year that the direction points to."""
    options = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
               if (d := safe_date(y, month, day)) is not None]
    if not options:
        return None
    # The present tense with a calendar date is a schedule ("payable Dec. 21", "the trial
    # opens Oct. 5"): ahead, like the future.
    if way in (FUTURE, PRESENT):
        ahead = anchor - timedelta(days=AHEAD_SLACK_DAYS)
        return min((d for d in options if d >= ahead), default=None)
    if way == PAST:
        return max((d for d in options if d <= anchor + timedelta(days=SLACK_DAYS)), default=None)
    ahead = [d for d in options if 0 <= (d - anchor).days <= FUTURE_DAYS]
    if ahead:
        return ahead[0]
    return max((d for d in options if d <= anchor), default=None)


def month_near(month: int, anchor: date, way: str, word: str = "") -> date:
    """First day of the month meant by a month name without a year."""
    this = date(anchor.year, month, 1)
    later = date(anchor.year + 1, month, 1)
    earlier = date(anchor.year - 1, month, 1)
    if word == "this":
        return this
    if word == "last":
        return this if month < anchor.month else earlier
    if word in ("next", "coming", "this coming", "the coming"):
        return this if month > anchor.month else later
    if way in (FUTURE, PRESENT):  # "will hold talks in early March", "seeks a term in November"
        return this if month >= anchor.month else later
    return this if month <= anchor.month else earlier


def day_of_month_near(day: int, anchor: date, way: str) -> date | None:
    """The day "the 21st" means: in the anchor's month or the one before or after it."""
    months = [(anchor.year * 12 + anchor.month - 1 + k) for k in (-1, 0, 1)]
    return month_day_in(months, day, anchor, way)


def month_day_in(months: list[int], day: int, anchor: date, way: str) -> date | None:
    options = [d for m in months if (d := safe_date(m // 12, m % 12 + 1, day)) is not None]
    if not options:
        return None
    if way == FUTURE:
        return min((d for d in options if d >= anchor), default=None)
    if way == PAST or way == "":
        return max((d for d in options if d <= anchor), default=None)
    return min(options, key=lambda d: abs((d - anchor).days))


def shift_months(anchor: date, months: int) -> date:
    """First day of the month ``months`` after (negative: before) the anchor's."""
    n = anchor.year * 12 + anchor.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def pin_near(month: int, day: int, weekday: int, anchor: date) -> date | None:
    """The month-day nearest the anchor that fell on ``weekday``, within a year either side:
    "Monday, Jan. 5" in a December article is next month's, not a Monday years ago."""
    fits = [d for y in (anchor.year - 1, anchor.year, anchor.year + 1)
            if (d := safe_date(y, month, day)) and d.weekday() == weekday]
    return min(fits, key=lambda d: abs((d - anchor).days)) if fits else None


def counted(anchor: date, n: int, unit: str) -> date:
    """``n`` days, weeks, months or years from the anchor ("three days ago": n = -3); months
    and years as their first day."""
    if unit in ("day", "week"):
        return anchor + timedelta(days=n * (7 if unit == "week" else 1))
    if unit == "month":
        return shift_months(anchor, n)
    return date(anchor.year + n, 1, 1)
