"""Helpers for the export tests: a source written in each format, read back; the data package."""

import csv
import io
import json

from django.core.management import call_command
from openpyxl import load_workbook

from planwatch.documents.exports import export


def as_json(what: str, plan, round_=None, measures=None) -> list[dict]:
    out = io.BytesIO()
    export(out, what, "json", plan, round_, measures)
    return json.loads(out.getvalue())


def as_csv(what: str, plan, round_=None) -> tuple[bytes, list[dict]]:
    out = io.BytesIO()
    export(out, what, "csv", plan, round_)
    raw = out.getvalue()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def as_sheet(what: str, plan, round_=None):
    out = io.BytesIO()
    export(out, what, "xlsx", plan, round_)
    return out.getvalue(), load_workbook(io.BytesIO(out.getvalue())).active


def write_package(folder) -> dict:
    call_command(
        "export", "datapackage", "--plan", "nap-2021-2025", "-o", str(folder), stderr=io.StringIO()
    )
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
