"""Two coordinators decide the same first status at once, in a real headless Chromium: the
second sees the first one's decision beside the text they typed, which is kept."""

import datetime as dt

import pytest

from planwatch.reporting import services
from planwatch.reporting.models import MeasureStatus

from .browser_helpers import log_in
from .factories import make_user

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("lang", "locale"), [("fr", "fr-BE"), ("nl", "nl-BE")])
def test_the_second_first_decision_shows_both_versions(
    chromium, live_server, live_nap, lang, locale
):
    base = live_server.url
    first = make_user(f"first-{lang}@example.org", role="coordinator", plan=live_nap)
    make_user(f"second-{lang}@example.org", role="coordinator", plan=live_nap)
    round_ = services.create_round(
        live_nap,
        user=first,
        slug=f"race-{lang}",
        name={"en": "Race", "fr": "Course", "nl": "Race"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=first)
    number = live_nap.measures.order_by("number").first().number
    url = f"{base}/{lang}/work/rounds/{round_.pk}/measures/{number}/"
    pages = []
    for who in ("first", "second"):
        page = chromium.new_context(locale=locale).new_page()
        log_in(page, base, f"{who}-{lang}@example.org")
        page.goto(url)
        page.locator(f'textarea[name="narrative_{lang}"]').fill(f"Decision of the {who} person")
        pages.append(page)
    decide = 'form:has(input[name="action"][value="decide"]) button[type="submit"]'
    pages[0].locator(decide).click()
    pages[1].locator(decide).click()
    second = pages[1]
    conflict = second.locator("section.conflict")
    assert conflict.is_visible()
    assert "Decision of the first person" in conflict.inner_text()
    typed = second.locator(f'textarea[name="narrative_{lang}"]').input_value()
    assert typed == "Decision of the second person"
    saved = MeasureStatus.objects.get(round=round_, measure__number=number)
    assert getattr(saved, f"narrative_{lang}") == "Decision of the first person"
    for page in pages:
        page.context.close()
