"""In a real Chromium: the coordinator re-baselines a NAP milestone on its work page (the error
summary first, then the public measure page shows the reason), axe over the new pages; a focal
point's round workbook with a moved forecast previews its milestone change. Screenshots of the
milestone pages and the workbook preview in fr-BE and nl-BE go to docs/screenshots/ when
PLANWATCH_UPDATE_SCREENSHOTS=1 (and to PLANWATCH_SCREENSHOT_DIR when set)."""

import datetime as dt
import io
import os
from pathlib import Path

import openpyxl
import pytest

from planwatch.actors.models import Actor
from planwatch.documents.imports import round_workbook
from planwatch.milestones.models import Milestone
from planwatch.reporting import services

from .browser_helpers import SCREENSHOTS, axe_source, serious, session_cookie
from .factories import make_user

pytestmark = pytest.mark.browser
PLAN = "nap-2021-2025"


def _folders() -> list[Path]:
    folders = (
        [Path(os.environ["PLANWATCH_SCREENSHOT_DIR"])]
        if "PLANWATCH_SCREENSHOT_DIR" in os.environ
        else []
    )
    if os.environ.get("PLANWATCH_UPDATE_SCREENSHOTS") == "1":
        folders.append(SCREENSHOTS)
    return folders


# The ones the README shows (docs/screenshots/); the others only to PLANWATCH_SCREENSHOT_DIR.
IN_DOCS = ("milestones-list-", "round-import-milestones-")  # the errors too


def _shot(page, name: str) -> None:
    for folder in _folders():
        if folder == SCREENSHOTS and not name.startswith(IN_DOCS):
            continue
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name), full_page=True)


def _workbook(round_, milestone, reason: str = "Bouwvergunning later / permis tardif") -> bytes:
    book = openpyxl.load_workbook(
        io.BytesIO(round_workbook(round_, Actor.objects.get(slug="fod-justitie"), "nl"))
    )
    sheet = book["milestones"]
    names = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[names.index("milestone")].value == milestone.pk:
            row[names.index("new_forecast")].value = "30/09/2026"
            row[names.index("reason")].value = reason
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_milestone_pages_in_the_browser(chromium, live_server, live_nap):
    base = live_server.url
    coordinator = make_user("coordinator@example.org", role="coordinator", plan=live_nap)
    focal = make_user("justice@example.org", role="focal_point", actor="fod-justitie")
    milestone = Milestone.objects.get(measure__plan=live_nap, measure__number=126)
    round_ = services.create_round(
        live_nap,
        user=coordinator,
        slug="round-2025",
        name={"nl": "Ronde 2025", "fr": "Cycle 2025", "de": "Runde 2025", "en": "Round 2025"},
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=coordinator)
    charleroi = Milestone.objects.get(measure__plan=live_nap, key="zsg-charleroi")
    problems = []
    for lang in ("fr", "nl"):
        context = chromium.new_context(locale=f"{lang}-BE", viewport={"width": 1200, "height": 900})
        context.add_init_script(path=axe_source())
        context.add_cookies([session_cookie(coordinator, base)])
        page = context.new_page()
        work = f"{base}/{lang}/work/plans/{PLAN}/milestones/"
        for path, name in (
            ("?pillar=4", "list"),
            ("new/?measure=126", "new"),
            (f"{milestone.pk}/", "edit"),
        ):
            assert page.goto(work + path).status == 200
            problems += [f"{page.url}: {p}" for p in serious(page)]
            _shot(page, f"milestones-{name}-{lang}.png")
        # Re-baseline without a reason: the error summary, nothing saved.
        page.goto(f"{work}{milestone.pk}/rebaseline/")
        page.locator("#id_baseline").fill("2026-06-30")
        page.locator("form.stacked button[type=submit]").click()
        page.locator(".error-summary").wait_for()
        assert page.title().startswith(("Erreur", "Fout"))
        problems += [f"{page.url} (errors): {p}" for p in serious(page)]
        _shot(page, f"milestones-rebaseline-errors-{lang}.png")
        if lang == "fr":
            page.locator("#id_reason").fill("La loi a été scindée en deux.")
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_url(f"{work}{milestone.pk}/")
            assert "scindée" in page.content()
        # The focal point's workbook with a moved forecast: its preview.
        context.clear_cookies()
        context.add_cookies([session_cookie(focal, base)])
        page.goto(f"{base}/{lang}/work/imports/rounds/{round_.pk}/upload/")
        page.locator("input[type=file]").set_input_files(
            files={
                "name": "justitie.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _workbook(round_, charleroi),
            }
        )
        page.locator("form.stacked button[type=submit]").click()
        page.locator("table").first.wait_for()
        assert "30/09/2026" in page.content() and "milestones" in page.content()
        problems += [f"{page.url} (preview): {p}" for p in serious(page)]
        _shot(page, f"round-import-milestones-{lang}.png")
        # Without the reason: the error names its cell.
        page.goto(f"{base}/{lang}/work/imports/rounds/{round_.pk}/upload/")
        page.locator("input[type=file]").set_input_files(
            files={
                "name": "justitie.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _workbook(round_, charleroi, reason=""),
            }
        )
        page.locator("form.stacked button[type=submit]").click()
        page.locator("#errors").wait_for()
        assert "milestones!K" in page.content()
        problems += [f"{page.url} (preview with errors): {p}" for p in serious(page)]
        _shot(page, f"round-import-milestones-errors-{lang}.png")
        context.close()
    milestone.refresh_from_db()
    assert milestone.baseline == dt.date(2026, 6, 30)
    assert not problems, "\n".join(problems)
