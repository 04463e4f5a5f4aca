"""Withdrawing a submission through the API: the service and rule of the page."""

import pytest

from planwatch.reporting import services
from planwatch.reporting.models import Contribution

from .api_helpers import API, auth, send, snapshot, submitted


@pytest.fixture
def sent(item, focal_a) -> Contribution:
    """focal_a's first contribution of the open round, submitted."""
    return submitted(item, focal_a)


def test_a_focal_point_withdraws_through_the_api(client, sent, focal_a):
    response = send(
        client, "post", f"{API}{sent.pk}/withdraw/", {"version": sent.version}, auth(focal_a)
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "draft"
    assert Contribution.objects.get(pk=sent.pk).state == "draft"


@pytest.mark.parametrize("who, code", [("focal_b", 404), ("coordinator", 403)])
def test_others_may_not_withdraw(client, sent, who, code, request):
    before = snapshot(sent)
    user = request.getfixturevalue(who)
    response = send(
        client, "post", f"{API}{sent.pk}/withdraw/", {"version": sent.version}, auth(user)
    )
    assert response.status_code == code
    assert snapshot(sent) == before


def test_withdrawing_a_stale_or_reviewed_submission_changes_nothing(
    client, sent, focal_a, coordinator
):
    before = snapshot(sent)
    url = f"{API}{sent.pk}/withdraw/"
    assert (
        send(client, "post", url, {"version": sent.version - 1}, auth(focal_a)).status_code == 409
    )
    assert send(client, "post", url, {"version": "x"}, auth(focal_a)).status_code == 400
    assert snapshot(sent) == before
    services.validate_contribution(sent, user=coordinator, version=sent.version)
    response = send(client, "post", url, {"version": sent.version}, auth(focal_a))
    assert response.status_code == 403
    assert "withdraws a submission" in response.json()["detail"]
    assert Contribution.objects.get(pk=sent.pk).state == "validated"
