"""Russian and Ukrainian names: lemma keys, knowledge-base matching by lemma, normal forms.

Aliases are written once, in the nominative (``aliases-ru-uk.yaml``); a word of the text matches
an alias word when one of its *keys* is that word: the word itself (lower case, ё as е) or one of
its pymorphy3 analyses put in the nominative with its gender and number kept — so "Путина" and
"Путину" are "путин", "Зеленской" is "зеленская" (Olena Zelenska, never Volodymyr Zelensky),
"Киеве" is "киев", "Запорожской области" is "запорожская область". Fixed dependents of an alias
("Министерство обороны России") match as written, since a word is its own key too.

Names the knowledge base lacks count under their normal form (:func:`normal_name`: the words
put in the nominative in the case and gender they agree in) with a ``local:`` id transliterated
by a standard scheme (:func:`transliterate`: Russian by the English Wikipedia scheme, which
gives the spellings of the English-language press, Ukrainian by the official national one of
2010), so a person named in Russian and in English gets one id when the spellings agree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from workbench.annotate.kb import Entity, KnowledgeBase

LANGUAGES = ("ru", "uk")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr"})


def fold(word: str) -> str:
    """Lower case, ё as е (Russian print drops the dots), apostrophes unified."""
    return word.casefold().replace("ё", "е").replace("’", "'").replace("ʼ", "'")


@functools.cache
def analyzer(language: str) -> Any:
    """The pymorphy3 analyser of a language (its dictionary ships in ``pymorphy3-dicts-*``)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@functools.lru_cache(maxsize=200_000)
def word_keys(word: str, language: str) -> frozenset[str]:
    """The forms an alias word may take to match ``word`` (see the module docstring)."""
    keys = {fold(word)}
    if not any(c.isalpha() for c in word) or word.isascii():
        return frozenset(keys)
    for parse in analyzer(language).parse(word)[:6]:
        nominative = _nominative(parse)
        if nominative:
            keys.add(fold(nominative))
        elif parse.tag.gender != "femn":
            keys.add(fold(parse.normal_form))
    return frozenset(keys)


def _nominative(parse: Any) -> str | None:
    tag = parse.tag
    if tag.case is None or tag.POS not in ("NOUN", "ADJF", "PRTF", "NUMR"):
        return None
    if tag.case == "nomn":
        return parse.word
    grams = {"nomn"} | ({"plur"} if tag.number == "plur" else set())
    try:
        form = parse.inflect(grams)
    except (ValueError, KeyError):
        form = None
    return form.word if form is not None else None


@dataclass(frozen=True)
class KBMatch:
    """A knowledge-base alias found in text: token span ``[start, end)``, entity, variant."""

    start: int
    end: int
    entity: Entity
    variant: str | None


class LemmaIndex:
    """Every alias of a knowledge base (English and other languages), by its words' folds."""

    def __init__(self, kb: KnowledgeBase) -> None:
        from razdel import tokenize

        self._first: dict[str, list[tuple[tuple[str, ...], bool, Entity, str | None]]] = {}
        for entity in kb.entities.values():
            aliases = [*entity.aliases, *(a for _, a in kb.language_aliases.get(entity.id, []))]
            for alias in aliases:
                words = tuple(fold(t.text) for t in tokenize(alias.text))
                if not words or not alias.text[0].isupper() and not alias.text[0].isdigit():
                    continue  # "the Russians": only names that start with a capital
                acronym = len(alias.text) <= 5 and alias.text.isupper()
                self._first.setdefault(words[0], []).append((words, acronym, entity,
                                                             alias.variant))
        for items in self._first.values():
            items.sort(key=lambda item: -len(item[0]))
        # Inflection keeps a word's first letters, up to vowel alternation ("Київ", "Києві"):
        # a cheap test that spares most capitalised words their morphological analysis.
        self._prefixes = frozenset(_prefix(key) for key in self._first)

    def find(self, words: Sequence[str], language: str, start: int = 0,
             end: int | None = None) -> list[KBMatch]:
        """Longest alias matches, left to right, among ``words[start:end]`` (token texts)."""
        end = len(words) if end is None else end
        out: list[KBMatch] = []
        i = start
        while i < end:
            hit = self.match_at(words, i, language, end) if _capital(words[i]) else None
            if hit is None:
                i += 1
                continue
            out.append(hit)
            i = hit.end
        return out

    def match_at(self, words: Sequence[str], i: int, language: str,
                 end: int | None = None) -> KBMatch | None:
        """The longest alias starting at token ``i``."""
        end = len(words) if end is None else end
        best: KBMatch | None = None
        if _prefix(fold(words[i])) not in self._prefixes:
            return None
        for key in word_keys(words[i], language):
            for alias_words, acronym, entity, variant in self._first.get(key, ()):
                n = len(alias_words)
                if i + n > end or (best is not None and n <= best.end - best.start):
                    continue
                if acronym and not words[i].isupper():
                    continue  # "ЕС" (the EU), never "ес"
                if all(alias_words[j] in word_keys(words[i + j], language)
                       for j in range(1, n)):
                    best = KBMatch(i, i + n, entity, variant)
        return best

    def whole(self, words: Sequence[str], language: str) -> KBMatch | None:
        """The alias that is exactly ``words`` (a statistical entity), if any."""
        hit = self.match_at(words, 0, language) if words else None
        return hit if hit is not None and hit.end == len(words) else None


_VOWELS = str.maketrans("їєіиеэёоаяуюы", "eeeeeeeeeeeee")


def _prefix(folded: str) -> str:
    return folded[:3].translate(_VOWELS)


def _capital(word: str) -> bool:
    return word[:1].isupper() or word[:1].isdigit()


def normal_name(words: Sequence[str], language: str, person: bool) -> str:
    """The name in the nominative ("Сергея Лаврова" → "Сергей Лавров", "Марии Захаровой" →
    "Мария Захарова", "Запорожской АЭС" → "Запорожская АЭС"): each declinable word in the
    case (and, for people, the gender) the words agree in, capitals as written."""
    return _normal_name(tuple(words), language, person)


@functools.lru_cache(maxsize=50_000)
def _normal_name(words: tuple[str, ...], language: str, person: bool) -> str:
    # A word the dictionary lacks is guessed from its ending; a guessed plural ("Хубэй" as
    # the genitive plural of "хубэя") is wrong far more often than right.
    parses = [[p for p in analyzer(language).parse(w)[:8]
               if p.is_known or "plur" not in p.tag.grammemes] if _declinable(w) else []
              for w in words]
    case, gender = _agreement(parses, person)
    out, head_done = [], False
    for word, options in zip(words, parses, strict=True):
        chosen = next((p for p in options if _fits(p, case, gender, person)), None)
        if head_done or chosen is None or case == "nomn":
            out.append(word)
            continue
        nominative = _nominative(chosen)
        out.append(_shape(nominative, word) if nominative else word)
        # Organisations and places inflect up to their head noun; its dependents stay as
        # written ("Министерство государственной безопасности").
        head_done = not person and chosen.tag.POS == "NOUN"
    return " ".join(out)


def _declinable(word: str) -> bool:
    return word[:1].isalpha() and not word.isascii() and not (len(word) > 1 and word.isupper())


def _gender(parse: Any) -> str | None:
    """masc | femn | neut, or None when the word is common to both ("Шойгу", "Лукашенко")."""
    grammemes = parse.tag.grammemes
    if "ms-f" in grammemes or "Ms-f" in grammemes:
        return None
    return next((g for g in ("masc", "femn", "neut") if g in grammemes), None)


def _fits(parse: Any, case: str | None, gender: str | None, person: bool = False) -> bool:
    own = _gender(parse)
    if person and "plur" in parse.tag.grammemes:  # one person's name is singular
        return False
    return str(parse.tag.case) == case and (gender is None or own is None or own == gender)


def _agreement(parses: list[list[Any]], person: bool) -> tuple[str | None, str | None]:
    """The case (and gender, for people) the words of a name share: the reading that fits the
    most words, then the one their analyses rank highest."""
    options = [p for p in parses if p]
    if not options:
        return None, None
    readings = {(str(p.tag.case), _gender(p) if person else None)
                for opts in (options[0], options[-1]) for p in opts[:4] if p.tag.case}
    best: tuple[int, float, str | None, str | None] = (-1, 0.0, None, None)
    for case, gender in sorted(readings, key=str):
        # Each word's best analysis in this reading: its probability, a person's last word
        # counting more as a surname and the others as first names or patronymics than as
        # common nouns ("Маска" after "Илона"; "Токаева" a surname, not a woman's name).
        weights = [max((p.score + (0.5 if person and _role(i, len(options))
                                   & p.tag.grammemes else 0.0)
                        for p in opts if _fits(p, case, gender, person)), default=None)
                   for i, opts in enumerate(options)]
        score = (sum(w is not None for w in weights), sum(w for w in weights if w is not None))
        if score > best[:2]:
            best = (*score, case, gender)
    return best[2], best[3]


def _role(i: int, n: int) -> frozenset[str]:
    """The name tags expected of word ``i`` of an ``n``-word person name."""
    if n == 1:
        return _NAME_TAGS
    return frozenset({"Surn"}) if i == n - 1 else frozenset({"Name", "Patr"})


def _shape(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))
    return word


@functools.cache
def _schemes() -> dict[str, Any]:
    import iuliia
    from translitua import UkrainianKMU, translit

    return {"ru": iuliia.WIKIPEDIA.translate, "uk": lambda s: translit(s, UkrainianKMU)}


def transliterate(text: str, language: str) -> str:
    """Latin spelling of a Russian (English Wikipedia scheme) or Ukrainian (national scheme of
    2010) name; other text as it is."""
    scheme = _schemes().get(language)
    return scheme(text) if scheme and re.search("[\u0400-\u04ff]", text) else text
