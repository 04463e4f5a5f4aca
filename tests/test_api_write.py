"""The API's write side: focal points fill and submit their contributions, coordinators review
them, through the services and permission rules of the pages."""

import jsonschema
import pytest
from django.test import Client

from planwatch.api.models import ApiToken
from planwatch.reporting.models import BudgetLine, Event

from .api_helpers import API, FILLED, auth, call, send, snapshot, submitted
from .factories import make_user

NAP = "/api/v1/plans/nap-2021-2025/"


WRITES = ["put", "patch", "submit", "validate", "return"]


# Anonymous -----------------------------------------------------------------------------------


def test_anonymous_requests_are_401_and_change_nothing(client, item):
    before = snapshot(item)
    for url in (API, f"{API}{item.pk}/"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.json()["detail"]
    for action in WRITES:
        response = call(client, item, action, {})
        assert response.status_code == 401, action
    assert snapshot(item) == before


def test_a_revoked_token_is_401(client, item, focal_a):
    token, key = ApiToken.issue(focal_a, "x")
    token.revoke()
    response = call(client, item, "patch", {"HTTP_AUTHORIZATION": f"Token {key}"})
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


# Focal point of the actor --------------------------------------------------------------------


def test_a_focal_point_lists_their_actors_contributions(client, round_, focal_a):
    headers = auth(focal_a)
    response = client.get(API + "?page_size=1000", **headers)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    data = response.json()
    mine = round_.contributions.filter(actor__slug="fod-justitie")
    assert data["count"] == mine.count() > 0
    assert {row["actor"] for row in data["results"]} == {"fod-justitie"}
    first = data["results"][0]
    assert first["round"] == "2024" and first["plan"] == "nap-2021-2025"
    assert first["state"] == "todo" and first["can_edit"] and not first["can_review"]
    # Filters and pagination.
    assert client.get(API + "?state=draft", **headers).json()["count"] == 0
    assert client.get(API + "?round=2024&state=todo", **headers).json()["count"] == mine.count()
    page = client.get(API + "?page_size=2", **headers).json()
    assert len(page["results"]) == 2 and page["next"]


@pytest.mark.parametrize(
    "query", ["?state=nope", "?round=no%20pe", "?measure=abc", "?colour=red", "?page=0"]
)
def test_bad_list_queries_are_400(client, round_, focal_a, query):
    response = client.get(API + query, **auth(focal_a))
    assert response.status_code == 400
    assert response.json()["errors"]


@pytest.mark.parametrize("query", ["?round=nope", "?actor=nobody", "?plan=nope", "?measure=999"])
def test_a_list_filter_matching_none_of_your_contributions_is_empty(client, round_, focal_a, query):
    response = client.get(API + query, **auth(focal_a))
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_list_takes_a_fixed_number_of_queries(
    client, round_, focal_a, coordinator, django_assert_max_num_queries
):
    for user in (focal_a, coordinator):
        headers = auth(user)
        # token, roles, count, page, evidence, budget lines (+ touch)
        with django_assert_max_num_queries(8):
            assert client.get(API + "?page_size=1000", **headers).status_code == 200


def test_a_focal_point_saves_a_draft_with_patch(client, item, focal_a):
    response = call(client, item, "patch", auth(focal_a), {**FILLED, "version": item.version})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "draft"
    assert data["version"] == item.version + 1
    assert data["narrative"]["en"] == "Work has started."
    assert data["evidence"] == [{"url": "https://example.org/report", "label": "Report"}]
    assert data["budget"] == [
        {
            "year": 2024,
            "amount": "125000.5",
            "nature": "specific",
            "stage": "spent",
            "qualifier": "exact",
        }
    ]
    item.refresh_from_db()
    assert item.state == "draft" and item.proposed_status == "in_progress"
    assert item.updated_by == focal_a
    event = Event.objects.filter(action="reporting.contribution.saved").latest("id")
    assert event.user == focal_a and event.measure_id == item.measure_id
    assert event.data["proposed_status"] == ["", "in_progress"]
    # PATCH changes only what is sent: the other language keeps its text.
    response = call(
        client,
        item,
        "patch",
        auth(focal_a),
        {"version": item.version, "narrative": {"en": "More work."}},
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.narrative_en == "More work." and item.narrative_nl == "Het werk is begonnen."
    assert item.evidence.count() == 1 and item.budget_lines.count() == 1


def test_put_replaces_everything(client, item, focal_a):
    headers = auth(focal_a)
    assert call(client, item, "put", headers).status_code == 200
    item.refresh_from_db()
    body = {
        "version": item.version,
        "proposed_status": None,
        "narrative": {"fr": "Commencé."},
        "evidence": [],
        "budget": [],
    }
    response = call(client, item, "put", headers, body)
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.proposed_status == "" and item.narrative_en == "" and item.narrative_fr
    assert item.evidence.count() == 0 and item.budget_lines.count() == 0
    # PUT needs every field.
    response = call(client, item, "put", headers, {"version": item.version})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"proposed_status", "narrative", "evidence", "budget"}


def test_a_focal_point_submits(client, item, focal_a):
    response = call(client, item, "submit", auth(focal_a))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["state"] == "submitted" and not data["can_edit"]
    assert Event.objects.filter(action="reporting.contribution.submitted", user=focal_a).exists()
    # Submitted: no more changes by the focal point.
    item.refresh_from_db()
    before = snapshot(item)
    response = call(client, item, "patch", auth(focal_a))
    assert response.status_code == 403
    assert "submitted" in response.json()["detail"]
    assert snapshot(item) == before


def test_submitting_needs_a_status_and_a_narrative(client, item, focal_a):
    before = snapshot(item)
    response = call(client, item, "submit", auth(focal_a), {"version": item.version})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["proposed_status"] and errors["narrative"]
    assert snapshot(item) == before


def test_a_focal_point_may_not_review(client, item, focal_a):
    item = submitted(item, focal_a)
    before = snapshot(item)
    for action in ("validate", "return"):
        response = call(client, item, action, auth(focal_a))
        assert response.status_code == 403, action
        assert response.json()["detail"]
    assert snapshot(item) == before


# Someone else --------------------------------------------------------------------------------


def test_a_focal_point_of_another_actor_gets_404(client, item, focal_b):
    headers = auth(focal_b)
    assert item.pk not in [
        row["id"] for row in client.get(API + "?page_size=1000", **headers).json()["results"]
    ]
    before = snapshot(item)
    assert client.get(f"{API}{item.pk}/", **headers).status_code == 404
    for action in WRITES:
        response = call(client, item, action, headers)
        assert response.status_code == 404, action
        assert response.json()["detail"]
    assert snapshot(item) == before


def test_an_assessor_sees_no_contribution(client, item, assessor):
    headers = auth(assessor)
    assert client.get(API, **headers).json()["count"] == 0
    before = snapshot(item)
    assert client.get(f"{API}{item.pk}/", **headers).status_code == 404
    for action in WRITES:
        assert call(client, item, action, headers).status_code == 404, action
    assert snapshot(item) == before


def test_an_unknown_contribution_is_404(client, focal_a, round_):
    response = client.get(f"{API}999999999/", **auth(focal_a))
    assert response.status_code == 404
    assert response.json()["detail"]


# Coordinator ---------------------------------------------------------------------------------


def test_a_coordinator_reads_but_may_not_fill(client, round_, item, coordinator):
    headers = auth(coordinator)
    data = client.get(API + "?page_size=1", **headers).json()
    assert data["count"] == round_.contributions.count()
    assert client.get(f"{API}{item.pk}/", **headers).status_code == 200
    before = snapshot(item)
    for action in ("put", "patch", "submit"):
        response = call(client, item, action, headers)
        assert response.status_code == 403, action
        assert "focal point" in response.json()["detail"]
    assert snapshot(item) == before


def test_a_coordinator_validates(client, item, focal_a, coordinator):
    headers = auth(coordinator)
    # Not submitted yet: nothing to review.
    assert call(client, item, "validate", headers).status_code == 403
    item = submitted(item, focal_a)
    assert client.get(f"{API}{item.pk}/", **headers).json()["can_review"]
    response = call(client, item, "validate", headers)
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "validated"
    assert Event.objects.filter(
        action="reporting.contribution.validated", user=coordinator
    ).exists()


def test_a_coordinator_returns_with_a_comment(client, item, focal_a, coordinator):
    headers = auth(coordinator)
    item = submitted(item, focal_a)
    before = snapshot(item)
    for body in ({"version": item.version}, {"version": item.version, "comment": "  "}):
        response = call(client, item, "return", headers, body)
        assert response.status_code == 400
        assert response.json()["errors"]["comment"]
    assert snapshot(item) == before
    response = call(client, item, "return", headers)
    assert response.status_code == 200
    data = response.json()
    assert data["state"] == "returned" and data["review_comment"] == "Add figures."
    event = Event.objects.filter(action="reporting.contribution.returned").latest("id")
    assert event.user == coordinator and event.reason == "Add figures."
    # Returned: the focal point may change it again.
    item.refresh_from_db()
    assert call(client, item, "patch", auth(focal_a)).status_code == 200


# Conflicts and bad input ---------------------------------------------------------------------


def test_a_stale_version_is_409_with_the_current_version(client, item, focal_a):
    headers = auth(focal_a)
    stale = item.version
    assert call(client, item, "patch", headers).status_code == 200
    item.refresh_from_db()
    before = snapshot(item)
    response = call(client, item, "patch", headers, {**FILLED, "version": stale})
    assert response.status_code == 409
    data = response.json()
    assert data["version"] == item.version == stale + 1
    assert data["current"]["proposed_status"] == "implemented"
    assert data["detail"]
    assert snapshot(item) == before


def test_a_stale_version_on_review_is_409(client, item, focal_a, coordinator):
    item = submitted(item, focal_a)
    before = snapshot(item)
    response = call(client, item, "validate", auth(coordinator), {"version": item.version - 1})
    assert response.status_code == 409
    assert response.json()["version"] == item.version
    assert snapshot(item) == before


@pytest.mark.parametrize("second", ["validate", "return"])
def test_a_review_after_another_coordinators_is_409(client, item, focal_a, coordinator, second):
    # Two coordinators read the same submission; the first validates it, the second's review
    # then names a version that is no longer current: 409 with the contribution as it is now.
    item = submitted(item, focal_a)
    read = item.version
    colleague = make_user("colleague@example.org", role="coordinator", plan=item.round.plan)
    assert call(client, item, "validate", auth(colleague), {"version": read}).status_code == 200
    item.refresh_from_db()
    before = snapshot(item)
    body = {"version": read, **({"comment": "Which sessions?"} if second == "return" else {})}
    response = call(client, item, second, auth(coordinator), body)
    assert response.status_code == 409
    assert response.json()["current"]["state"] == "validated"
    assert snapshot(item) == before


BAD = [
    ({"proposed_status": "done"}, "proposed_status"),
    ({"proposed_satus": "implemented"}, "proposed_satus"),
    ({"narrative": {"xx": "text"}}, "narrative.xx"),
    ({"narrative": "text"}, "narrative.non_field_errors"),
    ({"narrative": {"en": "x" * 20_001}}, "narrative.en"),
    ({"evidence": [{"url": "ftp://example.org/x"}]}, "evidence.0.url"),
    ({"evidence": [{"url": "javascript:alert(1)"}]}, "evidence.0.url"),
    ({"evidence": [{"label": "no address"}]}, "evidence.0.url"),
    ({"budget": [{"year": 2024, "amount": "-5", "nature": "specific"}]}, "budget.0.amount"),
    ({"budget": [{"year": 2024, "amount": "1.234,56", "nature": "specific"}]}, "budget.0.amount"),
    ({"budget": [{"year": 2024, "amount": "10", "nature": "other"}]}, "budget.0.nature"),
    ({"budget": [{"year": 2019, "amount": "10", "nature": "specific"}]}, "budget"),
    ({"budget": {"year": 2024}}, "budget.non_field_errors"),
    ({"evidence": [{"url": "https://example.org/"}] * 51}, "evidence.non_field_errors"),
    ({"version": -1}, "version"),
    ({"version": "abc"}, "version"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_400_per_field_and_changes_nothing(client, item, focal_a, change, field):
    before = snapshot(item)
    body = {**FILLED, "version": item.version, **change}
    response = call(client, item, "patch", auth(focal_a), body)
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["detail"] == "Invalid input."
    assert data["errors"][field], data
    assert snapshot(item) == before


def test_every_wrong_field_is_reported_at_once(client, item, focal_a):
    before = snapshot(item)
    body = {
        "version": item.version,
        "colour": "red",
        "evidence": [{"url": "https://example.org/ok"}, {"url": "ftp://example.org/x"}],
        "budget": [{"year": 2024, "amount": "-1", "nature": "other"}],
    }
    response = call(client, item, "patch", auth(focal_a), body)
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "colour",
        "evidence.1.url",
        "budget.0.amount",
        "budget.0.nature",
    }
    assert snapshot(item) == before


def test_a_missing_version_and_a_body_that_is_not_json_are_400(client, item, focal_a):
    headers = auth(focal_a)
    before = snapshot(item)
    response = call(client, item, "patch", headers, {"proposed_status": "implemented"})
    assert response.status_code == 400
    assert response.json()["errors"]["version"]
    response = client.patch(
        f"{API}{item.pk}/", data="{not json", content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    response = client.patch(
        f"{API}{item.pk}/",
        data="version=0",
        content_type="application/x-www-form-urlencoded",
        **headers,
    )
    assert response.status_code == 415
    assert snapshot(item) == before


def test_messages_follow_accept_language(client, item, focal_a, coordinator):
    response = call(
        client,
        item,
        "patch",
        {**auth(focal_a), "HTTP_ACCEPT_LANGUAGE": "fr"},
        {"version": item.version, "budget": [{"year": 2019, "amount": "1", "nature": "specific"}]},
    )
    assert response.status_code == 400
    assert "2019" in response.json()["errors"]["budget"][0]
    refused = call(client, item, "patch", {**auth(coordinator), "HTTP_ACCEPT_LANGUAGE": "fr"})
    assert refused.json()["detail"].startswith("Seul un point de contact")
    unknown = client.get(f"{API}999999999/", **auth(focal_a), HTTP_ACCEPT_LANGUAGE="nl")
    assert unknown.json()["detail"] == "U hebt geen bijdrage 999999999."


def test_a_browser_session_needs_the_csrf_token(item, focal_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(focal_a)
    assert client.get(f"{API}{item.pk}/").status_code == 200
    before = snapshot(item)
    response = send(client, "patch", f"{API}{item.pk}/", {"version": item.version})
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert snapshot(item) == before


# Nothing of this is public -------------------------------------------------------------------


def test_contributions_written_by_api_never_appear_publicly(
    client, nap, item, focal_a, coordinator
):
    assert call(client, item, "submit", auth(focal_a)).status_code == 200
    item.refresh_from_db()
    assert call(client, item, "validate", auth(coordinator)).status_code == 200
    assert BudgetLine.objects.filter(contribution=item).exists()
    lines = client.get(NAP + "budget-lines/?page_size=1000").json()["results"]
    assert not [line for line in lines if line["amount"] == "125000.5"]
    assert client.get(NAP + "statuses/?round=2024").status_code == 404  # not published
    rounds = [r["slug"] for r in client.get(NAP + "rounds/").json()["results"]]
    assert "2024" not in rounds
    assert client.get(API).status_code == 401


# The schema ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker) -> dict:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def _check(schema, template: str, method: str, response) -> None:
    operation = schema["paths"][template][method]
    declared = operation["responses"][str(response.status_code)]["content"]["application/json"]
    validator = jsonschema.Draft202012Validator(
        {**declared["schema"], "components": schema["components"]}
    )
    errors = sorted(validator.iter_errors(response.json()), key=lambda e: e.path)
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_every_write_answer_matches_the_schema(client, schema, item, focal_a, focal_b, coordinator):
    one = "/api/v1/contributions/{id}/"
    mine, theirs, boss = auth(focal_a), auth(focal_b), auth(coordinator)
    _check(schema, "/api/v1/contributions/", "get", client.get(API, **mine))
    _check(schema, "/api/v1/contributions/", "get", client.get(API + "?state=x", **mine))
    _check(schema, "/api/v1/contributions/", "get", client.get(API))
    _check(schema, one, "get", client.get(f"{API}{item.pk}/", **mine))
    _check(schema, one, "get", client.get(f"{API}{item.pk}/", **theirs))
    _check(schema, one, "patch", call(client, item, "patch", mine, {"version": "x"}))
    _check(schema, one, "patch", call(client, item, "patch", boss))
    _check(schema, one, "put", call(client, item, "put", mine))
    _check(schema, one, "put", call(client, item, "put", mine))  # 409: the version changed
    item.refresh_from_db()
    submit = "/api/v1/contributions/{id}/submit/"
    _check(schema, submit, "post", call(client, item, "submit", mine))
    item.refresh_from_db()
    _check(schema, "/api/v1/contributions/{id}/return/", "post", call(client, item, "return", boss))
    item.refresh_from_db()
    _check(schema, submit, "post", call(client, item, "submit", mine))
    item.refresh_from_db()
    validate = "/api/v1/contributions/{id}/validate/"
    _check(schema, validate, "post", call(client, item, "validate", boss))
    _check(schema, validate, "post", call(client, item, "validate", boss))  # 403 now


@pytest.mark.parametrize("depth", [900, 50_000])
@pytest.mark.parametrize("what", ["", "submit/", "validate/"])
def test_deeply_nested_json_is_400_json(client, item, focal_a, coordinator, depth, what):
    before = snapshot(item)
    body = '{"version": 0, "narrative": {"en": ' + "[" * depth + "]" * depth + "}}"
    user = coordinator if what == "validate/" else focal_a
    if what == "validate/":
        item = submitted(item, focal_a)
        before = snapshot(item)
    method = client.patch if what == "" else client.post
    response = method(f"{API}{item.pk}/{what}", body, "application/json", **auth(user))
    assert response.status_code == 400, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    assert snapshot(item) == before
