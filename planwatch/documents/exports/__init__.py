"""Exports are written once: a source yields rows (plain dicts) and declares its fields; each
format (CSV, XLSX, JSON) writes the same rows, and the data package describes them.

    rows = SOURCES["statuses"](plan, round_)
    write_to(binary_stream, "xlsx", rows, SOURCES["statuses"].fields, title="statuses")
"""

from typing import IO, Any

from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from .formats import FORMATS, WRITERS, Format, write_csv, write_json, write_to, write_xlsx
from .schema import Field, ForeignKey, Row, Source
from .sources import SOURCES, measure_rows

__all__ = [
    "FORMATS",
    "SOURCES",
    "WRITERS",
    "Field",
    "ForeignKey",
    "Format",
    "Row",
    "Source",
    "export",
    "measure_rows",
    "write_csv",
    "write_json",
    "write_to",
    "write_xlsx",
]


def export(
    out: IO[bytes],
    what: str,
    format_name: str,
    plan: Plan,
    round_: Round | None = None,
    measures: Any = None,
) -> None:
    """Write one source's rows for a plan in one format to a binary stream."""
    source = SOURCES[what]
    write_to(out, format_name, source(plan, round_, measures), source.fields, title=source.name)
