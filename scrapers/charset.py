"""Bodies to text that is safe to store: the declared charset, UTF-8 or cp1252, never mojibake.

``scrapers.http`` re-exports these; sources call ``scrapers.http.decode_text``.
"""

from __future__ import annotations

import codecs
import re


class TextDecodeError(ValueError):
    """The bytes cannot be turned into trustworthy text (undecodable or mojibake)."""


_CHARSET_IN_TYPE = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_IN_META = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Pages that say ISO-8859-1 (or ASCII) are read as windows-1252, as browsers do.
_AS_CP1252 = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# UTF-8 read as cp1252 or Latin-1: a lead byte shown as a letter, followed by
# continuation bytes (0x80-0xBF) shown as cp1252 or C1 characters. Detection looks
# only for the two-byte leads Â and Ã (they carry U+0080-U+00FF: every å, ä, ö, é),
# since "PÅ" + no-break space or "NESTLÉ®" are real text that would also read as
# UTF-8; repair, once text is known to be mojibake, takes every lead.
_CONTINUATION = "".join(
    sorted({bytes([b]).decode("cp1252", errors="ignore") for b in range(0x80, 0xC0)})
    + [chr(b) for b in range(0x80, 0xC0)]
)
_CONT = "[" + re.escape(_CONTINUATION) + "]"
_MOJIBAKE = re.compile(f"[ÂÃ]{_CONT}|[à-ï]{_CONT}{{2}}|[ð-ô]{_CONT}{{3}}")
_MOJIBAKE_ANY_LEAD = re.compile(f"[Â-ß]{_CONT}|[à-ï]{_CONT}{{2}}|[ð-ô]{_CONT}{{3}}")
_REPAIR_ROUNDS = 4


def _c1_as_bytes(error: UnicodeError) -> tuple[bytes, int]:
    """Encoding error handler: C1 controls (what Latin-1 makes of 0x80-0x9F) as their byte."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if not all(0x80 <= ord(char) <= 0x9F for char in chunk):
        raise error
    return bytes(ord(char) for char in chunk), error.end


codecs.register_error("shamelist.c1", _c1_as_bytes)


def declared_charset(body: bytes, content_type: str) -> str | None:
    """The codec the Content-Type or a <meta> in the first 2 KB names, if Python knows it."""
    found = _CHARSET_IN_TYPE.search(content_type)
    name = found.group(1) if found else None
    if name is None:
        meta = _CHARSET_IN_META.search(body[:2048])
        name = meta.group(1).decode("ascii", errors="ignore") if meta else None
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp1252" if codec in _AS_CP1252 else codec


def _as_utf8(text: str) -> str | None:
    """The text re-read as the UTF-8 it was, or None when it was never UTF-8."""
    try:
        return text.encode("cp1252", errors="shamelist.c1").decode("utf-8")
    except UnicodeError:
        return None


def looks_like_mojibake(text: str) -> bool:
    """True when the text holds UTF-8 read as cp1252/Latin-1 ("Ã¥" for "å", "Ã…" for "Å")."""
    return any(_as_utf8(match.group()) is not None for match in _MOJIBAKE.finditer(text))


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 read as cp1252/Latin-1, even several times over.

    The whole text is re-read when it can be (nothing else in it is touched then);
    otherwise each mojibake fragment is.
    """
    for _round in range(_REPAIR_ROUNDS):
        if not looks_like_mojibake(text):
            break
        whole = _as_utf8(text)
        if whole is None:
            whole = _MOJIBAKE_ANY_LEAD.sub(lambda m: _as_utf8(m.group()) or m.group(), text)
        if whole == text:
            break
        text = whole
    return text


def decode_text(body: bytes, content_type: str = "") -> str:
    """Decode a body: BOM first, then the declared charset, UTF-8, cp1252 (all strict).

    Mojibake is repaired; text that still looks like mojibake, or bytes that no
    candidate can read, raise ``TextDecodeError``: such text must not be stored.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            try:
                return _checked(body[len(bom) :].decode(codec, errors="strict"))
            except UnicodeDecodeError as exc:
                raise TextDecodeError(f"the body starts with a {codec} BOM but is not") from exc
    candidates = [declared_charset(body, content_type), "utf-8", "cp1252"]
    for codec in dict.fromkeys(name for name in candidates if name):
        try:
            return _checked(body.decode(codec, errors="strict"))
        except UnicodeDecodeError:
            continue
    raise TextDecodeError("the body is neither its declared charset, UTF-8 nor cp1252")


def _checked(text: str) -> str:
    if not looks_like_mojibake(text):
        return text
    repaired = repair_mojibake(text)
    if looks_like_mojibake(repaired):
        raise TextDecodeError("the text is mojibake and cannot be repaired")
    return repaired
