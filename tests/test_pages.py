"""Public pages: what they show, and a fixed number of queries whatever the plan's size."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planwatch.reporting.models import MeasureStatus, Round

from .factories import make_plan


def test_root_redirects_to_a_language(client, nap):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_plan_list_leads_to_the_plan(client, nap):
    response = client.get("/en/")
    assert response.status_code == 302
    assert response["Location"] == "/en/plans/nap-2021-2025/"


def test_plan_list_with_several_plans(client, nap):
    make_plan(slug="second")
    response = client.get("/en/")
    assert response.status_code == 200
    assert b"/en/plans/second/" in response.content


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_every_page_answers_in_every_language(client, nap, lang):
    for path in (
        "plans/nap-2021-2025/",
        "plans/nap-2021-2025/measures/",
        "plans/nap-2021-2025/measures/112/",
    ):
        response = client.get(f"/{lang}/{path}")
        assert response.status_code == 200, path
        assert f'<html lang="{lang}">' in response.content.decode()


def test_unknown_plan_and_measure_are_404(client, nap):
    assert client.get("/en/plans/nope/").status_code == 404
    assert client.get("/en/plans/nope/measures/").status_code == 404
    assert client.get("/en/plans/nap-2021-2025/measures/999/").status_code == 404
    assert client.get("/en/plans/nap-2021-2025/measures/abc/").status_code == 404


def test_language_links_keep_the_page(client, nap):
    page = client.get("/fr/plans/nap-2021-2025/measures/112/").content.decode()
    for lang in ("nl", "de", "en"):
        assert f'href="/{lang}/plans/nap-2021-2025/measures/112/"' in page


def test_missing_translation_falls_back_visibly(client, nap):
    measure = nap.measures.get(number=112)
    measure.title_de = None
    measure.save()
    page = client.get("/de/plans/nap-2021-2025/measures/112/").content.decode()
    assert f'<span lang="nl">{measure.title_nl}</span>' in page
    assert 'class="fallback"' in page


def test_measure_page_shows_its_facts(client, nap):
    measure = nap.measures.get(number=112)
    page = client.get("/en/plans/nap-2021-2025/measures/112/").content.decode()
    assert measure.title_en in page
    assert measure.section.code in page
    for role in measure.measure_actors.all():
        assert role.actor.name_en in page
    status = measure.statuses.get()
    assert f"status-{status.status}" in page


def test_unpublished_status_is_not_shown(client, nap):
    measure = nap.measures.get(number=112)
    draft = Round.objects.create(
        plan=nap, slug="draft", name_en="Secret round", start="2024-01-01", end="2024-12-31"
    )
    MeasureStatus.objects.create(
        round=draft, measure=measure, status="abandoned", narrative_en="Not public yet"
    )
    for path in (
        "plans/nap-2021-2025/",
        "plans/nap-2021-2025/measures/",
        "plans/nap-2021-2025/measures/112/",
    ):
        page = client.get(f"/en/{path}").content.decode()
        assert "Secret round" not in page
        assert "Not public yet" not in page
        assert "status-abandoned" not in page


def test_measure_list_filters(client, nap):
    def numbers(query: str) -> set[int]:
        response = client.get(f"/en/plans/nap-2021-2025/measures/?{query}")
        assert response.status_code == 200
        return {m["number"] for m in response.context["measures"]}

    everything = numbers("")
    assert len(everything) == nap.measures.count()
    pillar_4 = numbers("pillar=4")
    assert pillar_4 == set(nap.measures.filter(section__pillar=4).values_list("number", flat=True))
    implemented = numbers("status=implemented")
    assert implemented == set(
        MeasureStatus.objects.filter(measure__plan=nap, status="implemented").values_list(
            "measure__number", flat=True
        )
    )
    assert numbers("q=112") >= {112}
    assert numbers("government=fwb") == set(
        nap.measures.filter(actors__government__code="fwb").values_list("number", flat=True)
    )
    assert numbers("pillar=4&status=implemented") == pillar_4 & implemented


@pytest.mark.parametrize(
    "query", ["pillar=abc", "pillar=99", "status=bogus", "government=%00", "q=" + "x" * 500]
)
def test_bad_filters_are_reported_not_crashed(client, nap, query):
    response = client.get(f"/en/plans/nap-2021-2025/measures/?{query}")
    assert response.status_code == 200
    assert response.context["form"].errors


def test_plan_page_shows_both_headlines_labelled(client, nap):
    page = client.get("/en/plans/nap-2021-2025/").content.decode()
    assert "Computed from the recorded statuses" in page
    assert (
        "Published in the round&#x27;s report" in page or "Published in the round's report" in page
    )
    assert "more than 70%" in page
    assert "13%" in page and "16%" in page


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


# Each count includes the one query for the data version that keys the page cache (read for every
# request in the tests: PLANWATCH_PAGE_CACHE_VERSION_SECONDS=0).
PAGES = {
    "plan": ("/en/plans/{slug}/", 21),  # 16; targets; milestones; budget governments; lineage (2)
    "measures": ("/en/plans/{slug}/measures/", 11),
    "filtered": ("/en/plans/{slug}/measures/?pillar=2&status=in_progress&q=1", 11),
    "measure": ("/en/plans/{slug}/measures/7/", 15),  # + the milestones; lineage and changes (3)
    "coverage": ("/en/plans/{slug}/coverage/", 6),
    "indicator": ("/en/plans/{slug}/indicators/ind/", 6),
    "open data": ("/en/plans/{slug}/data/", 3),
    "differences": ("/en/plans/{slug}/differences/", 4),
    "indicators": ("/en/plans/{slug}/indicators/", 3),
    "progress method": ("/en/plans/{slug}/progress-method/", 2),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_pages_use_a_fixed_number_of_queries(client, db, page):
    url, expected = PAGES[page]
    small = make_plan(measures=10)
    large = make_plan(measures=1000, observations=200)
    small_count = _queries(client, url.format(slug=small.slug))
    large_count = _queries(client, url.format(slug=large.slug))
    assert (small_count, large_count) == (expected, expected)


def test_convention_coverage_lists_articles_and_gaps(client, nap):
    response = client.get("/en/plans/nap-2021-2025/coverage/")
    assert response.status_code == 200
    page = response.content.decode()
    served = nap.measures.filter(provisions__framework__slug="istanbul-convention").first()
    assert f'href="/en/plans/nap-2021-2025/measures/{served.number}/"' in page
    assert "No measure serves this provision." in page
    assert page.count("<tr") > 81


def test_pages_answer_304_when_unchanged(client, nap):
    first = client.get("/en/plans/nap-2021-2025/")
    assert first.status_code == 200 and first["ETag"]
    again = client.get("/en/plans/nap-2021-2025/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not again.content


def test_the_chart_writes_numbers_as_the_page_language_does(client, nap):
    # 8,230 in English; 8.230 in Dutch; 8 230 (a narrow or plain no-break space) in French.
    url = "/{}/plans/nap-2021-2025/indicators/zsg-registrations-since-2017/"
    svg = {
        lang: re.search(r"<svg.*?</svg>", client.get(url.format(lang)).content.decode(), re.S)[0]
        for lang in ("en", "nl", "fr")
    }
    assert ">8,230<" in svg["en"] and ">2,500<" in svg["en"]
    assert ">8.230<" in svg["nl"] and ">8,230<" not in svg["nl"]
    assert re.search(r">8[\u00a0\u202f ]230<", svg["fr"])


def test_indicator_page_has_a_chart_and_its_table(client, nap):
    response = client.get("/en/plans/nap-2021-2025/indicators/zsg-registrations/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "3,287" in page
    # The running total since 2017 is an indicator of its own (tests/test_indicator_kinds.py).
    total = client.get("/en/plans/nap-2021-2025/indicators/zsg-registrations-since-2017/")
    assert "8,230" in total.content.decode()
    assert client.get("/en/plans/nap-2021-2025/indicators/").status_code == 200
    assert client.get("/en/plans/nap-2021-2025/indicators/nope/").status_code == 404
    by_city = client.get("/en/plans/nap-2021-2025/indicators/zsg-centres-opened/?by=city")
    # Breakdown values in the page's language: Aarlen is Arlon in English.
    assert by_city.status_code == 200 and "Arlon" in by_city.content.decode()
    assert "Aarlen" not in by_city.content.decode()
    assert (
        client.get("/en/plans/nap-2021-2025/indicators/zsg-registrations/?by=bogus").status_code
        == 200
    )


def test_small_counts_are_suppressed_on_the_indicator_page(client, nap):
    from planwatch.indicators.models import Indicator

    indicator = Indicator.objects.get(plan=nap, code="zsg-registrations")
    indicator.observations.create(period="2023", start="2023-01-01", end="2023-12-31", value=3)
    indicator.suppress_below = 5
    indicator.save()
    page = client.get("/en/plans/nap-2021-2025/indicators/zsg-registrations/").content.decode()
    assert "&lt; 5" in page
    assert ">3<" not in page


def test_public_pages_are_cached_until_something_changes(client, nap, settings):
    settings.PAGE_CACHE_VERSION_SECONDS = 60  # as in production: the data version read once
    url = "/en/plans/nap-2021-2025/measures/112/"
    assert _queries(client, url) > 1
    assert _queries(client, url) == 0  # a cached page costs no query
    measure = nap.measures.get(number=112)
    measure.title_en = "A new title"
    measure.save()
    with CaptureQueriesContext(connection) as context:
        page = client.get(url).content.decode()
    assert len(context) > 1 and "A new title" in page


def test_pages_of_logged_in_people_are_not_cached(client, nap):
    from .factories import make_user

    client.force_login(make_user())
    url = "/en/plans/nap-2021-2025/"
    _queries(client, url)
    assert _queries(client, url) > 1


def test_more_filters_and_sorting(client, nap):
    def numbers(query: str) -> list[int]:
        response = client.get(f"/en/plans/nap-2021-2025/measures/?{query}")
        assert response.status_code == 200
        assert not response.context["form"].errors, response.context["form"].errors
        return [m["number"] for m in response.context["measures"]]

    assert numbers("objective=1.4.5") == sorted(
        nap.measures.filter(section__code="1.4.5").values_list("number", flat=True)
    )
    assert set(numbers("form=sexual-violence")) == set(
        nap.measures.filter(tags__slug="sexual-violence").values_list("number", flat=True)
    )
    assert set(numbers("group=children")) == set(
        nap.measures.filter(tags__slug="children").values_list("number", flat=True)
    )
    assert set(numbers("article=25")) == set(
        nap.measures.filter(
            provisions__framework__slug="istanbul-convention", provisions__code="25"
        ).values_list("number", flat=True)
    )
    everything = numbers("")
    assert numbers("sort=-number") == sorted(everything, reverse=True)
    by_status = numbers("sort=status")
    assert sorted(by_status) == sorted(everything)
    by_title = numbers("sort=title")
    assert sorted(by_title) == sorted(everything)
    response = client.get("/en/plans/nap-2021-2025/measures/?sort=bogus&article=999")
    assert response.status_code == 200 and set(response.context["form"].errors) == {
        "sort",
        "article",
    }


def test_a_long_indicator_shows_its_latest_observations(client, db):
    plan = make_plan(measures=3, observations=250)
    response = client.get(f"/en/plans/{plan.slug}/indicators/ind/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 200
    starts = [row["observation"].start for row in rows]
    assert starts == sorted(starts)
    latest = plan.indicators.get().observations.order_by("-start").first()
    assert starts[-1] == latest.start
    page = response.content.decode()
    assert "The latest 200 of 250 observations are shown here." in page
    assert f'href="/en/plans/{plan.slug}/data/"' in page
    assert page.count("<tr>") == 201
    # A breakdown the observations have keeps the limit; one they lack is ignored.
    assert len(client.get(f"/en/plans/{plan.slug}/indicators/ind/?by=city").context["rows"]) == 200
    small = make_plan(measures=3, observations=5)
    page = client.get(f"/en/plans/{small.slug}/indicators/ind/").content.decode()
    assert "observations are shown here" not in page


@pytest.mark.parametrize(
    "data", [None, {"pillar": "2", "article": "12", "sort": "title"}, {"status": "bogus"}]
)
def test_filter_selects_render_as_django_writes_them(nap, data):
    """The measure filters' selects skip Django's per-option templates; the HTML is the same."""
    import re

    from planwatch.core.templatetags.planwatch import with_descriptions
    from planwatch.reporting.queries import MeasureFilter

    def tidy(html: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    form = MeasureFilter(nap, data)
    if data:
        form.is_valid()
    selects = [field for field in form if field.name != "q"]
    assert len(selects) == 10
    for field in selects:
        attrs = {}
        if field.errors:
            attrs = {"aria-describedby": f"{field.auto_id}_error", "aria-invalid": "true"}
        assert tidy(with_descriptions(field)) == tidy(field.as_widget(attrs=attrs)), field.name
    if data and "pillar" in data:
        assert '<option value="2" selected>' in with_descriptions(form["pillar"])
