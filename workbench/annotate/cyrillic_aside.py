"""Cyrillic lines set aside from an article in another language, annotated in their language.

The cleaner takes lines in another script than the article's out of ``text`` into
``aside_text`` (the Russian photo titles of Izvestia's English edition: "Дональд Трамп",
"НАБУ", "ВСУ"). Those in Cyrillic are annotated here with the Russian or Ukrainian path
(:mod:`workbench.annotate.cyrillic`), so the names in them are found; their mention rows say
``field = "aside_text"``, their offsets point into ``aside_text``, and ``annotate`` hands them
back apart, as ``ann.aside_mentions`` (table ``aside_mentions`` of ``workbench.tables``): like
the English captions the cleaner drops, photo titles are not counted by the analyses.
A translation credit ("Переведено сервисом «Яндекс Переводчик»") names a tool, not something
the article is about: it is blanked, not annotated. Quotes and dates are not looked for (the
lines are titles and captions, not sentences).
"""

from __future__ import annotations

import re
from typing import Any

from workbench.annotate.cyrillic import ROUTED, lemma_index, piece_mentions, sentence_starts
from workbench.annotate.kb import KnowledgeBase

ASIDE_FIELD = "aside_text"
"""The ``field`` of a mention found in ``aside_text``."""
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_UKRAINIAN = re.compile("[іїєґІЇЄҐ]")
_RUSSIAN = re.compile("[ыэъёЫЭЪЁ]")


def aside_to_annotate(aside: Any, language: Any) -> tuple[str, str | None]:
    """``(text, language)`` of an article's aside lines to annotate: its ``aside_text`` with
    every line that is not in Cyrillic, or is a translation credit, blanked (spaces, so the
    offsets stay those of ``aside_text``), and ``ru`` or ``uk`` — or ``("", None)`` when
    there is nothing to annotate, or the article itself goes to the Cyrillic path."""
    from workbench.corpus.clean import TRANSLATION_PATTERNS

    if not isinstance(aside, str) or not aside.strip() or language in ROUTED:
        return "", None
    lines = aside.split("\n")
    kept = [line if _CYRILLIC.search(line) and not any(p.match(line.strip())
                                                        for p in TRANSLATION_PATTERNS)
            else " " * len(line) for line in lines]
    text = "\n".join(kept)
    if not text.strip():
        return "", None
    ukrainian = len(_UKRAINIAN.findall(text)) > len(_RUSSIAN.findall(text))
    return text, "uk" if ukrainian else "ru"


def aside_mentions(text: str, language: str, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Mention rows of the aside lines (``text`` from :func:`aside_to_annotate`), each line a
    sentence of its own, with ``field = "aside_text"``."""
    rows = piece_mentions(text, language, kb, lemma_index(kb), sentence_starts(text))
    for row in rows:
        row["field"] = ASIDE_FIELD
    return rows
