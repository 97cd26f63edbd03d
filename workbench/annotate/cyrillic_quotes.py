"""Quotes and dated expressions in Russian and Ukrainian text (rows as the English path)."""

from __future__ import annotations

from datetime import date
from typing import Any


def piece_quotes(text: str, language: str, mentions: list[dict[str, Any]],
                 starts: list[int]) -> list[dict[str, Any]]:
    """Quote rows of one text."""
    return []


def piece_dates(text: str, language: str, anchor: date | None,
                starts: list[int]) -> list[dict[str, Any]]:
    """Date rows of one text."""
    return []
