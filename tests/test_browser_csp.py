"""The Content-Security-Policy in a real Chromium: no page breaks it, the API docs work."""

import pytest

from .factories import make_user

pytestmark = pytest.mark.browser


def _watch(page) -> list[str]:
    """Every refusal the browser reports (console errors naming the policy)."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return refused


def test_no_page_breaks_the_policy(chromium, live_server, live_nap):
    page = chromium.new_page()
    refused = _watch(page)
    measure = live_nap.measures.order_by("number").first()
    indicator = live_nap.indicators.order_by("order").first()
    for path in (
        "/fr/plans/{plan}/",
        "/fr/plans/{plan}/measures/?pillar=4",
        f"/fr/plans/{{plan}}/measures/{measure.number}/",
        "/fr/plans/{plan}/coverage/",
        f"/fr/plans/{{plan}}/indicators/{indicator.code}/",
        "/fr/plans/{plan}/reports/budget.html",
        "/fr/accounts/login/",
    ):
        response = page.goto(live_server.url + path.format(plan=live_nap.slug))
        assert response.status == 200, path
        assert response.headers["content-security-policy"], path
    # The site's style sheet applies (a blocked style sheet would leave the default font).
    page.goto(f"{live_server.url}/fr/plans/{live_nap.slug}/")
    assert page.evaluate("document.styleSheets.length") >= 1
    page.close()
    assert not refused, "\n".join(refused)


def test_the_admin_works_under_the_policy(chromium, live_server, live_nap):
    make_user(
        "admin@example.org", password="a-long-test-password", is_superuser=True, is_staff=True
    )
    page = chromium.new_page()
    refused = _watch(page)
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=username]", "admin@example.org")
    page.fill("input[name=password]", "a-long-test-password")
    page.click("main button[type=submit]")
    for path in ("/admin/", "/admin/plans/measure/", "/admin/plans/measure/1/change/"):
        response = page.goto(live_server.url + path)
        assert response.status in (200, 302), path
        assert "no-store" in response.headers["cache-control"], path
    page.close()
    assert not refused, "\n".join(refused)


@pytest.mark.parametrize(
    ("path", "ready"), [("/api/v1/docs/", ".swagger-ui .info"), ("/api/v1/redoc/", "h1")]
)
def test_the_api_documentation_works_under_the_policy(chromium, live_server, live_nap, path, ready):
    page = chromium.new_page()
    refused = _watch(page)
    page.goto(live_server.url + path)
    page.wait_for_selector(ready, timeout=30_000)
    assert "Planwatch API" in page.inner_text("body")
    page.close()
    # Redoc's footer shows its maker's logo from their site: refused, as anything from outside.
    refused = [line for line in refused if "https://cdn.redoc.ly/" not in line]
    assert not refused, "\n".join(refused)
