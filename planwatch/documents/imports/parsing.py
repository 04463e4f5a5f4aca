"""From tables to typed rows: which sheet a table is, whether its columns are the documented
ones, and each cell converted to its column's type. Errors are collected, never raised, so that a
person sees every problem of the file at once."""

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .files import (
    CellError,
    Formula,
    Progress,
    Table,
    UnreadableFile,
    has_control_characters,
    read_tables,
    read_upload,
)
from .preview import Preview, RowError, display
from .sheets import BY_NAME, INFORMATION_SHEETS, SHEETS, Column, Sheet
from .values import ValueProblem, parse_date, parse_integer

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
LIST_SEPARATORS = re.compile(r"[;,\n]")
INVALID = object()


def read_file(preview: Preview, file: Any, progress: Progress | None) -> list[Table] | None:
    """The tables of an uploaded file (a path, bytes or an upload); None, with the reason in
    ``preview.errors``, when it cannot be read as a spreadsheet."""
    try:
        content, preview.file_name = read_upload(file)
        return read_tables(content, preview.file_name, progress)
    except UnreadableFile as exc:
        preview.errors.append(RowError(preview.file_name, None, "", "", exc.message))
        return None


@dataclass
class Row:
    """One data row of a sheet, converted. ``values`` has every column of the sheet; a cell that
    could not be read is left out and its error recorded."""

    sheet: Sheet
    label: str  # the sheet's name as written in the file
    number: int
    values: dict[str, Any]
    raw: dict[str, Any]
    letters: dict[str, str] | None = None  # column → its letter in a workbook; None in a CSV file

    def cell(self, column: str) -> str:
        """Where a column of this row is: ``measures!L3`` in a workbook (the sheet's name quoted
        as spreadsheet programs quote it when it needs it), ``measures.csv:3`` in a CSV file,
        whose rows are lines."""
        return cell_name(self.label, self.number, column, self.letters)

    at = cell  # as every source of the intake's plain rows answers (``plans.intake``)

    def error(self, errors: list[RowError], column: str, message: str) -> None:
        errors.append(
            RowError(
                self.label,
                self.number,
                column,
                display(self.raw.get(column)),
                message,
                self.cell(column),
            )
        )


def cell_name(label: str, number: int, column: str, letters: dict[str, str] | None) -> str:
    if letters is None:
        return f"{label}:{number}"
    quoted = label.replace("'", "''")
    sheet = label if re.fullmatch(r"[A-Za-z0-9_]+", label) else f"'{quoted}'"
    letter = letters.get(column, column if re.fullmatch(r"[A-Z]{1,3}", column) else "")
    return f"{sheet}!{letter}{number}" if letter else f"{sheet}!{number}:{number}"


def sheet_tables(tables: list[Table], errors: list[RowError]) -> dict[str, Table]:
    """Which documented sheet each table is; unknown sheets are errors (a renamed sheet must not
    be skipped silently)."""
    found: dict[str, Table] = {}
    for table in tables:
        if table.is_csv:
            sheet = guess_sheet(table)
            if sheet is None:
                errors.append(
                    RowError(
                        table.name,
                        None,
                        "",
                        "",
                        _(
                            "Cannot tell which sheet this CSV file holds: its first row must "
                            "name the columns of one of the sheets %(names)s "
                            "(see docs/imports.md)."
                        )
                        % {"names": ", ".join(s.name for s in SHEETS)},
                    )
                )
                continue
        else:
            name = str(table.name).strip().lower()
            if name in INFORMATION_SHEETS or (not table.header and not table.rows):
                continue
            sheet = BY_NAME.get(name)
            if sheet is None:
                errors.append(
                    RowError(
                        table.name,
                        None,
                        "",
                        "",
                        _("Unknown sheet %(name)r. The sheets of a plan workbook are %(names)s.")
                        % {"name": table.name, "names": ", ".join(s.name for s in SHEETS)},
                    )
                )
                continue
        if sheet.name in found:
            errors.append(
                RowError(table.name, None, "", "", _("The sheet appears twice in the file."))
            )
            continue
        found[sheet.name] = table
    if not found and not errors:
        errors.append(RowError("", None, "", "", _("The file holds nothing to import.")))
    return found


def guess_sheet(table: Table) -> Sheet | None:
    """A CSV file holds one sheet: the one whose columns its header matches best (its name
    decides between equals). A header that matches no sheet in at least two columns is none."""
    header = {_header_name(v) for v in table.header if v is not None}
    stem = str(table.name).lower()
    scored = []
    for sheet in SHEETS:
        names = set(sheet.names)
        matched = len(header & names)
        if matched >= 2 or (matched and sheet.key in header):
            scored.append(
                ((sheet.key in header, matched - len(names - header), sheet.name in stem), sheet)
            )
    return max(scored, key=lambda pair: pair[0])[1] if scored else None


def _header_name(value: Any) -> str:
    return str(value).strip().lower()


def read_rows(sheet: Sheet, table: Table, errors: list[RowError]) -> list[Row] | None:
    """The table's rows converted, or None when its columns are wrong (then its rows are not
    read: with a missing or renamed column every row would be misread)."""
    positions: dict[str, int] = {}
    before = len(errors)

    def sheet_error(column: str, value: Any, message: str) -> None:
        where = cell_name(table.name, 1, column, None if table.is_csv else {})
        errors.append(RowError(table.name, 1, column, display(value), message, where))

    for index, value in enumerate(table.header):
        if value is None:
            continue
        letter = get_column_letter(index + 1)
        if isinstance(value, Formula | CellError) or not isinstance(value, str):
            sheet_error(letter, value, _("Column names must be typed as text."))
            continue
        name = _header_name(value)
        if name in positions:
            sheet_error(letter, value, _("The column %(name)r appears twice.") % {"name": name})
        elif name not in sheet.names:
            close = difflib.get_close_matches(name, sheet.names, n=1)
            hint = _(" Did you mean %(name)r?") % {"name": close[0]} if close else ""
            sheet_error(
                letter,
                value,
                _("Unknown column %(name)r: the columns of the %(sheet)s sheet are fixed.")
                % {"name": value, "sheet": sheet.name}
                + hint,
            )
        else:
            positions[name] = index
    for name in sheet.names:
        if name not in positions:
            sheet_error(
                name, "", _("The column %(name)r is missing (it may be empty).") % {"name": name}
            )
    if len(errors) > before:
        return None

    named = {index for index in positions.values()}
    letters = (
        None
        if table.is_csv
        else {name: get_column_letter(index + 1) for name, index in positions.items()}
    )
    rows = []
    for number, values in table.rows:
        for index, value in enumerate(values):
            if value is not None and index not in named:
                letter = get_column_letter(index + 1)
                errors.append(
                    RowError(
                        table.name,
                        number,
                        letter,
                        display(value),
                        _("A value in a column without a name; remove it or name the column."),
                        cell_name(table.name, number, letter, None if table.is_csv else {}),
                    )
                )
        raw = {
            name: values[index] if index < len(values) else None
            for name, index in positions.items()
        }
        row = Row(sheet, table.name, number, {}, raw, letters)
        for column in sheet.columns:
            value = convert(raw[column.name], column, table.is_csv, row, errors)
            if value is not INVALID:
                row.values[column.name] = value
        rows.append(row)
    return rows


def _number_text(value: int | float | Decimal) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def convert(value: Any, column: Column, is_csv: bool, row: Row, errors: list[RowError]) -> Any:
    """One cell, typed for its column; INVALID (and an error) when it cannot be read."""

    def refuse(message: str) -> object:
        row.error(errors, column.name, message)
        return INVALID

    if value is None:
        return None
    if isinstance(value, Formula) or (is_csv and isinstance(value, str) and value[:1] == "="):
        return refuse(
            _(
                "A formula: type the value itself (in your spreadsheet program, copy the "
                "cells and paste them as values only)."
            )
        )
    if isinstance(value, CellError):
        return refuse(_("A spreadsheet error (%(code)s): type the value itself.") % {"code": value})
    if isinstance(value, str):
        if has_control_characters(value):
            return refuse(_("The text holds invisible control characters; type it again."))
        if not value.strip():
            return None
    kind = column.kind
    if kind == "int":
        try:
            number = parse_integer(value)
        except ValueProblem as exc:
            return refuse(exc.message)
        if number < 0:
            return refuse(_("must not be negative"))
        return number
    if kind == "date":
        try:
            return parse_date(value)
        except ValueProblem as exc:
            return refuse(exc.message)
    if isinstance(value, dt.date | dt.time):
        if kind == "text":
            return refuse(_("A date where text is expected; format the cell as text."))
        return refuse(
            _(
                "The spreadsheet turned this into a date: format the column as text and type "
                "the value again."
            )
        )
    if isinstance(value, bool):
        return refuse(_("TRUE/FALSE where text is expected."))
    text = _number_text(value) if isinstance(value, int | float | Decimal) else value
    if kind == "text":
        if column.max_length and len(text) > column.max_length:
            return refuse(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(text), "max": column.max_length}
            )
        return text
    text = text.strip()
    if kind == "list":
        items = tuple(item.strip() for item in LIST_SEPARATORS.split(text) if item.strip())
        for item in items:
            if not CODE.fullmatch(item):
                return refuse(
                    _("%(item)r is not a slug or code; separate several with ';'.") % {"item": item}
                )
        return items
    if column.max_length and len(text) > column.max_length:
        return refuse(
            _("Too long: %(length)s characters, at most %(max)s.")
            % {"length": len(text), "max": column.max_length}
        )
    if kind == "slug" and not SLUG.fullmatch(text):
        return refuse(_("Not a slug: use lowercase letters, digits and '-' only."))
    if kind == "code" and not CODE.fullmatch(text):
        return refuse(_("Not a code: use letters, digits, '.' and '-' only."))
    if kind == "choice":
        return text.lower()
    return text
