"""Schemathesis against the OpenAPI schema: requests generated from /api/v1/openapi.json, valid
and invalid, sent to the real Django application (its WSGI entry point, in this process, on the
test database with the NAP loaded). No request may cause a server error; every answer must be
documented (status code, content type, body schema); valid input must be accepted and invalid
input refused; and the write endpoints must refuse, and leave unchanged, what the caller's role
may not do.

Deterministic: Hypothesis is derandomized and keeps no example database, so CI sends the same
requests as a laptop.
"""

import copy
import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.db.models import Count, Sum
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer2
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import ignored_auth

from planwatch.api.models import ApiToken
from planwatch.milestones.models import MilestoneUpdate
from planwatch.reporting import services
from planwatch.reporting.models import BudgetLine, Contribution, Event, EvidenceLink
from planwatch.wsgi import application


def _schema() -> dict:
    """The schema as /api/v1/openapi.json serves it (test_the_served_schema_is_the_one_tested
    checks that), built when the module is collected: the tests are one per operation."""
    with translation.override("en"):
        generated = SchemaGenerator().get_schema(request=None, public=True)
        return json.loads(OpenApiJsonRenderer2().render(generated))


SCHEMA = _schema()

# The schema serves every plan, so the plan's slug is a plain string in it. Schemathesis tests
# the schema with the plan narrowed to the NAP, so that requests reach its data; the filters are
# tested as the schema gives them: a well-formed value that names nothing the plan has (a round,
# a measure, an actor…) is a documented 404, never a 400. A contribution's proposed status must be
# one the plan uses (a rule of the data, checked as the form checks it), so the body's status is
# narrowed to the NAP's statuses (test_the_nap_values_are_real checks them), and budget years to
# the open round. Milestone proposals name the milestones of the contribution's measure, with
# dates that must make sense (a rule of the data the service checks): the narrowed schema sends
# none, and tests/test_api_milestones.py tests them.
NAP_STATUSES = ["", "not_started", "in_progress", "implemented"]
OPEN_YEAR = 2024  # the year of the shared open round (tests/conftest.py: round_)


def _narrowed(served: dict) -> dict:
    narrowed = copy.deepcopy(served)
    for operations in narrowed["paths"].values():
        for parameter in operations.get("get", {}).get("parameters", []):
            if (parameter["in"], parameter["name"]) == ("path", "plan"):
                parameter["schema"] = {"type": "string", "enum": ["nap-2021-2025"]}
    components = narrowed["components"]["schemas"]
    for name in ("ContributionInput", "ContributionChange", "PatchedContributionChange"):
        components[name]["properties"]["proposed_status"] = {"enum": [None, *NAP_STATUSES]}
        components[name]["properties"]["milestones"]["maxItems"] = 0
    year = components["BudgetLineInput"]["properties"]["year"]
    year.update(minimum=OPEN_YEAR, maximum=OPEN_YEAR)
    return narrowed


# Path parameters that name a record: often a real one, else whatever schemathesis makes up
# (404).
DICTIONARIES = {
    "number": [2, 112, 199],
    "round": ["interim-2023"],
    "indicator": ["zsg-registrations", "fgm-women-concerned", "vl-veilige-huizen"],
}
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 2021,
        "generation": {
            "deterministic": True,
            "database": "none",
            # Text is UTF-8 without NUL characters, which Django and DRF refuse in any field
            # (a schema's string cannot say so).
            "codec": "utf-8",
            "allow-x00": False,
        },
        "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
        "parameters": {
            "path.number": {"dictionary": "number", "probability": 0.8},
            "path.round": {"dictionary": "round", "probability": 0.8},
            "path.code": {"dictionary": "indicator", "probability": 0.8},
        },
    }
)
schema = schemathesis.openapi.from_dict(_narrowed(SCHEMA), config=CONFIG)
schema.app = application

SETTINGS = hypothesis.settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    # The fixtures (the database, tokens) are the same for every example, on purpose.
    suppress_health_check=list(hypothesis.HealthCheck),
)

pytestmark = pytest.mark.django_db
DOCUMENTED = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _in_process(settings):
    """Requests reach the WSGI application in this thread, on the test's transaction. As with
    Django's test client, the request signals must not close that connection; werkzeug's
    client sends ``Host: localhost``."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_served_schema_is_the_one_tested(client):
    assert client.get("/api/v1/openapi.json").json() == SCHEMA


def test_the_nap_values_are_real(client, nap):
    assert [code for code, _label in nap.status_choices()] == NAP_STATUSES[1:]
    for number in DICTIONARIES["number"]:
        assert client.get(f"/api/v1/plans/nap-2021-2025/measures/{number}/").status_code == 200
    for code in DICTIONARIES["indicator"]:
        assert client.get(f"/api/v1/plans/nap-2021-2025/indicators/{code}/").status_code == 200
    assert client.get("/api/v1/plans/nap-2021-2025/rounds/interim-2023/").status_code == 200


# Reading, anonymously ------------------------------------------------------------------------


@schema.include(method="GET").parametrize()
@SETTINGS
def test_every_read_without_a_token(case, nap):
    """Published data for anyone; 401 for what needs a person (me, the contributions)."""
    response = case.call_and_validate()
    private = case.operation.path.startswith(("/api/v1/me/", "/api/v1/contributions/"))
    if private and not case.meta.is_negative_at(ParameterLocation.PATH):
        assert response.status_code == 401  # (an invalid path matches no endpoint: 404)
    if case.meta.generation.mode.is_positive:
        # A parameter no endpoint takes is refused, not ignored (?pilar=2 must not return
        # everything): the 400 is documented too.
        misspelt = case.operation.Case(
            path_parameters=case.path_parameters,
            headers=case.headers,
            query={**(case.query or {}), "undocumented": "1"},
        )
        answer = misspelt.call()
        misspelt.validate_response(answer, checks=DOCUMENTED)
        assert answer.status_code in ({401} if private else {400, 404})  # 404: no such record


# Contributions, by role ----------------------------------------------------------------------

# Who sends each request: nobody, a focal point of another actor, an assessor, the coordinator,
# a focal point of the contribution's actor.
ROLES = ("anonymous", "focal_b", "assessor", "coordinator", "focal_a")


@pytest.fixture
def targets(round_, focal_a) -> dict[str, Contribution]:
    """Two contributions of FPS Justice (focal_a's actor): one to do, one submitted."""
    todo, other = round_.contributions.filter(actor__slug="fod-justitie").order_by(
        "measure__number"
    )[:2]
    services.save_contribution(
        other,
        services.ContributionInput(proposed_status="in_progress", narrative={"en": "Done."}),
        user=focal_a,
        version=other.version,
        submit=True,
    )
    other.refresh_from_db()
    return {"todo": todo, "submitted": other}


@pytest.fixture
def tokens(focal_a, focal_b, assessor, coordinator) -> dict[str, dict[str, str]]:
    people = {
        "focal_a": focal_a,
        "focal_b": focal_b,
        "assessor": assessor,
        "coordinator": coordinator,
    }
    headers = {"anonymous": {}}
    for role, user in people.items():
        _token, key = ApiToken.issue(user, "schemathesis")
        headers[role] = {"Authorization": f"Token {key}"}
    return headers


def snapshot(targets: dict[str, Contribution]) -> tuple:
    """What a write could change: the two contributions in full, and for every other record a
    count (any save of a contribution raises its version and records an Event)."""
    ids = [item.pk for item in targets.values()]
    return (
        list(Contribution.objects.filter(pk__in=ids).order_by("id").values()),
        list(EvidenceLink.objects.filter(contribution__in=ids).order_by("id").values_list()),
        list(BudgetLine.objects.filter(contribution__in=ids).order_by("id").values_list()),
        Contribution.objects.aggregate(count=Count("id"), versions=Sum("version")),
        EvidenceLink.objects.count(),
        BudgetLine.objects.count(),
        MilestoneUpdate.objects.count(),
        Event.objects.count(),
    )


def expected(role: str, action: str, state: str) -> set[int]:
    """The answers a role may get for a contribution of focal_a's actor in that state: refusals
    come before the request's body is read, so they are the same for any body."""
    if role == "anonymous":
        return {401}
    if role in ("focal_b", "assessor"):
        return {404}  # another actor's contribution: even its existence is private
    if action == "read":
        return {200}
    may = (
        (role == "focal_a" and action == "edit" and state == "todo")
        or (role == "focal_a" and action == "withdraw" and state == "submitted")
        or (role == "coordinator" and action == "review" and state == "submitted")
    )
    # 400: invalid input; 409: a version that is not the current one.
    return {200, 400, 409} if may else {403}


# The actors whose contributions each role may list (the coordinator: all of the plan).
LISTS = {"focal_a": {"fod-justitie"}, "focal_b": {"opgroeien"}, "assessor": set()}
ACTIONS = {"GET": "read", "PUT": "edit", "PATCH": "edit", "submit": "edit"}
ACTIONS |= {"validate": "review", "return": "review", "withdraw": "withdraw"}
SUBMIT_RULES = {
    "proposed_status": ["Choose a status before submitting."],
    "narrative": ["Write what was done before submitting."],
}


@schema.include(path_regex="^/api/v1/contributions/").parametrize()
@schema.given(target=st.sampled_from(["todo", "submitted", "generated"]), fresh=st.booleans())
@SETTINGS
def test_contributions_by_role(case, target, fresh, targets, tokens):
    """Each generated request is sent by every role, each time on the same contributions."""
    item = targets.get(target)
    if item is not None and "id" in case.path_parameters:
        case.path_parameters["id"] = item.pk
        if fresh and isinstance(case.body, dict) and "version" in case.body:
            case.body["version"] = item.version  # else almost always 409
    suffix = case.operation.path.rstrip("/").rsplit("/", 1)[-1]
    action = ACTIONS.get(suffix) or ACTIONS[case.method.upper()]
    positive = case.meta.generation.mode.is_positive
    is_list = case.operation.path == "/api/v1/contributions/"
    before = snapshot(targets)  # as every role finds them: each call is rolled back
    for role in ROLES:
        # A rule of the data, not of the request's form, checked below instead: submitting
        # needs a status and a narrative (sent or saved).
        unusual = suffix == "submit" and positive
        with transaction.atomic():
            response = case.call_and_validate(
                headers=tokens[role], excluded_checks=[positive_data_acceptance] if unusual else []
            )
            after = snapshot(targets)
            transaction.set_rollback(True)
        status = response.status_code
        if status != 200 or action == "read":
            assert after == before, (role, case.method, suffix, target, status)
        if unusual and status == 400:
            errors = json.loads(response.content)["errors"]
            assert errors and set(errors) <= set(SUBMIT_RULES), errors
            assert all(SUBMIT_RULES[name] == errors[name] for name in errors), errors
        if is_list:
            if role in LISTS and status == 200:
                actors = {row["actor"] for row in json.loads(response.content)["results"]}
                assert actors <= LISTS[role], (role, actors)
            continue
        if item is None:
            continue  # a generated id names no contribution: the checks above apply
        allowed = expected(role, action, target)
        assert status in allowed, (role, case.method, suffix, target, status, response.text)


# Stateful: sequences of requests that follow the schema's links --------------------------------

STATEFUL = hypothesis.settings(SETTINGS, max_examples=30, stateful_step_count=8)


def test_the_schema_links_operations():
    """The links the stateful tests follow: from a plan to its parts, from a list to its items
    and to the filters they name."""
    paths = SCHEMA["paths"]
    plan_links = paths["/api/v1/plans/{plan}/"]["get"]["responses"]["200"]["links"]
    assert plan_links["plans_measures_list"]["parameters"] == {"path.plan": "$response.body#/slug"}
    rounds = paths["/api/v1/plans/{plan}/rounds/"]["get"]["responses"]["200"]["links"]
    assert rounds["statuses"] == {
        "operationId": "plans_statuses_list",
        "parameters": {
            "path.plan": "$request.path.plan",
            "query.round": "$response.body#/results/0/slug",
        },
    }


def test_stateful_reads_without_a_token(nap):
    """Anonymous sequences: list the plans, open one, its measures, a measure, its statuses…"""
    schema.as_state_machine().run(settings=STATEFUL)


def test_stateful_contributions_of_a_focal_point(targets, tokens):
    """A focal point's sequences: list their contributions, open one, change it, submit it;
    every answer documented, whatever the order."""

    class FocalPoint(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": tokens["focal_a"]}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The token is this machine's own (ignored_auth would send it as the "invalid"
            # one; test_every_read_without_a_token and the role tests check refusals).
            # Submitting needs a status and a narrative, a rule of the data checked in
            # test_contributions_by_role: a 400 for a well-formed body is expected there.
            excluded = [ignored_auth]
            if case.operation.path.endswith("/submit/"):
                excluded.append(positive_data_acceptance)
            case.validate_response(response, excluded_checks=excluded, transport_kwargs=kwargs)

    FocalPoint.run(settings=STATEFUL)


# What schemathesis found, kept as plain tests -------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_to_no_endpoint_is_a_json_404(client, db, method):
    # It was Django's HTML page refusing the missing CSRF token (403).
    response = getattr(client, method)(
        "/api/v1/contributions/x,y/", content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_address_with_a_newline_is_a_json_404(client, db):
    response = client.get("/api/v1/plans/\nx/rounds/y/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_a_body_that_is_not_json_is_a_documented_400(client, targets, tokens):
    headers = {"HTTP_AUTHORIZATION": tokens["focal_a"]["Authorization"]}
    url = f"/api/v1/contributions/{targets['todo'].pk}/submit/"
    response = client.post(url, data="\x00", content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"][0].startswith("JSON parse error")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", "greater than or equal to 0"),
        ("1e3", "with a point and at most two decimals"),
        (" 12", "with a point and at most two decimals"),
        ("10000000000.01", "less than or equal to 10000000000"),
        ("12.345", "no more than 2 decimal places"),
    ],
)
def test_amounts_are_what_the_schema_says(client, targets, tokens, amount, message):
    headers = {"HTTP_AUTHORIZATION": tokens["focal_a"]["Authorization"]}
    item = targets["todo"]
    budget = [{"year": OPEN_YEAR, "amount": amount, "nature": "specific"}]
    body = json.dumps({"version": item.version, "budget": budget})
    url = f"/api/v1/contributions/{item.pk}/"
    response = client.patch(url, data=body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert message in response.json()["errors"]["budget.0.amount"][0]


@pytest.mark.parametrize("amount", ["0", "125000.5", "10000000000.00", 125000.5, 7])
def test_amounts_the_schema_allows_are_accepted(client, targets, tokens, amount):
    headers = {"HTTP_AUTHORIZATION": tokens["focal_a"]["Authorization"]}
    item = targets["todo"]
    budget = [{"year": OPEN_YEAR, "amount": amount, "nature": "specific"}]
    body = json.dumps({"version": item.version, "budget": budget})
    url = f"/api/v1/contributions/{item.pk}/"
    response = client.patch(url, data=body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
