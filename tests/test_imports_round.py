"""The round import: template → filled with openpyxl → import → the contributions are what the
contribution service stores; the same file twice; every refusal changes nothing; the CLI."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from planwatch.actors.models import Actor
from planwatch.documents.imports import (
    ImportRefused,
    apply_round_import,
    preview_round_import,
)
from planwatch.reporting import services
from planwatch.reporting.models import Contribution, Event

from .factories import make_user
from .imports_helpers import ACTOR, ROUND_END, add_budget, header, items, put, save, state, workbook  # noqa: F401 (ROUND_END: the round fixture)

pytestmark = pytest.mark.usefixtures("english")


def filled(round_):
    first, second = items(round_)[:2]
    book = workbook(round_)
    put(book, first.measure.number, "proposed_status", "in_progress")
    put(book, first.measure.number, "narrative_nl", "Opleidingen **gegeven**.")
    put(book, first.measure.number, "evidence", "https://example.org/a Verslag\nhttps://x.be")
    add_budget(book, first.measure.number, ACTOR, 2024, "1.234,56", "specific", "spent")
    add_budget(book, first.measure.number, None, 2025, 5000, "broader", "allocated")
    put(book, second.measure.number, "proposed_status", "implemented")
    return book, first, second


def test_workbook_holds_only_the_actors_contributions_locked(round_):
    book = workbook(round_, language="fr")
    sheet = book["contributions"]
    assert book.sheetnames == ["instructions", "contributions", "lists", "budget", "milestones"]
    assert "narrative_fr" in header(sheet) and "narrative_nl" not in header(sheet)
    numbers = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert numbers == [item.measure.number for item in items(round_)]
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {ACTOR}
    assert sheet.protection.sheet
    assert sheet["A2"].protection.locked
    status = header(sheet).index("proposed_status")
    assert not sheet.cell(row=2, column=status + 1).protection.locked
    rules = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("lists" in formula for formula in rules)
    assert "Contributions" not in book["instructions"]["A2"].value  # in French, not English


def test_round_trip_fills_contributions_as_the_service_would(round_, people):
    book, first, second = filled(round_)
    preview = preview_round_import(save(book), round_, people["focal_a"])
    assert preview.errors == []
    assert len(preview.to_update) == 2
    unchanged = [row for row in preview.unchanged if row.sheet == "contributions"]
    assert len(unchanged) == len(items(round_)) - 2
    assert apply_round_import(preview, people["focal_a"]) == 2
    first.refresh_from_db()
    assert first.state == Contribution.State.DRAFT
    assert first.proposed_status == "in_progress"
    assert first.narrative_nl == "Opleidingen **gegeven**."
    assert [(e.url, e.label) for e in first.evidence.order_by("pk")] == [
        ("https://example.org/a", "Verslag"),
        ("https://x.be", ""),
    ]
    lines = sorted(
        (line.year, line.amount, line.nature, line.stage, line.government_id)
        for line in first.budget_lines.all()
    )
    government = first.actor.government_id
    assert lines == [
        (2024, Decimal("1234.56"), "specific", "spent", government),
        (2025, Decimal("5000.00"), "broader", "allocated", government),
    ]
    assert Event.objects.filter(
        action="reporting.contribution.saved", measure=first.measure, user=people["focal_a"]
    ).exists()

    # The same as typing it in the form: the service called directly stores the same rows.
    other = make_user(role="focal_point", actor=ACTOR)
    second.refresh_from_db()
    services.save_contribution(
        second,
        services.ContributionInput("implemented", {"nl": ""}),
        user=other,
        version=second.version,
    )
    second.refresh_from_db()
    assert second.proposed_status == "implemented" and second.state == Contribution.State.DRAFT


def test_same_file_twice_changes_nothing(round_, people):
    book, _first, _second = filled(round_)
    data = save(book)
    apply_round_import(preview_round_import(data, round_, people["focal_a"]), people["focal_a"])
    before = state()
    again = preview_round_import(data, round_, people["focal_a"])
    assert again.errors == [] and not again.changes_anything
    apply_round_import(again, people["focal_a"])
    assert state() == before
    # A fresh template of the round, imported unchanged, changes nothing either.
    fresh = preview_round_import(save(workbook(round_)), round_, people["focal_a"])
    assert fresh.errors == [] and not fresh.changes_anything


def test_submit_then_same_file_is_unchanged(round_, people):
    book, first, _second = filled(round_)
    put(book, items(round_)[1].measure.number, "narrative_nl", "Klaar.")
    data = save(book)
    preview = preview_round_import(data, round_, people["focal_a"], submit=True)
    assert preview.errors == []
    apply_round_import(preview, people["focal_a"])
    first.refresh_from_db()
    assert first.state == Contribution.State.SUBMITTED
    before = state()
    again = preview_round_import(data, round_, people["focal_a"], submit=True)
    assert again.errors == [] and not again.changes_anything
    assert state() == before


def refused(round_, user, book, submit=False) -> list:
    before = state()
    preview = preview_round_import(save(book), round_, user, submit=submit)
    assert preview.errors, "expected a refusal"
    with pytest.raises(ImportRefused):
        apply_round_import(preview, user)
    assert state() == before
    return preview.errors


def test_every_refusal_changes_nothing(round_, people, nap):
    user = people["focal_a"]
    first = items(round_)[0].measure.number
    other_actor_item = round_.contributions.exclude(actor__slug=ACTOR).select_related("actor")[0]

    def case(edit, column, words, submit=False):
        book, *_rest = filled(round_)
        edit(book)
        errors = refused(round_, user, book, submit)
        assert any(e.column == column and words in e.message for e in errors), errors

    case(lambda b: put(b, first, "proposed_status", "ongoing"), "proposed_status", "does not use")
    case(lambda b: put(b, first, "measure", 9999), "measure", "no measure")
    case(lambda b: put(b, first, "round", "2023"), "round", "belongs to the round")
    case(lambda b: put(b, first, "evidence", "not a link"), "evidence", "not a web address")
    case(lambda b: put(b, first, "proposed_status", "=A1"), "proposed_status", "formula")
    case(lambda b: add_budget(b, first, ACTOR, 2019, 10, "specific", "spent"), "year", "outside")
    case(lambda b: add_budget(b, first, ACTOR, 2024, "1.234", "specific", "spent"), "amount", "")
    case(lambda b: add_budget(b, first, ACTOR, 2024, 10, "other", "spent"), "nature", "Pick")
    case(lambda b: add_budget(b, 9999, ACTOR, 2024, 10, "specific", "spent"), "measure", "No row")
    case(
        lambda b: put(b, first, "actor", other_actor_item.actor.slug),
        "actor",
        "",
    )
    # Submitting needs a narrative: the second contribution has a status only.
    case(lambda b: None, "narrative_nl", "before submitting", submit=True)

    # Another actor's row (the actor has a contribution there, but it is not the user's).
    book = workbook(round_, actor=other_actor_item.actor.slug)
    put(book, other_actor_item.measure.number, "proposed_status", "in_progress")
    errors = refused(round_, user, book)
    assert any("may not import" in e.message for e in errors)

    # A submitted contribution cannot be changed by an import.
    item = items(round_)[0]
    services.save_contribution(
        item,
        services.ContributionInput("in_progress", {"nl": "Gedaan."}),
        user=user,
        version=item.version,
        submit=True,
    )
    book = workbook(round_)
    put(book, first, "narrative_nl", "Anders.")
    errors = refused(round_, user, book)
    assert any("cannot be changed now" in e.message for e in errors)


@pytest.mark.parametrize(
    "data",
    [b"", b"%PDF-1.4 nonsense", b"PK\x03\x04broken", b"measure;amount\n1;2\n"],
)
def test_bad_files_change_nothing(round_, people, data):
    before = state()
    preview = preview_round_import(data, round_, people["focal_a"])
    assert preview.errors and not preview.ok
    assert state() == before


def test_renamed_column_and_unknown_sheet(round_, people):
    book = workbook(round_)
    book["contributions"]["F1"] = "proposed"
    errors = refused(round_, people["focal_a"], book)
    assert any("Unknown column" in e.message for e in errors)
    book = workbook(round_)
    book.create_sheet("notes")["A1"] = "x"
    errors = refused(round_, people["focal_a"], book)
    assert any("Unknown sheet" in e.message for e in errors)


def test_permissions_per_role(round_, people):
    book, first, _second = filled(round_)
    data = save(book)
    for who in ("focal_b", "assessor"):
        preview = preview_round_import(data, round_, people[who])
        assert preview.errors and all("may not import" in e.message for e in preview.errors)
    # A coordinator imports on the focal point's behalf, into editable contributions only.
    preview = preview_round_import(data, round_, people["coordinator"])
    assert preview.errors == []
    apply_round_import(preview, people["coordinator"])
    first.refresh_from_db()
    assert first.updated_by == people["coordinator"] and first.proposed_status == "in_progress"
    # The form stays the focal point's: the coordinator may not edit through it.
    from planwatch.reporting import permissions

    assert not permissions.can_edit_contribution(people["coordinator"], first)


def test_conflict_between_preview_and_apply(round_, people):
    book, first, _second = filled(round_)
    preview = preview_round_import(save(book), round_, people["focal_a"])
    services.save_contribution(
        first,
        services.ContributionInput("not_started", {"nl": "Tussendoor."}),
        user=people["focal_a"],
        version=first.version,
    )
    before = state()
    with pytest.raises(ImportRefused, match="since the preview"):
        apply_round_import(preview, people["focal_a"])
    assert state() == before


def test_cli_template_and_import(round_, people, tmp_path, capsys):
    path = tmp_path / "justice.xlsx"
    call_command(
        "template", "round", plan="nap-2021-2025", round="2024", actor=ACTOR, output=str(path)
    )
    book = openpyxl.load_workbook(path)
    number = items(round_)[0].measure.number
    put(book, number, "proposed_status", "in_progress")
    book.save(path)
    before = state()
    call_command(
        "import",
        "round",
        str(path),
        plan="nap-2021-2025",
        user=people["focal_a"].email,
        dry_run=True,
    )
    assert state() == before
    call_command("import", "round", str(path), plan="nap-2021-2025", user=people["focal_a"].email)
    assert items(round_)[0].proposed_status == "in_progress"
    out = capsys.readouterr().out
    assert "1 to update" in out and "saved as drafts" in out
    call_command(
        "import",
        "round",
        str(path),
        plan="nap-2021-2025",
        round="2024",
        user=people["focal_a"].email,
    )
    assert "Nothing to change" in capsys.readouterr().out

    put(book, number, "proposed_status", "bogus")
    book.save(path)
    report = tmp_path / "errors.xlsx"
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import",
            "round",
            str(path),
            plan="nap-2021-2025",
            user=people["focal_b"].email,
            error_report=str(report),
        )
    assert report.exists()
    with pytest.raises(CommandError, match="--user"):
        call_command("import", "round", str(path), plan="nap-2021-2025")
    with pytest.raises(CommandError, match="no contributions"):
        call_command(
            "template",
            "round",
            plan="nap-2021-2025",
            round="2024",
            actor="no-such-actor",
            output=str(path),
        )


def test_the_import_asks_the_service_for_every_contribution_rule(round_, people):
    """Status, evidence, amount and "no government, no budget": the import reports the
    service's own messages, at the cell."""
    user = people["focal_a"]
    first = items(round_)[0]
    item = Contribution.objects.select_related("round__plan", "actor").get(pk=first.pk)

    def service_says(**kwargs) -> str:
        data = services.ContributionInput(**{"proposed_status": "", "narrative": {}, **kwargs})
        try:
            services.check_contribution(item, data, submit=False)
        except ValidationError as exc:
            return exc.messages[0]
        raise AssertionError("the service accepted it")

    book = workbook(round_)
    put(book, first.measure.number, "proposed_status", "ongoing")
    errors = refused(round_, user, book)
    assert [e.message for e in errors] == [service_says(proposed_status="ongoing")]

    book = workbook(round_)
    add_budget(book, first.measure.number, ACTOR, 2024, 20_000_000_000, "specific", "spent")
    budget = [services.BudgetInput(2024, Decimal(20_000_000_000), "specific", "spent")]
    errors = refused(round_, user, book)
    assert [(e.column, e.message) for e in errors] == [("amount", service_says(budget=budget))]

    Actor.objects.filter(slug=ACTOR).update(government=None)
    item.actor.refresh_from_db()
    book = workbook(round_)
    add_budget(book, first.measure.number, ACTOR, 2024, 10, "specific", "spent")
    errors = refused(round_, user, book)
    budget = [services.BudgetInput(2024, Decimal(10), "specific", "spent")]
    assert [(e.column, e.message) for e in errors] == [("actor", service_says(budget=budget))]
    assert "no government" in errors[0].message
