"""Import pages, per role: coordinator, focal point of the actor, focal point of another actor,
assessor, anonymous. Download, upload, preview, confirm, error report; the plan import."""

import io
import re

import openpyxl
import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import include, path

import planwatch.urls
from planwatch.plans.models import Measure

from .imports_helpers import ACTOR, ROUND_END, items, put, save, state  # noqa: F401 (ROUND_END: the round fixture)
from .page_helpers import as_, expect

# The lead mounts import_urls under /<lang>/work/imports/; until then these tests do.
urlpatterns = [
    *planwatch.urls.urlpatterns[:3],
    *i18n_patterns(
        path("work/imports/", include("planwatch.documents.import_urls")),
        prefix_default_language=True,
    ),
    *planwatch.urls.urlpatterns[3:],
]
pytestmark = pytest.mark.urls(__name__)


@pytest.mark.parametrize(
    ("who", "index", "own", "upload", "plan"),
    [
        ("coordinator", 200, 200, 200, 200),
        ("focal_a", 200, 200, 200, 403),
        ("focal_b", 200, 403, 200, 403),
        ("assessor", 403, 404, 404, 403),
        ("anonymous", "login", "login", "login", "login"),
    ],
)
def test_who_may_open_what(client, people, round_, who, index, own, upload, plan):  # noqa: F811
    as_(client, people, who)
    expect(client.get("/en/work/imports/"), index)
    expect(client.get(f"/en/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx"), own)
    expect(client.get(f"/en/work/imports/rounds/{round_.pk}/upload/"), upload)
    expect(client.get("/en/work/imports/plans/nap-2021-2025/workbook.xlsx"), plan)
    expect(client.get("/en/work/imports/plans/nap-2021-2025/upload/"), plan)


def test_focal_point_downloads_uploads_and_confirms(client, people, round_):  # noqa: F811
    as_(client, people, "focal_a")
    response = client.get(f"/nl/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "narrative_nl" in [c.value for c in book["contributions"][1]]
    number = items(round_)[0].measure.number
    put(book, number, "proposed_status", "in_progress")
    upload = io.BytesIO(save(book))
    upload.name = "justice.xlsx"

    before = state()
    response = client.post(f"/en/work/imports/rounds/{round_.pk}/upload/", {"file": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert len(preview.to_update) == 1 and not preview.errors
    assert state() == before  # the preview writes nothing
    token = response.context["token"]
    # Another person cannot confirm this upload, nor read its error report.
    other = Client()
    other.force_login(people["focal_b"])
    expect(other.post(f"/en/work/imports/uploads/{token}/confirm/"), 404)
    expect(other.get(f"/en/work/imports/uploads/{token}/errors.xlsx"), 404)
    assert state() == before
    response = client.post(f"/en/work/imports/uploads/{token}/confirm/")
    assert response.status_code == 302
    assert items(round_)[0].proposed_status == "in_progress"


def test_errors_are_listed_and_downloadable(client, people, round_):  # noqa: F811
    as_(client, people, "focal_a")
    response = client.get(f"/en/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    put(book, items(round_)[0].measure.number, "proposed_status", "bogus")
    upload = io.BytesIO(save(book))
    upload.name = "justice.xlsx"
    before = state()
    response = client.post(f"/en/work/imports/rounds/{round_.pk}/upload/", {"file": upload})
    assert b"does not use" in response.content
    token = response.context["token"]
    report = client.get(f"/en/work/imports/uploads/{token}/errors.xlsx")
    assert report.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert any("does not use" in str(c.value) for c in sheet["F"])
    response = client.post(f"/en/work/imports/uploads/{token}/confirm/")
    assert response.status_code == 200 and response.context["preview"].errors
    assert state() == before


def test_focal_point_of_another_actor_is_refused_rows(client, people, round_):  # noqa: F811
    as_(client, people, "coordinator")
    response = client.get(f"/en/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    put(book, items(round_)[0].measure.number, "proposed_status", "in_progress")
    upload = io.BytesIO(save(book))
    upload.name = "justice.xlsx"
    as_(client, people, "focal_b")
    response = client.post(f"/en/work/imports/rounds/{round_.pk}/upload/", {"file": upload})
    assert all("may not import" in e.message for e in response.context["preview"].errors)


def test_coordinator_plan_import(client, people, nap):  # noqa: F811
    as_(client, people, "coordinator")
    response = client.get("/en/work/imports/plans/nap-2021-2025/workbook.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["measures"]
    names = [c.value for c in sheet[1]]
    sheet.cell(row=2, column=names.index("title_en") + 1, value="A new English title")
    number = sheet.cell(row=2, column=1).value
    upload = io.BytesIO(save(book))
    upload.name = "nap.xlsx"
    response = client.post("/en/work/imports/plans/nap-2021-2025/upload/", {"file": upload})
    assert response.status_code == 200 and not response.context["preview"].errors
    token = response.context["token"]
    response = client.post(f"/en/work/imports/uploads/{token}/confirm/")
    assert response.status_code == 302
    assert Measure.objects.get(plan=nap, number=int(number)).title_en == "A new English title"


def test_a_closed_round_takes_a_workbook_only_from_a_reopened_actor(client, people, round_):  # noqa: F811
    import datetime as dt

    from django.utils import timezone

    from planwatch.actors.models import Actor
    from planwatch.reporting import services

    link = f"/en/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx"
    services.close_round(round_, user=people["coordinator"])
    as_(client, people, "focal_a")
    assert link not in client.get("/en/work/imports/").content.decode()
    expect(client.get(link), 403)
    services.reopen_for_actor(
        round_,
        Actor.objects.get(slug=ACTOR),
        user=people["coordinator"],
        until=timezone.localdate() + dt.timedelta(days=7),
    )
    assert link in client.get("/en/work/imports/").content.decode()
    expect(client.get(link), 200)


def _broken_plan_workbook(client) -> tuple[openpyxl.Workbook, str]:
    """The NAP workbook as the page gives it, measure 112's lead an unknown actor; and the
    cell that holds it, as a spreadsheet program names it."""
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/en/work/imports/plans/nap-2021-2025/workbook.xlsx").content)
    )
    sheet = book["measures"]
    names = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == 112)
    row[names.index("lead")].value = "nobody"
    return book, f"measures!{row[names.index('lead')].column_letter}{row[0].row}"


def _upload_plan(client, language: str, name: str, content: bytes):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(f"/{language}/work/imports/plans/nap-2021-2025/upload/", {"file": upload})


def test_the_preview_and_the_error_report_name_the_cell(client, people, nap, tmp_path):  # noqa: F811
    """The page, the error report and the command line give each error the same place and
    message: the cell and the column's name (``measures!K113 (lead)``)."""
    from django.core.management import call_command
    from django.core.management.base import CommandError

    as_(client, people, "coordinator")
    book, cell = _broken_plan_workbook(client)
    response = _upload_plan(client, "en", "nap.xlsx", save(book))
    page = response.content.decode()
    [error] = response.context["preview"].errors
    assert error.place == f"{cell} (lead)"
    assert '<th scope="col">Cell</th>' in page
    assert f"<code>{cell} (lead)</code>" in page and "Unknown actor &#x27;nobody&#x27;." in page

    report = client.get(f"/en/work/imports/uploads/{response.context['token']}/errors.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(report.content)).active.values)
    assert rows[0] == ("cell", "sheet", "row", "column", "value", "message")
    assert rows[1][0] == f"{cell} (lead)" and rows[1][-1] == "Unknown actor 'nobody'."

    path = tmp_path / "nap.xlsx"
    book.save(path)
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import", "plan", str(path), "--plan", "nap-2021-2025", stdout=out)
    assert f"  {cell} (lead), value 'nobody': Unknown actor 'nobody'." in out.getvalue()


def test_a_csv_file_is_named_by_its_line_on_the_page(client, people, nap):  # noqa: F811
    import csv

    as_(client, people, "coordinator")
    book, cell = _broken_plan_workbook(client)
    line = cell.split("!")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    out = io.StringIO()
    csv.writer(out).writerows(book["measures"].iter_rows(values_only=True))
    response = _upload_plan(client, "en", "measures.csv", out.getvalue().encode())
    assert f"<code>measures.csv:{line} (lead)</code>" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "header", "message"),
    [
        ("fr", "Cellule", "Acteur inconnu"),
        ("nl", "Cel", "Onbekende actor"),
        ("de", "Zelle", "Unbekannter Akteur"),
    ],
)
def test_the_cell_column_speaks_the_page_language(client, people, nap, language, header, message):  # noqa: F811
    as_(client, people, "coordinator")
    book, cell = _broken_plan_workbook(client)
    page = _upload_plan(client, language, "nap.xlsx", save(book)).content.decode()
    assert f'<th scope="col">{header}</th>' in page
    assert f"<code>{cell} (lead)</code>" in page and message in page


def test_the_round_preview_names_the_cell(client, people, round_):  # noqa: F811
    as_(client, people, "focal_a")
    response = client.get(f"/en/work/imports/rounds/{round_.pk}/{ACTOR}.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    put(book, items(round_)[0].measure.number, "proposed_status", "bogus")
    upload = io.BytesIO(save(book))
    upload.name = "justice.xlsx"
    response = client.post(f"/en/work/imports/rounds/{round_.pk}/upload/", {"file": upload})
    [error] = response.context["preview"].errors
    assert re.fullmatch(r"contributions!\$?[A-Z]+\d+ \(proposed_status\)", error.place)
    assert f"<code>{error.place}</code>" in response.content.decode()
