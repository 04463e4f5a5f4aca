"""Report downloads, /<lang>/plans/<plan>/reports/<kind>.<format>?round=SLUG: published rounds for
everyone, unpublished ones for the plan's coordinators and site administrators only."""

import datetime as dt
import io

import docx
import pytest
from django.conf.urls.i18n import i18n_patterns
from django.urls import NoReverseMatch, include, path, reverse

from planwatch import urls as root_urls
from planwatch.reporting.models import Round

from .factories import make_plan, make_user

BASE = "/en/plans/nap-2021-2025/reports"

# Until planwatch/urls.py includes planwatch.documents.urls, these tests route through this
# module: the report downloads (as that include will make them), then the site's other URLs.
urlpatterns = [
    *i18n_patterns(path("", include("planwatch.documents.urls")), prefix_default_language=True),
    *root_urls.urlpatterns,
]


@pytest.fixture(autouse=True)
def report_urls(settings):
    try:
        reverse("documents:report", args=["x", "interim", "html"])
    except NoReverseMatch:
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def draft(nap) -> Round:
    return Round.objects.create(
        plan=nap,
        slug="2024",
        name_en="Round 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        state=Round.State.CLOSED,
    )


def test_anyone_downloads_a_published_round(client, nap):
    response = client.get(f"{BASE}/interim.html")  # the latest published round by default
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == (
        'inline; filename="nap-2021-2025-interim-2023-interim-en.html"'
    )
    html = response.getvalue().decode()  # a stored file, streamed
    assert '<html lang="en">' in html and "Interim evaluation 2021-2023" in html
    assert "DRAFT" not in html

    response = client.get("/fr/plans/nap-2021-2025/reports/budget.docx?round=interim-2023")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="nap-2021-2025-interim-2023-budget-fr.docx"'
    )
    assert docx.Document(io.BytesIO(response.getvalue())).paragraphs[0].text == "Rapport budgétaire"


def test_a_draft_round_is_404_for_all_but_its_coordinators(client, nap, draft):
    url = f"{BASE}/coverage.html?round=2024"
    assert client.get(url).status_code == 404
    for user in (
        make_user(),
        make_user(role="focal_point", actor="fod-justitie"),
        make_user(role="coordinator", plan=make_plan(measures=1, pillars=1)),
        make_user(is_staff=True),
    ):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    for user in (make_user(role="coordinator", plan=nap), make_user(is_superuser=True)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert "DRAFT" in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/annual.html",
        f"{BASE}/interim.odt",
        f"{BASE}/interim.pdf?round=nope",
        "/en/plans/nope/reports/interim.html",
        f"{BASE}/interim",
    ],
)
def test_unknown_reports_are_404(client, nap, url):
    assert client.get(url).status_code == 404


def test_a_plan_without_a_published_round_has_no_interim_report(client, db):
    plan = make_plan(measures=2, pillars=1)
    plan.rounds.update(state=Round.State.OPEN)
    assert client.get(f"/en/plans/{plan.slug}/reports/interim.html").status_code == 404
    assert client.get(f"/en/plans/{plan.slug}/reports/budget.html").status_code == 200


def test_only_get(client, nap):
    assert client.post(f"{BASE}/interim.html").status_code == 405
