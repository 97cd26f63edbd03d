"""Bytes → text: BOMs, UTF-8, then charset detection for legacy encodings (cp1251, latin-1…)."""

from __future__ import annotations

import codecs

import charset_normalizer

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


class DecodeError(ValueError):
    """The bytes are not text in any encoding we can recognise."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; raise DecodeError for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise DecodeError(f"starts with a {encoding} byte-order mark but does not "
                                  f"decode as {encoding} ({exc.reason})") from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise DecodeError(f"binary file ({what}), not text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _looks_binary(text):
            raise DecodeError("binary data (control characters throughout), not text")
        return text, "utf-8"
    # NULs without a BOM: either BOM-less UTF-16 (detection handles it) or binary.
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("binary or undecodable data (no text encoding fits)")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        raise DecodeError(f"looked like {best.encoding} but does not decode as it") from None
    if _looks_binary(text):
        raise DecodeError("binary data (control characters throughout), not text")
    return text, best.encoding


def _looks_binary(text: str) -> bool:
    sample = text[:20_000]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return controls / len(sample) > 0.01
