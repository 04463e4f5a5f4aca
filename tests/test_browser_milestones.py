"""A milestone in a real Chromium: the focal point moves its forecast with a reason, the
coordinator validates the contribution, the public timeline shows the slip (axe finds nothing
serious on the measure page). Screenshots of the public pages go to /tmp when
PLANWATCH_MILESTONE_SCREENSHOTS is set."""

import datetime as dt
import os

import pytest

from planwatch.milestones.models import Milestone
from planwatch.reporting import services

from .browser_helpers import axe_source, serious, session_cookie
from .factories import make_user

pytestmark = pytest.mark.browser


def test_a_moved_forecast_reaches_the_public_timeline(chromium, live_server, live_nap):
    base = live_server.url
    coordinator = make_user("coordinator@example.org", role="coordinator", plan=live_nap)
    focal = make_user("justice@example.org", role="focal_point", actor="fod-justitie")
    round_ = services.create_round(
        live_nap,
        user=coordinator,
        slug="round-2025",
        name={"en": "Round 2025"},
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=coordinator)
    item = round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[0]
    milestone = Milestone.objects.create(
        measure=item.measure,
        key="law",
        description_en="Bill tabled in parliament",
        description_nl="Wetsontwerp ingediend in het parlement",
        description_fr="Projet de loi déposé au parlement",
        description_de="Gesetzentwurf im Parlament eingebracht",
        baseline=dt.date(2025, 3, 1),
    )

    context = chromium.new_context(locale="en-GB")
    context.add_init_script(path=axe_source())
    context.add_cookies([session_cookie(focal, base)])
    page = context.new_page()
    page.goto(f"{base}/en/work/contributions/{item.pk}/")
    assert serious(page) == []
    page.get_by_label("Status you propose").select_option("in_progress")
    page.locator("textarea[name=narrative_en]").fill("The bill is being drafted.")
    page.get_by_label("Forecast date: Bill tabled in parliament").fill("2025-10-01")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert page.locator(".errors").count() > 0  # a move needs a reason
    assert "say why the forecast moves" in page.content()
    page.get_by_label("Reason for the move: Bill tabled in parliament").fill(
        "Advice of the Council of State"
    )
    page.get_by_role("button", name="Submit to the coordinator").click()
    page.wait_for_selector(".state-submitted")
    context.close()

    context = chromium.new_context(locale="en-GB")
    context.add_cookies([session_cookie(coordinator, base)])
    page = context.new_page()
    page.goto(f"{base}/en/work/rounds/{round_.pk}/measures/{item.measure.number}/")
    assert "Advice of the Council of State" in page.content()
    page.get_by_role("button", name="Validate").first.click()
    page.wait_for_load_state()
    context.close()
    milestone.refresh_from_db()
    assert milestone.forecast == dt.date(2025, 10, 1)

    for locale, lang in (("en-GB", "en"), ("fr-BE", "fr"), ("nl-BE", "nl")):
        visitor = chromium.new_context(locale=locale)
        visitor.add_init_script(path=axe_source())
        page = visitor.new_page()
        page.goto(f"{base}/{lang}/plans/{live_nap.slug}/measures/{item.measure.number}/")
        timeline = page.locator("#milestones-heading + figure svg")
        assert timeline.count() == 1
        row = page.locator("section[aria-labelledby=milestones-heading] tbody tr").first
        assert "214" in row.inner_text()  # 1 March to 1 October
        assert serious(page) == []
        if os.environ.get("PLANWATCH_MILESTONE_SCREENSHOTS"):
            page.locator("section[aria-labelledby=milestones-heading]").screenshot(
                path=f"/tmp/milestones-measure-{locale}.png"
            )
            page.goto(f"{base}/{lang}/plans/{live_nap.slug}/")
            page.locator("section[aria-labelledby=plan-milestones-heading]").screenshot(
                path=f"/tmp/milestones-plan-{locale}.png"
            )
        visitor.close()
