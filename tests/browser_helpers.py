"""Helpers for the browser tests (a real Chromium, driven by Playwright)."""

import re
from pathlib import Path

from django.conf import settings
from django.test import Client


def log_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/en/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/en/work/$"))


SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def session_cookie(user, base: str) -> dict:
    """A logged-in session for ``user``, as the browser's cookie (the log-in page itself is
    driven in the page-load test below)."""
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": base}


def axe_source() -> str:
    import axe_playwright_python

    return str(Path(axe_playwright_python.__file__).parent / "axe.min.js")


def serious(page) -> list[str]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page. axe is loaded by
    the context's init script (parsed once per page by the browser, not sent each time)."""
    violations = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
        ".then(results => results.violations)"
    )
    return [
        f"{violation['id']} ({violation['impact']}) "
        f"{[node['target'] for node in violation['nodes'][:3]]}"
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]
