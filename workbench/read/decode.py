"""Bytes → text: BOMs, UTF-8, then charset detection for legacy encodings (cp1251, latin-1…).

Text that is UTF-8 but for a few stray bytes stays UTF-8 (the stray bytes replaced and counted)
rather than being read whole in a wrong single-byte codec; NUL bytes are dropped.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

from workbench.errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# Formats people save by mistake into an article folder; named so the message can say what it is.
_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x1f\x8b", "gzip-compressed data (name it .gz)"),
)


@dataclass
class Decoded:
    """Decoded text, the codec used, and what had to be repaired on the way."""

    text: str
    encoding: str
    replaced: int = 0  # bytes that were not UTF-8 in an otherwise UTF-8 text (now U+FFFD)
    nuls: int = 0  # NUL bytes dropped

    def notes(self) -> list[str]:
        """The repairs in words, for a warning line."""
        out = []
        if self.replaced:
            out.append(f"{self.replaced} byte{'s' if self.replaced != 1 else ''} not UTF-8 "
                       "replaced with U+FFFD")
        if self.nuls:
            out.append(f"{self.nuls} NUL byte{'s' if self.nuls != 1 else ''} dropped")
        return out


# A valid multi-byte UTF-8 sequence: evidence that the text is UTF-8 despite a bad byte.
_UTF8_MULTI = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                         rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise DecodeError for binary data."""
    d = decode(data)
    return d.text, d.encoding


def decode(data: bytes) -> Decoded:
    """Decode ``data`` (see the module docstring); raise DecodeError for binary data."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"binary file ({what}), not text")
    nuls = 0
    if b"\x00" in data and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                                                codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        guess = _bomless_utf16(data)
        if guess:
            return Decoded(*guess)
        nuls = data.count(b"\x00")
        if nuls > len(data) * 0.01:
            raise DecodeError("binary data (NUL bytes throughout), not text")
        data = data.replace(b"\x00", b"")
    d = _decode(data)
    d.nuls = nuls
    return d


def _decode(data: bytes) -> Decoded:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but does not "
                                  f"decode as {encoding} ({exc.reason})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        almost = _almost_utf8(data)
        if almost is not None:
            return almost
    else:
        if _looks_binary(text):
            raise DecodeError("binary data (control characters throughout), not text")
        return Decoded(text, "utf-8")
    matches = charset_normalizer.from_bytes(data[:200_000])
    best = matches.best()
    if best is None or best.encoding is None:
        raise DecodeError("binary or undecodable data (no text encoding fits)")
    encoding = _prefer_western(best, matches)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"looked like {encoding} but does not decode as it") from None
    if _looks_binary(text):
        raise DecodeError("binary data (control characters throughout), not text")
    return Decoded(text, encoding)


def _almost_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few stray bytes (a cp1252 dash pasted in): at least as many valid
    multi-byte sequences as bad bytes. A legacy-encoded text has no valid multi-byte sequences
    to speak of."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = len(_UTF8_MULTI.findall(data))
    if bad <= 0 or valid < bad:
        return None
    if _looks_binary(text):
        raise DecodeError("binary data (control characters throughout), not text")
    return Decoded(text, "utf-8", replaced=bad)


# Single-byte Central European code pages that detection confuses with Western cp1252 on
# short texts ("naïve" read as "naďve").
_CENTRAL = {"cp1250", "iso8859_2", "iso8859_3", "iso8859_16", "mac_latin2", "cp1257",
            "iso8859_4", "iso8859_13", "iso8859_10"}
_WESTERN = ("cp1252", "latin_1", "iso8859_15")


def _prefer_western(best: object, matches: object) -> str:
    if best.encoding not in _CENTRAL:
        return best.encoding
    for m in matches:
        if m.encoding in _WESTERN and m.chaos <= best.chaos + 0.02:
            return m.encoding
    return best.encoding


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte-order mark: NULs on every other byte (the high byte of ASCII)."""
    sample = data[:4096]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2 or 1
    for encoding, nuls in (("utf-16-le", odd), ("utf-16-be", even)):
        if nuls > half * 0.3:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if not _looks_binary(text):
                return text, encoding
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls / len(sample) > 0.01
