"""Wire and newspaper datelines: found in the lead, taken out of the text, kept as metadata.

A dateline ("KYIV, Ukraine (AP) —", "KYIV, Dec 26 (Reuters) -", "MOSCOW, December 26. /TASS/.",
"IGORA /Leningrad Region/, December 26. /TASS/.", "Moscow. Dec 26. INTERFAX -",
"МОСКВА, 26 дек — РИА Новости.", "WEST PALM BEACH, Fla. —") says where and when a story was
filed and, for wire copy, whose story it is. Left in the text it would become a place mention,
a date and the first words of a sentence; so ``find_dateline`` finds it in the first paragraphs
(also after a headline, a standfirst or a photo credit on the same line) and ``strip_dateline``
removes it, returning what it said.

Only a dateline credits an agency: "(Reuters)" quoted in the middle of a sentence is not one,
and an agency is only taken when it is a known one (or an outlet of the researcher's sources).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Wire agencies (and outlets whose copy opens with their own credit, "(CNN) —"), by the
# casefolded spellings their datelines use.
WIRE_AGENCIES = {
    "tass": "TASS", "тасс": "TASS", "itar-tass": "TASS", "итар-тасс": "TASS",
    "ria novosti": "RIA Novosti", "риа новости": "RIA Novosti", "ria": "RIA Novosti",
    "риамо": "RIAMO", "interfax": "Interfax", "интерфакс": "Interfax", "interfax.ru": "Interfax",
    "interfax-ukraine": "Interfax-Ukraine", "интерфакс-украина": "Interfax-Ukraine",
    "інтерфакс-україна": "Interfax-Ukraine", "reuters": "Reuters", "ap": "AP",
    "associated press": "Associated Press", "afp": "AFP", "xinhua": "Xinhua", "синьхуа": "Xinhua",
    "anadolu": "Anadolu", "ukrinform": "Ukrinform", "укрінформ": "Ukrinform",
    "укринформ": "Ukrinform", "unian": "UNIAN", "уніан": "UNIAN", "униан": "UNIAN",
    "bta": "BTA", "dpa": "dpa", "efe": "EFE", "ansa": "ANSA", "belta": "BelTA", "белта": "BelTA",
    "sana": "SANA", "kyodo": "Kyodo", "yonhap": "Yonhap", "pap": "PAP", "upi": "UPI",
    "jta": "JTA", "cnn": "CNN", "cnnmoney": "CNNMoney", "cnsnews.com": "CNSNews.com",
    "bloomberg": "Bloomberg", "business wire": "Business Wire", "prnewswire": "PR Newswire",
}

_UP = "A-ZÀ-ÞА-ЯЁІЇЄҐ"
_LOW = "a-zß-ÿа-яёіїєґ"
_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|"
           r"января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря|"
           r"янв|фев|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек|"
           r"січня|лютого|березня|квітня|травня|червня|липня|серпня|вересня|жовтня|листопада|"
           r"грудня)\.?")
_DATE = rf"(?P<date>{_MONTHS}\s+\d{{1,2}}|\d{{1,2}}\s+{_MONTHS})(?:,?\s+(?P<year>(?:19|20)\d\d))?"
# A place in capitals ("KYIV", "NEW YORK", "ST. LOUIS", "САНКТ-ПЕТЕРБУРГ") or, at the start of
# a paragraph, as a name ("Moscow", "Москва").
_CAPS = rf"[{_UP}][{_UP}'’.-]*(?:\s[{_UP}][{_UP}'’.-]*){{0,3}}"
_NAME = rf"[{_UP}][{_LOW}'’.-]+(?:[\s-](?:[{_UP}][{_LOW}'’.-]+|de|la|am|on|upon)){{0,3}}"
# ", Ukraine", ", Fla.", ", S.C." — or a region in slashes or brackets: "/Leningrad Region/".
_REGION = (rf"(?:,\s*(?!{_MONTHS}\s+\d)(?P<region>[{_UP}][^\W\d_.'’ -]*(?:[.'’ -]+[^\W\d_]+)*\.?)"
           rf"(?=\s*[,(/—–-]|\s+\d|\s*\.\s))?"
           rf"(?:\s*[/(](?P<region2>[{_UP}][^/()\n]{{1,40}})[/)])?")
_CREDIT = r"[^\W\d_][\w .&-]{0,28}?"
_END = r"\s*(?:[—–-]{1,2}\s*|:\s*)?"

_FORMS = (
    # KYIV, Ukraine (AP) —   KYIV, Dec 26 (Reuters) -   MOSCOW, December 26. /TASS/.
    ("bracket", rf"(?P<place>{{place}}){_REGION}(?:[,.]?\s*{_DATE})?[,.]?\s*"
                rf"(?:/(?P<agency>{_CREDIT})/\.?|\((?P<agency2>{_CREDIT})\)){_END}"),
    # МОСКВА, 26 дек — РИА Новости.   ЖЕНЕВА, 25 мая — РИА Новости, Елизавета Исакова.
    ("dash", rf"(?P<place>{{place}}){_REGION},\s*{_DATE}\s*[—–-]{{1,2}}\s*"
             rf"(?P<agency>РИА Новости|RIA Novosti|[{_UP}]{{2,}}(?:\s[{_UP}]{{2,}})?)"
             rf"(?:,\s*[{_UP}][\w-]+(?:\s[{_UP}][\w-]+){{1,2}})?\.\s*"),
    # Moscow. Dec 26. INTERFAX -   Москва. 11 ноября. INTERFAX.RU -
    ("caps", rf"(?P<place>{{place}})[.,]\s*{_DATE}[.,]?\s*"
             rf"(?P<agency>INTERFAX(?:\.RU|-UKRAINE)?|ИНТЕРФАКС(?:-УКРАИНА)?)\s*[—–-]{{1,2}}\s*"),
)
_FIRST = [(kind, re.compile(r"^[\"'“«]?" + form.replace("{place}", f"{_CAPS}|{_NAME}")))
          for kind, form in _FORMS]
# Within a paragraph only a place in capitals, right after a credit or a byline ("… By Donny
# Kwok and Jessie Pang HONG KONG (Reuters) -", "REUTERS/Nacho DoceKYIV, Jan 22 (Reuters) -").
_INNER = [(kind, re.compile(rf"(?<![{_UP}'’.-])" + form.replace("{place}", _CAPS)))
          for kind, form in _FORMS]
_MARKER = re.compile(rf"[/(]({_CREDIT})[/)]|INTERFAX(?:\.RU|-UKRAINE)?|ИНТЕРФАКС(?:-УКРАИНА)?|"
                     rf"РИА Новости|RIA Novosti")
# ТАСС, 17 мая.   РИАМО - 4 мая.   (Reuters) -   (CNN) —   (Bloomberg) --
_AGENCY_FIRST = re.compile(rf"^[\"'“«]?(?:(?P<agency>[{_UP}][\w.-]{{1,20}})(?:(?:,|\s*[—–-])\s*"
                           rf"{_DATE}\.|\s+[—–-]{{1,2}})\s*|\((?P<agency2>{_CREDIT})\)"
                           rf"\s*(?:[—–-]{{1,2}}\s*)?)")
# WASHINGTON —   WEST PALM BEACH, Fla. —   TAMPA, Fla. --   SEOUL, South Korea —  (no agency)
_PLAIN = re.compile(rf"^[\"'“«]?(?P<place>{_CAPS}){_REGION}(?:,\s*{_DATE})?\s(?:—|–|--|-)\s+"
                    rf"(?=[\w\"'“«‘])")
# Capitals before a dash that are a label, not a place.
_NOT_PLACES = frozenset("""file photo photos update video watch breaking exclusive editor's editors
note opinion analysis live correction clarification urgent npr""".split())
LEAD_LINES = 5  # paragraphs of the lead searched: a headline, a standfirst, a credit, the lead
PLAIN_LINES = 3  # a dateline without an agency only opens one of the first paragraphs
INNER_CHARS = 600  # inside a line, a dateline follows a caption or a byline, not a paragraph


@dataclass(frozen=True)
class Dateline:
    """One dateline: as written, where it was, and what it says."""

    text: str
    start: int  # offsets in the text it was found in
    end: int
    place: str | None
    agency: str | None  # the credited agency, as the credits table names it
    date: str | None  # the day as written ("December 26", "26 дек", "Dec 26, 2019")


def find_dateline(text: str, known: Mapping[str, str] | None = None) -> Dateline | None:
    """The dateline in the first paragraphs of ``text``, or None.

    ``known`` maps casefolded outlet names to the researcher's spelling (sources.csv); those
    count as agencies too.
    """
    offset = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            found = _in_line(line, seen, known or {})
            if found is not None:
                return Dateline(found.text, found.start + offset, found.end + offset,
                                found.place, found.agency, found.date)
            seen += 1
            if seen >= LEAD_LINES:
                break
        offset += len(line) + 1
    return None


def strip_dateline(text: str, known: Mapping[str, str] | None = None
                   ) -> tuple[str, Dateline | None]:
    """``text`` without its dateline (a dateline inside a line starts a new paragraph)."""
    found = find_dateline(text, known)
    if found is None:
        return text, None
    before, after = text[:found.start].rstrip(" "), text[found.end:].lstrip(" ")
    if not before:
        return after.lstrip(), found
    return before + ("" if before.endswith("\n") else "\n") + after, found


def _in_line(line: str, index: int, known: Mapping[str, str]) -> Dateline | None:
    def credit(name: str | None) -> str | None:
        if not name:
            return None
        key = " ".join(name.split()).casefold()
        return known.get(key) or WIRE_AGENCIES.get(key)

    for _kind, pattern in _FIRST + [("first", _AGENCY_FIRST)]:
        m = pattern.match(line)
        if m and (agency := credit(_agency(m))) and _starts_story(line, m):
            return _dateline(m, agency)
    # Inside a line only where a known credit is written (most lines have none: cheap).
    markers = _MARKER.finditer(line, 0, INNER_CHARS)
    inner = _INNER if any(credit(m[1] or m[0]) for m in markers) else ()
    for _kind, pattern in inner:
        for m in pattern.finditer(line, 1, INNER_CHARS):
            if (agency := credit(_agency(m))) and _starts_story(line, m):
                return _dateline(m, agency)
    if index < PLAIN_LINES and (m := _PLAIN.match(line)):
        place = m["place"].strip()
        words = place.replace(".", " ").split()
        if words[0].casefold() not in _NOT_PLACES and len(words) <= 4 and any(
                len(w) > 1 for w in words) and not credit(place):
            return _dateline(m, None)
    return None


def _agency(m: re.Match[str]) -> str | None:
    groups = m.groupdict()
    return groups.get("agency") or groups.get("agency2")


def _starts_story(line: str, m: re.Match[str]) -> bool:
    # The story's first word follows (or the paragraph ends): "The New York Times (Reuters)
    # reported" is a sentence.
    after = line[m.end():m.end() + 1]
    return not after.islower()


def _dateline(m: re.Match[str], agency: str | None) -> Dateline:
    groups = m.groupdict()
    place, start = groups.get("place"), m.start()
    written_agency = _agency(m) or ""
    if place and agency and len(written_agency) >= 3 and len(place) > len(written_agency) + 2 \
            and place.upper().startswith(written_agency.upper()):
        # The photo credit glued on: "REUTERS/Nacho DoceKYIV, Jan 22 (Reuters) -".
        place, start = place[len(written_agency):], start + len(written_agency)
    if place:
        place = _as_name(place.strip(" .\"'“«")) if place.strip() else None
        region = groups.get("region") or groups.get("region2")
        if region:
            place = f"{place}, {region.strip()}"
    # A quote before a dateline is a scraper's leftover: it goes with it.
    written = m.string[start:m.end()].strip().lstrip("\"'“«")
    day = groups.get("date")
    if day:
        day = day.rstrip(".") + (f", {groups['year']}" if groups.get("year") else "")
    return Dateline(written, start, m.end(), place or None, agency, day)


def _as_name(place: str) -> str:
    """"NEW YORK" → "New York", "САНКТ-ПЕТЕРБУРГ" → "Санкт-Петербург"; names stay as written."""
    if not place.isupper():
        return place
    return re.sub(r"[^\W\d_]+(?:['’][^\W\d_]+)?", lambda w: w[0].capitalize(), place.lower())


_MONTH_NUMBERS = {
    **{m: i for i, names in enumerate([
        "january jan января янв січня", "february feb февраля фев лютого",
        "march mar марта мар березня", "april apr апреля апр квітня", "may мая травня",
        "june jun июня июн червня", "july jul июля июл липня", "august aug августа авг серпня",
        "september sep sept сентября сен сент вересня", "october oct октября окт жовтня",
        "november nov ноября ноя нояб листопада", "december dec декабря дек грудня"], 1)
       for m in names.split()},
}
DAY = re.compile(_DATE)
"""A day as datelines write it ("December 26", "26 дек", "Dec. 26, 2019")."""


def day_in(text: str) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) of the day a dateline states ("December 26", "26 дек")."""
    m = DAY.search(text or "")
    if not m:
        return None
    words = m["date"].replace(".", " ").split()
    number = next(w for w in words if w.isdigit())
    month = _MONTH_NUMBERS.get(next(w for w in words if not w.isdigit()).casefold())
    day = int(number)
    if month is None or not 1 <= day <= 31:
        return None
    return month, day, int(m["year"]) if m["year"] else None
