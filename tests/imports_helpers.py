"""Helpers for the import tests: build workbooks as a person would (with openpyxl), and take a
fingerprint of everything an import could touch, history included."""

import functools
import hashlib
import io
from typing import Any

import openpyxl
from django.apps import apps

from planwatch.documents.imports import plan_workbook

NAP = "nap-2021-2025"


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with one sheet per key; each value is a list of rows, the header first."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    return save(book)


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@functools.cache
def _nap_workbook() -> bytes:
    # Every test starts from the same NAP (each runs in a transaction rolled back after it).
    return plan_workbook(NAP)


def template(plan_slug: str = NAP) -> openpyxl.Workbook:
    """The plan workbook as a person downloads it, to edit with openpyxl."""
    content = _nap_workbook() if plan_slug == NAP else plan_workbook(plan_slug)
    return openpyxl.load_workbook(io.BytesIO(content))


def find_row(sheet: Any, key: Any) -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row=row, column=1).value == key:
            return row
    raise KeyError(key)


def column(sheet: Any, name: str) -> int:
    header = [cell.value for cell in sheet[1]]
    return header.index(name) + 1


def set_cell(book: openpyxl.Workbook, sheet: str, key: Any, name: str, value: Any) -> None:
    ws = book[sheet]
    ws.cell(row=find_row(ws, key), column=column(ws, name), value=value)


def add_row(book: openpyxl.Workbook, sheet: str, values: dict[str, Any]) -> int:
    ws = book[sheet]
    header = [cell.value for cell in ws[1]]
    row = ws.max_row + 1
    for name, value in values.items():
        ws.cell(row=row, column=header.index(name) + 1, value=value)
    return row


def db_state() -> str:
    """A hash of every row of the plans and actors apps (history and link tables included)."""
    digest = hashlib.sha256()
    for label in ("plans", "actors"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            rows = model._base_manager.order_by("pk").values_list()
            digest.update(repr((model._meta.label, list(rows))).encode())
    return digest.hexdigest()
