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
        grammemes = parse.tag.grammemes
        if "femn" in grammemes or "neut" in grammemes or "plur" in grammemes:
            # The normal form would be masculine or singular ("Зеленской" → "зеленский",
            # "Штатов" → "штат"): inflect to the nominative instead
            nominative = _nominative(parse)
            if nominative:
                keys.add(fold(nominative))
        else:  # masculine singular: the normal form is the nominative
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


def normal_name(words: Sequence[str], language: str, person: bool,
                gaps: Sequence[str] | None = None) -> str:
    """The name in the nominative ("Сергея Лаврова" → "Сергей Лавров", "Марии Захаровой" →
    "Мария Захарова", "Запорожской АЭС" → "Запорожская АЭС"): the declinable words in the case,
    gender and number they agree in — all of a person's words, an organisation's or place's up
    to its head noun ("Министерство государственной безопасности") —, capitals as written;
    ``gaps`` are the separators between the words as printed (default: spaces)."""
    out = _normal_words(tuple(words), language, person)
    gaps = list(gaps) if gaps is not None else [" "] * (len(out) - 1)
    return "".join(w + g for w, g in zip(out, [*gaps, ""], strict=True))


@functools.lru_cache(maxsize=50_000)
def _normal_words(words: tuple[str, ...], language: str, person: bool) -> tuple[str, ...]:
    # A word the dictionary lacks is guessed from its ending; a guessed plural ("Хубэй" as
    # the genitive plural of "хубэя") is wrong far more often than right.
    parses = [[p for p in analyzer(language).parse(w)[:8]
               if p.is_known or "plur" not in p.tag.grammemes] if _declinable(w) else []
              for w in words]
    head = len(words) - 1
    if not person:  # the phrase up to the first noun agrees; what follows depends on it
        head = next((i for i, opts in enumerate(parses) if opts and opts[0].tag.POS == "NOUN"),
                    head)
    reading = _agreement(parses[:head + 1], person)
    out = list(words)
    for i, options in enumerate(parses[:head + 1]):
        chosen = next((p for p in options if _fits(p, reading, person)), None)
        if chosen is not None and reading[0] != "nomn":
            nominative = _nominative(chosen)
            out[i] = _shape(nominative, words[i]) if nominative else words[i]
    return tuple(out)


def _declinable(word: str) -> bool:
    # Not abbreviations, Latin names or words with inner capitals ("МегаСтройСервис")
    return (word[:1].isalpha() and not word.isascii()
            and all(part[1:] == part[1:].lower() for part in word.split("-")))


def _gender(parse: Any) -> str | None:
    """masc | femn | neut, or None when the word is common to both ("Шойгу", "Лукашенко")."""
    grammemes = parse.tag.grammemes
    if "ms-f" in grammemes or "Ms-f" in grammemes:
        return None
    return next((g for g in ("masc", "femn", "neut") if g in grammemes), None)


def _fits(parse: Any, reading: tuple[str | None, str | None, str | None],
          person: bool = False) -> bool:
    case, gender, number = reading
    grammemes = parse.tag.grammemes
    if person and "plur" in grammemes:  # one person's name is singular
        return False
    own = _gender(parse)
    if number and number not in grammemes and ("sing" in grammemes or "plur" in grammemes):
        return False
    return str(parse.tag.case) == case and (gender is None or own is None or own == gender)


def _agreement(parses: list[list[Any]], person: bool) -> tuple[str | None, str | None,
                                                                 str | None]:
    """The case, gender and number the words of a name share: the reading that fits the
    most words, then the one their analyses make likeliest."""
    options = [p for p in parses if p]
    if not options:
        return None, None, None
    readings = {(str(p.tag.case), _gender(p) if "sing" in p.tag.grammemes else None,
                 "plur" if "plur" in p.tag.grammemes else "sing")
                for opts in (options[0], options[-1]) for p in opts[:4] if p.tag.case}
    best: tuple[int, float, tuple] = (-1, 0.0, (None, None, None))
    for reading in sorted(readings, key=str):
        # Each word's best analysis in this reading: its probability, a person's last word
        # counting more as a surname and the others as first names or patronymics than as
        # common nouns ("Маска" after "Илона"; "Токаева" a surname, not a woman's name).
        weights = [max((p.score + (0.5 if person and _role(i, len(options))
                                   & p.tag.grammemes else 0.0)
                        for p in opts if _fits(p, reading, person)), default=None)
                   for i, opts in enumerate(options)]
        score = (sum(w is not None for w in weights), sum(w for w in weights if w is not None))
        if score > best[:2]:
            best = (*score, reading)
    return best[2]


def _role(i: int, n: int) -> frozenset[str]:
    """The name tags expected of word ``i`` of an ``n``-word person name."""
    if n == 1:
        return _NAME_TAGS
    return frozenset({"Surn"}) if i == n - 1 else frozenset({"Name", "Patr"})


def _shape(word: str, like: str) -> str:
    if fold(word) == fold(like):
        return like
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        parts, was = word.split("-"), like.split("-")
        if len(parts) != len(was):
            return word[:1].upper() + word[1:]
        return "-".join(p[:1].upper() + p[1:] if w[:1].isupper() else p
                        for p, w in zip(parts, was, strict=True))
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


_CONSONANT_PAIRS = (("shch", "sh"), ("sch", "sh"), ("ck", "k"), ("ch", "ç"), ("zh", "j"),
                    ("kh", "h"), ("ph", "f"), ("ts", "ç"), ("tz", "ç"), ("w", "v"), ("x", "ks"),
                    ("q", "k"))
_LATIN_C = re.compile(r"c(?=[eiy])")  # Cecil: s; Macron, Clinton: k (Макрон, Клинтон)
_SLAVIC_IC = re.compile(r"ic$")


def loose_key(name: str) -> str:
    """A spelling-blind key of a Latin name: consonants only, a few digraphs unified, an
    initial vowel as ``a`` ("Kasym-Zhomart Tokayev" and "Kassym-Jomart Tokayev" are both
    "ksm jmrt tkv"; "Andy Murray" and "Endi Marrey", "Emmanuel Macron" and "Emmanuel Makron"
    agree)."""
    words = re.sub(r"[^a-z ]+", " ", unicodedata_fold(name)).split()
    out = []
    for word in words:
        for a, b in _CONSONANT_PAIRS:
            word = word.replace(a, b)
        word = _SLAVIC_IC.sub("iç", word)  # Djokovic, Vucic: -ич
        word = _LATIN_C.sub("s", word).replace("c", "k").replace("ç", "c")
        head = "a" if word[:1] in "aeiouy" else word[:1]
        word = head + re.sub(r"[aeiouy']", "", word[1:]) if word else word
        out.append(re.sub(r"(.)\1+", r"\1", word))
    return " ".join(out)


def unicodedata_fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def link_across_languages(mentions: Any) -> Any:
    """Persons and places the knowledge base lacks, named in Cyrillic in some articles and in
    Latin letters in others, get the Latin-script entity when their transliterated names
    agree (:func:`loose_key`) and no other entity of that type shares the key; others stay."""
    import pandas as pd

    if mentions.empty:
        return mentions
    local = mentions["entity_id"].str.startswith("local:", na=False) & \
        mentions["type"].isin(["PERSON", "PLACE"])
    cyrillic = mentions["entity"].str.contains("[\u0400-\u04ff]", regex=True, na=False)
    latin = mentions[local & ~cyrillic].drop_duplicates(["type", "entity_id"])
    if latin.empty or not (local & cyrillic).any():
        return mentions
    keys = pd.Series([loose_key(n) for n in latin["entity"]], index=latin.index)
    counts = pd.Series(list(zip(latin["type"], keys, strict=True))).value_counts()
    target = {(t, k): (i, n) for t, k, i, n in zip(latin["type"], keys, latin["entity_id"],
                                                   latin["entity"], strict=True)
              if counts[(t, k)] == 1 and " " in k}  # full names only, never one word
    rows = mentions[local & cyrillic]
    out = mentions.copy()
    for idx, kind, entity_id in zip(rows.index, rows["type"], rows["entity_id"], strict=True):
        hit = target.get((kind, loose_key(entity_id.removeprefix("local:").replace("-", " "))))
        if hit is not None:
            out.at[idx, "entity_id"], out.at[idx, "entity"] = hit
    return out
