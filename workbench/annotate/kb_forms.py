"""The surface forms of a knowledge-base alias: normalised for lookup (typographic quotes and
hyphens, accents, spacing), its typographic twins, its dotted initialism ("FBI" → "F.B.I.")."""

from __future__ import annotations

import itertools
import re
import unicodedata

_PUNCT = str.maketrans({
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u02bc\u2032`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),
    "\u00ad": None,  # soft hyphens are invisible in print
})


def normalise(text: str) -> str:
    """NFKC, typographic quotes/apostrophes/hyphens unified, diacritics folded, whitespace
    collapsed. Case is kept (see :meth:`KnowledgeBase.lookup`)."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", " ".join(text.split()))


# Three capitals or more: "R.T." or "A.P." in a text are more often a person's initials
# ("R.T. Rybak") than the outlet, so two-letter ones are only looked up once the model has
# tagged them alone as an entity.
_INITIALISM = re.compile(r"[A-Z]{3,6}")
DOTTED = re.compile(r"(?:[A-Z]\.){2,6}")


def dotted_initialism(text: str) -> str | None:
    """"F.B.I." for the initialism "FBI" (3–6 capitals), else None."""
    return "".join(f"{c}." for c in text) if _INITIALISM.fullmatch(text) else None


def undotted(text: str) -> str:
    """"FBI" for "F.B.I."."""
    return text.replace(".", "")


# Typographic forms news sites print for the ASCII characters an editor types.
_TYPOGRAPHIC = {"'": ("'", "\u2019"), "-": ("-", "\u2010", "\u2011", "\u2013")}


def twins(text: str) -> list[str]:
    """The alias and its typographic-apostrophe/hyphen spellings (each character class
    replaced uniformly), so the exact-match ruler sees "Prosecutor’s" as well."""
    base = text.translate(_PUNCT)
    present = [c for c in _TYPOGRAPHIC if c in base]
    forms = []
    for choice in itertools.product(*(_TYPOGRAPHIC[c] for c in present)):
        form = base
        for ascii_char, typographic in zip(present, choice, strict=True):
            form = form.replace(ascii_char, typographic)
        forms.append(form)
    if text not in forms:
        forms.insert(0, text)
    return forms
