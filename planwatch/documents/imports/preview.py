"""What an import would do, before it does it: rows to create, update or leave unchanged, and
every error with its sheet, row, column and value. Plain data, so a page can keep it between the
preview and the confirmation."""

import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(frozen=True)
class RowChange:
    sheet: str
    row: int
    key: str  # the row's natural key: measure number, section code, slug
    action: str  # CREATE, UPDATE or UNCHANGED
    changes: tuple[tuple[str, str, str], ...] = ()  # (column, current value, new value)


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int | None  # None: the error is about the whole file or sheet
    column: str
    value: str
    message: str
    # Where, as the file's own program names it: "measures!L3" in a workbook, "measures.csv:3"
    # in a CSV file; empty for an error about the whole file or a sheet.
    cell: str = ""

    @property
    def where(self) -> str:
        """``measures!L3 (lead)``: the cell, and the column's name to read it by."""
        named = self.column and not self.cell.endswith(f"!{self.column}{self.row}")
        return f"{self.cell} ({self.column})" if named else self.cell

    @property
    def place(self) -> str:
        """Where a person finds the error, the same on the import page, in the error report and
        from the command line: the cell with its column's name (``measures!K3 (lead)``,
        ``measures.csv:3 (lead)``); without a cell, the sheet, row and column in words; empty
        for an error about the whole file."""
        if self.cell:
            return self.where
        return ", ".join(
            part
            for part in (
                self.sheet,
                _("row %(row)s") % {"row": self.row} if self.row else "",
                _("column %(column)s") % {"column": self.column} if self.column else "",
            )
            if part
        )

    def __str__(self) -> str:
        value = f" [{self.value}]" if self.value else ""
        place = self.place
        return f"{place}{value}: {self.message}" if place else f"{self.message}{value}"


@dataclass
class Preview:
    kind: str  # "plan"
    target: str  # the plan's slug
    file_name: str = ""
    rows: list[RowChange] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    data: Any = None  # the checked content, for apply; None when the file could not be read
    fingerprint: str = ""  # of every planned change, to tell whether the database moved since

    @property
    def ok(self) -> bool:
        return not self.errors and self.data is not None

    def _with(self, action: str) -> list[RowChange]:
        return [row for row in self.rows if row.action == action]

    @property
    def to_create(self) -> list[RowChange]:
        return self._with(CREATE)

    @property
    def to_update(self) -> list[RowChange]:
        return self._with(UPDATE)

    @property
    def unchanged(self) -> list[RowChange]:
        return self._with(UNCHANGED)

    @property
    def changes_anything(self) -> bool:
        return any(row.action != UNCHANGED for row in self.rows)

    def counts(self) -> dict[str, Counter]:
        """``{"measures": Counter(create=2, update=1, unchanged=198), …}`` in sheet order."""
        counts: dict[str, Counter] = {}
        for row in self.rows:
            counts.setdefault(row.sheet, Counter())[row.action] += 1
        return counts


class ImportRefused(Exception):
    """Nothing was applied; ``errors`` say why."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


def display(value: Any) -> str:
    """A cell or database value as a person reads it in a preview or an error report."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return "; ".join(display(item) for item in value)
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


def error_report_xlsx(preview: Preview) -> bytes:
    """The errors of a preview as a workbook: one row per error (its cell as the page shows it,
    ``measures!K3 (lead)``; then sheet, row, column, value, message), values written as text so
    that nothing in them is ever run as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("errors")[:31]
    headers = [_("cell"), _("sheet"), _("row"), _("column"), _("value"), _("message")]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, error in enumerate(preview.errors, start=2):
        values = [error.place, error.sheet, error.row, error.column, error.value, error.message]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = _printable(value)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if column == len(values):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEF", (22, 14, 7, 16, 30, 80), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _printable(value: Any) -> Any:
    if isinstance(value, str):
        from .files import CONTROL_CHARACTERS

        return CONTROL_CHARACTERS.sub("\ufffd", value)
    return value
