"""Translation files for translation offices: XLIFF 1.2 (through translate-toolkit) and XLSX
(through openpyxl). Both hold, per text, its key (``measure.12.title``), the fingerprint of the
source text it was exported with, the source text and the translation.

Nothing here touches the database: :func:`write_xliff` and :func:`write_xlsx` turn rows into
bytes, :func:`read_exchange` turns bytes back into an :class:`Exchange`, or raises
:class:`ExchangeError` with a message a person can act on.
"""

import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from translate.storage import xliff

from planwatch.documents.imports.files import Formula, UnreadableFile, read_tables

from .models import fingerprint

XLIFF_NAMESPACE = "urn:oasis:names:tc:xliff:document:1.2"
ORIGINAL_PREFIX = "planwatch:"
NOTE_FROM = "planwatch"
NOTE_PREFIX = "source-fingerprint:"
META_SHEET = "planwatch"
TEXT_SHEET = "translations"
FORMAT_NAME = "planwatch-translations"
ZIP_MAGIC = b"PK\x03\x04"


class Xliff12Unit(xliff.xliffunit):
    namespace = XLIFF_NAMESPACE


class Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (it reads 1.1 and 1.2 alike)."""

    UnitClass = Xliff12Unit
    namespace = XLIFF_NAMESPACE
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_NAMESPACE}'>
<file original='NoName' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


class ExchangeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ExchangeUnit:
    key: str
    fingerprint: str
    source: str
    target: str
    where: str  # "unit measure.12.title" or "row 5", for messages


@dataclass
class Exchange:
    plan: str
    source: str
    target: str
    units: list[ExchangeUnit] = field(default_factory=list)


@dataclass
class OutUnit:
    key: str
    name: str
    source: str
    target: str
    state: str


# Writing ---------------------------------------------------------------------------------------


def write_xliff(plan: str, source: str, target: str, units: list[OutUnit]) -> bytes:
    store = Xliff12(sourcelanguage=source)
    store.settargetlanguage(target)
    original = f"{ORIGINAL_PREFIX}{plan}"
    for item in units:
        unit = store.addsourceunit(item.source, filename=original, createifmissing=True)
        unit.setid(item.key)
        unit.xmlelement.set("resname", item.key)
        if item.target:
            unit.target = item.target
            # Outdated translations go out for review; the others are translated.
            state = "needs-review-translation" if item.state == "outdated" else "translated"
            unit.xmlelement.find(store.namespaced("target")).set("state", state)
            unit.xmlelement.set("approved", "no" if item.state == "outdated" else "yes")
        unit.addnote(item.name, origin="description")
        unit.addnote(f"{NOTE_PREFIX}{fingerprint(item.source)}", origin=NOTE_FROM)
    if not units:  # an empty file still names its plan
        store.switchfile(original, createifmissing=True)
    return bytes(store)


def write_xlsx(plan: str, source: str, target: str, units: list[OutUnit]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = TEXT_SHEET
    sheet.append(["unit", "fingerprint", "text", source, target])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for item in units:
        sheet.append([item.key, fingerprint(item.source), item.name, item.source, item.target])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # a text, never a formula a spreadsheet would run
    for column, width in zip("ABCDE", (24, 18, 36, 70, 70), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2, min_col=4, max_col=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "D2"
    meta = book.create_sheet(META_SHEET)
    for pair in (("format", FORMAT_NAME), ("plan", plan), ("source", source), ("target", target)):
        meta.append(pair)
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Reading ---------------------------------------------------------------------------------------


def read_exchange(data: bytes) -> Exchange:
    if not data.strip():
        raise ExchangeError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    return _read_xliff(data)


def _foreign() -> ExchangeError:
    return ExchangeError(
        _(
            "This is not a translation file exported by Planwatch: export the texts from the "
            "translation page (XLIFF or XLSX), translate them and import that file."
        )
    )


def _read_xliff(data: bytes) -> Exchange:
    try:
        store = Xliff12.parsestring(data)
    except Exception as exc:  # lxml, translate-toolkit and assertion errors alike
        detail = getattr(exc, "msg", None) or str(exc) or exc.__class__.__name__
        raise ExchangeError(
            _("The file is not a readable XLIFF file (%(detail)s).") % {"detail": detail}
        ) from exc
    files = store.getfilenames()
    if len(files) != 1 or not str(files[0]).startswith(ORIGINAL_PREFIX):
        raise _foreign()
    exchange = Exchange(
        plan=str(files[0])[len(ORIGINAL_PREFIX) :],
        source=store.getsourcelanguage() or "",
        target=store.gettargetlanguage() or "",
    )
    for unit in store.units:
        key = unit.xmlelement.get("id") or ""
        notes = [
            line[len(NOTE_PREFIX) :]
            for line in (unit.getnotes(origin=NOTE_FROM) or "").splitlines()
            if line.startswith(NOTE_PREFIX)
        ]
        if not key or not notes:
            raise _foreign()
        exchange.units.append(
            ExchangeUnit(
                key=key,
                fingerprint=notes[0].strip(),
                source=str(unit.source or ""),
                target=str(unit.target or ""),
                where=_("unit %(id)s") % {"id": key},
            )
        )
    return exchange


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        return str(value)
    return str(value)


def _read_xlsx(data: bytes) -> Exchange:
    try:
        tables = {table.name: table for table in read_tables(data)}
    except UnreadableFile as exc:
        raise ExchangeError(exc.message) from exc
    meta_table, texts = tables.get(META_SHEET), tables.get(TEXT_SHEET)
    if meta_table is None or texts is None:
        raise _foreign()
    # The meta sheet has no header row: its first row was taken as one.
    pairs = [meta_table.header] + [values for _number, values in meta_table.rows]
    meta = {_text(row[0]): _text(row[1]) for row in pairs if len(row) >= 2}
    header = [_text(value) for value in texts.header]
    if meta.get("format") != FORMAT_NAME or header[:3] != ["unit", "fingerprint", "text"]:
        raise _foreign()
    source, target = meta.get("source", ""), meta.get("target", "")
    if len(header) < 5 or header[3] != source or header[4] != target:
        raise ExchangeError(
            _("The header row of the sheet %(sheet)s was changed: it must stay %(header)s.")
            % {
                "sheet": TEXT_SHEET,
                "header": ", ".join(["unit", "fingerprint", "text", source, target]),
            }
        )
    exchange = Exchange(plan=meta.get("plan", ""), source=source, target=target)
    for number, values in texts.rows:
        values = [*values, None, None, None, None, None][:5]
        exchange.units.append(
            ExchangeUnit(
                key=_text(values[0]).strip(),
                fingerprint=_text(values[1]).strip(),
                source=_text(values[3]),
                target=_text(values[4]),
                where=_("row %(row)s") % {"row": number},
            )
        )
    return exchange
