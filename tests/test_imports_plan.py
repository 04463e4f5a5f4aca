"""The plan import: the template round-trips, a filled workbook creates and updates through the
history, and any error applies nothing."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from planwatch.accounts.models import User
from planwatch.actors.models import Actor
from planwatch.documents.imports import (
    CHANGE_REASON,
    ImportRefused,
    apply_plan_import,
    error_report_xlsx,
    plan_workbook,
    preview_plan_import,
)
from planwatch.plans.models import Measure, Plan, Section, Tag

from .imports_helpers import NAP, add_row, column, db_state, save, set_cell, template, xlsx

pytestmark = pytest.mark.usefixtures("english")


def errors_of(preview) -> list[tuple]:
    return [(e.sheet, e.row, e.column, e.value) for e in preview.errors]


def message(preview, sheet: str, row: int, col: str) -> str:
    found = [e.message for e in preview.errors if (e.sheet, e.row, e.column) == (sheet, row, col)]
    assert found, f"no error at {sheet} row {row} column {col}: {preview.errors}"
    return found[0]


def test_the_template_imported_unchanged_changes_nothing(nap):
    before = db_state()
    preview = preview_plan_import(plan_workbook(NAP), NAP)
    assert preview.errors == []
    assert not preview.changes_anything
    counts = preview.counts()
    assert counts["measures"]["unchanged"] == nap.measures.count()
    assert counts["sections"]["unchanged"] == nap.sections.count()
    assert counts["actors"]["unchanged"] == Actor.objects.count()
    assert counts["tags"]["unchanged"] == Tag.objects.count()
    assert counts["plan"]["unchanged"] == 1
    summary = apply_plan_import(preview)
    assert not summary.changed
    assert db_state() == before


def test_the_template_has_documented_sheets_and_drop_downs(nap):
    book = template()
    assert book.sheetnames == [
        "instructions",
        "plan",
        "actors",
        "tags",
        "sections",
        "measures",
        "lists",
    ]
    measures = book["measures"]
    assert [c.value for c in measures[1]][:3] == ["number", "section", "title_nl"]
    assert measures.cell(row=1, column=1).comment is not None  # the column's help
    validated = {
        str(rule.sqref).split(":")[0]: rule.formula1
        for rule in measures.data_validations.dataValidation
    }
    section_letter = openpyxl.utils.get_column_letter(column(measures, "section"))
    assert validated[f"{section_letter}2"].startswith("'sections'!$A$2")
    kinds = {rule.formula1 for rule in book["actors"].data_validations.dataValidation}
    assert any(formula.startswith("'lists'!") for formula in kinds)
    plan_row = [c.value for c in book["plan"][2]]
    assert plan_row[0] == NAP
    assert dt.datetime(2021, 1, 1) in plan_row


def filled_nap_workbook(nap) -> openpyxl.Workbook:
    """The NAP workbook, edited as a coordinator would."""
    book = template()
    set_cell(book, "measures", 112, "title_en", "Sexual assault care centres in every province")
    set_cell(book, "measures", 112, "lead", "fod-justitie")
    set_cell(book, "measures", 112, "partners", "igvm; federale-politie")
    set_cell(book, "measures", 2, "articles", "7; 16")  # was 7; 15 — GREVIO links stay
    set_cell(book, "measures", 4, "groups", "women; girls")
    add_row(book, "actors", {"slug": "new-agency", "name_nl": "Nieuw agentschap", "kind": "agency"})
    add_row(book, "tags", {"slug": "online-hate", "kind": "form", "name_en": "Online hate"})
    add_row(book, "sections", {"code": "1.4.9", "parent": "1.4", "title_nl": "Nieuwe doelstelling"})
    add_row(
        book,
        "measures",
        {
            "number": 1,
            "section": "1.4.9",
            "title_nl": "Een nieuwe maatregel",
            "title_en": "A new measure",
            "lead": "new-agency",
            "forms": "online-hate",
            "groups": "women",
            "articles": "12",
        },
    )
    return book


def test_a_filled_workbook_creates_and_updates(nap):
    user = User.objects.create_user("coordinator@example.invalid")
    content = save(filled_nap_workbook(nap))
    preview = preview_plan_import(content, NAP)
    assert preview.errors == []
    counts = preview.counts()
    assert (counts["measures"]["create"], counts["measures"]["update"]) == (1, 3)
    assert counts["actors"]["create"] == counts["tags"]["create"] == 1
    assert counts["sections"]["create"] == 1
    update = next(r for r in preview.to_update if r.key == "112")
    assert {c[0] for c in update.changes} == {"title_en", "lead", "partners"}
    lead = next(c for c in update.changes if c[0] == "lead")
    assert lead == ("lead", "igvm", "fod-justitie")

    apply_plan_import(preview, user=user)

    measure = nap.measures.get(number=112)
    assert measure.title_en == "Sexual assault care centres in every province"
    roles = [(r.actor.slug, r.role, r.order) for r in measure.measure_actors.order_by("order")]
    assert roles == [
        ("fod-justitie", "lead", 0),
        ("igvm", "partner", 1),
        ("federale-politie", "partner", 2),
    ]
    two = nap.measures.get(number=2)
    assert sorted((p.framework.slug, p.code) for p in two.provisions.all()) == [
        ("grevio-belgium-2020", "gendered-understanding"),
        ("istanbul-convention", "16"),
        ("istanbul-convention", "7"),
    ]
    assert {t.slug for t in nap.measures.get(number=4).tags.filter(kind="group")} == {
        "women",
        "girls",
    }
    new = nap.measures.get(number=1)
    assert new.section == Section.objects.get(plan=nap, code="1.4.9")
    assert new.section.pillar == 4 and new.section.parent.code == "1.4"
    assert [a.slug for a in new.actors.all()] == ["new-agency"]
    assert {t.slug for t in new.tags.all()} == {"online-hate", "women"}
    assert Actor.objects.get(slug="new-agency").kind == "agency"

    # Every applied change is in the history, with the reason and the person.
    changed = measure.history.order_by("-history_id").first()
    assert changed.history_change_reason == CHANGE_REASON
    assert changed.history_user == user
    assert new.history.earliest("history_id").history_type == "+"
    assert Actor.objects.get(slug="new-agency").history.get().history_user == user
    roles_history = measure.measure_actors.model.history.filter(measure_id=measure.pk)
    assert {h.history_change_reason for h in roles_history.filter(history_user=user)} == {
        CHANGE_REASON
    }

    # The same file again changes nothing: no row, no history.
    before = db_state()
    again = preview_plan_import(content, NAP)
    assert again.errors == [] and not again.changes_anything
    assert not apply_plan_import(again, user=user).changed
    assert db_state() == before


def test_errors_are_reported_by_row_and_column_and_apply_nothing(nap):
    book = template()
    measures = book["measures"]
    row_112 = next(r for r in range(2, measures.max_row + 1) if measures.cell(r, 1).value == 112)
    set_cell(book, "measures", 112, "lead", "igvm; no-such-actor")
    set_cell(book, "measures", 112, "section", "9.9.9")
    set_cell(book, "measures", 112, "forms", "women")  # a target group, not a form
    set_cell(book, "measures", 112, "articles", "25; 999")
    set_cell(book, "measures", 112, "title_en", "=UPPER(C2)")
    duplicate = add_row(book, "measures", {"number": 112, "section": "1.4.5", "title_nl": "x"})
    unknown_tag = add_row(
        book, "measures", {"number": 3, "section": "1.4.5", "title_nl": "x", "groups": "nobody"}
    )
    no_title = add_row(book, "measures", {"number": 5, "section": "1.4.5"})
    beyond = add_row(book, "measures", {"number": 250, "section": "1.4.5", "title_nl": "x"})
    bad_number = add_row(book, "measures", {"number": "1.234", "section": "1.4.5", "title_nl": "x"})
    before = db_state()

    preview = preview_plan_import(save(book), NAP)

    assert not preview.ok
    assert "no-such-actor" in message(preview, "measures", row_112, "lead")
    assert "Unknown section '9.9.9'" in message(preview, "measures", row_112, "section")
    assert "put it under groups" in message(preview, "measures", row_112, "forms")
    assert "'999'" in message(preview, "measures", row_112, "articles")
    assert "formula" in message(preview, "measures", row_112, "title_en")
    assert f"already given at measures!A{row_112}." in message(
        preview, "measures", duplicate, "number"
    )
    assert "Unknown tag 'nobody'" in message(preview, "measures", unknown_tag, "groups")
    assert "at least one language" in message(preview, "measures", no_title, "title_nl")
    assert "declares 201" in message(preview, "measures", beyond, "number")
    assert "ambiguous" in message(preview, "measures", bad_number, "number")
    formula = next(e for e in preview.errors if e.column == "title_en")
    assert formula.value == "=UPPER(C2)"
    with pytest.raises(ImportRefused):
        apply_plan_import(preview)
    assert db_state() == before


def test_missing_and_renamed_columns_are_refused_before_any_row_is_read(nap):
    book = template()
    sheet = book["measures"]
    sheet.cell(row=1, column=column(sheet, "title_nl"), value="titel_nl")
    sheet.delete_cols(column(sheet, "partners"))
    preview = preview_plan_import(save(book), NAP)
    found = {(e.sheet, e.row, e.column): e.message for e in preview.errors}
    assert "Did you mean 'title_nl'?" in found["measures", 1, "C"]
    assert "'title_nl' is missing" in found["measures", 1, "title_nl"]
    assert "'partners' is missing" in found["measures", 1, "partners"]
    assert len(preview.errors) == 3 and preview.rows == []
    with pytest.raises(ImportRefused):
        apply_plan_import(preview)


def test_an_unknown_sheet_is_refused_not_skipped(nap):
    content = xlsx({"maatregelen": [["number"], [1]]})
    preview = preview_plan_import(content, NAP)
    assert "Unknown sheet 'maatregelen'" in preview.errors[0].message


def test_sections_parents_and_pillars(nap):
    content = xlsx(
        {
            "sections": [
                [
                    "code",
                    "parent",
                    "pillar",
                    "order",
                    "title_nl",
                    "title_fr",
                    "title_de",
                    "title_en",
                ],
                ["8.1.1", "8.1", None, None, "Kind vóór ouder", None, None, None],
                ["8.1", None, 8, None, "Pijler acht", None, None, None],
                ["8.2", None, None, None, "Pijler zonder nummer", None, None, None],
                ["1.4.8", "1.4", 3, None, "Verkeerde pijler", None, None, None],
                ["x.1", "x.2", None, None, "Cirkel", None, None, None],
                ["x.2", "x.1", None, None, "Cirkel", None, None, None],
            ]
        }
    )
    preview = preview_plan_import(content, NAP)
    assert {(e.row, e.column) for e in preview.errors} == {
        (4, "pillar"),
        (5, "pillar"),
        (6, "parent"),
        (7, "parent"),
    }
    assert "circle" in message(preview, "sections", 6, "parent")
    assert "pillar number 4" in message(preview, "sections", 5, "pillar")
    # Without the bad rows, a child written before its parent is fine.
    book = openpyxl.load_workbook(io.BytesIO(content))
    book["sections"].delete_rows(4, 4)
    preview = preview_plan_import(save(book), NAP)
    assert preview.errors == []
    apply_plan_import(preview)
    child = Section.objects.get(plan=nap, code="8.1.1")
    assert (child.parent.code, child.pillar) == ("8.1", 8)
    assert min(child.order, child.parent.order) > max(
        s.order for s in nap.sections.exclude(code__startswith="8.")
    )


def test_a_new_plan_from_the_blank_workbook_with_belgian_dates(db, tmp_path):
    target = tmp_path / "new.xlsx"
    call_command("template", "plan", "--plan", "new-plan", "--blank", "-o", str(target))
    book = openpyxl.load_workbook(target)
    set_cell(book, "plan", "new-plan", "title_nl", "Nieuw plan")
    set_cell(book, "plan", "new-plan", "start", "01/01/2026")  # typed as text, Belgian style
    set_cell(book, "plan", "new-plan", "end", dt.datetime(2030, 12, 31))  # a date cell
    set_cell(book, "plan", "new-plan", "statuses", "not_started;in_progress;implemented")
    set_cell(book, "plan", "new-plan", "coordinator", "igvm")
    add_row(book, "sections", {"code": "1", "pillar": 1, "title_en": "Prevention"})
    add_row(
        book, "measures", {"number": 1, "section": "1", "title_en": "Campaigns", "lead": "igvm"}
    )
    preview = preview_plan_import(save(book), "new-plan")
    assert preview.errors == []
    apply_plan_import(preview)
    plan = Plan.objects.get(slug="new-plan")
    assert (plan.start, plan.end) == (dt.date(2026, 1, 1), dt.date(2030, 12, 31))
    assert plan.statuses == ["not_started", "in_progress", "implemented"]
    assert plan.coordinator.slug == "igvm"
    assert plan.measures.get().actors.get().slug == "igvm"
    # And its own workbook round-trips.
    assert not preview_plan_import(plan_workbook("new-plan"), "new-plan").changes_anything


def test_plan_sheet_errors(db):
    header = ["slug", "title_nl", "title_fr", "title_de", "title_en", "description_nl"]
    header += ["description_fr", "description_de", "description_en", "start", "end", "adopted"]
    header += ["declared_measures", "statuses", "coordinator"]
    row = ["other-plan", "T", None, None, None, None, None, None, None]
    row += ["12/31/2026", "31/12/25", "1/1/2026", None, "done", "nobody"]
    preview = preview_plan_import(xlsx({"plan": [header, row]}), "new-plan")
    found = {e.column: e.message for e in preview.errors}
    assert "for the plan 'other-plan'" in found["slug"]
    assert "no such date" in found["start"]
    assert "four digits" in found["end"]
    assert "Unknown status 'done'" in found["statuses"]
    assert "Unknown actor 'nobody'" in found["coordinator"]
    sections = ["code", "parent", "pillar", "order", "title_nl", "title_fr", "title_de", "title_en"]
    missing = preview_plan_import(xlsx({"sections": [sections, ["1", None, 1]]}), "new-plan")
    assert "There is no plan 'new-plan'" in " ".join(e.message for e in missing.errors)


def test_apply_refuses_when_the_plan_changed_since_the_preview(nap):
    book = template()
    set_cell(book, "measures", 112, "title_en", "From the workbook")
    preview = preview_plan_import(save(book), NAP)
    assert preview.errors == []
    measure = nap.measures.get(number=112)
    measure.title_nl = "Meanwhile edited in the admin"
    measure.save()
    before = db_state()
    with pytest.raises(ImportRefused, match="changed by someone else"):
        apply_plan_import(preview)
    assert db_state() == before
    assert Measure.objects.get(pk=measure.pk).title_en != "From the workbook"


@pytest.mark.parametrize(
    ("encoding", "separator"), [("utf-8-sig", ";"), ("utf-8", ","), ("cp1252", ";")]
)
def test_a_csv_of_measures(nap, encoding, separator):
    header = ["number", "section", "title_nl", "title_fr", "title_de", "title_en"]
    header += ["description_nl", "description_fr", "description_de", "description_en"]
    header += ["lead", "partners", "forms", "groups", "articles"]
    row = ["1", "1.4.5", "Één loket", "Guichet « unique »", "", "One desk", "", "", "", ""]
    row += ["igvm", "fod-justitie; federale-politie", "sexual-violence", "", "25; 26"]
    text = "\r\n".join(separator.join(f'"{v}"' for v in line) for line in (header, row))
    preview = preview_plan_import(text.encode(encoding), NAP)
    assert preview.errors == []
    assert [(r.sheet, r.action) for r in preview.rows] == [("csv", "create")]
    apply_plan_import(preview)
    measure = nap.measures.get(number=1)
    assert (measure.title_nl, measure.title_fr) == ("Één loket", "Guichet « unique »")
    assert [a.slug for a in measure.actors.order_by("measure_roles__order")] == [
        "igvm",
        "fod-justitie",
        "federale-politie",
    ]


def test_the_error_report_is_a_safe_spreadsheet(nap):
    book = template()
    set_cell(book, "measures", 112, "lead", '=HYPERLINK("http://x")')
    preview = preview_plan_import(save(book), NAP)
    with translation.override("en"):
        report = openpyxl.load_workbook(io.BytesIO(error_report_xlsx(preview)))
    sheet = report.active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["cell", "sheet", "row", "column", "value", "message"]
    error = preview.errors[0]
    assert rows[1][:5] == [error.place, "measures", error.row, "lead", '=HYPERLINK("http://x")']
    assert rows[1][0].startswith("measures!K") and rows[1][0].endswith(" (lead)")
    assert sheet.cell(row=2, column=5).data_type == "s"  # text, not a formula


def test_progress_is_reported_for_long_files(nap):
    header = "number;section;" + ";".join(
        f"{f}_{lang}" for f in ("title", "description") for lang in ("nl", "fr", "de", "en")
    )
    header += ";lead;partners;forms;groups;articles"
    lines = [header] + [f"{n};1.4.5;T{n}" + ";" * 12 for n in range(1, 1201)]
    calls = []
    preview = preview_plan_import(
        "\n".join(lines).encode(), NAP, progress=lambda *a: calls.append(a)
    )
    assert ("read", 1000, None) in calls
    assert calls[-1] == ("check", 1200, 1200)
    assert preview.errors  # numbers beyond the declared 201


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_command_round_trip_dry_run_and_apply(nap, tmp_path):
    target = tmp_path / "nap.xlsx"
    run("template", "plan", "--plan", NAP, "-o", str(target))
    out, _err = run("import", "plan", str(target), "--plan", NAP)
    assert f"measures: 0 to create, 0 to update, {nap.measures.count()} unchanged" in out
    assert "Nothing to change" in out

    book = openpyxl.load_workbook(target)
    set_cell(book, "measures", 112, "title_en", "Changed")
    target.write_bytes(save(book))
    before = db_state()
    out, _err = run("import", "plan", str(target), "--plan", NAP, "--dry-run")
    assert "measures: 0 to create, 1 to update" in out and "Dry run" in out
    assert db_state() == before
    out, _err = run("import", "plan", str(target), "--plan", NAP, "-v", "2")
    assert "title_en" in out and "Imported" in out
    assert nap.measures.get(number=112).title_en == "Changed"


def test_command_refuses_with_errors_and_writes_the_report(nap, tmp_path):
    book = template()
    set_cell(book, "measures", 112, "lead", "nobody")
    source = tmp_path / "bad.xlsx"
    source.write_bytes(save(book))
    report = tmp_path / "errors.xlsx"
    before = db_state()
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command(
            "import", "plan", str(source), "--plan", NAP, "--error-report", str(report), stdout=out
        )
    # Where, as the spreadsheet program names the cell, then the column's name.
    assert re.search(
        r"  measures!K\d+ \(lead\), value 'nobody': Unknown actor 'nobody'\.", out.getvalue()
    )
    assert openpyxl.load_workbook(report).active.max_row == 2
    assert db_state() == before


def test_command_round_and_unknown_plan_are_clear(nap, tmp_path):
    # The round import and workbook are tested in tests/test_imports_round.py.
    with pytest.raises(CommandError, match="give --user EMAIL"):
        call_command("import", "round", str(tmp_path / "x.xlsx"), "--plan", NAP)
    with pytest.raises(CommandError, match="needs --round SLUG and --actor SLUG"):
        call_command("template", "round", "--plan", NAP, "--actor", "igvm", "-o", "x.xlsx")
    with pytest.raises(CommandError, match="No plan 'nope'.*--blank"):
        call_command("template", "plan", "--plan", "nope", "-o", str(tmp_path / "x.xlsx"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import", "plan", str(tmp_path / "missing.xlsx"), "--plan", NAP, stdout=out)
    assert "Cannot read missing.xlsx" in out.getvalue()


def test_cell_errors_and_control_characters_are_refused(nap):
    book = template()
    set_cell(book, "measures", 112, "title_en", "#N/A")  # openpyxl stores it as an error cell
    (error,) = preview_plan_import(save(book), NAP).errors
    assert (error.column, error.value) == ("title_en", "#N/A")
    assert "spreadsheet error (#N/A)" in error.message
    # openpyxl cannot even write a control character; a CSV can hold one.
    header = [c.value for c in book["measures"][1]]
    row = ["112", "1.4.5", "Bell\x07 here"] + [""] * (len(header) - 3)
    csv = "\n".join(";".join(line) for line in (header, row)).encode()
    (error,) = preview_plan_import(csv, NAP).errors
    assert (error.row, error.column) == (2, "title_nl")
    assert "control characters" in error.message


def test_a_preview_can_be_kept_between_requests(nap):
    import pickle

    book = template()
    set_cell(book, "measures", 112, "title_en", "Kept")
    preview = pickle.loads(pickle.dumps(preview_plan_import(save(book), NAP)))
    apply_plan_import(preview)
    assert nap.measures.get(number=112).title_en == "Kept"


def test_the_command_records_the_user(nap, tmp_path):
    user = User.objects.create_user("importer@example.invalid")
    book = template()
    set_cell(book, "measures", 112, "title_en", "By the importer")
    source = tmp_path / "plan.xlsx"
    source.write_bytes(save(book))
    run("import", "plan", str(source), "--plan", NAP, "--user", user.email)
    latest = nap.measures.get(number=112).history.latest("history_id")
    assert (latest.history_user, latest.history_change_reason) == (user, CHANGE_REASON)
    with pytest.raises(CommandError, match="No account"):
        run("import", "plan", str(source), "--plan", NAP, "--user", "nobody@example.invalid")


def test_every_column_is_documented():
    from pathlib import Path

    from planwatch.documents.imports.sheets import SHEETS

    docs = (Path(__file__).parents[1] / "docs" / "imports.md").read_text()
    for sheet in SHEETS:
        assert f"### `{sheet.name}`" in docs
        for name in sheet.names:
            documented = name.rsplit("_", 1)[0] + "_*" if name[-3:-2] == "_" else name
            assert f"`{documented}`" in docs, name


# ---------------------------------------------------------------------------------------------
# The bulk writer: history, cache, idempotence and a query count that does not grow with rows.


def history_counts() -> dict[str, int]:
    from django.apps import apps

    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_app_config("plans").get_models(include_auto_created=True)
        if model.__name__.startswith("Historical")
    }


def test_every_applied_change_has_one_historical_record(nap):
    from planwatch.core.models import DataVersion
    from planwatch.plans.models import MeasureActor

    user = User.objects.create_user("bulk@example.invalid")
    book = template()
    set_cell(book, "measures", 112, "title_fr", "Centres de prise en charge (revu)")
    set_cell(book, "measures", 112, "partners", "")
    set_cell(book, "measures", 4, "groups", "women; girls")  # links only
    add_row(
        book,
        "measures",
        {
            "number": 1,
            "section": "1.4.5",
            "title_nl": "Nieuw",
            "forms": "stalking",
            "articles": "12",
        },
    )
    content = save(book)
    measure = nap.measures.get(number=112)
    partners = list(measure.measure_actors.filter(role="partner"))
    assert partners, "measure 112 needs partners for this test"
    before = {n: nap.measures.get(number=n).history.count() for n in (4, 7, 112)}
    token = DataVersion.current()

    apply_plan_import(preview_plan_import(content, NAP), user=user)

    assert DataVersion.current() != token  # the cached public pages are dropped
    after = {n: nap.measures.get(number=n).history.count() for n in (4, 7, 112)}
    assert after == {4: before[4] + 1, 7: before[7], 112: before[112] + 1}
    for number in (4, 112, 1):
        current = nap.measures.get(number=number)
        record = current.history.latest("history_id")
        assert (record.history_user, record.history_change_reason) == (user, CHANGE_REASON)
        assert record.history_type == ("+" if number == 1 else "~")
        assert record.title_fr == current.title_fr and record.title_nl == current.title_nl
        # simple-history's many-to-many snapshot: the links as they are after the import.
        assert {t.tag_id for t in record.tags.all()} == {t.pk for t in current.tags.all()}
        assert {p.provision_id for p in record.provisions.all()} == {
            p.pk for p in current.provisions.all()
        }
    assert nap.measures.get(number=1).history.count() == 1
    gone = MeasureActor.history.filter(id__in=[p.pk for p in partners])
    assert {(h.history_type, h.history_user, h.history_change_reason) for h in gone} >= {
        ("-", user, CHANGE_REASON)
    }
    assert not MeasureActor.objects.filter(pk__in=[p.pk for p in partners]).exists()

    # The same file again: no row, no history, the same cache.
    state, counts, token = db_state(), history_counts(), DataVersion.current()
    again = preview_plan_import(content, NAP)
    assert again.errors == [] and not again.changes_anything
    assert not apply_plan_import(again, user=user).changed
    assert (db_state(), history_counts(), DataVersion.current()) == (state, counts, token)


def test_the_original_column_of_a_translated_field_is_written_as_a_save_writes_it(nap):
    from django.db import connection

    book = template()
    set_cell(book, "measures", 112, "title_en", "")
    set_cell(book, "measures", 112, "title_fr", "Titre en français")
    apply_plan_import(preview_plan_import(save(book), NAP))
    measure = nap.measures.get(number=112)
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM plans_measure WHERE id = %s", [measure.pk])
        (raw,) = cursor.fetchone()
    with translation.override("en"):
        assert raw == measure.title  # what save() writes: the active language, with fallback
    saved = Measure.objects.get(pk=measure.pk)
    with translation.override("en"):
        saved.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM plans_measure WHERE id = %s", [measure.pk])
        assert cursor.fetchone() == (raw,)


def sized_workbook(slug: str, count: int, changed: bool = False) -> bytes:
    """A new plan of ``count`` measures, or every measure of it changed in every column."""
    actors = ["igvm", "fod-justitie", "federale-politie", "opgroeien"]
    plan = ["slug", "title_nl", "title_fr", "title_de", "title_en", "description_nl"]
    plan += ["description_fr", "description_de", "description_en", "start", "end", "adopted"]
    plan += ["declared_measures", "statuses", "coordinator"]
    sections = ["code", "parent", "pillar", "order", "title_nl", "title_fr", "title_de"]
    sections += ["title_en"]
    measures = [[c.value for c in template()["measures"][1]]]
    for number in range(1, count + 1):
        lead, *partners = actors[number % 4 :] + actors[: number % 4]
        if changed:
            lead, partners = partners[0], [lead, partners[2]]
        suffix = " (changed)" if changed else ""
        measures.append(
            [number, "1.2" if changed else "1.1"]
            + [f"Measure {number} {lang}{suffix}" for lang in ("nl", "fr", "de", "en")]
            + [f"Text {number}{suffix}", None, None, None, lead, "; ".join(partners[:2])]
            + ["stalking" if changed else "sexual-violence", "girls" if changed else "women"]
            + ["12; 15" if changed else "12"]
        )
    return xlsx(
        {
            "plan": [
                plan,
                [slug, "Plan", None, None, None, None, None, None, None]
                + [dt.datetime(2021, 1, 1), dt.datetime(2025, 12, 31), None, count]
                + [None, None],
            ],
            "sections": [sections, ["1", None, 1, 1, "Pijler"], ["1.1", "1", None, 2, "Doel"]]
            + [["1.2", "1", None, 3, "Doel 2"]],
            "measures": measures,
        }
    )


def test_the_query_count_of_an_apply_does_not_grow_with_the_rows(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for count in (10, 50):
        slug = f"sized-{count}"
        queries = []
        for changed in (False, True):
            preview = preview_plan_import(sized_workbook(slug, count, changed), slug)
            assert preview.errors == []
            with CaptureQueriesContext(connection) as captured:
                apply_plan_import(preview)
            queries.append(len(captured))
        assert Plan.objects.get(slug=slug).measures.count() == count
        counts[count] = queries
    assert counts[10] == counts[50], counts


def with_shared_strings(content: bytes, rich: dict[str, str]) -> bytes:
    """The workbook as spreadsheet programs save it: every text in a shared-strings table
    instead of inline. ``rich`` replaces a text by rich text with a phonetic guide."""
    import re
    import zipfile

    strings: list[bytes] = []

    def shared(match: re.Match) -> bytes:
        body = match.group(1)
        text = re.sub(rb"<[^>]+>", b"", body).decode()
        if text in rich:
            first, second = rich[text].split("|")
            body = (
                f'<r><t xml:space="preserve">{first}</t></r><r><rPr><b/></rPr><t>{second}</t>'
                '</r><rPh sb="0" eb="1"><t>guide</t></rPh>'
            ).encode()
        strings.append(body)
        return b't="s"><v>%d</v></c>' % (len(strings) - 1)

    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb't="inlineStr"><is>(.*?)</is></c>', shared, data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            target.writestr(item, data)
        table = b"".join(b"<si>" + body + b"</si>" for body in strings)
        target.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main">' + table + b"</sst>",
        )
    return out.getvalue()


def test_shared_strings_and_rich_text_are_read_as_plain_text(nap):
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    book = template()
    set_cell(book, "measures", 112, "title_en", "Placeholder for rich text")
    set_cell(
        book,
        "measures",
        4,
        "title_en",
        CellRichText(["Inline ", TextBlock(InlineFont(b=True), "rich")]),
    )
    content = with_shared_strings(save(book), {"Placeholder for rich text": "Sexual |violence"})
    preview = preview_plan_import(content, NAP)
    assert preview.errors == []
    changed = {row.key: row.changes for row in preview.to_update}
    assert set(changed) == {"112", "4"}  # every other text of the NAP reads back unchanged
    assert changed["112"][0][2] == "Sexual violence"  # the runs, without the phonetic guide
    assert changed["4"][0][2] == "Inline rich"
