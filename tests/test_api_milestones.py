"""Milestone proposals through the API's write side: a focal point of the actor proposes new
dates in the contribution, others may not, and bad proposals are refused with the service's
message, saving nothing."""

import datetime as dt

import pytest

from planwatch.milestones.models import Milestone

from .api_helpers import API, auth, send, snapshot

D = dt.date


@pytest.fixture
def milestone(item):
    return Milestone.objects.create(
        measure=item.measure, key="law", description_en="Law in force", baseline=D(2024, 6, 1)
    )


def moved(milestone, reason="Parliament's agenda", **changes):
    return {"milestone": milestone.pk, "forecast": "2024-09-01", "reason": reason, **changes}


def test_a_focal_point_proposes_milestone_dates(client, item, milestone, focal_a):
    headers = auth(focal_a)
    public = client.get("/api/v1/plans/nap-2021-2025/milestones/").json()["results"]
    assert milestone.pk in {row["id"] for row in public}
    body = {"version": item.version, "milestones": [moved(milestone)]}
    response = send(client, "patch", f"{API}{item.pk}/", body, headers)
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["milestones"] == [
        {
            "milestone": milestone.pk,
            "key": "law",
            "forecast": "2024-09-01",
            "completed": None,
            "reason": "Parliament's agenda",
            "applied": False,
        }
    ]
    update = item.milestone_updates.get()
    assert (update.forecast, update.applied) == (D(2024, 9, 1), False)
    milestone.refresh_from_db()
    assert milestone.forecast is None  # public only once the coordinator validates it
    # A PATCH without milestones keeps them; an empty list takes them back.
    body = {"version": data["version"], "proposed_status": "in_progress"}
    data = send(client, "patch", f"{API}{item.pk}/", body, headers).json()
    assert len(data["milestones"]) == 1
    body = {"version": data["version"], "milestones": []}
    data = send(client, "patch", f"{API}{item.pk}/", body, headers).json()
    assert data["milestones"] == [] and not item.milestone_updates.exists()


def test_the_coordinators_validation_makes_them_public(
    client, item, milestone, focal_a, coordinator
):
    body = {
        "version": item.version,
        "proposed_status": "in_progress",
        "narrative": {"en": "Work."},
        "milestones": [moved(milestone)],
    }
    data = send(client, "post", f"{API}{item.pk}/submit/", body, auth(focal_a)).json()
    url = f"{API}{item.pk}/validate/"
    response = send(client, "post", url, {"version": data["version"]}, auth(coordinator))
    assert response.status_code == 200
    assert response.json()["milestones"][0]["applied"] is True
    milestone.refresh_from_db()
    assert milestone.forecast == D(2024, 9, 1)


@pytest.mark.parametrize(
    "proposal, message",
    [
        ("unknown", "does not belong"),
        ("other", "does not belong"),
        ("no_reason", "say why the forecast moves"),
    ],
)
def test_bad_proposals_are_400_and_save_nothing(
    english, client, item, milestone, focal_a, nap, proposal, message
):
    other = Milestone.objects.create(
        measure=nap.measures.exclude(pk=item.measure_id).first(),
        key="x",
        description_en="Elsewhere",
        baseline=D(2024, 1, 1),
    )
    rows = {
        "unknown": {"milestone": 999_999, "forecast": "2024-09-01", "reason": "x"},
        "other": moved(other),
        "no_reason": moved(milestone, reason=" "),
    }
    before = snapshot(item)
    body = {
        "version": item.version,
        "proposed_status": "in_progress",
        "milestones": [rows[proposal]],
    }
    response = send(client, "patch", f"{API}{item.pk}/", body, auth(focal_a))
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"]["milestones"])
    assert snapshot(item) == before and not item.milestone_updates.exists()


@pytest.mark.parametrize(
    "row",
    [
        {"forecast": "2024-09-01"},  # no milestone
        {"milestone": 1, "forecast": "1 September"},
        {"milestone": 1, "colour": "red"},
    ],
)
def test_malformed_rows_are_400(client, item, milestone, focal_a, row):
    body = {"version": item.version, "milestones": [row]}
    response = send(client, "patch", f"{API}{item.pk}/", body, auth(focal_a))
    assert response.status_code == 400
    assert any(name.startswith("milestones.0") for name in response.json()["errors"])
    assert not item.milestone_updates.exists()


@pytest.mark.parametrize("who, code", [("focal_b", 404), ("coordinator", 403), ("anonymous", 401)])
def test_others_may_not_propose(client, item, milestone, who, code, request):
    headers = {} if who == "anonymous" else auth(request.getfixturevalue(who))
    body = {"version": item.version, "milestones": [moved(milestone)]}
    before = snapshot(item)
    response = send(client, "patch", f"{API}{item.pk}/", body, headers)
    assert response.status_code == code
    assert snapshot(item) == before and not item.milestone_updates.exists()


# Delivery confidence in the statuses export and the API --------------------------------------


def test_confidence_in_the_statuses_export_and_the_api(client, round_, item, coordinator):
    from planwatch.documents.exports import SOURCES
    from planwatch.documents.exports.datapackage import resource_descriptor
    from planwatch.milestones.models import ConfidenceLevel
    from planwatch.reporting import services
    from planwatch.reporting.models import Round

    plan, measure = round_.plan, item.measure
    services.decide_status(
        round_,
        measure,
        user=coordinator,
        status="not_started",
        narrative={"en": "Nothing yet."},
        reason="x",
        confidence=2,
        version=0,
    )
    ConfidenceLevel.objects.create(plan=plan, level=2, name_en="Fairly sure", name_nl="Vrij zeker")
    Round.objects.filter(pk=round_.pk).update(state=Round.State.PUBLISHED)
    rows = [r for r in SOURCES["statuses"](plan, round_) if r["measure"] == measure.number]
    assert rows[0]["confidence"] == 2
    assert rows[0]["confidence_label"]["nl"] == "Vrij zeker"
    assert rows[0]["confidence_label"]["en"] == "Fairly sure"
    assert set(rows[0]["confidence_label"]) == {"nl", "fr", "de", "en"}
    others = [r["confidence"] for r in SOURCES["statuses"](plan, round_) if r is not rows[0]]
    assert set(others) <= {None, 2}
    columns = SOURCES["statuses"].columns()
    assert "confidence" in columns and "confidence_label_de" in columns
    schema = resource_descriptor(SOURCES["statuses"], plan)["schema"]
    field = next(f for f in schema["fields"] if f["name"] == "confidence")
    assert field["type"] == "integer" and field["constraints"]["enum"] == [1, 2, 3, 4, 5]
    base = f"/api/v1/plans/{plan.slug}/"
    listed = client.get(f"{base}statuses/?round={round_.slug}&measure={measure.number}").json()
    assert listed["results"][0]["confidence"] == 2
    detail = client.get(f"{base}measures/{measure.number}/").json()
    assert detail["statuses"][-1]["confidence"] == 2
