"""Reading uploaded files: every kind of bad file gets a clear message and changes nothing."""

import io
import struct
import zipfile
from pathlib import Path

import pytest

from planwatch.documents.imports import preview_plan_import
from planwatch.documents.imports.files import (
    Formula,
    UnreadableFile,
    detect_separator,
    read_tables,
    read_upload,
)

from .imports_helpers import NAP, db_state, xlsx

pytestmark = pytest.mark.usefixtures("english")

DATA = Path(__file__).parent / "data" / "imports"


def refused(content, fragment: str, name: str = "upload.xlsx") -> None:
    """Previewing ``content`` gives one file-level error containing ``fragment``, and applying
    is impossible."""
    upload = io.BytesIO(content)
    upload.name = name
    preview = preview_plan_import(upload, NAP)
    assert not preview.ok
    assert [e.row for e in preview.errors] == [None]
    assert fragment in preview.errors[0].message, preview.errors[0].message
    assert preview.rows == []


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"\x00\x01\x02\x03binary\x00garbage",
    ],
    ids=["pdf", "png", "jpeg", "binary"],
)
def test_not_a_spreadsheet(db, content):
    refused(content, "not a spreadsheet")


def test_a_zip_that_is_not_a_workbook(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    refused(out.getvalue(), "not a spreadsheet")


def test_opendocument_is_named(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused(out.getvalue(), "OpenDocument")


def test_plain_text_is_not_a_plan_sheet(db):
    refused(b"Dear colleagues,\nplease find the plan attached.\n", "Cannot tell which sheet")


def test_empty_file(db):
    refused(b"", "empty")


def test_truncated_workbook_is_corrupt(db):
    content = xlsx({"measures": [["number"], [1]]})
    refused(content[: len(content) // 2], "damaged")


def test_workbook_with_broken_xml_is_corrupt(db):
    content = xlsx({"measures": [["number"], [1]]})
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            archive.writestr(info, data)
    refused(out.getvalue(), "damaged")


def test_encrypted_workbook(db):
    refused((DATA / "encrypted.xlsx").read_bytes(), "password")


def test_old_xls_file(db):
    refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls")


def test_size_limit_from_settings(db, settings, tmp_path):
    settings.PLANWATCH_IMPORT_MAX_BYTES = 1000
    content = b"number;section\n" + b"1;1.1\n" * 300
    refused(content, "larger than 1000 bytes")
    path = tmp_path / "measures.csv"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match="larger than"):
        read_upload(path)
    with pytest.raises(UnreadableFile, match="larger than"):
        read_upload(content)


def test_default_size_limit_is_ten_megabytes(db):
    with pytest.raises(UnreadableFile, match="larger than 10 MB"):
        read_upload(b"x" * (10 * 1024 * 1024 + 1))


def test_zip_bomb_is_refused_before_it_is_opened(db, settings):
    settings.PLANWATCH_IMPORT_MAX_BYTES = 100_000  # → at most 3 MB unpacked
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        # 20 MB of zeros: a few kB packed. Not even valid XML: it must never be parsed.
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * 20_000_000)
    assert len(out.getvalue()) < 100_000
    refused(out.getvalue(), "zip bomb")


def _patch_declared_size(content: bytes, member: str, size: int) -> bytes:
    """Make the zip's central directory lie about a member's unpacked size."""
    data = bytearray(content)
    name = member.encode()
    at = 0
    while (at := data.find(b"PK\x01\x02", at + 1)) != -1:
        name_length = struct.unpack_from("<H", data, at + 28)[0]
        if bytes(data[at + 46 : at + 46 + name_length]) == name:
            struct.pack_into("<I", data, at + 24, size)
            return bytes(data)
    raise KeyError(member)


def test_a_member_that_lies_about_its_size_is_corrupt(db):
    rows = [["number", "section"]] + [[n, "1.1"] for n in range(1, 500)]
    content = _patch_declared_size(xlsx({"measures": rows}), "xl/worksheets/sheet1.xml", 100)
    refused(content, "damaged")


def test_formulas_are_kept_as_formulas():
    content = xlsx({"measures": [["number", "title_en"], [1, '=CONCAT("a","b")']]})
    (table,) = read_tables(content)
    assert table.rows == [(2, [1, Formula('=CONCAT("a","b")')])]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers():
    content = xlsx({"measures": [[None], ["number", "title_en"], [1, "a"], [None, None], [2, "b"]]})
    (table,) = read_tables(content)
    assert table.header == ["number", "title_en"]
    assert table.rows == [(3, [1, "a"]), (5, [2, "b"])]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "cp1252", "utf-16"])
@pytest.mark.parametrize("separator", [";", ",", "\t"])
def test_csv_encodings_and_separators(encoding, separator):
    lines = [
        ["number", "title_nl", "title_fr"],
        ["1", "Preventie; één", "Prévention, « sûre »"],
        ["2", "Opvang", "Hébergement"],
    ]
    out = io.StringIO()
    import csv

    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(lines)
    (table,) = read_tables(out.getvalue().encode(encoding), "measures.csv")
    assert table.is_csv
    assert table.header == lines[0]
    assert [values for _number, values in table.rows] == lines[1:]


def test_csv_in_neither_utf8_nor_windows_1252():
    with pytest.raises(UnreadableFile, match="neither UTF-8 nor Windows-1252"):
        read_tables(b"number;title_nl\n1;caf\x81\n")


def test_csv_with_a_multiline_cell_counts_rows_as_a_spreadsheet_does():
    (table,) = read_tables(b'number;title_nl\n1;"two\nlines"\n2;b\n')
    assert table.rows == [(2, ["1", "two\nlines"]), (3, ["2", "b"])]


@pytest.mark.parametrize(
    ("line", "separator"),
    [("a;b;c", ";"), ("a,b,c", ","), ("a\tb", "\t"), ('"x;y",b,c', ","), ("single", ";")],
)
def test_separator_detection(line, separator):
    assert detect_separator(line) == separator


def test_bad_files_change_nothing(db):
    before = db_state()
    for content in (b"%PDF-1.4", (DATA / "encrypted.xlsx").read_bytes(), b"\x00\x01"):
        preview = preview_plan_import(content, NAP)
        assert preview.errors
    assert db_state() == before


def test_a_csv_missing_its_key_column_is_still_recognised(db):
    preview = preview_plan_import(b"nummer;section;title_nl\n1;1.4.5;x\n", NAP)
    messages = [e.message for e in preview.errors]
    assert "The column 'number' is missing (it may be empty)." in messages
    assert any("Unknown column 'nummer'" in m and "'number'?" in m for m in messages)
