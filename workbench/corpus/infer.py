"""Inference of missing metadata from the text itself — always with where it came from.

Nothing here guesses: a title is taken only from a headline-shaped first line (or, labelled as
such, the first sentence: ``corpus.headline``); an outlet only from a dateline, a credit the text
repeats, a copyright line or the URL; a publication date only from a dateline's day whose year
other evidence gives, or a date the text states (see ``dates.infer_published``).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import urlparse

from workbench.corpus.dateline import DAY, Dateline, day_in, find_dateline
from workbench.corpus.dateline import WIRE_AGENCIES as DATELINE_CREDITS
from workbench.corpus.headline import infer_title
from workbench.dates import infer_published

__all__ = ["WIRE_AGENCIES", "dateline_date", "detect_language", "infer_date", "infer_outlet",
           "infer_title", "url_date"]

# Wire agencies: a story quoting or crediting them is not thereby theirs; a dateline is.
WIRE_AGENCIES = {**DATELINE_CREDITS, "global look press": "Global Look Press",
                 "getty images": "Getty Images", "zuma": "Zuma"}

_LETTERS = re.compile(r"[^\W\d_]")
# "(Reporting by …; Editing by …)" closes Reuters copy; "— AFP" closes some agencies' copy.
_SIGNATURE = re.compile(r"^\(?(?:Reporting by|Writing by|Additional reporting by)\b.*"
                        r"(?:Editing by)\b.*\)?$", re.I | re.M)
_SIGN_OFF = re.compile(r"^[—–-]\s*(?P<agency>[A-Za-z][A-Za-z .-]{1,30})$", re.M)
# The outlet quoted as the addressee of statements ("…, told Izvestia.") and in its own photo
# credits ("Photo: IZVESTIA/Anna Selina"): both together are the outlet writing about itself.
_TOLD = re.compile(r"\b(?:told|said to|in an interview with)\s+(?P<name>[A-Z][\w&'-]+"
                   r"(?:\s+[A-Z][\w&'-]+){0,2})(?=[.,;:)\s])")
_PHOTO_CREDIT = re.compile(r"^\(?(?:Photo|Image)\s*:\s*(?P<name>[A-Za-z][\w .-]+?)\s*/",
                           re.I | re.M)


def infer_outlet(text: str, url: str | None, copyright_owner: str | None,
                 known: dict[str, str] | None = None, *, raw: str | None = None,
                 dateline: Dateline | None = None) -> tuple[str | None, str]:
    """(outlet, source): the site of the URL; without one, a dateline or sign-off of a known
    agency or outlet, then the outlet's own credits, a copyright line.

    The site that published a page is its outlet even when the story came from a wire
    agency: HuffPost running a Reuters story ("WASHINGTON (Reuters) -") is HuffPost's
    coverage. The text's credit is kept when it names the URL's own site ("(Reuters)" on
    reuters.com gives "Reuters", not "reuters.com").

    ``text`` is the clean body (sign-offs); ``dateline`` the one cleaning took out of it (when
    None, the lead of ``text`` is searched for one); ``raw`` the text before cleaning, which
    still has its photo credits. ``known`` maps casefolded names, domains and aliases to the
    outlet names of sources.csv, so a credit or URL resolves to the researcher's spelling.
    """
    known = known or {}
    claimed = _credited(text, copyright_owner, known, raw, dateline)
    host = _host(url)
    if not host:
        return claimed
    if host in known:
        return known[host], "url"
    if claimed[0] is not None and _names_site(claimed[0], host):
        return claimed
    return host, "url"


def _credited(text: str, copyright_owner: str | None, known: dict[str, str], raw: str | None,
              dateline: Dateline | None) -> tuple[str | None, str]:
    """(outlet, source) from the text alone: dateline, sign-off, credits, copyright."""
    dateline = dateline or find_dateline(text[:2000], known)
    if dateline is not None and dateline.agency:
        return dateline.agency, "dateline"
    m = _SIGN_OFF.search(text[-200:])
    if m and (agency := known.get(m["agency"].strip().casefold())
              or DATELINE_CREDITS.get(m["agency"].strip().casefold())):
        return agency, "dateline"
    if _SIGNATURE.search(text[-400:]):
        return known.get("reuters", "Reuters"), "dateline"
    raw = raw or text
    told = Counter(m["name"].casefold() for m in _TOLD.finditer(raw))
    photo = Counter(m["name"].strip().casefold() for m in _PHOTO_CREDIT.finditer(raw))
    for name, _count in (told + photo).most_common():
        if name in WIRE_AGENCIES:
            continue  # quoting or crediting a wire agency does not make the story theirs
        if name in known or (told[name] >= 2 and photo[name] >= 1):
            return known.get(name, _display_name(raw, name)), "credit"
    if copyright_owner:
        return known.get(copyright_owner.casefold(), copyright_owner), "credit"
    return None, "unknown"


def _host(url: str | None) -> str:
    if not url:
        return ""
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.").removeprefix("en.")


def _names_site(outlet: str, host: str) -> bool:
    """Whether ``outlet`` (a credit's name) is the site ``host``: "Reuters" and reuters.com,
    "RIA Novosti" and ria.ru, "AP" and apnews.com — not "RIA Novosti" and riamo.ru."""
    label = host.split(".")[-2] if host.count(".") else host
    spellings = {k.replace(" ", "") for k, v in WIRE_AGENCIES.items() if v == outlet}
    spellings.add(re.sub(r"\W+", "", outlet.casefold()))
    return label in spellings or label.removesuffix("news") in spellings


def infer_date(text: str, today: date | None = None, frame: tuple[int, int] | None = None,
               *, dateline: str | None = None, url: str | None = None,
               span: tuple[date, date] | None = None) -> tuple[date | None, str, str | None]:
    """(published, source, evidence): the day of the ``dateline`` when its year can be told
    (``dateline_date``), else from the dates the text states (see ``dates.infer_published``;
    ``frame`` is the corpus's range of known years)."""
    today = today or date.today()
    found = infer_published(text, today=today, frame=frame)
    if dateline and (day := day_in(dateline)) is not None:
        when = dateline_date(day, found[0] if found else None, url, span, today)
        if when is not None:
            return when, "dateline", _written_day(dateline)
    if found is None:
        return None, "unknown", None
    return found[0], "text", found[1]


DATELINE_LATER_DAYS = 14
"""How far the latest day a text reports may lie after its dateline's day (a scheduled date)."""
SPAN_DAYS = 31
"""How far a dateline's day may lie outside the corpus's known publication dates."""


def dateline_date(day: tuple[int, int, int | None], reported: date | None, url: str | None,
                  span: tuple[date, date] | None, today: date) -> date | None:
    """The year of a dateline's month and day, from other evidence, or None.

    In order: the year the dateline states; a year in the URL path (news sites file stories
    by year); the first year putting the day on or after the latest day the text reports
    (``reported``, give or take ``DATELINE_LATER_DAYS``); the one year putting it within the
    corpus's known publication dates (``span``).
    Never a day after ``today``: no evidence, no date.
    """
    month, dom, year = day
    candidates: list[date | None] = []
    url_year = _URL_YEAR.search(urlparse(url).path) if url else None
    if year:
        candidates = [_safe(year, month, dom)]
    elif url_year:
        candidates = [_safe(int(url_year[1]), month, dom)]
    elif reported is not None:
        candidates = [next((d for y in range(reported.year - 1, reported.year + 2)
                            if (d := _safe(y, month, dom)) is not None
                            and (reported - d).days <= DATELINE_LATER_DAYS), None)]
    elif span is not None:
        fits = [d for y in range(span[0].year - 1, span[1].year + 2)
                if (d := _safe(y, month, dom)) is not None
                and (span[0] - d).days <= SPAN_DAYS and (d - span[1]).days <= SPAN_DAYS]
        candidates = fits if len(fits) == 1 else []
    when = candidates[0] if candidates else None
    return when if when is not None and when <= today else None


_URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?:/|[-_]\d\d[-_/])")


def _safe(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _written_day(dateline: str) -> str:
    m = DAY.search(dateline)
    return m.group(0).rstrip(".") if m else dateline


def url_date(url: str | None) -> date | None:
    """A date spelled in a URL path (/2025/11/13/…), the way many news sites build addresses."""
    if not url:
        return None
    m = re.search(r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:/|[^\d]|$)",
                  url)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text (py3langid on its first 500 characters, plenty for news)."""
    sample = text[:500]
    if len(_LETTERS.findall(sample)) < 20:
        return None
    import py3langid  # loads a model on first use: only when a corpus is loaded

    return py3langid.classify(sample)[0]


def _display_name(text: str, folded: str) -> str:
    # The credit as the text writes it most often in mixed case ("Izvestia", not "IZVESTIA").
    spellings = Counter(m.group(0) for m in re.finditer(re.escape(folded), text, re.I))
    mixed = [s for s, _ in spellings.most_common() if not s.isupper()]
    return mixed[0] if mixed else spellings.most_common(1)[0][0]
