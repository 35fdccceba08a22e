"""The safe XLSX reader refuses bombs and giant sheets before openpyxl builds anything."""

from __future__ import annotations

import io
import struct
import zipfile

import openpyxl
import pytest

from scrapers.base import DriftError
from scrapers.safe_xlsx import UnsafeFile, XlsxLimits, ZipLimits, check_zip, iter_sheet_rows

MB = 1024 * 1024


def _workbook(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _rewrite(data: bytes, name: str, change: bytes, into: bytes) -> bytes:
    """The same archive with one entry's text changed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    assert change in entries[name]
    entries[name] = entries[name].replace(change, into)
    return _zip(entries)


def _zeros_zip(name: str, size: int) -> bytes:
    """One entry of ``size`` zero bytes, written in chunks, deflated as hard as possible."""
    buffer = io.BytesIO()
    archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9)
    with archive, archive.open(name, "w", force_zip64=True) as entry:
        for _ in range(size // MB):
            entry.write(bytes(MB))
    return buffer.getvalue()


def test_reads_the_rows_of_a_plain_workbook() -> None:
    data = _workbook([["Företag", "Antal"], ["Exempelbanken AB", 3]])
    assert list(iter_sheet_rows(data)) == [("Företag", "Antal"), ("Exempelbanken AB", 3)]


def test_refuses_a_zip_bomb_of_100_mb_of_zeros() -> None:
    bomb = _zeros_zip("xl/worksheets/sheet1.xml", 100 * MB)
    assert len(bomb) < 200 * 1024  # the whole point of a bomb
    with pytest.raises(UnsafeFile, match="unpacks to"):
        iter_sheet_rows(bomb)


def test_refuses_an_entry_compressed_far_beyond_any_spreadsheet() -> None:
    bomb = _zeros_zip("xl/worksheets/sheet1.xml", 10 * MB)  # under the size limit
    with pytest.raises(UnsafeFile, match="zip bomb") as caught:
        iter_sheet_rows(bomb)
    assert caught.value.expectation == "safe file"


def test_refuses_an_archive_whose_total_is_too_large() -> None:
    limits = ZipLimits(max_entry_bytes=MB, max_total_bytes=MB, max_ratio=10_000)
    archive = _zip({f"part{n}.bin": bytes(600 * 1024) for n in range(2)})
    with pytest.raises(UnsafeFile, match="unpacks to"):
        check_zip(archive, limits)


def test_refuses_too_many_entries() -> None:
    archive = _zip({f"xl/entry{n}.xml": b"<a/>" for n in range(201)})
    with pytest.raises(UnsafeFile, match="201 entries"):
        iter_sheet_rows(archive)


@pytest.mark.parametrize(
    "name", ["../evil.xml", "xl/../../evil.xml", "/etc/evil.xml", "C:\\evil.xml"]
)
def test_refuses_an_entry_name_that_leaves_the_folder(name: str) -> None:
    with pytest.raises(UnsafeFile, match="leaves the archive"):
        check_zip(_zip({name: b"<a/>"}), ZipLimits())


def test_refuses_an_entry_that_unpacks_to_more_than_it_declares() -> None:
    data = bytearray(_zip({"xl/sheet.xml": bytes(200 * 1024)}))
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)  # declared uncompressed size
    with pytest.raises(DriftError):
        check_zip(bytes(data), ZipLimits())


def test_refuses_xml_with_a_doctype() -> None:
    data = _workbook([["a"]])
    evil = _rewrite(
        data,
        "xl/worksheets/sheet1.xml",
        b"<worksheet",
        b'<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet',
    )
    with pytest.raises(UnsafeFile, match="DOCTYPE"):
        iter_sheet_rows(evil)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_refuses_an_entity_in_a_sheet_of_any_encoding(encoding: str) -> None:
    """A sheet written in UTF-16 that declares an entity (the marker hides between zero
    bytes) is refused before any XML parser sees it."""
    data = _workbook([["a"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info) for info in source.infolist()}
    sheet = entries["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet = sheet.replace("UTF-8", encoding.upper()).replace(
        "<worksheet", '<!DOCTYPE x [<!ENTITY a "aaaa">]><worksheet', 1
    )
    entries["xl/worksheets/sheet1.xml"] = sheet.encode(encoding)
    with pytest.raises(UnsafeFile, match="DOCTYPE"):
        iter_sheet_rows(_zip(entries))


def test_openpyxl_parses_through_defusedxml() -> None:
    """Defence in depth: the XML parser behind openpyxl refuses entities by itself."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_refuses_a_sheet_with_more_rows_than_allowed() -> None:
    data = _workbook([[n] for n in range(30)])
    with pytest.raises(UnsafeFile, match="declares 30 rows"):
        list(iter_sheet_rows(data, XlsxLimits(max_rows=10)))


def test_counts_rows_even_when_the_sheet_understates_its_size() -> None:
    data = _rewrite(
        _workbook([[n] for n in range(30)]),
        "xl/worksheets/sheet1.xml",
        b'<dimension ref="A1:A30" />',
        b'<dimension ref="A1:A1" />',
    )
    rows = iter_sheet_rows(data, XlsxLimits(max_rows=10))
    with pytest.raises(UnsafeFile, match="more than 10 rows"):
        list(rows)


def test_refuses_a_row_wider_than_allowed() -> None:
    data = _rewrite(
        _workbook([[1], [1, 2, 3, 4, 5, 6, 7, 8]]),
        "xl/worksheets/sheet1.xml",
        b'<dimension ref="A1:H2" />',
        b'<dimension ref="A1" />',
    )
    with pytest.raises(UnsafeFile, match="8 columns"):
        list(iter_sheet_rows(data, XlsxLimits(max_columns=5)))


def test_a_file_that_is_no_zip_is_a_format_change_not_a_bomb() -> None:
    with pytest.raises(DriftError) as caught:
        iter_sheet_rows(b"Foretag;Antal\r\n")
    assert not isinstance(caught.value, UnsafeFile)
    assert caught.value.expectation == "file format"
