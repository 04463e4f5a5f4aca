"""The contribution rules the form, the API and the round import share: each written once."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from planwatch.api.contributions import MAX_AMOUNT, ContributionBudgetSerializer
from planwatch.backoffice.forms import BudgetLineForm, ContributionForm
from planwatch.plans.models import Plan, Status
from planwatch.reporting.models import BudgetLine
from planwatch.reporting.services import (
    BudgetInput,
    ContributionInput,
    format_evidence,
    parse_evidence,
)


def test_uses_status_follows_the_plans_list():
    plan = Plan(statuses=["not_started", "implemented"])
    assert plan.status_codes() == ["not_started", "implemented"]
    assert plan.uses_status("implemented") and not plan.uses_status("ongoing")
    assert Plan(statuses=[]).status_codes() == Status.values  # none named: every status
    assert not Plan(statuses=["gone"]).uses_status("gone")


def test_evidence_is_parsed_and_written_back_the_same_way(english):
    text = "https://example.org/a Final report\n\n  http://x.be  "
    links = parse_evidence(text)
    assert links == [("https://example.org/a", "Final report"), ("http://x.be", "")]
    assert parse_evidence(format_evidence(links)) == links
    with pytest.raises(ValidationError) as exc:
        parse_evidence("https://ok.be\nftp://example.org/x")
    assert exc.value.messages == [
        "Line 2: “ftp://example.org/x” is not a web address (http or https)."
    ]


def test_the_form_parses_evidence_with_the_service(nap):
    form = ContributionForm(nap, {"version": 0, "evidence": "javascript:alert(1)"})
    assert not form.is_valid()
    with pytest.raises(ValidationError) as exc:
        parse_evidence("javascript:alert(1)")
    assert form.errors["evidence"] == exc.value.messages


def test_one_amount_limit():
    assert MAX_AMOUNT == BudgetLine.MAX_AMOUNT
    assert BudgetLineForm.base_fields["amount"].max_value == BudgetLine.MAX_AMOUNT
    assert ContributionBudgetSerializer().fields["amount"].max_value == BudgetLine.MAX_AMOUNT


def test_plain_data_compares_content_not_form():
    one = ContributionInput(
        "in_progress",
        {"nl": " Gedaan. "},
        [("https://a.be", "Verslag")],
        [BudgetInput(2024, Decimal("1234.5"), "specific", "spent")],
    )
    other = ContributionInput(
        "in_progress",
        {"nl": "Gedaan.", "fr": ""},
        [("https://a.be", "Verslag")],
        [BudgetInput(2024, Decimal("1234.50"), "specific", "spent")],
    )
    assert one.plain() == other.plain()
    assert one.plain()["budget"] == ["2024 1234.50 specific spent"]
    assert one.plain()["evidence"] == ["https://a.be Verslag"]
