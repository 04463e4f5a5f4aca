"""One checker, two front doors: the same mistake in a dataset folder (``planwatch
load-dataset``) and in a plan workbook (``planwatch import plan``) gets the same message."""

import io
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from planwatch.datasets.loader import load_dataset
from planwatch.datasets.reader import DatasetError
from planwatch.documents.imports import plan_workbook, preview_plan_import

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
}


def through_load_dataset(folder: Path, edit: tuple[str, str, str]) -> list[str]:
    name, old, new = edit
    path = folder / name
    assert old in path.read_text(), old
    path.write_text(path.read_text().replace(old, new, 1))
    with pytest.raises(DatasetError) as error:
        load_dataset(folder)
    return [problem.message for problem in error.value.problems]


def through_import_plan(edit: tuple[str, object, str, object]) -> list[str]:
    sheet_name, key, column, value = edit
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook("mini", "en")))
    sheet = book[sheet_name]
    names = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == key)
    row[names.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    preview = preview_plan_import(out.getvalue(), "mini")
    return [error.message for error in preview.errors]


@pytest.mark.parametrize("case", CASES)
def test_the_same_mistake_gets_the_same_message_through_both_doors(case, tmp_path, db, english):
    folder_edit, workbook_edit = CASES[case]
    load_dataset(MINI)  # the workbook is the plan as it stands
    shutil.copytree(MINI, tmp_path / "mini")
    from_folder = through_load_dataset(tmp_path / "mini", folder_edit)
    from_workbook = through_import_plan(workbook_edit)
    assert from_folder and from_folder == from_workbook


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
