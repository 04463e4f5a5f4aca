"""The final evaluation round in Chromium, in fr-BE and nl-BE: the button on the round page, the
confirmation page (axe-core: no serious or critical violation), and the HTML final report, with
screenshots (copied to docs/screenshots/ when PLANWATCH_UPDATE_SCREENSHOTS is set)."""

import datetime as dt
import os
import re
import shutil

import pytest

from .browser_helpers import SCREENSHOTS, axe_source, serious, session_cookie
from .factories import add_round, make_plan, make_user

pytestmark = pytest.mark.browser


def test_marking_the_final_round_and_reading_its_report(
    chromium, live_server, transactional_db, tmp_path
):
    base = live_server.url
    plan = make_plan("end-plan", measures=8, pillars=2)
    add_round(plan, "r2", dt.date(2023, 11, 2), dt.date(2024, 12, 31), {1: "in_progress"})
    final = add_round(
        plan,
        "r3",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        {1: "implemented", 2: "in_progress", 3: "implemented", 4: "not_started"},
    )
    final.name_fr, final.name_nl = "Évaluation finale 2025", "Eindevaluatie 2025"
    final.save()
    coordinator = make_user(role="coordinator", plan=plan)
    shots = []

    def shoot(page, name: str) -> None:
        path = tmp_path / name
        page.screenshot(path=str(path), full_page=True)
        shots.append(path)

    for locale, lang in (("nl-BE", "nl"), ("fr-BE", "fr")):
        context = chromium.new_context(locale=locale, viewport={"width": 1100, "height": 900})
        context.add_init_script(path=axe_source())
        context.add_cookies([session_cookie(coordinator, base)])
        page = context.new_page()
        page.goto(f"{base}/{lang}/work/rounds/{final.pk}/")
        button = page.locator(f"form[action='/{lang}/work/rounds/{final.pk}/final/'] button")
        assert button.count() == 1
        shoot(page, f"round-final-button-{lang}.png")
        assert serious(page) == []
        button.click()
        page.wait_for_url(re.compile(rf"/{lang}/work/rounds/{final.pk}/final/\??$"))
        assert serious(page) == []
        if lang == "fr":
            page.locator("form.stacked button[type=submit]").click()  # without ticking: refused
            assert page.locator("#id_confirm_error").count() == 1
            plan.refresh_from_db()
            assert not plan.rounds.filter(is_final=True).exists()
            page.locator("#id_confirm").check()
            page.locator("form.stacked button[type=submit]").click()
            page.wait_for_url(re.compile(rf"/{lang}/work/rounds/{final.pk}/$"))
            assert plan.rounds.get(is_final=True).slug == "r3"
            shoot(page, f"round-final-marked-{lang}.png")
        context.close()

    for locale, lang in (("nl-BE", "nl"), ("fr-BE", "fr")):
        context = chromium.new_context(locale=locale, viewport={"width": 1100, "height": 900})
        page = context.new_page()
        page.goto(f"{base}/{lang}/plans/{plan.slug}/")
        page.locator(f"a[href='/{lang}/plans/{plan.slug}/reports/final.html']").click()
        page.wait_for_url(f"**/{lang}/plans/{plan.slug}/reports/final.html")
        title = {"nl": "Eindevaluatieverslag", "fr": "Rapport d'évaluation finale"}[lang]
        assert title in page.locator("h1").inner_text()
        shoot(page, f"final-report-{lang}.png")
        context.close()

    assert all(path.stat().st_size > 10_000 for path in shots)
    if os.environ.get("PLANWATCH_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, SCREENSHOTS / path.name)
