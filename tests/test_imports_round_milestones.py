"""Milestones in the round workbook: the template's sheet, a new forecast with its reason read
back as the contribution's proposal (the form's), validated by the coordinator and public; bad
dates and foreign milestones refused at their cell with the service's messages, changing nothing;
who may import them."""

import datetime as dt
import hashlib
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from planwatch.documents.imports import ImportRefused, apply_round_import, preview_round_import
from planwatch.milestones.models import Milestone, MilestoneUpdate
from planwatch.milestones.services import MilestoneInput
from planwatch.reporting import services
from planwatch.reporting.models import Contribution

from .imports_helpers import ACTOR, ROUND_END, header, items, put, save, state, workbook  # noqa: F401 (ROUND_END: the round fixture)

pytestmark = pytest.mark.usefixtures("english")
D = dt.date


@pytest.fixture
def milestone(round_):
    return Milestone.objects.create(
        measure=items(round_)[0].measure,
        key="law",
        description_en="Law in force",
        description_fr="Loi en vigueur",
        baseline=D(2025, 6, 30),
    )


def everything() -> str:
    """The contributions' state (``state()``) and every milestone and proposal."""
    digest = hashlib.sha256(state().encode())
    for model in (Milestone, MilestoneUpdate):
        digest.update(repr(list(model.objects.order_by("pk").values_list())).encode())
    return digest.hexdigest()


def put_date(book, milestone_id, column: str, value) -> str:
    """Type ``value`` into ``column`` of the milestone's row; returns the cell's name."""
    sheet = book["milestones"]
    names = header(sheet)
    for row in sheet.iter_rows(min_row=2):
        if row[names.index("milestone")].value == milestone_id:
            row[names.index(column)].value = value
            return f"milestones!{row[names.index(column)].coordinate}"
    raise AssertionError(f"no row for milestone {milestone_id}")


def preview(round_, user, book, submit=False):
    return preview_round_import(save(book), round_, user, submit=submit)


def test_the_template_has_a_milestones_sheet(round_, milestone, people):
    book = workbook(round_, language="fr")
    assert book.sheetnames == ["instructions", "contributions", "lists", "budget", "milestones"]
    sheet = book["milestones"]
    names = header(sheet)
    assert names[:3] == ["measure", "actor", "milestone"]
    assert {"new_forecast", "new_completed", "reason"} <= set(names)
    row = [cell.value for cell in sheet[2]]
    assert row[:5] == [milestone.measure.number, ACTOR, milestone.pk, "law", "Loi en vigueur"]
    assert row[names.index("baseline")].date() == D(2025, 6, 30)  # a date cell
    assert sheet.protection.sheet and sheet["A2"].protection.locked
    assert not sheet.cell(row=2, column=names.index("reason") + 1).protection.locked
    # Imported unchanged, it changes nothing.
    unchanged = preview(round_, people["focal_a"], book)
    assert unchanged.errors == [] and not unchanged.changes_anything


def test_round_trip_to_the_public_page(client, round_, milestone, people):
    focal, coordinator = people["focal_a"], people["coordinator"]
    item = items(round_)[0]
    book = workbook(round_)
    put(book, item.measure.number, "proposed_status", "in_progress")
    put(book, item.measure.number, "narrative_nl", "Wetsontwerp ingediend.")
    put_date(book, milestone.pk, "new_forecast", "31/03/2026")
    put_date(book, milestone.pk, "reason", "The Council of State's opinion came late.")
    found = preview(round_, focal, book, submit=True)
    assert found.errors == []
    moved = [row for row in found.to_update if row.sheet == "milestones"]
    assert [(row.key, row.changes[0]) for row in moved] == [
        (f"{item.measure.number} {ACTOR} law", ("new_forecast", "", "31/03/2026"))
    ]
    apply_round_import(found, focal)
    milestone.refresh_from_db()
    assert milestone.forecast is None  # a proposal, not yet public
    proposal = MilestoneUpdate.objects.get(milestone=milestone)
    assert (proposal.forecast, proposal.applied) == (D(2026, 3, 31), False)
    # The same file again changes nothing.
    assert not preview(round_, focal, book, submit=True).changes_anything

    client.force_login(coordinator)
    review = client.get(f"/en/work/rounds/{round_.pk}/measures/{item.measure.number}/")
    assert "Council of State" in review.content.decode()
    item = Contribution.objects.get(pk=item.pk)
    services.validate_contribution(item, user=coordinator, version=item.version)
    milestone.refresh_from_db()
    assert milestone.forecast == D(2026, 3, 31)
    client.logout()
    page = client.get(f"/en/plans/nap-2021-2025/measures/{item.measure.number}/")
    assert "Council of State" in page.content.decode()  # the reason, with the slip
    assert ">274<" in "".join(page.content.decode().split())


@pytest.mark.parametrize(
    "value",
    [dt.datetime(2026, 3, 31), "2026-03-31", "31/03/2026", "31.03.2026"],
)
def test_dates_as_people_type_them(round_, milestone, people, value):
    book = workbook(round_)
    put_date(book, milestone.pk, "new_forecast", value)
    put_date(book, milestone.pk, "reason", "Later.")
    found = preview(round_, people["focal_a"], book)
    assert found.errors == []
    apply_round_import(found, people["focal_a"])
    assert MilestoneUpdate.objects.get(milestone=milestone).forecast == D(2026, 3, 31)


def refused(round_, user, book) -> list:
    before = everything()
    found = preview(round_, user, book)
    assert found.errors, "expected a refusal"
    with pytest.raises(ImportRefused):
        apply_round_import(found, user)
    assert everything() == before
    return found.errors


def service_says(item, wanted: MilestoneInput) -> str:
    data = services.ContributionInput("", {}, milestones=[wanted])
    try:
        services.check_contribution(item, data, submit=False)
    except ValidationError as exc:
        return exc.messages[0]
    raise AssertionError("the service accepted it")


@pytest.mark.parametrize(
    "forecast, completed, reason, column, words",
    [
        ("31/03/2026", None, None, "reason", "say why the forecast moves"),
        ("31/13/2025", None, "x", "new_forecast", "no such date"),
        ("soon", None, "x", "new_forecast", "not a date"),
        ("14/07/1789", None, "x", "new_forecast", "between 1990 and 2100"),
        (None, "01/01/2099", None, "new_completed", "cannot be in the future"),
        (None, "2025-13-01", None, "new_completed", "no such date"),
    ],
)
def test_bad_dates_are_refused_at_their_cell(
    round_, milestone, people, forecast, completed, reason, column, words
):
    book = workbook(round_)
    cells = {
        name: put_date(book, milestone.pk, name, value)
        for name, value in (
            ("new_forecast", forecast),
            ("new_completed", completed),
            ("reason", reason),
        )
    }
    errors = refused(round_, people["focal_a"], book)
    assert [(e.column, e.cell) for e in errors] == [(column, cells[column])]
    assert words in errors[0].message


def test_the_messages_are_the_services(round_, milestone, people):
    item = Contribution.objects.select_related("round__plan", "actor").get(pk=items(round_)[0].pk)
    book = workbook(round_)
    put_date(book, milestone.pk, "new_forecast", "31/03/2026")
    errors = refused(round_, people["focal_a"], book)
    expected = service_says(item, MilestoneInput(milestone.pk, D(2026, 3, 31), None, ""))
    assert [e.message for e in errors] == [expected]
    assert str(errors[0]).startswith("milestones!K2")


def test_another_measures_milestone_is_refused(round_, milestone, people, nap):
    other = Milestone.objects.create(
        measure=nap.measures.exclude(pk=milestone.measure_id).first(),
        key="elsewhere",
        description_en="Elsewhere",
        baseline=D(2025, 1, 1),
    )
    book = workbook(round_)
    cell = put_date(book, milestone.pk, "milestone", other.pk)
    put_date(book, other.pk, "new_forecast", "01/02/2026")
    put_date(book, other.pk, "reason", "x")
    errors = refused(round_, people["focal_a"], book)
    assert [(e.cell, e.message) for e in errors] == [
        (cell, "This milestone does not belong to this measure.")
    ]


def test_a_focal_point_cannot_touch_another_actors_milestones(round_, people):
    other_item = (
        round_.contributions.exclude(actor__slug=ACTOR)
        .exclude(measure__in=[i.measure for i in items(round_)])
        .select_related("actor", "measure")
        .first()
    )
    theirs = Milestone.objects.create(
        measure=other_item.measure, key="theirs", description_en="Theirs", baseline=D(2025, 1, 1)
    )
    # Their workbook, uploaded by focal point A: every row refused.
    book = workbook(round_, actor=other_item.actor.slug)
    put_date(book, theirs.pk, "new_forecast", "01/02/2026")
    put_date(book, theirs.pk, "reason", "x")
    errors = refused(round_, people["focal_a"], book)
    assert errors and all("may not import" in e.message for e in errors if e.sheet != "milestones")
    # Their milestone's row typed into A's own workbook: no contribution of A's matches it.
    book = workbook(round_)
    sheet = book["milestones"]
    sheet.append(
        [other_item.measure.number, ACTOR, theirs.pk, "", "", None, None, None, "01/02/2026"]
        + [None, "x"]
    )
    errors = refused(round_, people["focal_a"], book)
    assert [e.column for e in errors] == ["measure"]
    assert errors[0].cell == f"milestones!A{sheet.max_row}"
    # An assessor may not import the workbook at all.
    errors = refused(round_, people["assessor"], book)
    assert all("may not import" in e.message for e in errors if e.sheet == "contributions")
    assert not theirs.updates.exists()


def test_the_preview_page_shows_the_milestones(client, round_, milestone, people):
    client.force_login(people["focal_a"])
    response = client.get(f"/fr/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    put_date(book, milestone.pk, "new_forecast", "31/03/2026")
    put_date(book, milestone.pk, "reason", "Avis tardif.")
    upload = io.BytesIO(save(book))
    upload.name = "justice.xlsx"
    response = client.post(f"/fr/work/imports/rounds/{round_.pk}/upload/", {"file": upload})
    page = response.content.decode()
    assert "milestones" in page and "31/03/2026" in page and "Avis tardif." in page
    response = client.post(f"/fr/work/imports/uploads/{response.context['token']}/confirm/")
    assert response.status_code == 302
    assert MilestoneUpdate.objects.get(milestone=milestone).reason == "Avis tardif."


def test_the_command_line_imports_the_milestones_sheet(round_, milestone, people, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "justice.xlsx"
    call_command(
        "template", "round", plan="nap-2021-2025", round="2024", actor=ACTOR, output=str(path)
    )
    book = openpyxl.load_workbook(path)
    put_date(book, milestone.pk, "new_forecast", "2026-03-31")
    book.save(path)
    before = everything()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command(
            "import", "round", str(path), plan="nap-2021-2025", user=people["focal_a"].email
        )
    assert everything() == before
    put_date(book, milestone.pk, "reason", "Later.")
    book.save(path)
    call_command("import", "round", str(path), plan="nap-2021-2025", user=people["focal_a"].email)
    assert MilestoneUpdate.objects.get(milestone=milestone).reason == "Later."
