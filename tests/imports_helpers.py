"""Helpers for the import tests: build workbooks as a person would (with openpyxl), and take a
fingerprint of everything an import could touch, history included."""

import datetime as dt
import functools
import hashlib
import io
from typing import Any

import openpyxl
from django.apps import apps
from django.db.models import Model
from django.utils import translation

from planwatch.actors.models import Actor
from planwatch.documents.imports import plan_workbook, round_workbook
from planwatch.reporting.models import BudgetLine, Contribution, Event, EvidenceLink

NAP = "nap-2021-2025"

# The round import's tests: FPS Justice fills its part of a round that runs over two years
# (budget lines of 2025 belong to it); a module sets ``ROUND_END`` for the round fixture.
ACTOR = "fod-justitie"
ROUND_END = dt.date(2025, 12, 31)


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


def items(round_, actor=ACTOR):
    return list(
        round_.contributions.filter(actor__slug=actor)
        .select_related("measure")
        .order_by("measure__number")
    )


def header(sheet) -> list[str]:
    return [cell.value for cell in sheet[1]]


def put(book, number: int, column: str, value) -> None:
    sheet = book["contributions"]
    names = header(sheet)
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == number:
            row[names.index(column)].value = value
            return
    raise AssertionError(f"no row for measure {number}")


def state() -> str:
    """A hash of every contribution, evidence link, budget line and event."""
    digest = hashlib.sha256()
    model: type[Model]
    with translation.override("en"):  # translated columns read in the active language
        for model in (Contribution, EvidenceLink, BudgetLine, Event):
            digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def workbook(round_, actor=ACTOR, language="nl") -> openpyxl.Workbook:
    data = round_workbook(round_, Actor.objects.get(slug=actor), language)
    return openpyxl.load_workbook(io.BytesIO(data))


def add_budget(book, *values) -> None:
    sheet = book["budget"]
    row = next(r for r in range(2, sheet.max_row + 2) if sheet.cell(r, 1).value is None)
    for index, value in enumerate(values, start=1):
        sheet.cell(row=row, column=index, value=value)
