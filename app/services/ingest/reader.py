"""Streaming readers for import bodies: rows come out one at a time, with their line.

Neither reader holds more than one row (plus a read buffer) in memory, so a
file of any size can be imported. A problem that makes the rest of the body
unreadable raises ``UnreadableBody`` with the line it was found on.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from app.schemas import COLUMNS, FieldError, check_columns

CellRow = dict[str, str | None]
MAX_JSON_ROW_CHARS = 1_000_000
MAX_LINE_BYTES = 1_000_000
_READ_BYTES = 64 * 1024


class UnreadableBody(Exception):
    def __init__(self, line: int, column: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


class HeaderError(Exception):
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("bad header")
        self.errors = errors


def _decoded_lines(binary: IO[bytes]) -> Iterator[str]:
    """The body's lines as text, decoded one at a time so that a bad byte has a line."""
    number = 0
    while raw := binary.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise UnreadableBody(number, "", f"a line is longer than {MAX_LINE_BYTES} bytes")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnreadableBody(
                number, "", "the file is not valid UTF-8: save it as UTF-8 and try again"
            ) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def read_csv(binary: IO[bytes], kind: str) -> Iterator[tuple[int, CellRow | FieldError]]:
    """Yield ``(line, {column: text})`` (or what is wrong) per data row; the header is line 1."""
    reader = csv.reader(_decoded_lines(binary), strict=True)
    header = _next_record(reader)
    if header is None:
        raise UnreadableBody(1, "", "the file is empty: it needs a header row")
    header = [name.strip() for name in header]
    header_errors = check_columns(kind, header)
    if header_errors:
        raise HeaderError(header_errors)
    while True:
        first_line = reader.line_num + 1
        record = _next_record(reader)
        if record is None:
            return
        if not record or record == [""]:
            continue  # a blank line
        if len(record) != len(header):
            message = f"this row has {len(record)} cells but the header has {len(header)}"
            yield first_line, FieldError("", message)
            continue
        yield first_line, dict(zip(header, record, strict=True))


def _next_record(reader: Any) -> list[str] | None:
    try:
        return next(reader)  # type: ignore[no-any-return]
    except StopIteration:
        return None
    except csv.Error as error:
        raise UnreadableBody(reader.line_num or 1, "", f"the CSV cannot be read: {error}") from None


class _JsonCursor:
    """A window on a text stream that knows the line of every position it hands out."""

    def __init__(self, binary: IO[bytes]) -> None:
        self.binary = binary
        # utf-8-sig drops a BOM when there is one; strict decoding refuses mojibake.
        self.decoder_utf8 = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
        self.buffer = ""
        self.pos = 0
        self.line = 1
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        raw = self.binary.read(_READ_BYTES)
        try:
            chunk = self.decoder_utf8.decode(raw, final=not raw)
        except UnicodeDecodeError:
            line = self.line + self.buffer.count("\n", self.pos)
            raise UnreadableBody(line, "", "the body is not valid UTF-8") from None
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = 0
        self.eof = not raw
        return bool(raw or chunk)

    def _advance(self, new_pos: int) -> None:
        self.line += self.buffer.count("\n", self.pos, new_pos)
        self.pos = new_pos

    def peek(self) -> str:
        """The next character that is not white space, or '' at the end."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self._advance(self.pos + 1)
            if self.pos < len(self.buffer) or not self._fill():
                return self.buffer[self.pos : self.pos + 1]

    def expect(self, char: str, what: str) -> None:
        if self.peek() != char:
            raise UnreadableBody(self.line, "", f'the JSON body must be {{"rows": [...]}}: {what}')
        self._advance(self.pos + 1)

    def value(self) -> tuple[int, Any]:
        """The next JSON value and the line it starts on."""
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except RecursionError:
                raise UnreadableBody(self.line, "", "the JSON is nested too deeply") from None
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > MAX_JSON_ROW_CHARS:
                    raise UnreadableBody(self.line, "", "a JSON row is too large") from None
                if self._fill():
                    continue
                raise UnreadableBody(
                    self.line + self.buffer.count("\n", self.pos, error.pos),
                    "",
                    f"the JSON is not valid: {error.msg}",
                ) from None
            line = self.line
            self._advance(end)
            return line, value


def read_json(binary: IO[bytes], kind: str) -> Iterator[tuple[int, CellRow | FieldError]]:
    """Yield ``(line, {field: text})`` for each element of ``{"rows": [...]}``."""
    cursor = _JsonCursor(binary)
    if cursor.peek() == "":
        raise UnreadableBody(1, "", 'the body is empty: send {"rows": [...]}')
    cursor.expect("{", "expected '{'")
    _line, key = cursor.value()
    if key != "rows":
        raise UnreadableBody(cursor.line, "", 'the JSON body must be {"rows": [...]}')
    cursor.expect(":", "expected ':'")
    cursor.expect("[", "rows must be a list")
    if cursor.peek() != "]":
        while True:
            line, row = cursor.value()
            yield line, _json_cells(kind, row)
            if cursor.peek() != ",":
                break
            cursor.expect(",", "expected ','")
    cursor.expect("]", "expected ',' or ']' after a row")
    cursor.expect("}", 'nothing may follow "rows"')
    if cursor.peek() != "":
        raise UnreadableBody(cursor.line, "", "nothing may follow the closing '}'")


def _json_cells(kind: str, row: Any) -> CellRow | FieldError:
    if not isinstance(row, dict):
        return FieldError("", "each row must be a JSON object")
    required, optional = COLUMNS[kind]
    for key, value in row.items():
        if key not in required and key not in optional:
            return FieldError(
                key, f"unknown field {key!r}; {kind} take: {', '.join(required + optional)}"
            )
        if not _is_cell(key, value):
            return FieldError(key, f"{key} must be text or a whole number")
    return {key: _cell_text(value) for key, value in row.items()}


def _is_cell(key: str, value: Any) -> bool:
    # Only aliases are a list (of names): any other list would be read as one text.
    if isinstance(value, list):
        return key == "aliases" and all(isinstance(item, str) for item in value)
    return value is None or (isinstance(value, str | int | float) and not isinstance(value, bool))


def _cell_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list):
        return "|".join(value)  # aliases may come as a list of names
    return str(value)
