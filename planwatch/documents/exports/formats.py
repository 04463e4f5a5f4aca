"""Formats: each writes the same rows. CSV and XLSX flatten them by the source's fields (lists
joined with "; ", one column per language); JSON keeps them as they are.

Spreadsheets must never run a cell: text starting with =, +, -, @, a tab or a carriage return is
written as "'=..." in CSV and as a text cell with Excel's quote prefix in XLSX.
"""

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from planwatch.lib.i18n import languages

from .schema import Field, Row

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def neutralise(value: Any) -> Any:
    """A CSV cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def infer_fields(row: Row) -> tuple[Field, ...]:
    """Fields for rows that come without a declaration: mappings are per language."""
    return tuple(
        Field(key, keys=languages)
        if isinstance(value, dict)
        else Field(key, many=isinstance(value, list))
        for key, value in row.items()
    )


def _with_fields(
    rows: Iterable[Row], fields: Sequence[Field] | None
) -> tuple[Sequence[Field], Iterator[Row]]:
    rows = iter(rows)
    if fields is not None:
        return fields, rows
    first = next(rows, None)
    if first is None:
        return (), iter(())
    return infer_fields(first), itertools.chain([first], rows)


def flat_rows(rows: Iterable[Row], fields: Sequence[Field]) -> Iterator[list[Any]]:
    for row in rows:
        yield [cell for f in fields for cell in f.cells(row.get(f.name))]


def _csv_text(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return neutralise(value)


def write_csv(rows: Iterable[Row], out: IO[str], fields: Sequence[Field] | None = None) -> None:
    """One header row, then one line per row. The caller chooses the encoding (with a BOM for
    files people open in a spreadsheet)."""
    fields, rows = _with_fields(rows, fields)
    if not fields:
        return
    # CRLF as RFC 4180 says; it also makes the writer quote a field holding a lone "\r".
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column for f in fields for column in f.columns()])
    for cells in flat_rows(rows, fields):
        writer.writerow([_csv_text(value) for value in cells])


def write_json(rows: Iterable[Row], out: IO[str], fields: Sequence[Field] | None = None) -> None:
    """A JSON array, written row by row (an export of a million observations never holds them
    all), with the same text ``json.dump(list(rows), indent=2)`` writes."""
    out.write("[")
    separator = "\n  "
    for row in rows:
        # JSON escapes line breaks inside strings, so every line break here is the layout's.
        text = json.dumps(row, ensure_ascii=False, indent=2, default=str)
        out.write(separator + text.replace("\n", "\n  "))
        separator = ",\n  "
    out.write("]\n" if separator == "\n  " else "\n]\n")


# Column widths are measured on the first rows only, so that the sheet can be streamed.
WIDTH_SAMPLE = 200
MIN_WIDTH, MAX_WIDTH = 6, 60


def write_xlsx(
    rows: Iterable[Row],
    out: IO[bytes],
    fields: Sequence[Field] | None = None,
    title: str = "data",
) -> None:
    """One sheet: a bold, frozen header row, then one row per row; widths fit the content."""
    fields, rows = _with_fields(rows, fields)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    header = [column for f in fields for column in f.columns()]
    flat = flat_rows(rows, fields)
    sample = list(itertools.islice(flat, WIDTH_SAMPLE))
    for index, column in enumerate(header):
        longest = max(
            [len(column)] + [len(str(cells[index])) for cells in sample if cells[index] is not None]
        )
        width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for column in header:
        cell = WriteOnlyCell(sheet, column)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for cells in itertools.chain(sample, flat):
        sheet.append([_xlsx_cell(sheet, value) for value in cells])
    workbook.save(out)


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not is_formula_like(value):
        return value
    # Kept as typed, but stored as text with the quote prefix Excel itself uses for "'=1+1".
    cell = WriteOnlyCell(sheet, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    content_type: str
    binary: bool
    write: Callable[..., None]
    encoding: str = "utf-8"


FORMATS: dict[str, Format] = {
    # CSV gets a byte-order mark so that spreadsheet programs read it as UTF-8.
    "csv": Format("csv", "csv", "text/csv; charset=utf-8", False, write_csv, "utf-8-sig"),
    "xlsx": Format(
        "xlsx",
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        True,
        write_xlsx,
    ),
    "json": Format("json", "json", "application/json", False, write_json),
}

# The writers by format name; each takes (rows, out, fields=None). XLSX writes bytes.
WRITERS: dict[str, Callable[..., None]] = {name: f.write for name, f in FORMATS.items()}


def write_to(
    out: IO[bytes],
    format_name: str,
    rows: Iterable[Row],
    fields: Sequence[Field] | None = None,
    title: str = "data",
) -> None:
    """Write rows in a format to a binary stream (a file or a response), encoded as the format
    wants it."""
    fmt = FORMATS[format_name]
    if fmt.binary:
        fmt.write(rows, out, fields, title=title)
        return
    text = io.TextIOWrapper(out, encoding=fmt.encoding, newline="")
    try:
        fmt.write(rows, text, fields)
        text.flush()
    finally:
        text.detach()
