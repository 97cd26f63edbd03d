"""Cleaning rules for article text — the one place they live.

Saved and scraped articles carry the page around them: navigation ("Skip to main content"),
widgets ("Select important / On / Off"), photo credits and their captions, author blocks, the
outlet's list of other headlines glued to the end, lines in another script (a Russian photo title
in an English text). Each rule below names what it removes and why; ``clean_text`` applies them
line by line and reports every removed line with its rule, so nothing disappears unexplained.

To extend: add a line to ``CHROME_LINES`` / ``SECTION_LABELS``, a pattern to ``CREDIT_PATTERNS``
or ``MACHINE_TRANSLATORS``, and a test with the real text that needed it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from workbench.corpus.dateline import Dateline, strip_dateline

# Whole lines that are site chrome, compared case-insensitively.
CHROME_LINES = frozenset({
    "skip to main content", "skip to content", "skip to navigation", "advertisement",
    "advertising", "sponsored", "sponsored content", "live broadcast", "live", "main slide",
    "beginning of the article", "end of the article", "select important", "on", "off", "share",
    "share this article", "share this", "tweet", "print", "email", "subscribe", "sign up",
    "log in", "login", "menu", "search", "read more", "read also", "see also", "related",
    "related articles", "related news", "related stories", "more on this topic", "comments",
    "leave a comment", "accept cookies", "listen to this article", "listen", "loading...",
    "follow us", "newsletter", "back to top", "top stories", "most read", "trending",
    "photo gallery", "video", "watch", "copy link", "copied", "font size", "photo", "image",
    "[image]",
    # Russian and Ukrainian site chrome (Izvestia's English edition keeps its read-aloud
    # button, "Озвучить текст", among the photo titles).
    "озвучить текст", "прослушать текст", "слушать", "поделиться", "читайте также",
    "реклама", "фото", "видео", "комментарии", "подписаться", "поділитися", "читайте також",
    "відео", "коментарі",
})

# A one-word kicker above a headline ("International").
SECTION_LABELS = frozenset({
    "international", "world", "world news", "politics", "europe", "news", "latest news",
    "economy", "business", "opinion", "analysis", "society", "breaking", "breaking news",
    "region", "regions", "exclusive", "in focus", "top news", "diplomacy", "conflict",
})

CHROME_PATTERNS = (
    re.compile(r"^(read (more|also)|see also|related|more on this)\s*[:>»]\s*\S.*$", re.I),
    re.compile(r"^(share on|follow us on|subscribe to)\b.*$", re.I),
    # Found on the AllSides dump (thousands of lines; they topped every outlet's word keyness):
    re.compile(r"^advertisement:?(\s+continue reading the main story)?$", re.I),  # Salon, NYT
    re.compile(r"^sign up for\b.{0,40}\bnewsletters?\b.{0,30}$", re.I),  # Washington Times
    re.compile(r"^JUST WATCHED\b.*\bReplay More Videos\b.*$"),  # CNN's video promos
    re.compile(r"^Photos?:\s.*\bHide Caption \d+ of \d+$"),  # CNN's photo galleries
    re.compile(r"^(next|prev) Image \d+ of \d+$"),  # Fox News galleries
    re.compile(r"^Media playback is unsupported on your device\b.*$"),  # BBC's video boxes
)

# Credit lines under photos and videos ("Photo: TASS/Zuma", "Фото: РИА Новости").
CREDIT_PATTERNS = (
    re.compile(r"^\(?(photo|photos|photograph|image|picture|video|illustration|credit|"
               r"фото|видео)\s*(by)?\s*[:：]\s*\S.*$", re.I),
    re.compile(r"^\(?(photo|image|picture|illustration)\s+by\s+\S.*$", re.I),
    # An agency in capitals, a slash, a photographer: "REUTERS/Jonathan Ernst".
    re.compile(r"^[A-Z][A-Z0-9 .&-]{1,30}/\s?[A-Z][\w.'-]*(\s[A-Z][\w.'-]*){0,3}$"),
)
# Photo headers, credit and caption in one line: NPR's "Enlarge this image toggle caption
# Kevin Lamarque /Reuters …", BBC's "Image copyright Getty Images Image caption Police outside…",
# Reuters' "FILE PHOTO: U.S. President … REUTERS/Carlos Barria".
PHOTO_HEADER = re.compile(r"^(Enlarge this image|toggle caption|Image copyright|FILE PHOTO:)\s")
# A caption that ends with its photo's credit: "… in early March. (John Moore / Getty Images)".
CAPTION_CREDIT = re.compile(
    r"[(|]\s*(?:(?:AP\s+)?Photo(?:graph)?\s*(?:by|:)?\s*)?[A-Z][\w.'’ -]{1,40}?\s*/\s*"
    r"(?:Getty Images|AP(?: Photo)?|Reuters|AFP|EPA|Bloomberg|Shutterstock|Landov|Sipa)"
    r"[\w ./-]{0,30}\)?\s*$")
# A credit is short; a sentence that happens to start with "Image:" or hold a slash is not one.
CREDIT_MAX_WORDS = 12
COPYRIGHT = re.compile(r"^(©|\(c\)(?=\s*\d{4})|copyright\b)\s*(\d{4}[-–]?\d{0,4})?\s*"
                       r"(?P<owner>[^|]*?)\.?\s*(\|.*|all rights reserved.*)?$", re.I)

# Translation credits; the service names identify machine translation.
TRANSLATION_PATTERNS = (
    re.compile(r"^(translation|translated|machine[- ]translated)(\s+from\s+\w+)?\s+by\s+"
               r"(?P<who>[^,;:]{2,60}?)\.?$", re.I),
    re.compile(r"^переведено\s+(сервисом\s+)?[«\"“]?(?P<who>[^»\"”]+)[»\"”]?\.?$", re.I),
    re.compile(r"^this (article|text) (was|has been) (?P<who>machine)[- ]translated\b.*$", re.I),
)
MACHINE_TRANSLATORS = {
    "яндекс переводчик": "Yandex Translator", "yandex translate": "Yandex Translator",
    "yandex translator": "Yandex Translator", "google translate": "Google Translate",
    "google переводчик": "Google Translate", "deepl": "DeepL", "bing translator": "Bing Translator",
    "microsoft translator": "Microsoft Translator", "machine": "machine translation",
}

AUTHOR_MARKERS = frozenset({"author", "authors", "read more", "more from this author",
                            "written by", "by", "about the author", "editor"})
BYLINE = re.compile(r"^(?:By|BY)\s+(?P<name>[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){1,3})$")
NAME_LINE = re.compile(r"^[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){1,3}$")

TERMINAL = tuple(".!?…\"”»’')]:;")  # a line ending so is not a headline
SENTENCE_END = tuple(".!?…\"”»’')]")  # …and one ending so closes a paragraph
# Lines that belong to lists, embeds and timelines, never to a glued headline list.
_LIST_LINE = re.compile(r"^([-–—•*·▪]|\d{1,3}[.)]\s)|^[^:]{1,40}:\s|@\w|https?://|pic\.twitter",
                        re.I)
RELATED_MAX_LINES = 15
_WORD = re.compile(r"\w+(?:[’'\-]\w+)*")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass
class Cleaned:
    """The result of cleaning one text."""

    text: str
    aside: list[str] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (rule, line)
    translated_by: str | None = None
    translation: str | None = None
    author: str | None = None
    copyright_owner: str | None = None
    dateline: Dateline | None = None  # taken out of ``text`` (see ``corpus.dateline``)


def normalise(text: str) -> str:
    """Unicode NFC, one kind of newline and space, invisible characters dropped, lines stripped."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for separator in ("\u2028", "\u2029", "\x85", "\x0b", "\x0c"):
        text = text.replace(separator, "\n")
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def count_words(text: str) -> int:
    """Words as the workbench counts them everywhere (letters/digits, inner hyphens/apostrophes)."""
    return len(_WORD.findall(text))


def clean_text(text: str, outlets: Mapping[str, str] | None = None) -> Cleaned:
    """Apply every rule to ``text`` and return the clean body, what was set aside and why.

    The dateline is taken out of the body too and kept in ``dateline``; ``outlets`` (casefolded
    name → outlet, from sources.csv) are credits a dateline may name besides the wire agencies.
    """
    lines = normalise(text).split("\n")
    marks: list[str | None] = [None] * len(lines)
    out = Cleaned(text="")

    home = dominant_script(lines)
    foreign = [bool(line) and (home != "LATIN" or not line.isascii())
               and _other_script(line, home) for line in lines]
    for i, line in enumerate(lines):
        _mark_line(i, line, lines, marks, out, foreign)
    # Lines in another script are set aside, not dropped; a credit among them (the Russian
    # machine-translation note) is both parsed and kept there.
    for i, line in enumerate(lines):
        if foreign[i] and marks[i] in (None, "translation-credit"):
            marks[i] = "other-script"
            out.aside.append(line)
    _mark_section_label(lines, marks)
    _mark_author_block(lines, marks, out)
    _mark_related_headlines(lines, marks)

    out.removed = [(m, line) for m, line in zip(marks, lines, strict=True) if m]
    body = "\n".join(line for m, line in zip(marks, lines, strict=True) if not m)
    body, out.dateline = strip_dateline(re.sub(r"\n{3,}", "\n\n", body).strip(), outlets)
    if out.dateline is not None:
        out.removed.append(("dateline", out.dateline.text))
    out.text = body.strip()
    return out


def _mark_line(i: int, line: str, lines: list[str], marks: list[str | None], out: Cleaned,
               foreign: list[bool]) -> None:
    if not line:
        return
    for pattern in TRANSLATION_PATTERNS:
        m = pattern.match(line) if count_words(line) <= CREDIT_MAX_WORDS else None
        if m:
            who = m["who"].strip()
            service = MACHINE_TRANSLATORS.get(who.casefold())
            out.translated_by = service or who
            out.translation = "machine" if service else "human"
            marks[i] = marks[i] or "translation-credit"
            return
    if marks[i]:
        return
    low = line.casefold()
    short = count_words(line) <= CREDIT_MAX_WORDS
    if low in CHROME_LINES or any(p.match(line) for p in CHROME_PATTERNS):
        marks[i] = "chrome"
    elif PHOTO_HEADER.match(line):
        marks[i] = "photo-credit"
    elif CAPTION_CREDIT.search(line):
        marks[i] = "caption"
    elif short and not line.endswith(".") and any(p.match(line) for p in CREDIT_PATTERNS):
        marks[i] = "photo-credit"
        j = _previous_content(lines, i)
        if j is not None and not marks[j] and not foreign[j] and _is_caption(lines[j]):
            marks[j] = "caption"
    elif short and (m := COPYRIGHT.match(line)):
        marks[i] = "copyright"
        out.copyright_owner = _owner(m["owner"])


_OWNER_NOISE = re.compile(r"^(?:(?:©|\(c\)|copyright|\d{4}(?:[-–]\d{2,4})?|by)\s*)+", re.I)
_LEGAL_FORM = re.compile(r",?\s+(?:LLC|Inc|Ltd|Limited|GmbH|S\.A|plc|Corp)\.?$", re.I)


def _owner(text: str) -> str | None:
    """"Copyright © 2019 The Washington Times, LLC. Click here…" → "The Washington Times"."""
    owner = _OWNER_NOISE.sub("", text.strip())
    owner = re.split(r"\.\s|\s[|–—-]\s|\. *$", owner)[0]
    owner = _LEGAL_FORM.sub("", owner).strip(" .,-–")
    return owner or None


def _mark_section_label(lines: list[str], marks: list[str | None]) -> None:
    for i, line in enumerate(lines):
        if line and not marks[i]:
            if line.casefold().rstrip(":") in SECTION_LABELS:
                marks[i] = "section-label"
            return


def _mark_author_block(lines: list[str], marks: list[str | None], out: Cleaned) -> None:
    """A trailing block of author names and "Author" / "Read more" markers."""
    seen_marker, names = False, []
    block: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if not line or (marks[i] and marks[i] != "chrome"):
            continue
        if line.casefold().rstrip(":") in AUTHOR_MARKERS:
            seen_marker = True
        elif (b := BYLINE.match(line)) is not None:
            seen_marker = True
            names.append(b["name"])
        elif NAME_LINE.match(line) and not marks[i]:
            names.append(line)  # only counts if a marker is part of the same block
        else:
            break
        block.append(i)
    if seen_marker and names:
        for i in block:
            marks[i] = "author-block"
        out.author = names[-1]
    # A byline at the top ("By Jane Roe") is an author too.
    for i, line in enumerate(lines):
        if line and not marks[i]:
            if (b := BYLINE.match(line)) is not None:
                marks[i] = "byline"
                out.author = out.author or b["name"]
            break


def _mark_related_headlines(lines: list[str], marks: list[str | None]) -> None:
    """The outlet's list of other headlines glued after the article: a trailing run of two to
    fifteen headline-like lines right after a paragraph that ends a sentence. List items,
    "label: value" lines, embedded posts and links are content, never such a list."""
    run: list[int] = []
    for i in range(len(lines) - 1, -1, -1):
        if not lines[i] or marks[i]:
            continue
        if _is_headline_like(lines[i]):
            run.append(i)
            continue
        if not lines[i].endswith(SENTENCE_END):
            return  # the run follows a heading or a list intro ("…:"), so it is content
        break
    if not 2 <= len(run) <= RELATED_MAX_LINES:
        return
    kept = [ln for j, ln in enumerate(lines) if not marks[j] and j not in run and ln]
    if sum(count_words(ln) for ln in kept) >= 40:
        for i in run:
            marks[i] = "related-headlines"


def _is_headline_like(line: str) -> bool:
    return (not line.endswith(TERMINAL) and 3 <= count_words(line) <= 40
            and not _LIST_LINE.search(line))


def _is_caption(line: str) -> bool:
    return not line.endswith(TERMINAL) and count_words(line) <= 15


def _previous_content(lines: list[str], i: int) -> int | None:
    for j in range(i - 1, max(i - 4, -1), -1):
        if lines[j]:
            return j
    return None


# --- scripts ----------------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    if ch.isascii():
        return "LATIN"
    name = unicodedata.name(ch, "")
    if not name:
        return None
    script = name.split(" ", 1)[0]
    if script == "FULLWIDTH" and "LATIN" in name:
        return "LATIN"
    # Japanese mixes kanji and kana in every sentence; Korean may mix in hanja.
    return _SCRIPT_GROUPS.get(script, script)


_SCRIPT_GROUPS = {"CJK": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK",
                  "IDEOGRAPHIC": "CJK", "HALFWIDTH": "CJK"}
_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _script_counts(text: str, counts: dict[str, int] | None = None) -> dict[str, int]:
    # Counting ASCII letters with a regex and looking up only the non-ASCII characters keeps
    # this fast on English text, where nearly every character is ASCII.
    counts = {} if counts is None else counts
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    counts["LATIN"] = counts.get("LATIN", 0) + ascii_letters
    for ch in _NON_ASCII.findall(text):
        s = _script(ch)
        if s:
            counts[s] = counts.get(s, 0) + 1
    return counts


def dominant_script(lines: list[str]) -> str:
    """The script most letters are written in (LATIN, CYRILLIC, ARABIC…)."""
    counts = _script_counts("\n".join(lines))
    return max(counts, key=counts.__getitem__) if any(counts.values()) else "LATIN"


def _other_script(line: str, home: str) -> bool:
    counts = _script_counts(line)
    total = sum(counts.values())
    return total > 0 and total - counts.get(home, 0) > total / 2
