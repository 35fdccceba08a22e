"""Bodies to text that is safe to store: the declared charset, UTF-8 or cp1252, never mojibake.

The one charset path of every source: pages (``decode_text``), files read as a
stream (``open_text``) and files whose charset is known line by line (``decode_as``).
A charset that says ISO-8859-1 is read as Windows-1252, as browsers do: Latin-1
would turn "–" (0x96) and "€" (0x80) into C1 control characters, and a C1 control
in decoded text is always a sign of the wrong charset, so such text is refused.
``scrapers.http`` re-exports these.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import TextIO


class TextDecodeError(ValueError):
    """The bytes cannot be turned into trustworthy text (undecodable or mojibake)."""


class _WrongCharset(TextDecodeError):
    """The bytes decode, but to C1 controls: another candidate charset may be right."""


_CHARSET_IN_TYPE = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CHARSET_IN_META = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Pages that say ISO-8859-1 (or ASCII) are read as windows-1252, as browsers do.
_AS_CP1252 = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})
# Codecs that read their BOM and drop it, so that a stream can be read again from 0.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
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
# U+0080-U+009F: never text, only what a wrong charset makes of 0x80-0x9F.
_C1_CONTROL = re.compile("[\u0080-\u009f]")
_STREAM_CHUNK = 1024 * 1024  # bytes checked at a time when a file is read as a stream


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
    return codec_for(name) if name else None


def codec_for(name: str) -> str | None:
    """Python's codec for a charset name, with ISO-8859-1 and ASCII read as cp1252."""
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

    A candidate whose text holds a C1 control is the wrong charset, and the next is
    tried. Mojibake is repaired; text that still looks like mojibake, or bytes that
    no candidate can read, raise ``TextDecodeError``: such text must not be stored.
    """
    bom_codec = _bom_codec(body)
    if bom_codec is not None:
        codec = bom_codec
        try:
            return _checked(body.decode(codec, errors="strict"))
        except UnicodeDecodeError as exc:
            raise TextDecodeError(f"the body starts with a {codec} BOM but is not") from exc
    failure = "the body is neither its declared charset, UTF-8 nor cp1252"
    for codec in _candidates(body, content_type):
        try:
            return _checked(body.decode(codec, errors="strict"))
        except UnicodeDecodeError:
            continue
        except _WrongCharset as error:
            failure = str(error)
    raise TextDecodeError(failure)


def decode_as(raw: bytes, charset: str) -> str:
    """Bytes in a charset the source states (a line of a file whose format names it).

    Strict: an undefined byte, a C1 control or mojibake raises ``TextDecodeError``.
    """
    codec = codec_for(charset) or charset
    try:
        text = raw.decode(codec, errors="strict")
    except UnicodeDecodeError as exc:
        raise TextDecodeError(f"not {codec}: {exc.reason} at byte {exc.start}") from exc
    _refuse_c1(text)
    if looks_like_mojibake(text):
        raise TextDecodeError(f"UTF-8 read as {codec} (mojibake)")
    return text


def open_text(body: bytes, content_type: str = "") -> TextIO:
    """The body as a text stream, decoded by the same rules as ``decode_text``.

    For files too large to hold twice (as bytes and as text): the charset is chosen
    by reading the bytes a chunk at a time, so the text is never built whole. Mojibake
    is refused here, not repaired (repairing needs the whole text at once).
    """
    bom_codec = _bom_codec(body)
    candidates = [bom_codec] if bom_codec else _candidates(body, content_type)
    failure = "the body is neither its declared charset, UTF-8 nor cp1252"
    for codec in candidates:
        try:
            _check_stream(body, codec)
        except TextDecodeError as error:
            failure = str(error)
            continue
        return io.TextIOWrapper(io.BytesIO(body), encoding=codec, errors="strict", newline="")
    raise TextDecodeError(failure)


def _check_stream(body: bytes, codec: str) -> None:
    decoder = codecs.getincrementaldecoder(codec)(errors="strict")
    view = memoryview(body)
    try:
        for start in range(0, len(body), _STREAM_CHUNK):
            final = start + _STREAM_CHUNK >= len(body)
            text = decoder.decode(view[start : start + _STREAM_CHUNK], final=final)
            _refuse_c1(text)
            if looks_like_mojibake(text):
                raise TextDecodeError(f"UTF-8 read as {codec} (mojibake)")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise TextDecodeError(f"not {codec}: {exc.reason}") from exc


def _bom_codec(body: bytes) -> str | None:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    return None


def _candidates(body: bytes, content_type: str) -> list[str]:
    found = [declared_charset(body, content_type), "utf-8", "cp1252"]
    return list(dict.fromkeys(name for name in found if name))


def _refuse_c1(text: str) -> None:
    control = _C1_CONTROL.search(text)
    if control is not None:
        raise _WrongCharset(
            f"U+{ord(control.group()):04X}, a C1 control character: the wrong charset"
        )


def _checked(text: str) -> str:
    """The text, its mojibake repaired (Latin-1 mojibake holds C1 controls until then)."""
    if not looks_like_mojibake(text):
        _refuse_c1(text)
        return text
    repaired = repair_mojibake(text)
    if looks_like_mojibake(repaired):
        raise TextDecodeError("the text is mojibake and cannot be repaired")
    _refuse_c1(repaired)
    return repaired
