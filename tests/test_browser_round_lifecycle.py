"""The end of a round in a real headless Chromium: close, reopen for one actor, that actor's
focal point submits, withdraws and resubmits, the coordinator validates and publishes through
the confirmation page, the e-mails go out (the live server runs in this process, so Django's
locmem outbox sees them), and a notification turned off on the profile page is not sent."""

import datetime as dt
import re

import pytest
from django.core import mail

from planwatch.actors.models import Actor
from planwatch.reporting import services
from planwatch.reporting.models import Contribution, Event, Round

from .browser_helpers import log_in
from .factories import make_user

pytestmark = pytest.mark.browser


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_close_reopen_withdraw_publish_and_the_e_mails(chromium, live_server, live_nap):
    base = live_server.url
    coordinator = make_user("coordinator@example.org", role="coordinator", plan=live_nap)
    make_user("justice@example.org", role="focal_point", actor="fod-justitie")
    make_user("opgroeien@example.org", role="focal_point", actor="opgroeien")
    make_user("platform@example.org", role="assessor", actor="national-platform")
    mail.outbox.clear()
    round_ = services.create_round(
        live_nap,
        user=coordinator,
        slug="round-2024",
        name={"en": "Round 2024"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=dt.date(2025, 1, 31),
    )
    services.open_round(round_, user=coordinator)
    assert sent_to("justice@example.org") and sent_to("opgroeien@example.org")
    justice = Actor.objects.get(slug="fod-justitie")
    item = (
        Contribution.objects.filter(round=round_, actor=justice).order_by("measure__number").first()
    )
    number = item.measure.number
    page = chromium.new_context(locale="en-GB").new_page()

    # The coordinator closes the round, then reopens it for FPS Justice until next week.
    log_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/en/work/rounds/{round_.pk}/")
    page.get_by_role("button", name="Close the round").click()
    assert "Round closed" in page.content()
    page.get_by_role("link", name="Reopen for one actor").click()
    until = dt.date.today() + dt.timedelta(days=7)
    page.get_by_role("combobox", name="Actor").select_option(str(justice.pk))
    page.get_by_label("Open for this actor until (that day included)").fill(until.isoformat())
    page.get_by_role("textbox", name="Reason").fill("The minister's office sent its figures late.")
    page.get_by_role("button", name="Reopen for this actor").click()
    assert "Reopened for" in page.content()
    assert Round.objects.get(pk=round_.pk).state == "closed"

    # Justice's focal point submits, withdraws and submits again.
    log_in(page, base, "justice@example.org")
    page.goto(f"{base}/en/work/contributions/{item.pk}/")
    page.get_by_label("Status you propose").select_option("implemented")
    page.get_by_label("What was done (English)").fill("Training delivered in 2024.")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert "Submitted." in page.content()
    page.get_by_role("button", name="Withdraw the submission").click()
    assert "the contribution is a draft again" in page.content()
    page.get_by_label("What was done (English)").fill("Training delivered to 120 magistrates.")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert "Submitted." in page.content()
    actions = list(
        Event.objects.filter(round=round_, measure=item.measure)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reporting.contribution.submitted",
        "reporting.contribution.withdrawn",
        "reporting.contribution.submitted",
    ]
    # Opgroeien's focal point cannot work in the closed round.
    other = Contribution.objects.filter(round=round_, actor__slug="opgroeien").first()
    log_in(page, base, "opgroeien@example.org")
    page.goto(f"{base}/en/work/contributions/{other.pk}/")
    assert page.get_by_role("button", name="Submit to the coordinator").count() == 0

    # The coordinator validates, sets the status and publishes through the confirmation page.
    log_in(page, base, "coordinator@example.org")
    mail.outbox.clear()
    page.goto(f"{base}/en/work/rounds/{round_.pk}/measures/{number}/")
    page.get_by_role("button", name="Validate").click()
    assert "Contribution validated." in page.content()
    page.get_by_label("Status for this round").select_option("implemented")
    page.get_by_label("Narrative (English)").fill("The training programme was delivered.")
    page.get_by_label("Reason (needed when you depart from the proposed status)").fill(
        "Confirmed with every partner."
    )
    page.get_by_role("button", name="Save the status").click()
    page.goto(f"{base}/en/work/rounds/{round_.pk}/")
    page.get_by_role("button", name="Publish the round").click()
    text = page.locator("main").inner_text()
    measures = live_nap.measures.count()
    assert f"Status decided for 1 of {measures} measures." in text
    assert f"{measures - 1} measures would be published without a status." in text
    assert "Actors that did not submit everything" in text
    page.get_by_role("button", name="Publish now").click()
    assert "Tick the box to confirm the publication." in page.content()
    assert Round.objects.get(pk=round_.pk).state == "closed"
    page.get_by_label("I have read what is incomplete and publish the round as it is.").check()
    page.get_by_role("button", name="Publish now").click()
    assert "Round published" in page.content()
    assert Round.objects.get(pk=round_.pk).state == "published"

    # The e-mails: the focal point heard of the validation, the assessor of the publication.
    [validated] = sent_to("justice@example.org")
    assert f"measure {number}" in validated.body or f"maatregel {number}" in validated.body
    assert len(sent_to("platform@example.org")) == 1

    # The public plan page says what the figures rest on.
    visitor = chromium.new_context(locale="nl-BE").new_page()
    visitor.goto(f"{base}/nl/plans/nap-2021-2025/")
    assert f"Status bekend voor 1 van {measures} maatregelen" in visitor.content()

    # Opgroeien's focal point turns "a round opens" off on the profile page, in French.
    log_in(page, base, "opgroeien@example.org")
    page.get_by_role("link", name="My profile").click()
    page.get_by_role("combobox", name="Language").select_option("fr")
    page.get_by_label("A round opens").uncheck()
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_url(re.compile(r"/fr/accounts/profile/$"))
    assert "Votre profil est enregistré." in page.content()
    # Logging in again lands in French.
    page.context.clear_cookies()
    page.goto(f"{base}/en/accounts/login/?next=/en/work/")
    page.get_by_label("E-mail address").fill("opgroeien@example.org")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/fr/work/$"))

    # The next round opens: Justice is told, Opgroeien is not.
    mail.outbox.clear()
    later = services.create_round(
        live_nap,
        user=coordinator,
        slug="round-2025",
        name={"en": "Round 2025"},
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 1, 31),
    )
    log_in(page, base, "coordinator@example.org")
    page.goto(f"{base}/en/work/rounds/{later.pk}/")
    page.get_by_role("button", name="Open the round").click()
    assert "Round opened" in page.content()
    assert len(sent_to("justice@example.org")) == 1
    assert sent_to("opgroeien@example.org") == []
    page.context.close()
    visitor.context.close()
