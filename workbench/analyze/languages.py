"""Article languages as analyses use them: codes, names, and the tokeniser rules for each.

Word keyness compares words within one language (:mod:`workbench.analyze.keyness`); these
helpers say which language an article's words are in and how to name it to a reader.
"""

from __future__ import annotations

import pandas as pd

from .select import UNKNOWN


def article_languages(articles: pd.DataFrame) -> pd.Series:
    """Each article's ``language`` code as a string, ``"(unknown)"`` where missing."""
    if "language" not in articles.columns:
        return pd.Series(UNKNOWN, index=articles.index, dtype=object)
    codes = articles["language"].astype("string").str.strip().str.lower()
    return codes.where(codes.notna() & (codes != ""), UNKNOWN).astype(object)


def rules(language: str) -> str:
    """The tokeniser rules for an article language (unknown: English)."""
    return "en" if language == UNKNOWN else language


def language_name(code: object) -> str:
    """"Russian (ru)", "English (en)": a language code as a reader names it."""
    code = str(code)
    return f"{LANGUAGE_NAMES[code]} ({code})" if code in LANGUAGE_NAMES else code


LANGUAGE_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "be": "Belarusian",
                  "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
                  "pl": "Polish", "ro": "Romanian", "bg": "Bulgarian", "sr": "Serbian",
                  "ar": "Arabic", "tr": "Turkish", "zh": "Chinese", "kk": "Kazakh",
                  "ka": "Georgian", "hy": "Armenian", "az": "Azerbaijani", "lt": "Lithuanian",
                  "lv": "Latvian", "et": "Estonian", "cs": "Czech", "sk": "Slovak",
                  "hu": "Hungarian", "fi": "Finnish", "sv": "Swedish", "nl": "Dutch",
                  "pt": "Portuguese", "he": "Hebrew", "fa": "Persian", UNKNOWN: UNKNOWN}
