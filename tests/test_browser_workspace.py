"""The work pages in a real Chromium: axe over every page, role and language; amounts typed under
each browser locale; the few page loads a focal point and a coordinator need; the screenshots
of the task lists that the README shows (written to docs/screenshots/ when
PLANWATCH_UPDATE_SCREENSHOTS=1)."""

import os
import shutil
from decimal import Decimal

import pytest

from planwatch.reporting.models import Contribution

from .browser_helpers import SCREENSHOTS, axe_source, log_in, serious, session_cookie
from .workspace_helpers import make_workspace, uploads

pytestmark = pytest.mark.browser

LANGUAGES = ["nl", "fr", "de", "en"]
ROLES = ["focal_point", "coordinator", "assessor"]


def test_every_work_page_for_every_role_and_language_passes_axe(chromium, live_server, live_nap):
    base = live_server.url
    ws = make_workspace(live_nap)
    cookies = {role: session_cookie(ws.people[role], base) for role in ROLES}
    files = uploads(ws)
    context = chromium.new_context()
    context.add_init_script(path=axe_source())
    page = context.new_page()
    # axe is there and sees what the contribution form used to have: a select with no name.
    context.add_cookies([cookies["focal_point"]])
    page.goto(f"{base}/en/work/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<select>')")
    assert any(problem.startswith("select-name (critical)") for problem in serious(page))
    problems = []
    for role in ROLES:
        context.clear_cookies()
        context.add_cookies([cookies[role]])
        for lang in LANGUAGES:
            for path in ws.pages(role):
                url = f"{base}/{lang}/{path}"
                response = page.goto(url)
                assert response.status == 200, url
                problems += [f"{url} ({role}): {p}" for p in serious(page)]
            if role == "focal_point":
                # The contribution form with errors: the summary, the marked fields.
                page.goto(f"{base}/{lang}/work/contributions/{ws.items['todo'].pk}/")
                page.locator("#id_budget-0-year").fill("2024")
                page.locator("#id_budget-0-amount").press_sequentially("1.234")
                page.locator("button[name=submit]").click()
                # count() does not wait: wait for the answer to the submission to be there.
                page.locator(".error-summary").wait_for()
                assert page.locator(".error-summary").count() == 1
                problems += [f"{page.url} (error state): {p}" for p in serious(page)]
                # The import previews: a workbook that changes nothing, a file with mistakes.
                for name, content in files.values():
                    page.goto(f"{base}/{lang}/work/imports/rounds/{ws.round.pk}/upload/")
                    page.locator("input[type=file]").set_input_files(
                        files={
                            "name": name,
                            "mimeType": "application/octet-stream",
                            "buffer": content,
                        }
                    )
                    page.locator("form.stacked button[type=submit]").click()
                    page.locator("table").first.wait_for()  # the preview, once it has loaded
                    problems += [f"{page.url} (preview of {name}): {p}" for p in serious(page)]
    context.close()
    assert not problems, "\n".join(problems)


AMOUNTS = [
    ("fr-BE", "fr", ["1.234,56", "1234,56"], "1\u00a0234,56", "1\u00a0234,56\u00a0€"),
    ("nl-BE", "nl", ["1.234,56", "1234,56"], "1.234,56", "€\u00a01.234,56"),
    ("de-BE", "de", ["1.234,56", "1 234,56"], "1.234,56", "1.234,56\u00a0€"),
    ("en-US", "en", ["1,234.56", "1234.56"], "1,234.56", "€1,234.56"),
]


def test_amounts_typed_under_each_browser_locale(chromium, live_server, live_nap):
    base = live_server.url
    ws = make_workspace(live_nap)
    todo = ws.round.contributions.filter(actor__slug="fod-justitie", state="todo")
    items = list(todo.order_by("-measure__number")[: len(AMOUNTS)])
    for item, (locale, lang, typed, shown, euro) in zip(items, AMOUNTS, strict=True):
        context = chromium.new_context(locale=locale)
        page = context.new_page()
        context.add_cookies([session_cookie(ws.people["focal_point"], base)])
        page.goto(f"{base}/{lang}/work/contributions/{item.pk}/")
        page.locator("#id_proposed_status").select_option("in_progress")
        page.locator(f"#id_narrative_{lang}").fill("Done.")
        for line, text in enumerate(typed):
            page.locator(f"#id_budget-{line}-year").fill("2024")
            page.locator(f"#id_budget-{line}-amount").press_sequentially(text)
            page.locator(f"#id_budget-{line}-nature").select_option("specific")
            page.locator(f"#id_budget-{line}-stage").select_option("spent")
        page.locator("button[name=save]").click()
        assert page.locator(".error-summary").count() == 0, (locale, page.content()[:3000])
        amounts = list(item.budget_lines.values_list("amount", flat=True))
        assert amounts == [Decimal("1234.56")] * 2, locale
        # Shown back in the form in the person's language…
        for line in range(2):
            assert page.locator(f"#id_budget-{line}-amount").input_value() == shown, locale
        # …and, once submitted, on the read-only page and the coordinator's review page.
        page.locator("button[name=submit]").click()
        assert euro in page.locator("main").inner_text(), locale
        context.clear_cookies()
        context.add_cookies([session_cookie(ws.people["coordinator"], base)])
        page.goto(f"{base}/{lang}/work/rounds/{ws.round.pk}/measures/{item.measure.number}/")
        assert page.locator("main").inner_text().count(euro) >= 2, locale
        context.close()


def test_a_returned_contribution_is_fixed_and_a_submitted_one_validated_in_few_page_loads(
    chromium, live_server, live_nap
):
    base = live_server.url
    ws = make_workspace(live_nap)
    context = chromium.new_context(locale="fr-BE")
    page = context.new_page()
    loads = []
    page.on("load", lambda p: loads.append(p.url))

    # The focal point: log in, open the returned contribution from "My work", fix, resubmit.
    log_in(page, base, "justice@example.org")
    returned = ws.items["returned"]
    page.locator(f'a[href="/en/work/contributions/{returned.pk}/"]').click()
    assert "How many people took part?" in page.content()
    page.get_by_label("What was done (English)").fill("Training delivered to 120 magistrates.")
    page.get_by_role("button", name="Submit to the coordinator").click()
    assert "Submitted." in page.content()
    after_log_in = loads[loads.index(f"{base}/en/accounts/login/") + 1 :]
    assert len(after_log_in) <= 4, after_log_in
    returned.refresh_from_db()
    assert returned.state == Contribution.State.SUBMITTED

    # The coordinator: log in, find it waiting for review, validate it.
    loads.clear()
    log_in(page, base, "coordinator@example.org")
    number = returned.measure.number
    page.locator(f'a[href="/en/work/rounds/{ws.round.pk}/measures/{number}/"]').first.click()
    form = page.locator(f'form:has(input[name=contribution][value="{returned.pk}"])')
    form.get_by_role("button", name="Validate").click()
    assert "Contribution validated." in page.content()
    after_log_in = loads[loads.index(f"{base}/en/accounts/login/") + 1 :]
    assert len(after_log_in) <= 4, after_log_in
    returned.refresh_from_db()
    assert returned.state == Contribution.State.VALIDATED
    context.close()


def test_screenshots_of_the_task_lists(chromium, live_server, live_nap, tmp_path):
    base = live_server.url
    ws = make_workspace(live_nap)
    shots = []
    for locale, lang in (("fr-BE", "fr"), ("nl-BE", "nl")):
        context = chromium.new_context(locale=locale, viewport={"width": 1100, "height": 900})
        page = context.new_page()
        for role in ROLES:
            context.clear_cookies()
            context.add_cookies([session_cookie(ws.people[role], base)])
            page.goto(f"{base}/{lang}/work/")
            path = tmp_path / f"my-work-{role.replace('_', '-')}-{lang}.png"
            page.screenshot(path=str(path), full_page=True)
            shots.append(path)
            if role == "focal_point":
                # The form after a mistake: the summary at the top, the field marked.
                page.goto(f"{base}/{lang}/work/contributions/{ws.items['returned'].pk}/")
                page.locator("#id_budget-1-year").fill("2024")
                page.locator("#id_budget-1-amount").press_sequentially("1.234")
                page.locator("button[name=submit]").click()
                path = tmp_path / f"contribution-error-{lang}.png"
                page.screenshot(path=str(path), full_page=True)
                shots.append(path)
            elif role == "coordinator":
                page.goto(f"{base}/{lang}/work/rounds/{ws.round.pk}/?pillar=4")
                path = tmp_path / f"review-queue-{lang}.png"
                page.screenshot(path=str(path), full_page=True)
                shots.append(path)
        context.close()
    assert all(path.stat().st_size > 10_000 for path in shots)
    if os.environ.get("PLANWATCH_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, SCREENSHOTS / path.name)
