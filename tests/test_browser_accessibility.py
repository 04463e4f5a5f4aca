"""WCAG 2.1 AA: axe-core in a real Chromium over every public page type in every language."""

import pytest

from planwatch.reporting.models import Round

pytestmark = pytest.mark.browser

LANGUAGES = ["nl", "fr", "de", "en"]


def page_paths(plan) -> list[str]:
    measure = plan.measures.order_by("number").first()
    indicator = plan.indicators.order_by("order").first()
    return [
        "plans/{plan}/",
        "plans/{plan}/measures/",
        "plans/{plan}/measures/?pillar=4&status=in_progress",
        f"plans/{{plan}}/measures/{measure.number}/",
        "plans/{plan}/coverage/",
        "plans/{plan}/differences/",
        "plans/{plan}/data/",
        "plans/{plan}/indicators/",
        f"plans/{{plan}}/indicators/{indicator.code}/",
        "accounts/login/",
        "accessibility/",
    ]


def test_public_pages_have_no_serious_accessibility_violations(chromium, live_server, live_nap):
    from axe_playwright_python.sync_playwright import Axe

    assert Round.objects.filter(plan=live_nap, state="published").exists()
    axe = Axe()
    page = chromium.new_page()
    problems = []
    for lang in LANGUAGES:
        for path in page_paths(live_nap):
            url = f"{live_server.url}/{lang}/{path.format(plan=live_nap.slug)}"
            page.goto(url)
            results = axe.run(
                page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
            )
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [node["target"] for node in violation["nodes"][:3]]
                    problems.append(f"{url}: {violation['id']} ({violation['impact']}) {targets}")
    page.close()
    assert not problems, "\n".join(problems)


def test_keyboard_reaches_the_content_with_a_visible_focus(chromium, live_server, live_nap):
    page = chromium.new_page()
    page.goto(f"{live_server.url}/en/plans/{live_nap.slug}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.close()
