"""Is the first line of a plain text its headline? (``infer_title``)

A headline is a line that does not end a sentence. It may end with a closing quote or bracket
("… 'Out of whack with reality'", "… (VIDEOS)"), with a short word ("… as war grinds on") and
be long (tabloids write 40-word headlines). What a headline is not: the first line of a
hard-wrapped paragraph ("… between Russia and" / "Ukraine to end …"), a sentence, a list
intro ("…:"). A blank line after the first line is strong evidence: a wrapped paragraph does
not break there.
"""

from __future__ import annotations

import re

from workbench.corpus.clean import count_words

MAX_WORDS = 60  # longer is a paragraph that lost its full stop, not a headline
# Closing quotes and brackets say nothing about where a line ends: look inside them.
_CLOSERS = "\"'”’»)]›"
_SENTENCE_END = (".", "…", ":", ";", ",")
# "U.S.", "Jr.", "Inc." end headlines without ending a sentence.
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Z]\.){2,}|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St|Dr|Mr|Mrs|Ms|"
                           r"Gov|Sen|Rep|Gen|No|vs|etc)\.)$")
# Words a hard-wrapped line often breaks after, and a headline rarely ends with.
_CONNECTIVES = frozenset("""a an and as at between but by for from in into is of on or that the
to was were with""".split())
# Lines that are no headline whatever their shape: a photo caption or credit in brackets
# ("(Reuters photo: Yuri Gripas)", "… (Reuters/Jonathan Ernst)"), a time stamp ("Updated at
# 10:04 a.m. ET", "7 years ago"), CNN's "Story highlights" box.
_CREDITED = r"(?:Getty Images|AP|AFP|Reuters|EPA|Landov|Bloomberg|Shutterstock|Sipa|CQ Roll Call)"
_NOT_HEADLINE = re.compile(
    r"^\(.*\)$|\([^()]*(?:/|\b[Pp]hoto\b|\b" + _CREDITED + r"\b)[^()]*\)$"
    r"|(?:/\s?|\bvia\s)" + _CREDITED + r"[\w ./-]{0,20}$"
    r"|^(?:Updated|Posted|Published|Last updated)\b|\bago$|^Story highlights\b")
# Bylines without "By": "Michael Collins and David Jackson", "Jonathan Starkey, Cris Barrish
# and Esteban Parra".
_NAME = (r"(?!(?:Where|Why|How|What|When|Who|Through|The|Is|Are|Was|Has|Will|Can)\b)"
         r"[A-Z][\w.'’-]+(?:\s(?!(?:Is|Are|Was|Has|Will|Can|Of|In|On|For)\b)[A-Z][\w.'’-]+){1,2}")
_NAMES = re.compile(rf"^{_NAME}(?:,\s{_NAME})*,?\sand\s{_NAME}$")
_MARKDOWN_HEADING = re.compile(r"^#{1,2}\s+(\S.*?)(?:\s+#+)?$")
WRAP_MAX_CHARS = 100  # hard-wrapped text is wrapped at 60–80 characters, rarely more


def infer_title(lines: list[str]) -> tuple[str | None, str, int | None]:
    """(title, source, index of the line it came from) for a text without given metadata.

    A headline-shaped first line is the title (``first-line``); otherwise the first sentence,
    cut at 120 characters and labelled ``first-sentence``.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    if not content:
        return None, "unknown", None
    first = content[0]
    heading = _MARKDOWN_HEADING.match(lines[first].strip())
    if heading and len(content) > 1:  # "# Headline" in a Markdown file says so itself
        return heading[1], "first-line", first
    # A one-line text is a body, not a headline.
    if len(content) > 1 and is_headline(lines, first, content[1]):
        return lines[first].strip(), "first-line", first
    body = " ".join(lines[i].strip() for i in content)
    sentence = first_sentence(body)
    if len(sentence) > 120:
        sentence = sentence[:119].rsplit(" ", 1)[0] + "…"
    return sentence, "first-sentence", None


def is_headline(lines: list[str], i: int, following: int) -> bool:
    """Whether ``lines[i]`` reads as a headline above the text that starts at ``following``."""
    line = lines[i].strip()
    n = count_words(line)
    if not 3 <= n <= MAX_WORDS or _NOT_HEADLINE.search(line) or _NAMES.match(line):
        return False  # a label or a name ("Politics", "John Bacon"), a caption, a time stamp
    if ends_sentence(line) and not _title_case(line):
        return False
    blank_after = following > i + 1
    nxt = lines[following].strip()
    width = _wrap_width(lines, following)
    if width is not None and _starts_lower(line):
        return False  # the tail of a wrapped caption ("border crossing after migrant rush")
    if not blank_after and _starts_lower(nxt):
        return False  # the sentence goes on on the next line
    if blank_after:
        return True
    last = line.rsplit(" ", 1)[-1].casefold().strip(_CLOSERS)
    if width is None:
        # Paragraphs are one line each; or the text is too short to tell, and then a short
        # line breaking after "and", "of"… above another short one is a sentence in two.
        short = sum(1 for ln in lines[following:following + 3] if ln.strip()) < 3
        return not (short and last in _CONNECTIVES and len(line) <= WRAP_MAX_CHARS
                    and len(nxt) <= WRAP_MAX_CHARS and not _title_case(line))
    # Hard-wrapped: a wrapped line breaks because the next word does not fit; a headline
    # breaks where the next word would have fitted, or runs past the width. One as long as
    # the width shows itself by its capitals or by closing a quote before a capital.
    return len(line) + 1 + len(nxt.split(" ", 1)[0]) <= width or len(line) > width + 5 \
        or (last not in _CONNECTIVES and _title_case(line, 1.0)) \
        or (line.endswith(tuple(_CLOSERS)) and nxt[:1].isupper())


def _starts_lower(line: str) -> bool:
    # "iPhone sales…" starts a headline; "border crossing after…" continues a sentence.
    return line[:1].islower() and not line[1:2].isupper()


def _title_case(line: str, share: float = 0.85) -> bool:
    """Words of four letters or more capitalised (``share`` of them: "Judge Blocks Trump
    Administration's Asylum Policy. Here's Why."): a headline even when it ends with a full
    stop; a sentence is not written so, though one full of names comes close."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) > 3]
    return len(words) >= 3 and not line.isupper() \
        and sum(w[0].isupper() for w in words) >= share * len(words)


_STOP = re.compile(r"(?<=[.!?。！？])\s+")
_TITLE_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|St|No)\.$")


def first_sentence(text: str) -> str:
    """The first sentence of ``text``: not cut after "Mr." or "Sen." (a name follows), nor
    after an initialism a lower-case word continues ("the C.I.A. director Mike Pompeo")."""
    for m in _STOP.finditer(text):
        before, after = text[:m.start()], text[m.end():m.end() + 1]
        if _TITLE_ABBREVIATION.search(before) or (
                _ABBREVIATION.search(before) and after.islower()):
            continue
        return before
    return text


def ends_sentence(line: str) -> bool:
    """Whether ``line`` ends a sentence, looking inside closing quotes and brackets ("… (VIDEOS)"
    does not, "… said 'no.'" does; "?" and "!" end headlines too, "U.S." no sentence)."""
    core = line.rstrip(_CLOSERS + " ")
    if line.endswith(("?", "!")) or core.endswith(("?", "!")):
        return False
    if core.endswith(".") and _ABBREVIATION.search(core) and not core.endswith("..."):
        return False
    return core.endswith(_SENTENCE_END) or core.endswith("...")


def _wrap_width(lines: list[str], start: int, sample: int = 30) -> int | None:
    """The width the text after ``start`` is hard-wrapped at, or None if it is not wrapped
    (most of its lines run close to one width that no line passes)."""
    body = [ln.strip() for ln in lines[start:start + sample] if ln.strip()]
    if len(body) < 3:
        return None
    width = max(len(ln) for ln in body)
    if width > WRAP_MAX_CHARS:
        return None
    full = sum(len(ln) >= 0.6 * width for ln in body)
    return width if full >= 0.6 * len(body) else None
