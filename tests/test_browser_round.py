"""A whole reporting round in a real headless Chromium, as people would do it."""

import pytest

from planwatch.actors.models import Actor
from planwatch.reporting.models import Contribution, Round

from .browser_helpers import log_in
from .factories import make_user

pytestmark = pytest.mark.browser


def test_a_round_from_opening_to_the_public_page_in_french(chromium, live_server, live_nap):
    base = live_server.url
    make_user("coordinator@example.org", role="coordinator", plan=live_nap)
    make_user("justice@example.org", role="focal_point", actor="fod-justitie")
    make_user("platform@example.org", role="assessor", actor="national-platform")
    context = chromium.new_context(locale="en-GB")
    page = context.new_page()

    # The coordinator creates and opens a round.
    log_in(page, base, "coordinator@example.org")
    page.get_by_role("link", name="reporting rounds").click()
    page.get_by_label("Short name (in addresses)").fill("round-2024")
    for language, name in (
        ("English", "Round 2024"),
        ("Dutch", "Ronde 2024"),
        ("French", "Cycle 2024"),
        ("German", "Runde 2024"),
    ):
        page.get_by_label(f"Name ({language})").fill(name)
    page.get_by_label("Period start").fill("2024-01-01")
    page.get_by_label("Period end").fill("2024-12-31")
    page.get_by_label("Deadline").fill("2025-01-31")
    page.get_by_role("button", name="Create the round").click()
    page.get_by_role("button", name="Open the round").click()
    assert "Round opened" in page.content()
    round_ = Round.objects.get(plan=live_nap, slug="round-2024")
    item = (
        Contribution.objects.filter(round=round_, actor__slug="fod-justitie")
        .order_by("measure__number")
        .first()
    )
    number = item.measure.number

    # The focal point fills in and submits a contribution.
    log_in(page, base, "justice@example.org")
    page.get_by_role("link", name="my measures in open rounds").click()
    page.locator(f'a[href="/en/work/contributions/{item.pk}/"]').click()
    page.get_by_label("Status you propose").select_option("implemented")
    page.get_by_label("What was done (English)").fill("Training **delivered** in 2024.")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert "Submitted." in page.content()

    # The coordinator returns it with a comment.
    log_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/en/work/rounds/{round_.pk}/measures/{number}/")
    page.get_by_label("What needs fixing").fill("How many people took part?")
    page.get_by_role("button", name="Return with the comment").click()
    assert "returned with your comment" in page.content()

    # The focal point sees the comment, fixes and resubmits.
    log_in(page, base, "justice@example.org")
    page.goto(f"{base}/en/work/contributions/{item.pk}/")
    assert "How many people took part?" in page.content()
    page.get_by_label("What was done (English)").fill("Training delivered to 120 magistrates.")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert "Submitted." in page.content()

    # The coordinator validates, sets the status and publishes.
    log_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/en/work/rounds/{round_.pk}/measures/{number}/")
    page.get_by_role("button", name="Validate").click()
    assert "Contribution validated." in page.content()
    page.get_by_label("Status for this round").select_option("implemented")
    page.get_by_label("Narrative (English)").fill("The training programme was delivered.")
    page.get_by_label("Reason (needed when you depart from the proposed status)").fill(
        "Confirmed with every partner."
    )
    page.get_by_role("button", name="Save the status").click()
    assert "Status saved." in page.content()
    page.goto(f"{base}/en/work/rounds/{round_.pk}/")
    page.get_by_role("button", name="Publish the round").click()
    page.get_by_label("I have read what is incomplete and publish the round as it is.").check()
    page.get_by_role("button", name="Publish now").click()
    assert "Round published" in page.content()

    # The assessor adds an independent assessment.
    log_in(page, base, "platform@example.org")
    page.get_by_role("link", name="independent assessments").click()
    platform_id = Actor.objects.get(slug="national-platform").pk
    page.locator(f'a[href="/en/work/assessments/{round_.pk}/{number}/{platform_id}/"]').click()
    page.get_by_label("Your rating").select_option("in_progress")
    page.get_by_label("Commentary (English)").fill("Only part of the courts took part.")
    page.get_by_label("Publish this assessment").check()
    page.get_by_role("button", name="Save the assessment").click()
    assert "Assessment saved." in page.content()

    # An anonymous visitor sees both, in French.
    visitor = chromium.new_context(locale="fr-BE").new_page()
    visitor.goto(f"{base}/")
    assert "/fr/" in visitor.url
    visitor.goto(f"{base}/fr/plans/nap-2021-2025/measures/{number}/")
    html = visitor.content()
    assert '<html lang="fr">' in html
    assert "Cycle 2024" in html  # the round has a name in every language
    assert "The training programme was delivered." in html
    assert "status-implemented" in html
    assert "Only part of the courts took part." in html
    assert "status-in_progress" in html
    context.close()
