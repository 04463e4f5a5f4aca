"""What the write side accepts: strict serializers (unknown keys refused) whose checks the
schema states, and the service refusals turned into messages per field."""

import copy
import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException

from planwatch.lib.i18n import languages
from planwatch.plans.models import Status
from planwatch.reporting.models import BudgetLine, Contribution

from .reading import ContributionBudgetSerializer, ContributionSerializer, EvidenceSerializer

TEXT_LIMIT = 20_000  # as the contribution form (backoffice.forms.TEXT_LIMIT)
MAX_EVIDENCE = 50
MAX_BUDGET_LINES = 100
MAX_MILESTONES = 100


class Strict:
    """Unknown keys are refused, not ignored: a misspelt field must not silently do nothing."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            known = ", ".join(self.fields)
            unknown = {
                name: [_("Unknown field. Known fields: %(names)s.") % {"names": known}]
                for name in sorted(set(data) - set(self.fields))
            }
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **unknown}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class StrictScheme(OpenApiSerializerExtension):
    """In the schema, a Strict serializer allows no other properties, and keeps its required
    fields under PATCH too (drf-spectacular would make them all optional: only the content
    fields of ContributionChangeSerializer are, ``version`` never)."""

    target_class = "planwatch.api.contributions.inputs.Strict"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        serializer = self.target
        if getattr(serializer, "partial", False):
            serializer = copy.copy(serializer)
            serializer.partial = False
        schema = auto_schema._map_serializer(serializer, direction, bypass_extensions=True)
        return {**schema, "additionalProperties": False}


# The input fields' checks as JSON Schema, so that the schema promises no more than they accept
# (the URL's host is still checked by Django's URLValidator, which no pattern repeats).
HTTP_URL = r"^[hH][tT][tT][pP][sS]?://"
MAX_AMOUNT = BudgetLine.MAX_AMOUNT
AMOUNT_TEXT = r"^(?:\d{1,10}(?:\.\d{1,2})?|10000000000(?:\.0{1,2})?)$"


@extend_schema_field(
    {
        "type": ["string", "number"],
        "pattern": AMOUNT_TEXT,
        "minimum": 0,
        "maximum": MAX_AMOUNT,
        "multipleOf": 0.01,
    }
)
class AmountField(serializers.DecimalField):
    """Euro: a decimal string with a point and at most two decimals ("125000.50"), or a JSON
    number; from 0 to 10 billion."""

    default_error_messages = {
        "format": gettext_lazy(
            "Write the amount in figures with a point and at most two decimals: 125000.50."
        )
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(
            max_digits=14, decimal_places=2, min_value=0, max_value=MAX_AMOUNT, **kwargs
        )

    def to_internal_value(self, data):
        value = super().to_internal_value(data)  # "1.234,56", "1.005": DRF's messages
        in_range = 0 <= value <= MAX_AMOUNT  # else the validators say so ("-5")
        if in_range and isinstance(data, str) and not re.fullmatch(AMOUNT_TEXT, data):
            self.fail("format")  # what Decimal reads but the schema does not allow: "1e3", " 5"
        return value


@extend_schema_field({"type": "string", "format": "uri", "pattern": HTTP_URL, "maxLength": 500})
class HttpUrlField(serializers.URLField):
    """An http(s) address."""


class EvidenceInput(Strict, EvidenceSerializer):
    url = HttpUrlField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])


class BudgetLineInput(Strict, ContributionBudgetSerializer):
    amount = AmountField(help_text='Euro, as a decimal string ("125000.50") or a number.')


class NarrativeInput(Strict, serializers.Serializer):
    """One text per language; a language left out keeps its text (PATCH) or is emptied (PUT)."""

    def get_fields(self):
        return {
            code: serializers.CharField(
                required=False, allow_blank=True, allow_null=True, max_length=TEXT_LIMIT
            )
            for code in languages()
        }


class MilestoneProposalInput(Strict, serializers.Serializer):
    """New dates for one milestone of the contribution's measure; the service checks that it is
    one of them and that a moved forecast has a reason."""

    milestone = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The milestone's id (as in the plan's milestones).",
    )
    forecast = serializers.DateField(
        required=False, allow_null=True, help_text="The date expected now; null: unchanged."
    )
    completed = serializers.DateField(
        required=False, allow_null=True, help_text="The date it was done; null: not done."
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=2000,
        help_text="Why the forecast moves (required when it does).",
    )


class VersionInput(Strict, serializers.Serializer):
    version = serializers.IntegerField(
        min_value=0, help_text="The version you read (409 Conflict when it changed since)."
    )


def _content_fields(required: bool) -> dict[str, serializers.Field]:
    return {
        "proposed_status": serializers.ChoiceField(
            choices=Status.choices,
            allow_blank=True,
            allow_null=True,
            required=required,
            help_text="One of the plan's statuses; null or empty for none yet.",
        ),
        "narrative": NarrativeInput(
            required=required, help_text="What was done, per language (Markdown)."
        ),
        "evidence": EvidenceInput(many=True, max_length=MAX_EVIDENCE, required=required),
        "budget": BudgetLineInput(many=True, max_length=MAX_BUDGET_LINES, required=required),
        # Optional under PUT too: a client that does not send it keeps the proposals.
        "milestones": MilestoneProposalInput(
            many=True,
            max_length=MAX_MILESTONES,
            required=False,
            help_text="Proposed milestone dates; the list replaces the proposals.",
        ),
    }


class ContributionInputSerializer(VersionInput):
    """PUT: the whole content."""

    def get_fields(self):
        return {**super().get_fields(), **_content_fields(required=True)}


class ContributionChangeSerializer(VersionInput):
    """PATCH and submit: the fields sent change, the others stay. Not DRF's ``partial``, which
    would also skip the required fields of each evidence link and budget line."""

    def get_fields(self):
        return {**super().get_fields(), **_content_fields(required=False)}


# A blank comment reaches the service, which says what is missing (as the review page does).
@extend_schema_field({"type": "string", "maxLength": TEXT_LIMIT, "pattern": r"\S"})
class CommentField(serializers.CharField):
    """Text with at least one character that is not a space."""


class ReturnInput(VersionInput):
    comment = CommentField(
        max_length=TEXT_LIMIT, allow_blank=True, help_text="What needs fixing (required)."
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    version = serializers.IntegerField(help_text="The current version.")
    current = ContributionSerializer(help_text="The contribution as it is now.")


class ContributionFilter(forms.Form):
    """Filters of the caller's own contributions: one that matches none of them (an unknown
    plan, round, actor or measure included) gives an empty list, so the list says nothing of
    what others may see."""

    plan = forms.SlugField(required=False, max_length=80)
    round = forms.SlugField(required=False, max_length=80)
    state = forms.ChoiceField(required=False, choices=[("", ""), *Contribution.State.choices])
    actor = forms.SlugField(required=False, max_length=80)
    measure = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class Invalid(APIException):
    """400 with a message per field (``budget.1.amount``), as for query parameters."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__()
        self.detail = {"detail": _("Invalid input."), "errors": errors}


def _flatten(errors, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one list of messages per dotted path."""
    flat: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
    elif isinstance(errors, list) and errors and all(isinstance(e, (str,)) for e in errors):
        flat[prefix or "non_field_errors"] = [str(e) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                flat.update(_flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(errors)]
    return flat


def _service_errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in error.messages]}
