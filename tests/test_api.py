"""The REST API's read side: what it shows, to whom, with which errors, in how many queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planwatch.api.models import ApiToken
from planwatch.indicators.models import Indicator, Observation
from planwatch.plans.models import Measure, Status
from planwatch.reporting.models import (
    Assessment,
    BudgetLine,
    Contribution,
    MeasureStatus,
    Round,
)

from .factories import make_plan, make_user

NAP = "/api/v1/plans/nap-2021-2025/"
LANGS = {"nl", "fr", "de", "en"}


def endpoints(
    plan: str = "nap-2021-2025",
    measure: int = 112,
    round_: str = "interim-2023",
    indicator: str = "zsg-registrations",
) -> list[str]:
    base = f"/api/v1/plans/{plan}/"
    return [
        "/api/v1/",
        "/api/v1/plans/",
        base,
        base + "sections/",
        base + "measures/",
        f"{base}measures/{measure}/",
        base + "rounds/",
        f"{base}rounds/{round_}/",
        base + "statuses/",
        base + "assessments/",
        base + "budget-lines/",
        base + "budget-totals/",
        base + "indicators/",
        f"{base}indicators/{indicator}/",
        f"{base}indicators/{indicator}/observations/",
    ]


def is_list(url: str) -> bool:
    return url == "/api/v1/plans/" or url.endswith(tuple(LISTS)) or url.endswith("/observations/")


LISTS = [
    "sections/",
    "measures/",
    "rounds/",
    "statuses/",
    "assessments/",
    "budget-lines/",
    "indicators/",
    "indicators/ind/observations/",
]


@pytest.fixture
def token_header(db) -> dict[str, str]:
    _token, key = ApiToken.issue(make_user(password=None), "tests")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


# Who may read ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", endpoints())
def test_every_endpoint_answers_anonymously(client, nap, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    assert response["ETag"]


@pytest.mark.parametrize("url", endpoints())
def test_every_endpoint_answers_with_a_token(client, nap, token_header, url):
    anonymous = client.get(url)
    response = client.get(url, **token_header)
    assert response.status_code == 200, response.content
    # Today a token reads what everyone reads: published data.
    assert response.json() == anonymous.json()


@pytest.mark.parametrize("url", endpoints())
def test_a_bad_token_is_refused_everywhere(client, nap, url):
    response = client.get(url, HTTP_AUTHORIZATION="Token pw_nonsense")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unknown API token."}
    assert response["WWW-Authenticate"].startswith("Token")


def test_root_links_to_plans_schema_and_docs(client, db):
    links = client.get("/api/v1/").json()
    assert links["plans"] == "http://testserver/api/v1/plans/"
    assert links["schema"] == "http://testserver/api/v1/openapi.json"
    assert links["docs"] == "http://testserver/api/v1/docs/"


# What it shows -------------------------------------------------------------------------------


def test_plan_gives_translations_as_objects(client, nap):
    plan = client.get(NAP).json()
    assert plan["slug"] == "nap-2021-2025"
    assert set(plan["title"]) == LANGS
    assert plan["title"]["nl"] == nap.title_nl
    assert plan["title"]["fr"] == nap.title_fr
    assert plan["statuses"] == nap.statuses
    assert plan["latest_published_round"] == "interim-2023"
    assert plan["links"]["measures"] == "http://testserver" + NAP + "measures/"


def test_a_missing_translation_is_null(client, nap):
    measure = nap.measures.get(number=112)
    measure.title_de = ""
    measure.save()
    title = client.get(NAP + "measures/112/").json()["title"]
    assert title == {
        "nl": measure.title_nl,
        "fr": measure.title_fr,
        "de": None,
        "en": measure.title_en,
    }


def test_measure_detail(client, nap):
    measure = nap.measures.get(number=112)
    data = client.get(NAP + "measures/112/").json()
    assert data["number"] == 112
    assert data["section"] == measure.section.code
    assert data["pillar"] == measure.section.pillar
    assert [a["slug"] for a in data["actors"]] == [
        r.actor.slug for r in measure.measure_actors.all()
    ]
    status = measure.statuses.get()
    assert data["status"] == {"round": "interim-2023", "status": status.status}
    assert [s["round"] for s in data["statuses"]] == ["interim-2023"]
    assert data["statuses"][0]["narrative"]["nl"] == status.narrative_nl
    assert "zsg-registrations" in data["indicators"]


def test_measure_filters_are_the_portals(client, nap):
    def numbers(query: str) -> list[int]:
        response = client.get(NAP + "measures/?page_size=1000&" + query)
        assert response.status_code == 200, response.content
        return [m["number"] for m in response.json()["results"]]

    measures = Measure.objects.filter(plan=nap)
    assert numbers("pillar=4") == list(
        measures.filter(section__pillar=4).values_list("number", flat=True)
    )
    assert numbers("status=implemented") == list(
        measures.filter(statuses__status="implemented").values_list("number", flat=True)
    )
    actor = nap.measures.get(number=112).actors.first()
    assert 112 in numbers(f"actor={actor.slug}")
    assert set(numbers(f"government={actor.government.code}")) >= set(
        numbers(f"actor={actor.slug}")
    )
    tag = nap.measures.get(number=112).tags.first()
    assert 112 in numbers(f"tag={tag.slug}")
    assert numbers("q=112") == [112]
    word = nap.measures.get(number=112).title_en.split()[-1]
    response = client.get(NAP + "measures/?page_size=1000&q=" + word, HTTP_ACCEPT_LANGUAGE="en")
    assert 112 in [m["number"] for m in response.json()["results"]]


def test_pagination(client, nap):
    first = client.get(NAP + "measures/?page_size=10").json()
    assert first["count"] == nap.measures.count()
    assert len(first["results"]) == 10
    assert first["next"].endswith("measures/?page=2&page_size=10")
    second = client.get(first["next"]).json()
    assert second["results"][0]["number"] > first["results"][-1]["number"]
    assert client.get(NAP + "measures/?page=999").status_code == 404


def test_budget_totals_come_from_the_stats(client, nap):
    from planwatch.reporting import stats

    totals = stats.budget_totals(nap)
    data = client.get(NAP + "budget-totals/").json()
    assert Decimal(data["computed"]["total"]["total"]) == totals.total.total
    assert [(r["level"], r["period"]) for r in data["computed"]["rows"]] == [
        (r.level, r.period) for r in totals.rows
    ]
    assert len(data["published"]) == len(stats.published_budget_totals(nap))


def test_round_detail_split_comes_from_the_stats(client, nap):
    from planwatch.reporting import stats

    round_ = Round.objects.latest_published(nap)
    split = stats.status_split(nap, round_)
    data = client.get(NAP + "rounds/interim-2023/").json()
    assert data["split"]["total"] == split.total
    assert [(c["status"], c["count"]) for c in data["split"]["counts"]] == [
        (c.status, c.count) for c in split.counts
    ]
    assert {f["status"] for f in data["headline_figures"]} == {
        "implemented",
        "in_progress",
        "not_started",
    }


def test_small_counts_are_suppressed(client, nap):
    indicator = Indicator.objects.get(plan=nap, code="zsg-registrations")
    indicator.suppress_below = 5
    indicator.labels = {"Gent": {"fr": "Gand", "en": "Ghent"}}
    indicator.save()
    Observation.objects.create(
        indicator=indicator,
        period="2031",
        start=dt.date(2031, 1, 1),
        end=dt.date(2031, 12, 31),
        value=Decimal(3),
        dims={"city": "Gent"},
    )
    url = NAP + "indicators/zsg-registrations/observations/"
    data = client.get(url + "?period=2031").json()["results"]
    assert data == [
        {
            "period": "2031",
            "start": "2031-01-01",
            "end": "2031-12-31",
            "value": "< 5",
            "qualifier": "exact",
            "suppressed": True,
            "dims": {"city": "Gent"},
            "breakdown": {"nl": "Gent", "fr": "Gand", "de": "Gent", "en": "Ghent"},
            "source": "",
        }
    ]
    shown = client.get(url + "?page_size=1000").json()["results"]
    assert all(o["value"] == "< 5" for o in shown if o["suppressed"])
    assert any(not o["suppressed"] and Decimal(o["value"]) >= 5 for o in shown)


# Published data only -------------------------------------------------------------------------


def test_unpublished_rounds_never_appear(client, nap):
    published = Round.objects.latest_published(nap)
    measures = list(nap.measures.all())
    actor = measures[0].actors.first()
    secrets = []
    for state in (Round.State.DRAFT, Round.State.OPEN, Round.State.CLOSED):
        round_ = Round.objects.create(
            plan=nap,
            slug=f"secret-{state}",
            name_en=f"Secret {state}",
            start="2024-01-01",
            end="2030-12-31",  # later than the published round: it would be "latest"
            state=state,
        )
        MeasureStatus.objects.bulk_create(
            MeasureStatus(round=round_, measure=m, status=Status.ABANDONED, narrative_en="SECRET")
            for m in measures
        )
        Assessment.objects.create(
            round=round_,
            measure=measures[0],
            organisation=actor,
            rating="abandoned",
            commentary_en="SECRET",
            is_published=True,
        )
        contribution = Contribution.objects.create(
            round=round_, measure=measures[0], actor=actor, state="validated"
        )
        BudgetLine.objects.create(
            plan=nap,
            government=actor.government,
            measure=measures[0],
            year=2024,
            amount=Decimal(123456),
            nature="specific",
            contribution=contribution,
            label_en="SECRET",
        )
        secrets.append(round_.slug)

    for url in endpoints():
        body = client.get(url + ("?page_size=1000" if is_list(url) else "")).content.decode()
        for slug in secrets:
            assert slug not in body, url
        assert "SECRET" not in body, url

    assert client.get(NAP).json()["latest_published_round"] == published.slug
    assert [r["slug"] for r in client.get(NAP + "rounds/").json()["results"]] == [published.slug]
    for slug in secrets:
        assert client.get(f"{NAP}rounds/{slug}/").status_code == 404
        response = client.get(f"{NAP}statuses/?round={slug}")
        assert response.status_code == 404  # as a round that does not exist
        assert response.json() == {"detail": f"The plan has no published round “{slug}”."}
    statuses = client.get(NAP + "statuses/?page_size=1000").json()
    assert statuses["count"] == MeasureStatus.objects.filter(round=published).count()
    # The plan does not use "abandoned": only the secret rounds do.
    assert client.get(NAP + "measures/?status=abandoned").status_code == 404
    lines = client.get(NAP + "budget-lines/?year=2024&page_size=1000").json()["results"]
    assert lines and all(line["amount"] != "123456" for line in lines)


def test_unpublished_assessments_never_appear(client, nap):
    round_ = Round.objects.latest_published(nap)
    measure = nap.measures.get(number=112)
    organisation = measure.actors.first()
    Assessment.objects.create(
        round=round_,
        measure=measure,
        organisation=organisation,
        rating="implemented",
        commentary_en="Draft",
        is_published=False,
    )
    assert client.get(NAP + "assessments/").json()["count"] == 0
    Assessment.objects.filter(round=round_).update(is_published=True)
    results = client.get(NAP + "assessments/").json()["results"]
    assert [(a["measure"], a["rating"]) for a in results] == [(112, "implemented")]


# Bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("measures/?pillar=abc", "pillar"),
        ("measures/?status=nope", "status"),
        ("measures/?q=" + "x" * 201, "q"),
        ("measures/?q=a%00b", "q"),
        ("measures/?pilar=2", "pilar"),
        ("measures/?pillar=1&pillar=2", "pillar"),
        ("measures/?page=0", "page"),
        ("measures/?page=abc", "page"),
        ("measures/?page=99999999999999999999999", "page"),
        ("measures/?page_size=0", "page_size"),
        ("measures/?page_size=1001", "page_size"),
        ("measures/112/?pillar=1", "pillar"),
        ("statuses/?measure=-1", "measure"),
        ("statuses/?measure=99999999999999999999", "measure"),
        ("budget-lines/?year=abc", "year"),
        ("budget-lines/?nature=other", "nature"),
        ("budget-lines/?level=planet", "level"),
        ("budget-totals/?year=2022", "year"),
        ("indicators/zsg-registrations/observations/?year=1", "year"),
        ("indicators/?page_size=-5", "page_size"),
        ("measures/?format=xml", "format"),
    ],
)
def test_bad_query_parameters_are_400_with_a_message(client, nap, path, field):
    before = Measure.objects.count(), MeasureStatus.objects.count()
    response = client.get(NAP + path)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["detail"] == "Invalid query parameters."
    assert data["errors"][field][0]
    assert (Measure.objects.count(), MeasureStatus.objects.count()) == before


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("measures/?pillar=99", "The plan has no pillar 99."),
        ("measures/?status=abandoned", "The plan does not use the status “abandoned”."),
        ("measures/?actor=nobody", "The plan has no responsible actor “nobody”."),
        (
            "measures/?government=nowhere",
            "No responsible actor of the plan belongs to government “nowhere”.",
        ),
        ("measures/?tag=none", "No measure of the plan has the tag “none”."),
        ("statuses/?round=Z", "The plan has no published round “Z”."),
        ("statuses/?status=abandoned", "The plan does not use the status “abandoned”."),
        ("statuses/?measure=999", "Plan “nap-2021-2025” has no measure 999."),
        ("assessments/?round=nope", "The plan has no published round “nope”."),
        ("assessments/?measure=999", "Plan “nap-2021-2025” has no measure 999."),
        ("budget-lines/?measure=999", "Plan “nap-2021-2025” has no measure 999."),
        ("budget-lines/?government=nowhere", "There is no government “nowhere”."),
    ],
)
def test_a_filter_naming_what_the_plan_does_not_have_is_a_json_404(client, nap, path, message):
    """Well-formed, as the schema allows, so not a 400: the thing named does not exist."""
    response = client.get(NAP + path)
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": message}


def test_a_filter_naming_something_without_rows_is_an_empty_list(client, nap):
    # A government that exists but has no budget line in the plan.
    from planwatch.actors.models import Government

    Government.objects.create(code="zz", name="Elsewhere", level="local")
    response = client.get(NAP + "budget-lines/?government=zz")
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_a_bad_value_and_an_unknown_one_together_are_a_400(client, nap):
    data = client.get(NAP + "measures/?pillar=abc&actor=nobody").json()
    assert set(data["errors"]) == {"pillar"}


def test_every_wrong_parameter_is_named_at_once(client, nap):
    data = client.get(NAP + "measures/?pillar=abc&foo=1&page=x").json()
    assert set(data["errors"]) == {"pillar", "foo", "page"}


def test_messages_follow_accept_language(client, nap):
    data = client.get(NAP + "measures/?pillar=abc", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert "abc" in data["errors"]["pillar"][0]
    assert (
        data["errors"]["pillar"][0]
        != client.get(NAP + "measures/?pillar=abc").json()["errors"]["pillar"][0]
    )
    assert data["detail"] == "Paramètres de requête non valides."
    missing = client.get("/api/v1/plans/nope/", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert missing == {"detail": "Er is geen plan “nope”."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/plans/nope/",
        "/api/v1/plans/nope/measures/",
        "/api/v1/plans/nope/budget-totals/",
        NAP + "measures/999/",
        NAP + "measures/99999999999999999999/",
        NAP + "rounds/nope/",
        NAP + "indicators/nope/",
        NAP + "indicators/nope/observations/",
        NAP + "measures/abc/",
        "/api/v1/nothing/here/",
        "/api/",
    ],
)
def test_unknown_things_are_404_in_json(client, nap, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_writing_is_refused(client, nap, token_header):
    for method in (client.post, client.put, client.patch, client.delete):
        response = method(NAP + "measures/", {}, **token_header)
        assert response.status_code == 405


# Caching -------------------------------------------------------------------------------------


def test_conditional_get(client, nap):
    url = NAP + "measures/112/"
    first = client.get(url)
    etag = first["ETag"]
    assert "no-cache" in first["Cache-Control"]
    assert "Accept-Language" in first["Vary"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    measure = nap.measures.get(number=112)
    measure.title_en = "Changed"
    measure.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_errors_are_never_304(client, nap):
    url = NAP + "measures/?pillar=abc"
    etag = client.get(url).get("ETag", '"x"')
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 400


# Fixed query counts --------------------------------------------------------------------------


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(queries)


def test_query_counts_do_not_grow_with_the_plan(client, db):
    small = make_plan(measures=10, observations=5)
    large = make_plan(measures=1000, observations=500)
    for plan in (small, large):
        round_ = plan.rounds.get()
        organisation = plan.measures.first().actors.first()
        Assessment.objects.bulk_create(
            Assessment(
                round=round_,
                measure=m,
                organisation=organisation,
                rating="implemented",
                is_published=True,
            )
            for m in plan.measures.all()
        )
    counts = {}
    for plan in (small, large):
        base = f"/api/v1/plans/{plan.slug}/"
        urls = [base + path for path in LISTS] + [
            base + "measures/?page_size=1000",
            base + "measures/?pillar=2&status=implemented",
            base + "measures/5/",
            base + "rounds/r1/",
            base + "budget-totals/",
            "/api/v1/plans/",
        ]
        counts[plan.slug] = [_queries(client, url) for url in urls]
    assert counts[small.slug] == counts[large.slug]
    assert max(counts[small.slug]) <= 14


def test_query_counts_with_a_token(client, db, token_header):
    small = make_plan(measures=10)
    large = make_plan(measures=300)
    for plan in (small, large):
        _queries(client, f"/api/v1/plans/{plan.slug}/measures/")  # warm-up: last-used written
    assert _queries(client, f"/api/v1/plans/{small.slug}/measures/") == _queries(
        client, f"/api/v1/plans/{large.slug}/measures/"
    )
    url = f"/api/v1/plans/{small.slug}/measures/"
    _queries_with(client, url, token_header)  # the first use writes the last-used time
    with_token = _queries_with(client, url, token_header)
    assert with_token == _queries(client, f"/api/v1/plans/{small.slug}/measures/") + 1


def _queries_with(client, url, headers) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **headers).status_code == 200
    return len(queries)


def test_the_browsable_pages_answer(client, nap):
    for url in ("/api/v1/", NAP + "measures/?page_size=5", NAP + "measures/112/"):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
