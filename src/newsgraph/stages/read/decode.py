"""Bytes -> text: BOMs, UTF-8, UTF-16, legacy code pages; NULs stripped; NFC; '\n' newlines.

The decoded text is what text-input offsets (`removed`, quotes, mentions) point into."""

from __future__ import annotations

import codecs
import unicodedata

from newsgraph.errors import InputError

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Magic numbers of binary formats people mistakenly name .txt/.html: say which it is.
_MAGIC: list[tuple[bytes, str]] = [
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx)"),
    (b"\x1f\x8b", "gzip data"),
    (b"\x7fELF", "ELF executable"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ", "xz data"),
    (b"SQLite format 3", "SQLite database"),
]

_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}
_CONTROL_BYTES = bytes(sorted(_CONTROL))


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-heavy text has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    # the NUL pattern must also decode to text: b"000\x00" (ASCII and a stray NUL) is not "〰0"
    if odd > 0.4 and even < 0.05 and _plausible(sample, "utf-16-le"):
        return "utf-16-le"
    if even > 0.4 and odd < 0.05 and _plausible(sample, "utf-16-be"):
        return "utf-16-be"
    # Text in one non-Latin alphabet (Cyrillic, Greek, Arabic...): few NULs, but the high byte
    # of every code unit is one of two values (the alphabet's block, and 0 for spaces).
    if _is_utf8(sample) and not _looks_binary(sample):
        return None  # readable UTF-8 text (Greek UTF-8 would pass as Hangul UTF-16)
    for high, low, enc in ((sample[1::2], sample[0::2], "utf-16-le"),
                           (sample[0::2], sample[1::2], "utf-16-be")):
        counts = sorted((high.count(b) for b in set(high)), reverse=True)
        if (len(high) >= 16 and sum(counts[:2]) / len(high) > 0.9 and len(set(low)) > 8
                and _plausible(sample, enc)):
            return enc
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return exc.start >= len(data) - 3  # a sample cut mid-character


def _plausible(sample: bytes, encoding: str) -> bool:
    """Decodes strictly to text that is mostly letters and spaces, with no control characters."""
    try:
        text = sample[: len(sample) // 2 * 2].decode(encoding)
    except UnicodeDecodeError:
        return False
    if not text or any(ord(c) in _CONTROL for c in text):
        return False
    return sum(c.isalpha() or c.isspace() for c in text) / len(text) > 0.7


def _looks_binary(data: bytes) -> bool:
    sample = data[:65536].replace(b"\x00", b"")
    if not sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C
    return controls / len(sample) > 0.05


def detect_encoding(data: bytes) -> tuple[str, int]:
    """(encoding, number of leading bytes to skip). Raises InputError for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc, len(bom)
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError("E103", f"the file holds {what}, not text")
    utf16 = _sniff_utf16(data)
    if utf16:
        return utf16, 0
    if _looks_binary(data):
        raise InputError("E103", "the bytes are mostly control characters: binary, not text")
    try:
        data.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as exc:
        # A big file cut mid-character is still UTF-8: tolerate an error in the last 3 bytes.
        if exc.start >= len(data) - 3:
            return "utf-8", 0
    return _legacy_encoding(data), 0


# The Windows code page of each language charset-normalizer can recognise. Its pick among
# single-byte code pages is unreliable on short texts (French latin-1 read as cp1257 "ą" for "à",
# Portuguese as cp1250): the letters' *language* is the steadier signal, so when it names a
# language, the code page written for that language wins if it decodes the bytes cleanly.
_LANGUAGE_CODEPAGE: dict[str, str] = {
    **dict.fromkeys(
        ("Danish", "Dutch", "English", "Finnish", "French", "German", "Indonesian", "Italian",
         "Norwegian", "Portuguese", "Spanish", "Swedish"), "cp1252"),
    **dict.fromkeys(
        ("Croatian", "Czech", "Hungarian", "Polish", "Romanian", "Slovak", "Slovene"), "cp1250"),
    **dict.fromkeys(("Bulgarian", "Russian", "Serbian", "Ukrainian"), "cp1251"),
    "Greek": "cp1253", "Turkish": "cp1254", "Hebrew": "cp1255", "Arabic": "cp1256",
    "Farsi": "cp1256", "Estonian": "cp1257", "Lithuanian": "cp1257",
}


def _single_byte(encoding: str) -> bool:
    try:
        return len(bytes(range(256)).decode(encoding, errors="replace")) == 256
    except LookupError:
        return False


def _legacy_encoding(data: bytes) -> str:
    from charset_normalizer import from_bytes  # lazy: only legacy encodings need it

    sample = data[:200_000]
    best = from_bytes(sample).best()
    if best is None:
        raise InputError("E104", "no text encoding fits these bytes")
    preferred = _LANGUAGE_CODEPAGE.get(best.language)
    if preferred and preferred != best.encoding and _single_byte(best.encoding):
        try:
            theirs, ours = str(best), sample.decode(preferred)
        except UnicodeDecodeError:
            return best.encoding
        # The language guess is itself unsteady on a short text (Polish read as "Spanish"):
        # switch only when the switch shows no more stray symbols than the pick did.
        if _oddities(ours) <= _oddities(theirs):
            return preferred
    return best.encoding


# Non-ASCII symbols at home in running text; any other non-letter is a sign of a wrong code page.
_TYPOGRAPHY = set("\u00a0«»‘’‚“”„–—…•·€£¥¢©®™°±×÷§¶½¼¾¿¡")


def _oddities(text: str) -> int:
    """Stray symbols: non-ASCII non-letters outside common typography, and ¿/¡/°/§ glued to
    the end of a word (cp1250 'ż' and 'ł' read as cp1252 give 'Za¿ó³æ')."""
    count = 0
    prev = " "
    for ch in text:
        if ch >= "\x80":
            cat = unicodedata.category(ch)
            if cat[0] not in "LM" and (ch not in _TYPOGRAPHY or (ch in "¿¡°§" and prev.isalpha())):
                count += 1
        prev = ch
    return count


def normalize_text(text: str) -> str:
    """NULs out, newlines unified, NFC: the one canonical form every offset refers to."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _declared(data: bytes, declared: str | None) -> str | None:
    """A charset the transport declared (HTTP header), used when the bytes fit it and carry no
    BOM; a wrong declaration (common) falls back to detection."""
    if not declared or data.startswith(tuple(bom for bom, _ in _BOMS)):
        return None
    try:
        codecs.lookup(declared)
        data.decode(declared)
    except (LookupError, UnicodeDecodeError):
        return None
    return declared


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding). Raises InputError E102/E103/E104 with a reason a person can act on."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise InputError("E102", "the input is empty (no characters other than white space)")
    encoding = _declared(data, declared)
    skip = 0
    if encoding is None:
        encoding, skip = detect_encoding(data)
    try:
        text = data[skip:].decode(encoding, errors="strict")
    except (UnicodeDecodeError, LookupError):
        # Only a few stray bytes are wrong: keep the text, mark them with U+FFFD.
        text = data[skip:].decode(encoding if encoding else "utf-8", errors="replace")
        if text.count("\ufffd") > max(10, len(text) // 100):
            raise InputError("E104", f"the bytes do not decode as {encoding}") from None
    text = normalize_text(text)
    if not text.strip():
        raise InputError("E102", "the input is empty after decoding")
    return text, encoding
