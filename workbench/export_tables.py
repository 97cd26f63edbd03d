"""``workbench export``: the tidy tables of an annotated corpus as CSV and/or Parquet files.

CSV is opened in spreadsheets, and article text is untrusted: a cell that begins with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return would be read as a formula (CSV/formula
injection, OWASP), so such text cells get a leading apostrophe (``'=HYPERLINK(…)``), which
spreadsheets show but do not evaluate.  Numbers are left alone (``-3`` is a number, not a
formula).  Parquet keeps the values exactly as they are: it is read by code, not spreadsheets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

TABLE_NAMES = ("articles", "mentions", "quotes", "dates")
FORMATS = ("csv", "parquet")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (and column names) cannot start a formula."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
            text = s.astype("string")
            risky = text.str.startswith(FORMULA_START).fillna(False).astype(bool)
            if risky.any():
                out[col] = s.astype(object).where(~risky, "'" + text.astype(object))
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """``df`` as a formula-neutralised UTF-8 CSV (with BOM, so spreadsheets detect UTF-8)."""
    path = Path(path)
    neutralise(df).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def export_tables(tables: Mapping[str, pd.DataFrame], out: str | Path, *,
                  formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write each table as ``NAME.csv`` and/or ``NAME.parquet`` into ``out`` (created);
    returns the paths written.  Parquet keeps the contract dtypes; list columns survive."""
    formats = list(formats)
    bad = sorted(set(formats) - set(FORMATS))
    if bad or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}, got {formats}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, df in tables.items():
        plain = df.copy()
        plain.attrs = {}  # notes and totals are not data (and attrs need not be JSON)
        if "csv" in formats:
            written.append(write_csv(plain, out / f"{name}.csv"))
        if "parquet" in formats:
            plain.to_parquet(out / f"{name}.parquet", index=False)
            written.append(out / f"{name}.parquet")
    return written


def annotation_tables(ann: object, *, lexicon: str | Path | None = None,
                      raw_text: bool = False) -> dict[str, pd.DataFrame]:
    """The tidy tables of an ``Annotations`` result (``articles`` without ``raw_text`` unless
    asked: it doubles the size and is the unclean input), ``aside_mentions`` when the corpus
    has any, plus ``lexicon_matches`` when a ``lexicon`` path is given ("" or "starter" for
    the shipped one)."""
    tables = {name: getattr(ann, name) for name in TABLE_NAMES}
    aside = getattr(ann, "aside_mentions", None)
    if aside is not None and len(aside):  # names in Cyrillic lines set aside (photo titles)
        tables["aside_mentions"] = aside
    if not raw_text and "raw_text" in tables["articles"].columns:
        tables["articles"] = tables["articles"].drop(columns="raw_text")
    if lexicon is not None:
        from workbench.analyze.lexicon import lexicon_matches

        path = None if str(lexicon) in ("", "starter") else lexicon
        tables["lexicon_matches"] = lexicon_matches(ann.articles, path, ann.quotes)
    return tables
