"""Reading an uploaded XLSX or CSV file into plain tables, refusing anything unsafe.

Nothing here knows about plans: a file becomes a list of :class:`Table` (a name, the header row
and the data rows with their row numbers), or :class:`UnreadableFile` with a message a person can
act on. The checks run before any parser sees the bytes:

- the size limit (``PLANWATCH_IMPORT_MAX_BYTES``, 10 MB by default);
- an XLSX is a zip: its declared uncompressed size and member count are checked before openpyxl
  opens it (Python's zipfile never inflates a member past its declared size, and a member that
  lies about it fails its CRC check and is reported as corrupt), so a zip bomb is refused
  unopened; openpyxl then parses the XML through defusedxml;
- encrypted workbooks, old .xls files and OpenDocument files are recognised and named;
- CSV is decoded as UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, and its
  separator (``;``, ``,`` or tab) is detected from the header line.

Formulas are kept as :class:`Formula` and spreadsheet errors (``#N/A``) as :class:`CellError`, so
the checker can report them with their row and column instead of importing a computed value.
"""

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# A real workbook's XML inflates about ten to twenty times; thirty times the size limit leaves
# room for real files and still refuses a bomb (which inflates a thousand times and more).
UNCOMPRESSED_FACTOR = 30
MAX_ZIP_MEMBERS = 2_000
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people upload by mistake, recognised by their first bytes.
OTHER_FORMATS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"{\\rtf",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
)
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

Progress = Callable[[str, int, int | None], None]


class UnreadableFile(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Formula:
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class CellError:
    code: str

    def __str__(self) -> str:
        return self.code


@dataclass
class Table:
    name: str  # the sheet's name as written, or the CSV file's name
    header: list[Any]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)  # (row number, values)
    is_csv: bool = False


def max_bytes() -> int:
    value = getattr(settings, "PLANWATCH_IMPORT_MAX_BYTES", None)
    if value is None:
        value = os.environ.get("PLANWATCH_IMPORT_MAX_BYTES") or DEFAULT_MAX_BYTES
    return int(value)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 ", " ")
    return f"{size / 1024:.0f} kB" if size >= 1024 else f"{size} bytes"


def _too_big(limit: int) -> UnreadableFile:
    return UnreadableFile(
        _(
            "The file is larger than %(limit)s, the most an import accepts. Split it into "
            "smaller files."
        )
        % {"limit": _size_text(limit)}
    )


def read_upload(file: Any) -> tuple[bytes, str]:
    """The file's bytes and name, from a path, bytes, or a file object (an upload), reading no
    more than the size limit allows."""
    limit = max_bytes()
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        try:
            if path.stat().st_size > limit:
                raise _too_big(limit)
            return path.read_bytes(), path.name
        except OSError as exc:
            raise UnreadableFile(
                _("Cannot read %(name)s: %(reason)s") % {"name": path.name, "reason": exc.strerror}
            ) from exc
    if isinstance(file, bytes | bytearray | memoryview):
        data, name = bytes(file), ""
    else:
        size = getattr(file, "size", None)
        if isinstance(size, int) and size > limit:
            raise _too_big(limit)
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
        name = Path(str(getattr(file, "name", "") or "")).name
    if len(data) > limit:
        raise _too_big(limit)
    return data, name


def read_tables(data: bytes, name: str = "", progress: Progress | None = None) -> list[Table]:
    if not data:
        raise UnreadableFile(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTION_STREAM in data:
            raise UnreadableFile(
                _(
                    "The workbook is protected by a password. Open it, remove the password "
                    "(File › Info › Protect Workbook), save it and import it again."
                )
            )
        raise UnreadableFile(
            _(
                "This is an old Excel 97-2003 (.xls) file. Open it and save it as an Excel "
                "workbook (.xlsx) or as CSV, then import that."
            )
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, progress)
    if data.startswith(OTHER_FORMATS):
        raise UnreadableFile(_not_a_spreadsheet())
    return [_read_csv(data, name, progress)]


def _not_a_spreadsheet() -> str:
    return _("This is not a spreadsheet: upload an Excel workbook (.xlsx) or a CSV file.")


# ---------------------------------------------------------------------------------------------
# XLSX


def _corrupt() -> UnreadableFile:
    return UnreadableFile(
        _(
            "The file looks like an Excel workbook but cannot be read: it is damaged or "
            "incomplete. Open it in your spreadsheet program, save it again as .xlsx and retry."
        )
    )


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _corrupt() from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise UnreadableFile(
                _("The workbook holds too many parts (%(count)s); this is not a normal workbook.")
                % {"count": len(members)}
            )
        declared = sum(member.file_size for member in members)
        if declared > max_bytes() * UNCOMPRESSED_FACTOR:
            raise UnreadableFile(
                _(
                    "The workbook would unpack to %(size)s, far more than a workbook of this "
                    "size holds (a 'zip bomb'). It was not opened."
                )
                % {"size": _size_text(declared)}
            )
        if any(member.flag_bits & 0x1 for member in members):
            raise UnreadableFile(
                _("The workbook's parts are encrypted; save it without a password.")
            )
        names = {member.filename for member in members}
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise UnreadableFile(
                _(
                    "This is an OpenDocument spreadsheet (.ods). Save it as an Excel workbook "
                    "(.xlsx) or as CSV, then import that."
                )
            )
        if "xl/workbook.xml" not in names:
            raise UnreadableFile(_not_a_spreadsheet())


def _read_xlsx(data: bytes, progress: Progress | None) -> list[Table]:
    _check_zip(data)
    from . import xlsx  # openpyxl is imported only by imports; keep it off the pages' path

    tables = []
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it ignores (data validation extensions, styles).
            warnings.simplefilter("ignore")
            book = xlsx.load_workbook(data)
            try:
                for sheet in book.worksheets:
                    rows = xlsx.sheet_rows(book, sheet, MAX_COLUMNS)
                    tables.append(_read_sheet(sheet.title, rows, progress))
            finally:
                book.close()
    except UnreadableFile:
        raise
    except Exception as exc:
        # openpyxl reports a damaged file with whatever its parsers raise (KeyError, ValueError,
        # zipfile and XML errors…), lazily while rows are read; all of them mean the same here.
        raise _corrupt() from exc
    return tables


def _cell_value(value: Any, kind: str | None) -> Any:
    if value is None:
        return None
    if kind == "f" or (kind is None and isinstance(value, str) and value.startswith("=")):
        return Formula(str(getattr(value, "text", value)))
    if kind == "e":
        return CellError(str(value))
    if not isinstance(value, str | int | float) and hasattr(value, "text"):  # array formulas
        return Formula(str(value.text))
    return value


def _read_sheet(title: str, rows: Any, progress: Progress | None) -> Table:
    """A sheet's rows (row number, [(value, data type), …]) as a table: the first non-empty
    row is the header; empty rows are skipped."""
    header: list[Any] | None = None
    table = Table(name=title, header=[])
    for number, cells in rows:
        values = [_cell_value(value, kind) for value, kind in cells[:MAX_COLUMNS]]
        if len(cells) > MAX_COLUMNS and any(value is not None for value, _k in cells[MAX_COLUMNS:]):
            raise UnreadableFile(
                _("Sheet %(sheet)s has more than %(count)s columns.")
                % {"sheet": title, "count": MAX_COLUMNS}
            )
        if header is None:
            if all(v is None for v in values):
                continue
            header = values
            table.header = values
            continue
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        table.rows.append((number, values))
        if len(table.rows) > MAX_ROWS:
            raise UnreadableFile(
                _("Sheet %(sheet)s has more than %(count)s rows; split the file.")
                % {"sheet": title, "count": MAX_ROWS}
            )
        if progress and len(table.rows) % 500 == 0:
            progress("read", len(table.rows), None)
    return table


# ---------------------------------------------------------------------------------------------
# CSV


def _decode(data: bytes) -> str:
    try:
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _("The file says it is Unicode text but is not; save it again as CSV UTF-8.")
        ) from exc
    if b"\x00" in data[:65536]:
        raise UnreadableFile(_not_a_spreadsheet())
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            _(
                "The text is neither UTF-8 nor Windows-1252. Save the file as 'CSV UTF-8' in "
                "your spreadsheet program and import it again."
            )
        ) from exc


def detect_separator(first_line: str) -> str:
    """The separator that splits the header line into the most columns (``;`` wins ties: it is
    what Excel writes in Belgium)."""
    best, best_count = ";", 1
    for candidate in (";", ",", "\t"):
        count = len(next(csv.reader([first_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


def _read_csv(data: bytes, name: str, progress: Progress | None) -> Table:
    text = _decode(data)
    sample = text[:65536]
    if len(CONTROL_CHARACTERS.findall(sample)) > max(8, len(sample) // 100):
        # Binary content; a stray control character in a cell is reported with its cell.
        raise UnreadableFile(_not_a_spreadsheet())
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_separator(first_line))
    table = Table(name=name or "csv", header=[], is_csv=True)
    header_seen = False
    try:
        for number, row in enumerate(reader, start=1):
            values = [cell if cell.strip() else None for cell in row]
            if not header_seen:
                if all(v is None for v in values):
                    continue
                table.header = values
                header_seen = True
                continue
            if all(v is None for v in values):
                continue
            table.rows.append((number, values))
            if len(table.rows) > MAX_ROWS:
                raise UnreadableFile(
                    _("The file has more than %(count)s rows; split it.") % {"count": MAX_ROWS}
                )
            if progress and len(table.rows) % 500 == 0:
                progress("read", len(table.rows), None)
    except csv.Error as exc:
        raise UnreadableFile(
            _("The CSV file cannot be read: %(reason)s.") % {"reason": str(exc)}
        ) from exc
    if len(table.header) > MAX_COLUMNS:
        raise UnreadableFile(
            _("The file has more than %(count)s columns.") % {"count": MAX_COLUMNS}
        )
    return table


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None
