"""Reading zip archives and XLSX workbooks that strangers send us, without trusting them.

An XLSX file is a zip of XML files. Before openpyxl parses anything we look at the
archive itself and refuse it (``UnsafeFile``) when it could exhaust memory or disk:
too many entries, entries or a total that unpack too large, an entry that
compresses suspiciously well (a zip bomb), a name that climbs out of a folder, or
XML that declares a DOCTYPE (entity expansion). Then the rows are counted as they
are read, because a sheet's declared dimension is only a claim.

The declared sizes are enforced, not just read: we unpack every entry once in small
chunks and stop as soon as it yields more than it declared or than the limits allow.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl

from scrapers.base import DriftError

MB = 1024 * 1024
CHUNK_BYTES = 1 * MB
# Entries smaller than this cannot be a bomb, whatever their ratio.
RATIO_FLOOR_BYTES = 64 * 1024
# XML that declares a document type can define entities that expand without end.
# In every encoding an XML file may declare (a UTF-16 sheet hides b"<!ENTITY" between
# zero bytes): the markers of a DOCTYPE or an entity declaration.
_XML_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
FORBIDDEN_XML = tuple(
    marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY") for encoding in _XML_ENCODINGS
)
# Bytes of one chunk kept to find a marker cut between two chunks (the longest marker).
_OVERLAP = max(len(marker) for marker in FORBIDDEN_XML)


@dataclass(frozen=True)
class ZipLimits:
    max_archive_bytes: int = 20 * MB
    max_entries: int = 200
    max_entry_bytes: int = 50 * MB
    max_total_bytes: int = 50 * MB
    max_ratio: float = 100.0


@dataclass(frozen=True)
class XlsxLimits:
    archive: ZipLimits = ZipLimits()
    max_rows: int = 200_000
    max_columns: int = 50


DEFAULT_LIMITS = XlsxLimits()


class UnsafeFile(DriftError):
    """The file could exhaust memory or disk (a zip bomb, a giant sheet): refused unread."""

    def __init__(self, detail: str) -> None:
        super().__init__("safe file", detail)


def _unsafe_name(name: str) -> bool:
    """True for a name that is absolute, climbs with ``..``, or hides a drive or a NUL."""
    parts = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or ".." in parts or ":" in name or "\x00" in name


def _check_entry(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    if _unsafe_name(info.filename):
        raise UnsafeFile(f"entry name {info.filename!r} leaves the archive's folder")
    if info.file_size > limits.max_entry_bytes:
        raise UnsafeFile(
            f"entry {info.filename!r} unpacks to {info.file_size} bytes "
            f"(at most {limits.max_entry_bytes})"
        )
    if info.file_size > RATIO_FLOOR_BYTES:
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio:
            raise UnsafeFile(
                f"entry {info.filename!r} is compressed {ratio:.0f}:1 "
                f"(at most {limits.max_ratio:g}:1): a zip bomb"
            )


def _scan_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> int:
    """Unpack one entry in chunks: its real size, refusing it past ``budget`` or with a DOCTYPE."""
    size = 0
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > budget or size > info.file_size:
                raise UnsafeFile(f"entry {info.filename!r} unpacks to more than it declared")
            window = tail + chunk
            if info.filename.endswith((".xml", ".rels")) and any(
                marker in window for marker in FORBIDDEN_XML
            ):
                raise UnsafeFile(f"entry {info.filename!r} declares a DOCTYPE or an entity")
            tail = chunk[-_OVERLAP:]
    return size


def check_zip(data: bytes, limits: ZipLimits) -> zipfile.ZipFile:
    """The archive, opened, once every entry has passed the limits; ``UnsafeFile`` if not."""
    if len(data) > limits.max_archive_bytes:
        raise UnsafeFile(f"the file is {len(data)} bytes (at most {limits.max_archive_bytes})")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise DriftError("file format", f"not a readable zip archive ({error})") from None
    if len(entries) > limits.max_entries:
        raise UnsafeFile(f"the archive has {len(entries)} entries (at most {limits.max_entries})")
    for info in entries:
        _check_entry(info, limits)
    declared = sum(info.file_size for info in entries)
    if declared > limits.max_total_bytes:
        raise UnsafeFile(
            f"the archive unpacks to {declared} bytes (at most {limits.max_total_bytes})"
        )
    remaining = limits.max_total_bytes
    try:
        for info in entries:
            remaining -= _scan_entry(archive, info, remaining)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
        raise DriftError("file format", f"a damaged zip archive ({error})") from None
    return archive


def iter_sheet_rows(
    data: bytes, limits: XlsxLimits = DEFAULT_LIMITS, sheet: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows of one sheet (the first unless named), as cell values, read lazily.

    The archive is checked at once, before this returns; the rows are counted as
    they are read and ``UnsafeFile`` stops the reading past the limits.
    """
    check_zip(data, limits.archive).close()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a malformed workbook
        raise DriftError("file format", f"not a readable XLSX workbook ({error})") from None
    return _rows(workbook, limits, sheet)


def _pick_sheet(workbook: Any, sheet: str | None) -> Any:
    if sheet is None:
        if not workbook.worksheets:
            raise DriftError("file format", "the workbook has no sheet")
        return workbook.worksheets[0]
    if sheet not in workbook.sheetnames:
        raise DriftError("sheet present", f"no sheet {sheet!r}; found {workbook.sheetnames}")
    return workbook[sheet]


def _rows(workbook: Any, limits: XlsxLimits, sheet: str | None) -> Iterator[tuple[Any, ...]]:
    try:
        worksheet = _pick_sheet(workbook, sheet)
        declared_rows = worksheet.max_row or 0
        declared_columns = worksheet.max_column or 0
        if declared_rows > limits.max_rows or declared_columns > limits.max_columns:
            raise UnsafeFile(
                f"the sheet declares {declared_rows} rows and {declared_columns} columns "
                f"(at most {limits.max_rows} and {limits.max_columns})"
            )
        # Forget the declared size: rows come as wide as their last cell, and count.
        worksheet.reset_dimensions()
        for count, row in enumerate(worksheet.iter_rows(values_only=True), start=1):
            if count > limits.max_rows:
                raise UnsafeFile(f"the sheet has more than {limits.max_rows} rows")
            if len(row) > limits.max_columns:
                raise UnsafeFile(
                    f"row {count} has {len(row)} columns (at most {limits.max_columns})"
                )
            yield row
    except (ValueError, KeyError, TypeError, SyntaxError) as error:  # SyntaxError: bad XML
        raise DriftError("file format", f"a damaged XLSX sheet ({error})") from None
    finally:
        workbook.close()
