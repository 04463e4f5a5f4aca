"""One checker, two front doors: the same mistake in a dataset folder (``planwatch
load-dataset``) and in a plan workbook (``planwatch import plan``) gets the same message."""

import csv
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from planwatch.datasets.loader import load_dataset
from planwatch.datasets.reader import DatasetError, Problem
from planwatch.documents.imports import plan_workbook, preview_plan_import
from planwatch.documents.imports.preview import RowError

MINI = Path(__file__).parent / "data" / "mini"

# (file of the folder, text there, its replacement) and (sheet, key of the row, column, value):
# the same mistake written in each format.
CASES = {
    "unknown actor": (
        ("plan.yaml", "lead: [opgroeien]", "lead: [nobody]"),
        ("measures", 2, "lead", "nobody"),
    ),
    "lead and partner": (
        ("plan.yaml", "partners: [fod-justitie]", "partners: [igvm]"),
        ("measures", 1, "partners", "igvm"),
    ),
    "tag of the other kind": (
        ("plan.yaml", "forms: [sexual-violence]", "forms: [women]"),
        ("measures", 1, "forms", "women"),
    ),
    "unknown article": (
        ("plan.yaml", 'articles: ["25"]', 'articles: ["999"]'),
        ("measures", 2, "articles", "999"),
    ),
    "status the plan cannot use": (
        ("plan.yaml", "implemented]", "implemented, done]"),
        ("plan", "mini", "statuses", "not_started; in_progress; implemented; done"),
    ),
    "measure beyond the declared number": (
        ("plan.yaml", "declared_measures: 10", "declared_measures: 1"),
        ("plan", "mini", "declared_measures", 1),
    ),
    "unknown parent section": (
        ("reference.yaml", '{code: "1.1.1", ', '{code: "1.1.1", parent: "9.9", '),
        ("sections", "1.1.1", "parent", "9.9"),
    ),
    "unknown section of a measure": (
        ("plan.yaml", 'section: "1.2.1"', 'section: "9.9"'),
        ("measures", 2, "section", "9.9"),
    ),
    "unknown tag": (
        ("plan.yaml", "groups: [women]", "groups: [nobody]"),
        ("measures", 1, "groups", "nobody"),
    ),
    "actor listed twice": (
        ("plan.yaml", "lead: [opgroeien]", "lead: [opgroeien, opgroeien]"),
        ("measures", 2, "lead", "opgroeien; opgroeien"),
    ),
    "unknown coordinator": (
        ("plan.yaml", "coordinator: igvm", "coordinator: nobody"),
        ("plan", "mini", "coordinator", "nobody"),
    ),
    "plan ends before it starts": (
        ("plan.yaml", "end: 2025-12-31", "end: 2020-12-31"),
        ("plan", "mini", "end", "31/12/2020"),
    ),
    "status listed twice": (
        ("plan.yaml", "implemented]", "implemented, implemented]"),
        ("plan", "mini", "statuses", "not_started; in_progress; implemented; implemented"),
    ),
    "unknown government of an actor": (
        ("reference.yaml", "kind: agency, government: vl}", "kind: agency, government: xx}"),
        ("actors", "opgroeien", "government", "xx"),
    ),
    "unknown kind of actor": (
        ("reference.yaml", "kind: agency, government: vl}", "kind: spaceship, government: vl}"),
        ("actors", "opgroeien", "kind", "spaceship"),
    ),
    "unknown kind of tag": (
        ("reference.yaml", "{slug: women, kind: group,", "{slug: women, kind: people,"),
        ("tags", "women", "kind", "people"),
    ),
    "objective with another pillar's number": (
        ("reference.yaml", '{code: "1.1.1", ', '{code: "1.1.1", parent: "1.1", pillar: 2, '),
        ("sections", "1.1.1", "pillar", 2),
    ),
}

# Where each door says the mistake is: the record's line in the folder, the cell in the workbook
# (the edited cell, unless the rule is about another one).
WHERE = {
    "measure beyond the declared number": ("plan.yaml:35", "measures!A3"),
    "lead and partner": ("plan.yaml:23", None),
}


def through_load_dataset(folder: Path, edit: tuple[str, str, str]) -> list[Problem]:
    name, old, new = edit
    path = folder / name
    assert old in path.read_text(), old
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(DatasetError) as error:
        load_dataset(folder)
    return error.value.problems


def edited_workbook(edit: tuple[str, object, str, object]) -> tuple[openpyxl.Workbook, str]:
    """The plan's workbook with one cell changed, and that cell's name (``measures!K3``)."""
    sheet_name, key, column, value = edit
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook("mini", "en")))
    sheet = book[sheet_name]
    names = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == key)
    cell = row[names.index(column)]
    cell.value = value
    return book, f"{sheet_name}!{cell.coordinate}"


def through_import_plan(book: openpyxl.Workbook) -> list[RowError]:
    out = io.BytesIO()
    book.save(out)
    return preview_plan_import(out.getvalue(), "mini").errors


def line_of(folder: Path, edit: tuple[str, str, str]) -> str:
    """``plan.yaml:35``: the line of the record the edit is in (its first line)."""
    name, _old, new = edit
    lines = (folder / name).read_text().splitlines()
    number = next(i for i, text in enumerate(lines) if new in text)
    while number and not lines[number].lstrip().startswith(("-", "plan:")):
        number -= 1
    return f"{name}:{number + 1 + (lines[number].strip() == 'plan:')}"


@pytest.mark.parametrize("case", CASES)
def test_the_same_mistake_gets_the_same_message_through_both_doors(case, tmp_path, db, english):
    folder_edit, workbook_edit = CASES[case]
    load_dataset(MINI)  # the workbook is the plan as it stands
    shutil.copytree(MINI, tmp_path / "mini")
    from_folder = through_load_dataset(tmp_path / "mini", folder_edit)
    book, cell = edited_workbook(workbook_edit)
    from_workbook = through_import_plan(book)
    assert from_folder
    assert [p.message for p in from_folder] == [e.message for e in from_workbook]
    # Each door says where, in its own form.
    line, cell = WHERE.get(case, (line_of(tmp_path / "mini", folder_edit), cell))
    assert [p.where for p in from_folder] == [line] * len(from_folder)
    if cell:
        assert [e.cell for e in from_workbook] == [cell] * len(from_workbook)


def test_a_csv_file_names_its_line(db, english):
    """A CSV file holds one sheet; its rows are lines: ``measures.csv:3``."""
    load_dataset(MINI)
    book, _cell = edited_workbook(("measures", 2, "lead", "nobody"))
    out = io.StringIO()
    csv.writer(out).writerows(book["measures"].iter_rows(values_only=True))
    errors = preview_plan_import(
        SimpleUploadedFile("measures.csv", out.getvalue().encode()), "mini"
    ).errors
    assert [str(e) for e in errors] == ["measures.csv:3 (lead) [nobody]: Unknown actor 'nobody'."]


def test_a_repeated_key_names_where_the_first_one_is(tmp_path, db, english):
    load_dataset(MINI)
    shutil.copytree(MINI, tmp_path / "mini")
    text = (tmp_path / "mini" / "plan.yaml").read_text()
    (tmp_path / "mini" / "plan.yaml").write_text(text.replace("- number: 2", "- number: 1"))
    problems = through_load_dataset(tmp_path / "mini", ("plan.yaml", "", ""))
    # (measure 2 is gone, so what named it is refused too)
    assert "plan.yaml:35: Measure 1 is already given at plan.yaml:23." in map(str, problems)
    book, _cell = edited_workbook(("measures", 2, "number", 1))
    assert [str(e) for e in through_import_plan(book)] == [
        "measures!A3 (number) [1]: Measure 1 is already given at measures!A2."
    ]


def test_both_commands_print_it(tmp_path, db, english):
    load_dataset(MINI)
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    (folder / "plan.yaml").write_text(
        (folder / "plan.yaml").read_text().replace("lead: [opgroeien]", "lead: [nobody]")
    )
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook("mini", "en")))
    names = [cell.value for cell in book["measures"][1]]
    row = next(r for r in book["measures"].iter_rows(min_row=2) if r[0].value == 2)
    row[names.index("lead")].value = "nobody"
    book.save(tmp_path / "mini.xlsx")
    outputs = []
    for command in (
        ["load_dataset", str(folder)],
        ["import", "plan", str(tmp_path / "mini.xlsx"), "--plan", "mini"],
    ):
        out, err = io.StringIO(), io.StringIO()
        with pytest.raises(CommandError):
            call_command(*command, stdout=out, stderr=err)
        outputs.append(out.getvalue() + err.getvalue())
    for output in outputs:
        assert "Unknown actor 'nobody'." in output
    assert "plan.yaml:35: Unknown actor 'nobody'." in outputs[0]
