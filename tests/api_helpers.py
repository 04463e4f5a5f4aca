"""Helpers for the API's write tests: a token, a JSON request, a contribution's saved state."""

import json

from planwatch.api.models import ApiToken
from planwatch.reporting import services
from planwatch.reporting.models import BudgetLine, Contribution, Event, EvidenceLink

API = "/api/v1/contributions/"


def auth(user) -> dict:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def send(client, method: str, url: str, body=None, headers=None):
    return getattr(client, method)(
        url,
        data=json.dumps(body) if body is not None else None,
        content_type="application/json",
        **(headers or {}),
    )


def snapshot(item: Contribution) -> tuple:
    """Everything a write could change, to check that a refused write changed nothing."""
    row = Contribution.objects.filter(pk=item.pk).values().get()
    return (
        row,
        list(EvidenceLink.objects.filter(contribution=item).values_list("url", "label")),
        list(BudgetLine.objects.filter(contribution=item).values_list("year", "amount")),
        Event.objects.count(),
    )


def submitted(item: Contribution, user) -> Contribution:
    services.save_contribution(
        item,
        services.ContributionInput(proposed_status="in_progress", narrative={"en": "Done."}),
        user=user,
        version=item.version,
        submit=True,
    )
    item.refresh_from_db()
    return item
