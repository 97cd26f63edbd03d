"""Turning article text into countable words and n-grams, without spaCy.

A token is a run of letters and digits, possibly joined by inner hyphens or apostrophes — the
regex :data:`TOKEN_RE`, applied to lowercased text with curly apostrophes and Unicode hyphens
folded to ASCII — so ``Russia-Ukraine``, ``ambassador-at-large``, ``o'clock`` and names such as
``F-16``, ``MH17`` or ``Zapad-2025`` stay whole, while a token without any letter (``2025``,
``60,000``) is a number and is dropped; a dotted abbreviation (``U.S.``) is one token,
``u.s.``.  A possessive or contraction ending is stripped (``ukraine's`` → ``ukraine``) and
the word is then dropped if it is an English stop word
(``stopwords.txt``, from spaCy's list) or a negated auxiliary (``don't``).
N-grams join consecutive kept tokens separated only by spaces: punctuation, a number, a line
break or a stop word between two tokens breaks the n-gram, so "the Kiev regime," gives
``kiev regime`` but "Kiev, regime" gives nothing.

Other languages (``language=``, the article's ``language`` code): Russian and Ukrainian words
are counted by lemma (pymorphy3, the dictionaries the annotator uses), so "Киева", "Киеве" and
"Киев" are one term ``киев`` and phrases are runs of lemmas (``специальный военный
операция``); ё is written е; a word in capitals (ВСУ, НАБУ) stays as it is, lowercased; the
likeliest reading wins, and among equally likely ones a common word or place before a first
name or surname (Ukrainian "Києві" is Київ, not the name Кий); stop words are spaCy's
lists for the language (``stopwords-ru.txt``, ``stopwords-uk.txt``), checked on the word and
on its lemma; Latin-script words inside them follow the English rules.  Any other
language: lowercased words less spaCy's stop list for it when spaCy has one; unknown
(missing) languages follow the English rules.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

# Dotted abbreviations first ("U.S.", "U.N.": otherwise the words "u" and "s").
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_]+(?:['-][^\W_]+)*")
_SPLIT_RE = re.compile(f"({TOKEN_RE.pattern})")
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile("[\u0400-\u04ff]")

_FOLD = {"’": "'", "‘": "'", "ʼ": "'", "‐": "-", "‑": "-", "‒": "-"}
_SUFFIXES = ("'s", "'ll", "'re", "'ve", "'d", "'m")


LEMMATISED = frozenset({"ru", "uk"})
"""Languages whose words are counted by lemma (pymorphy3 has their dictionaries)."""
_SHIPPED = {"en": "stopwords.txt", "ru": "stopwords-ru.txt", "uk": "stopwords-uk.txt"}
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


@lru_cache(maxsize=16)
def stop_words(language: str = "en") -> frozenset[str]:
    """The stop-word list of ``language`` (read once): the shipped English, Russian or
    Ukrainian file, else spaCy's list for that language, else an empty set."""
    name = _SHIPPED.get(language)
    if name is None:
        return _spacy_stop_words(language)
    lines = Path(__file__).with_name(name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def _spacy_stop_words(language: str) -> frozenset[str]:
    import importlib

    if not language.isalpha():
        return frozenset()
    try:
        module = importlib.import_module(f"spacy.lang.{language}.stop_words")
    except ImportError:
        return frozenset()
    return frozenset(w.lower() for w in getattr(module, "STOP_WORDS", ()))


def tokens(text: str, language: str | None = "en") -> list[str | None]:
    """The lowercased tokens (lemmas, for Russian and Ukrainian) of ``text`` in order, with
    ``None`` where the sequence breaks (a stop word, a number, punctuation or a line break), so
    n-grams never bridge such gaps; ``language`` chooses the rules (module docstring)."""
    word_of = _word if not language or language == "en" else _word_rule(language)
    # split() with a capturing group alternates gap, token, gap, token, …, gap — one C call
    # instead of a Python step per match; this loop is the hot path of word keyness.
    folded = _fold(text)
    parts = _SPLIT_RE.split(folded if language in LEMMATISED else folded.lower())
    out: list[str | None] = []
    append = out.append
    in_run = False  # the last item appended is a word, not a break
    for i in range(1, len(parts), 2):
        gap = parts[i - 1]
        if in_run and gap != " " and gap and (gap.strip() or "\n" in gap):
            append(None)
            in_run = False
        word = word_of(parts[i])
        if word is not None:
            append(word)
            in_run = True
        elif in_run:
            append(None)
            in_run = False
    return out


def ngrams(toks: list[str | None], n: int) -> list[str]:
    """Space-joined runs of ``n`` consecutive tokens with no break inside."""
    if n == 1:
        return [t for t in toks if t is not None]
    return [" ".join(g) for g in zip(*(toks[k:] for k in range(n))) if None not in g]


def terms(text: str, ngram: tuple[int, int] = (1, 2), language: str | None = "en"
          ) -> list[str]:
    """The unigrams … n-grams (``ngram=(min_n, max_n)``) of ``text`` (words of ``language``),
    as a list to count."""
    lo, hi = ngram
    if lo < 1 or hi < lo:
        raise ValueError("ngram must be (min_n, max_n) with 1 <= min_n <= max_n")
    toks = tokens(text, language)
    out: list[str] = []
    for n in range(lo, hi + 1):
        out += ngrams(toks, n)
    return out


def count_terms(text: str, ngram: tuple[int, int] = (1, 2), language: str | None = "en"
                ) -> Counter[str]:
    """Counts of the unigrams … n-grams (``ngram=(min_n, max_n)``) of ``text``."""
    return Counter(terms(text, ngram, language))


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the character ``spans`` ([start, end), e.g. boilerplate paragraphs) cut
    out, each replaced by a line break so that no n-gram joins the words around it."""
    if not spans:
        return text
    parts, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            parts.append(text[at:start])
        at = max(at, end)
    parts.append(text[at:])
    return "\n".join(parts)


def _fold(text: str) -> str:
    # str.replace per character present: ~40x faster than str.translate with a dict table.
    for char, ascii_char in _FOLD.items():
        if char in text:
            text = text.replace(char, ascii_char)
    return text


@lru_cache(maxsize=1 << 18)
def _word(raw: str) -> str | None:
    """The countable form of one matched token, or None (a number, a stop word, a negation)."""
    word = _base(raw) if _LETTER.search(raw) else None
    return None if word is None or word in stop_words() else word


def _base(word: str) -> str | None:
    if word.endswith("n't"):
        return None
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=64)
def _word_rule(language: str) -> Callable[[str], str | None]:
    """The countable form of one token of ``language`` (cached per token), or None."""
    if language not in LEMMATISED:
        stops = stop_words(language)

        @lru_cache(maxsize=1 << 17)
        def other(raw: str) -> str | None:
            return raw if _LETTER.search(raw) and raw not in stops else None
        return other

    from workbench.annotate.cyrillic_kb import analyzer

    parse, stops = analyzer(language).parse, stop_words(language)

    @lru_cache(maxsize=1 << 18)
    def lemma(raw: str) -> str | None:
        if not _CYRILLIC.search(raw):
            return _word(raw.lower())  # a Latin-script or numeric token: the English rules
        low = raw.lower().replace("ё", "е")
        if low in stops:
            return None
        if raw.isupper() and len(raw) > 1:  # an abbreviation: pymorphy3 guesses ("НАБУ" → наб)
            return low
        readings = parse(low)[:4]
        if not readings:
            return low
        # The likeliest reading; among equally likely ones (the Ukrainian dictionary has no
        # frequencies) a common word or place before a first name or surname.
        tied = [p for p in readings if p.score >= readings[0].score]
        best = next((p for p in tied if not _NAME_TAGS & p.tag.grammemes), readings[0])
        form = best.normal_form.replace("ё", "е")
        return None if form in stops else form
    return lemma
