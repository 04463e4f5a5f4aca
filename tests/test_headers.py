"""Headers on every answer (Content-Security-Policy; Cache-Control on private answers), and a
draft round's id or slug answering exactly as a missing one to whoever may not see it."""

import datetime as dt
import re

import pytest

from planwatch.reporting import services
from planwatch.reporting.models import Round

from .factories import make_user

PUBLIC = [
    "/en/plans/nap-2021-2025/",
    "/en/plans/nap-2021-2025/measures/",
    "/en/plans/nap-2021-2025/measures/112/",
    "/en/plans/nap-2021-2025/coverage/",
    "/en/plans/nap-2021-2025/differences/",
    "/en/plans/nap-2021-2025/indicators/",
    "/en/plans/nap-2021-2025/indicators/zsg-registrations/",
    "/en/plans/nap-2021-2025/data/",
    "/en/plans/nap-2021-2025/downloads/measures.csv",
    "/en/accounts/login/",
    "/en/plans/nope/",
    "/api/v1/",
    "/api/v1/docs/",
]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.parametrize("url", PUBLIC)
def test_every_answer_has_a_content_security_policy(client, nap, url):
    response = client.get(url)
    directives = _directives(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    if not url.startswith("/api/v1/docs/"):
        assert directives["style-src"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_no_template_has_inline_script_or_style():
    from pathlib import Path

    import planwatch

    root = Path(planwatch.__file__).parent
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        if "/reports/" in str(template) or template.name == "redoc.html":
            continue  # the HTML report and the API documentation have their own policy
        text = template.read_text()
        if re.search(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", text):
            offenders.append(str(template.relative_to(root)))
    assert offenders == []


def test_public_pages_for_anonymous_readers_may_be_cached(client, nap):
    response = client.get("/en/plans/nap-2021-2025/")
    assert "no-store" not in response.get("Cache-Control", "")


def _private(response) -> bool:
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


def test_work_pages_and_everything_after_log_in_are_private(client, nap, coordinator):
    assert _private(client.get("/en/work/"))  # the redirect to the log-in page too
    assert _private(client.get("/en/accounts/login/"))
    assert _private(client.get("/admin/login/"))
    client.force_login(coordinator)
    for url in (
        "/en/work/",
        "/en/work/contributions/",
        "/en/work/plans/nap-2021-2025/rounds/",
        "/en/work/plans/nap-2021-2025/milestones/",
        "/en/work/tokens/",
        "/en/accounts/password_change/",
        "/en/plans/nap-2021-2025/",  # a public page, but it names the person logged in
        "/api/v1/me/",
        "/api/v1/plans/",
    ):
        response = client.get(url)
        assert _private(response), (url, response.get("Cache-Control"))
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for url in ("/admin/", "/admin/plans/measure/"):
        assert _private(client.get(url)), url


def test_api_answers_to_a_token_are_private(client, nap, coordinator):
    from planwatch.api.models import ApiToken

    _, secret = ApiToken.issue(coordinator, "test")
    response = client.get("/api/v1/contributions/", HTTP_AUTHORIZATION=f"Token {secret}")
    assert response.status_code == 200 and _private(response)
    assert not _private(client.get("/api/v1/plans/"))


# A draft round, seen by those who may not see it ----------------------------------------------

MISSING_PK = 987654


@pytest.fixture
def draft(nap, coordinator) -> Round:
    round_ = services.create_round(
        nap,
        user=coordinator,
        slug="secret-2024",
        name={"en": "Round 2024"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=dt.date(2025, 1, 31),
    )
    services.open_round(round_, user=coordinator)
    return round_


def _same(client, draft: Round, draft_url: str, missing_url: str, method: str = "get") -> int:
    as_draft = getattr(client, method)(draft_url)
    as_missing = getattr(client, method)(missing_url)
    assert as_draft.status_code == as_missing.status_code, draft_url

    def body(response, pk, slug) -> str:
        text = response.getvalue().decode(errors="replace")
        return text.replace(slug, "ID").replace(f"/{pk}/", "/ID/")

    assert body(as_draft, draft.pk, draft.slug) == body(as_missing, MISSING_PK, "missing-2024"), (
        draft_url
    )
    return as_draft.status_code


@pytest.mark.parametrize("who", ["outsider", "assessor", "other coordinator", "anonymous"])
def test_a_draft_round_answers_as_a_missing_one(client, nap, draft, who):
    from .factories import make_plan

    users = {
        "outsider": lambda: make_user(),
        "assessor": lambda: make_user(role="assessor", actor="national-platform"),
        "other coordinator": lambda: make_user(
            role="coordinator", plan=make_plan(measures=1, pillars=1)
        ),
        "anonymous": lambda: None,
    }
    user = users[who]()
    if user:
        client.force_login(user)
    org = "national-platform"
    pairs = [
        ("get", "/en/work/rounds/{}/", 404),
        ("get", "/en/work/rounds/{}/measures/112/", 404),
        ("get", "/en/work/rounds/{}/publish/", 404),
        ("post", "/en/work/rounds/{}/publish/", 404),
        ("post", "/en/work/rounds/{}/close/", 404),
        ("get", "/en/work/rounds/{}/reopen/", 404),
        ("post", "/en/work/rounds/{}/reopen/", 404),
        ("get", "/en/work/rounds/{}/final/", 404),
        ("post", "/en/work/rounds/{}/final/", 404),
        ("get", "/en/work/assessments/{}/112/1/", 404),
        ("get", f"/en/work/imports/rounds/{{}}/{org}.xlsx", 404),
        ("post", "/en/work/imports/rounds/{}/upload/", 404),
    ]
    for method, url, code in pairs:
        draft_url, missing_url = url.format(draft.pk), url.format(MISSING_PK)
        expected = 302 if user is None else code  # anonymous: the log-in page, for both
        assert _same(client, draft, draft_url, missing_url, method) == expected, draft_url
    by_slug = [
        ("/en/plans/nap-2021-2025/reports/interim.html?round={}", 404),
        ("/en/plans/nap-2021-2025/reports/budget.pdf?round={}", 404),
        ("/en/plans/nap-2021-2025/reports/final.html?round={}", 404),
        ("/en/plans/nap-2021-2025/downloads/statuses.csv?round={}", 400),
        ("/en/plans/nap-2021-2025/downloads/measures.json?round={}", 400),
        ("/api/v1/plans/nap-2021-2025/rounds/{}/", 404),
        # A well-formed filter naming no round the reader may see: 404, as for a missing one.
        ("/api/v1/plans/nap-2021-2025/statuses/?round={}", 404),
        ("/api/v1/plans/nap-2021-2025/assessments/?round={}", 404),
    ]
    # The write API's list filters among the person's own contributions: an empty list for both
    # (anonymous: 401 for both).
    by_slug.append(("/api/v1/contributions/?round={}", 401 if user is None else 200))
    for url, code in by_slug:
        draft_url, missing_url = url.format("secret-2024"), url.format("missing-2024")
        assert _same(client, draft, draft_url, missing_url) == code, draft_url
