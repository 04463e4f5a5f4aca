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


FILLED = {
    "proposed_status": "in_progress",
    "narrative": {"en": "Work has started.", "nl": "Het werk is begonnen."},
    "evidence": [{"url": "https://example.org/report", "label": "Report"}],
    "budget": [{"year": 2024, "amount": "125000.50", "nature": "specific", "stage": "spent"}],
}


def actions(item) -> dict[str, str]:
    """The suffix and body of every write endpoint of a contribution."""
    return {
        "put": ("", {**FILLED, "version": item.version}),
        "patch": ("", {"version": item.version, "proposed_status": "implemented"}),
        "submit": ("submit/", {**FILLED, "version": item.version}),
        "validate": ("validate/", {"version": item.version}),
        "return": ("return/", {"version": item.version, "comment": "Add figures."}),
    }


def call(client, item, action: str, headers, body=None):
    suffix, default = actions(item)[action]
    method = action if action in ("put", "patch") else "post"
    return send(
        client, method, f"{API}{item.pk}/{suffix}", default if body is None else body, headers
    )
