"""Inference of missing metadata from the text itself — always with where it came from.

Nothing here guesses: a title is taken only from a headline-shaped first line (or, labelled as
such, the first sentence); an outlet only from a dateline, a credit the text repeats, a copyright
line or the URL; a publication date only from a date the text states (see ``dates.infer_published``).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from urllib.parse import urlparse

from workbench.corpus.clean import TERMINAL, count_words
from workbench.dates import infer_published

# Wire agencies: a story quoting or crediting them is not thereby theirs; a dateline is.
WIRE_AGENCIES = {
    "tass": "TASS", "ria novosti": "RIA Novosti", "interfax": "Interfax", "reuters": "Reuters",
    "ap": "AP", "associated press": "Associated Press", "afp": "AFP", "xinhua": "Xinhua",
    "anadolu": "Anadolu", "ukrinform": "Ukrinform", "bta": "BTA", "dpa": "dpa", "efe": "EFE",
    "ansa": "ANSA", "unian": "UNIAN", "belta": "BelTA", "sana": "SANA", "zuma": "Zuma",
    "global look press": "Global Look Press", "getty images": "Getty Images",
}

_LETTERS = re.compile(r"[^\W\d_]")
_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ .'-]{1,40},?\s+(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)?\s*"
    r"(?:/|\()\s*(?P<agency>[A-Za-z][A-Za-z .-]{1,30}?)\s*(?:/|\))\s*[.:—–-]?")
_AGENCY_LEAD = re.compile(r"^\(?(?P<agency>Reuters|AP|AFP|TASS|Xinhua|Anadolu)\)?\s*[—–-]\s")
_CREDITS = (
    re.compile(r"\b(?:told|said to|in an interview with|according to)\s+(?P<name>[A-Z][\w&'-]+"
               r"(?:\s+[A-Z][\w&'-]+){0,2})(?=[.,;:)\s])"),
    re.compile(r"^\(?(?:Photo|Image)\s*:\s*(?P<name>[A-Za-z][\w .-]+?)\s*/", re.I | re.M),
)


def infer_title(lines: list[str]) -> tuple[str | None, str, int | None]:
    """(title, source, index of the line it came from) for a text without given metadata.

    A first line shaped like a headline (3–30 words, no closing full stop) is the title;
    otherwise the first sentence, cut at 120 characters and labelled ``first-sentence``.
    """
    for i, line in enumerate(lines):
        if not line:
            continue
        n = count_words(line)
        if 3 <= n <= 30 and (not line.endswith(TERMINAL) or line.endswith(("?", "!"))):
            if i + 1 < len(lines):  # a one-line text is a body, not a headline
                return line, "first-line", i
        break
    body = " ".join(ln for ln in lines if ln)
    if not body:
        return None, "unknown", None
    sentence = re.split(r"(?<=[.!?])\s+", body, maxsplit=1)[0]
    if len(sentence) > 120:
        sentence = sentence[:119].rsplit(" ", 1)[0] + "…"
    return sentence, "first-sentence", None


def infer_outlet(text: str, url: str | None, copyright_owner: str | None,
                 known: dict[str, str] | None = None, *, raw: str | None = None
                 ) -> tuple[str | None, str]:
    """(outlet, source) from a dateline, a repeated credit, a copyright line or the URL.

    The dateline is looked for at the head of the clean ``text``; credits in ``raw`` (the text
    before cleaning, which still has its photo credits) when given. ``known`` maps casefolded names and domains to outlet names (from sources.csv), so a credit
    or URL resolves to the researcher's spelling of the outlet.
    """
    known = known or {}
    head = text[:300]
    m = _DATELINE.match(head) or _AGENCY_LEAD.match(head)
    if m:
        agency = m["agency"].strip()
        return known.get(agency.casefold(), WIRE_AGENCIES.get(agency.casefold(), agency)), \
            "dateline"
    names: Counter[str] = Counter()
    for pattern in _CREDITS:
        for cm in pattern.finditer(raw or text):
            name = cm["name"].strip()
            if name.casefold() not in WIRE_AGENCIES:
                names[name.casefold()] += 1
    if names:
        name, count = names.most_common(1)[0]
        # One "according to X" is a source; the same outlet credited again and again is the
        # outlet writing about itself ("…, told Izvestia."); a known outlet needs only one credit.
        if name in known or count >= 3:
            return known.get(name, _display_name(raw or text, name)), "credit"
    if copyright_owner:
        return known.get(copyright_owner.casefold(), copyright_owner), "credit"
    if url:
        host = urlparse(url if "//" in url else f"//{url}").hostname or ""
        host = host.removeprefix("www.").removeprefix("en.")
        if host:
            return known.get(host, host), "url"
    return None, "unknown"


def infer_date(text: str, today: date | None = None) -> tuple[date | None, str, str | None]:
    """(published, source, evidence) from the dates the text states."""
    found = infer_published(text, today=today)
    if found is None:
        return None, "unknown", None
    return found[0], "text", found[1]


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
