"""Reading a workbook's cells quickly with openpyxl.

openpyxl's read-only mode turns every text into a ``Text`` object through its descriptor machinery
before taking the plain string out of it: for the inline strings openpyxl itself writes (the plan
template) and for the shared-string table spreadsheet programs write, that is most of the time a
10,000-row workbook takes to read. This module keeps openpyxl for everything (the package, the
workbook, styles and date formats, formulas, errors, XML through defusedxml) and only takes the
text out of those elements directly, as ``Text.content`` does: the plain text, else the text of
each run; phonetic guides are left out.

:func:`sheet_rows` yields each row as its number and ``(value, data type)`` per column, with the
data types of openpyxl's parser (``f`` formula, ``e`` error, ``s`` text, ``n`` number, ``d``
date, ``b`` boolean).
"""

import io
from collections.abc import Iterator
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook import Workbook
from openpyxl.worksheet._reader import INLINE_STRING, WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

_T = f"{{{SHEET_MAIN_NS}}}t"
_R = f"{{{SHEET_MAIN_NS}}}r"
_SI = f"{{{SHEET_MAIN_NS}}}si"

Cell = tuple[Any, str | None]


def _text(element: Any) -> str:
    """The text of a string item (``<si>`` or ``<is>``): its ``<t>`` and its runs' ``<t>``."""
    plain = element.findtext(_T)
    parts = [plain] if plain else []
    parts.extend(run.findtext(_T) or "" for run in element.iterfind(_R))
    return "".join(parts)


def _string_table(source: Any) -> list[str]:
    strings = []
    for _event, node in iterparse(source):
        if node.tag == _SI:
            # The escape openpyxl's own reader removes from shared strings, likewise.
            strings.append(_text(node).replace("x005F_", ""))
            node.clear()
    return strings


class _Reader(ExcelReader):
    def read_strings(self) -> None:
        if self.rich_text:  # pragma: no cover - the import never asks for rich text
            return super().read_strings()
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _string_table(source)


class _SheetParser(WorkSheetParser):
    def parse_cell(self, element: Any) -> dict[str, Any]:
        inline = element.find(INLINE_STRING) if element.get("t") == "inlineStr" else None
        if inline is None:
            return super().parse_cell(element)
        # openpyxl does the rest (position, formula); the text is taken here.
        element.remove(inline)
        cell = super().parse_cell(element)
        if cell["data_type"] == "inlineStr":
            cell["value"], cell["data_type"] = _text(inline), "s"
        return cell


def load_workbook(data: bytes) -> Workbook:
    """The workbook in openpyxl's read-only mode, formulas kept as formulas."""
    reader = _Reader(io.BytesIO(data), read_only=True, data_only=False)
    reader.read()
    return reader.wb


def sheet_rows(book: Workbook, sheet: Any, max_columns: int) -> Iterator[tuple[int, list[Cell]]]:
    """Every row that has a cell, as (row number, cells); a missing cell is ``(None, None)``.
    Past ``max_columns`` only the first filled cell is kept (so the caller can refuse it)."""
    with book._archive.open(sheet._worksheet_path) as source:
        parser = _SheetParser(
            source,
            sheet._shared_strings,
            data_only=False,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, parsed in parser.parse():
            cells: list[Cell] = []
            beyond: Cell | None = None
            for cell in parsed:
                column = cell["column"]
                if column > max_columns:
                    if beyond is None and cell["value"] is not None:
                        beyond = (cell["value"], cell["data_type"])
                    continue
                if column > len(cells):
                    cells.extend([(None, None)] * (column - len(cells)))
                cells[column - 1] = (cell["value"], cell["data_type"])
            if beyond is not None:
                cells.extend([(None, None)] * (max_columns - len(cells)))
                cells.append(beyond)
            yield number, cells
