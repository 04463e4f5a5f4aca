"""In a real Chromium: the coordinator maps a measure of the NAP on the successor's work page,
publishes the new plan, and the comparison page shows the drop with its reason. Screenshots of
the mapping and comparison pages in fr-BE and nl-BE go to docs/screenshots/ when
PLANWATCH_UPDATE_SCREENSHOTS=1."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from planwatch.reporting.successor import create_successor

from .factories import make_user

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def test_the_coordinator_maps_a_measure_and_the_comparison_shows_it(
    live_server, live_nap, chromium
):
    coordinator = make_user("coordinator@example.org", role="coordinator", plan=live_nap)
    create_successor(coordinator, live_nap, slug="nap-2026-2030", title="NAP 2026-2030", lang="nl")
    client = Client()
    client.force_login(coordinator)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    context = chromium.new_context(locale="fr-BE")
    context.add_cookies([cookie])
    page = context.new_page()
    base = f"{live_server.url}/en/work/plans/nap-2026-2030/successor/"
    page.goto(f"{base}9/")
    page.get_by_label("What became of the measure").select_option("dropped")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_role("alert").filter(has_text="public reason").count() >= 1
    page.get_by_label("Public reason").fill("Taken over by the regions.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base)
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Publish now").click()
    page.wait_for_url("**/plans/nap-2026-2030/comparison/")
    dropped = page.locator("#pillar-2").locator("xpath=..")
    assert "Taken over by the regions." in dropped.inner_text()
    if os.environ.get("PLANWATCH_UPDATE_SCREENSHOTS") == "1":
        for lang in ("fr", "nl"):
            shots = chromium.new_context(
                locale=f"{lang}-BE", viewport={"width": 1200, "height": 900}
            )
            shots.add_cookies([cookie])
            shot = shots.new_page()
            shot.goto(f"{live_server.url}/{lang}/plans/nap-2026-2030/comparison/")
            shot.screenshot(path=str(SCREENSHOTS / f"comparison-{lang}.png"), full_page=False)
            shot.goto(f"{live_server.url}/{lang}/work/plans/nap-2026-2030/successor/?pillar=2")
            shot.screenshot(path=str(SCREENSHOTS / f"successor-mapping-{lang}.png"))
            shots.close()
    context.close()
