import os
from pathlib import Path

import pytest
from django.utils import translation

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.documents import reports
from planwatch.plans.models import Plan

from .factories import make_user


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The NAP 2021-2025 is loaded once; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        load_dataset(NAP_DATASET)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    # Each test reads pages fresh (the test client records templates and context only then).
    from django.core.cache import cache

    from planwatch.core import page_cache

    cache.clear()
    page_cache.clear()


@pytest.fixture(autouse=True)
def _fast_test_settings(settings):
    # Tests read static files from the apps, without collectstatic, and hash test passwords
    # quickly (tests/test_accounts.py checks the real Argon2 set-up).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Password-reset answers are not padded in time (tests/test_accounts.py checks the padding).
    settings.PASSWORD_RESET_ANSWER_SECONDS = 0
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def english():
    """For tests that compare messages in English (the default language is Dutch)."""
    with translation.override("en"):
        yield


@pytest.fixture
def nap(db) -> Plan:
    return Plan.objects.get(slug="nap-2021-2025")


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: their live server empties the database when they end.

    Schemathesis names each operation's test ``test_x[GET /api/v1/…]`` but leaves every one
    with the function's node id; give each its own, so reports and counts are right."""
    for item in items:
        if item.name != item.originalname and item.nodeid.endswith(f"::{item.originalname}"):
            item._id = item.parent.id.child(item.name)
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def chromium():
    """A real headless Chromium (Debian's package), driven by Playwright."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    missing = (
        "Playwright is not installed"
        if sync_playwright is None
        else f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if not CHROMIUM.exists()
        else ""
    )
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run the browser tests")
        pytest.skip(missing)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_nap(live_server, transactional_db) -> Plan:
    """The NAP in a database the live server shares (reloaded if an earlier live test
    emptied it)."""
    plan = Plan.objects.filter(slug="nap-2021-2025").first()
    if plan is None:
        load_dataset(NAP_DATASET)
        plan = Plan.objects.get(slug="nap-2021-2025")
    return plan


# One person per role on the NAP: the coordinator, focal points of a federal and a Flemish
# actor, and a civil-society assessor.


@pytest.fixture
def coordinator(nap):
    return make_user("coordinator@example.org", role="coordinator", plan=nap)


@pytest.fixture
def focal_a(nap):
    return make_user("justice@example.org", role="focal_point", actor="fod-justitie")


@pytest.fixture
def focal_b(nap):
    return make_user("opgroeien@example.org", role="focal_point", actor="opgroeien")


@pytest.fixture
def assessor(nap):
    return make_user("platform@example.org", role="assessor", actor="national-platform")


@pytest.fixture
def nap_reports(nap):
    """What actors and civil society said about the NAP's published round, beside what must stay
    private: validated contributions (one with evidence), a submitted one, a validated one in a
    draft round, and published and unpublished assessments."""
    from planwatch.actors.models import Actor
    from planwatch.reporting.models import Assessment, Contribution, EvidenceLink, Round

    published = Round.objects.latest_published(nap)
    draft = Round.objects.create(
        plan=nap, slug="draft-2025", name_en="Draft", start="2025-01-01", end="2025-12-31"
    )
    justice, opgroeien, platform = (
        Actor.objects.get(slug=slug) for slug in ("fod-justitie", "opgroeien", "national-platform")
    )
    m9, m112 = nap.measures.get(number=9), nap.measures.get(number=112)
    first = Contribution.objects.create(
        round=published,
        measure=m9,
        actor=justice,
        state="validated",
        proposed_status="in_progress",
        narrative_nl="Opleidingen gegeven.",
        narrative_en="Training given.",
        review_comment="internal remark",
    )
    EvidenceLink.objects.create(contribution=first, url="https://example.org/report.pdf")
    Contribution.objects.create(
        round=published, measure=m112, actor=opgroeien, state="validated", narrative_nl="Klaar."
    )
    Contribution.objects.create(
        round=published, measure=m112, actor=justice, state="submitted", narrative_en="Secret."
    )
    Contribution.objects.create(
        round=draft, measure=m9, actor=justice, state="validated", narrative_en="Not yet."
    )
    Assessment.objects.create(
        round=published,
        measure=m9,
        organisation=platform,
        rating="not_started",
        commentary_en="=SUM(A1) nothing visible yet",
        is_published=True,
    )
    Assessment.objects.create(
        round=published,
        measure=m112,
        organisation=platform,
        rating="in_progress",
        is_published=False,
    )
    Assessment.objects.create(
        round=draft, measure=m112, organisation=platform, rating="implemented", is_published=True
    )
    return published


@pytest.fixture
def people(coordinator, focal_a, focal_b, assessor):
    """The role fixtures by name, and "anonymous" (nobody logged in), for tests that try each."""
    return {
        "coordinator": coordinator,
        "focal_a": focal_a,
        "focal_b": focal_b,
        "assessor": assessor,
        "anonymous": None,
    }


@pytest.fixture
def round_(request, nap, coordinator):
    """The open round of the NAP: "Round 2024" ("Cycle 2024" in French), from 1 January 2024 to
    the end of 2024, deadline a month later, with one contribution to do per measure and actor.

    A test module whose round runs longer sets ``ROUND_END`` (a date) at its top."""
    import datetime as dt

    from planwatch.reporting import services

    end = getattr(request.module, "ROUND_END", dt.date(2024, 12, 31))
    round_ = services.create_round(
        nap,
        user=coordinator,
        slug="2024",
        name={"en": "Round 2024", "fr": "Cycle 2024"},
        start=dt.date(2024, 1, 1),
        end=end,
        deadline=end + dt.timedelta(days=31),
    )
    services.open_round(round_, user=coordinator)
    return round_


@pytest.fixture
def item(round_):
    """The first contribution of FPS Justice (focal_a's actor) in the open round."""
    return round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[0]


@pytest.fixture
def renders(settings, tmp_path, monkeypatch):
    """Every rendering recorded, and cheap: the real renderers are tested elsewhere."""
    settings.REPORTS_DIR = tmp_path / "reports"
    calls = []

    def generate(kind, plan, round_, lang, fmt, today=None, progress=None):
        calls.append((kind, plan.slug, round_.slug if round_ else None, lang, fmt))
        return f"{kind} {lang} {fmt} #{len(calls)}".encode()

    monkeypatch.setattr(reports, "generate", generate)
    return calls
