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
# "MOSCOW, November 13 /TASS/.", "KYIV, Ukraine (AP) —", "(Reuters) -": the agency is kept only
# when it is a known wire agency or an outlet of sources.csv ("Moscow (Russia) -" is no dateline).
_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-Za-zÀ-ÿ .'-]{1,40}(?:,\s*[A-Z][A-Za-z .'-]{1,30})?,?\s*"
    r"(?:\w+\.?\s+\d{1,2}|\d{1,2}\s+\w+)?\s*(?:/|\()\s*(?P<agency>[A-Za-z][A-Za-z .-]{1,30}?)"
    r"\s*(?:/|\))\s*[.:—–-]?")
_AGENCY_LEAD = re.compile(r"^\(?(?P<agency>[A-Za-z][A-Za-z .-]{1,30}?)\)\s*[—–-]\s")
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
_HEADLINE_END_WORDS = frozenset("""a an and as at between but by for from in into is of on or
that the to was were with""".split())


def infer_title(lines: list[str]) -> tuple[str | None, str, int | None]:
    """(title, source, index of the line it came from) for a text without given metadata.

    A first line shaped like a headline (3–30 words, no closing full stop, not cut mid-phrase
    as a hard-wrapped line is) is the title; otherwise the first sentence, cut at 120
    characters and labelled ``first-sentence``.
    """
    for i, line in enumerate(lines):
        if not line:
            continue
        n = count_words(line)
        last = line.rsplit(" ", 1)[-1].casefold()
        if 3 <= n <= 30 and (not line.endswith(TERMINAL) or line.endswith(("?", "!"))) \
                and last not in _HEADLINE_END_WORDS:
            if i + 1 < len(lines):  # a one-line text is a body, not a headline
                return line, "first-line", i
        break
    body = " ".join(ln for ln in lines if ln)
    if not body:
        return None, "unknown", None
    sentence = re.split(r"(?<=[.!?。！？])\s*", body, maxsplit=1)[0]
    if len(sentence) > 120:
        sentence = sentence[:119].rsplit(" ", 1)[0] + "…"
    return sentence, "first-sentence", None


def infer_outlet(text: str, url: str | None, copyright_owner: str | None,
                 known: dict[str, str] | None = None, *, raw: str | None = None
                 ) -> tuple[str | None, str]:
    """(outlet, source): from a dateline or sign-off of a known agency or outlet, then the
    outlet's own credits, a copyright line, the URL.

    ``text`` is the clean body (datelines, sign-offs); ``raw`` the text before cleaning, which
    still has its photo credits. ``known`` maps casefolded names, domains and aliases to the
    outlet names of sources.csv, so a credit or URL resolves to the researcher's spelling.
    """
    known = known or {}

    def resolve(name: str) -> str | None:
        key = name.strip().casefold()
        return known.get(key) or WIRE_AGENCIES.get(key)

    head = text[:300]
    for m in (_DATELINE.match(head), _AGENCY_LEAD.match(head), _SIGN_OFF.search(text[-200:])):
        if m and (agency := resolve(m["agency"])):
            return agency, "dateline"
    if _SIGNATURE.search(text[-400:]):
        return known.get("reuters", "Reuters"), "dateline"
    raw = raw or text
    told = Counter(m["name"].casefold() for m in _TOLD.finditer(raw))
    photo = Counter(m["name"].strip().casefold() for m in _PHOTO_CREDIT.finditer(raw))
    for name, count in (told + photo).most_common():
        if name in WIRE_AGENCIES:
            continue  # quoting or crediting a wire agency does not make the story theirs
        if name in known or (told[name] >= 2 and photo[name] >= 1):
            return known.get(name, _display_name(raw, name)), "credit"
    if copyright_owner:
        return known.get(copyright_owner.casefold(), copyright_owner), "credit"
    if url:
        host = urlparse(url if "//" in url else f"//{url}").hostname or ""
        host = host.removeprefix("www.").removeprefix("en.")
        if host:
            return known.get(host, host), "url"
    return None, "unknown"


def infer_date(text: str, today: date | None = None, frame: tuple[int, int] | None = None
               ) -> tuple[date | None, str, str | None]:
    """(published, source, evidence) from the dates the text states (see
    ``dates.infer_published``; ``frame`` is the corpus's range of known years)."""
    found = infer_published(text, today=today, frame=frame)
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
