"""The write side of the API: focal points fill and submit their contributions, coordinators
validate or return them.

Nothing here decides who may do what or how a contribution is saved: the list is
``permissions.contributions_visible_to(user)`` (anything else is 404), and every write goes
through the function of ``planwatch.reporting.services`` the contribution page calls, with the
version the client read. The services check the permission again, validate, save, and record the
change (a reporting ``Event``). Their refusals become HTTP answers here:

- ``PermissionDenied`` → 403, ``ValidationError`` → 400 with messages per field,
- ``Conflict`` (someone saved after the client read) → 409 with the current contribution.

These answers are private: ``Cache-Control: private, no-cache``; contributions never appear in
the public endpoints, which read published rounds only.
"""

import copy
import re

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db.models import Prefetch, QuerySet
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, NotFound, ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import languages
from planwatch.plans.models import Status
from planwatch.reporting import permissions, services
from planwatch.reporting.models import BudgetLine, Contribution, EvidenceLink, Round
from planwatch.reporting.services import BudgetInput, ContributionInput

from .base import SLUG, WHOLE, ApiView, measure_parameter, path_parameter, query_parameter
from .fields import NumberText, TranslatedField
from .parsers import JSONParser
from .serializers import ErrorSerializer, QueryErrorSerializer

TEXT_LIMIT = 20_000  # as the contribution form (backoffice.forms.TEXT_LIMIT)
MAX_EVIDENCE = 50
MAX_BUDGET_LINES = 100

# Reading --------------------------------------------------------------------------------------


class EvidenceSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContributionBudgetSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=BudgetLine.MAX_AMOUNT,
        help_text='Euro, as a decimal string ("125000.50") or a number.',
    )
    nature = serializers.ChoiceField(choices=BudgetLine.Nature.choices)
    stage = serializers.ChoiceField(
        choices=BudgetLine.Stage.choices, required=False, default=BudgetLine.Stage.ALLOCATED
    )
    qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        required=False,
        default=Qualifier.EXACT,
        help_text="How exact the amount is: more_than and at_least make it a lower bound.",
    )


class ContributionBudgetOutSerializer(ContributionBudgetSerializer):
    amount = NumberText(help_text="Euro, as a decimal string.")


class ContributionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    plan = serializers.CharField(source="round.plan.slug", help_text="The plan's slug.")
    round = serializers.CharField(source="round.slug", help_text="The round's slug.")
    round_state = serializers.ChoiceField(source="round.state", choices=Round.State.choices)
    measure = serializers.IntegerField(source="measure.number", help_text="Measure number.")
    measure_title = TranslatedField("title", of="measure")
    actor = serializers.CharField(source="actor.slug", help_text="The responsible actor's slug.")
    state = serializers.ChoiceField(choices=Contribution.State.choices)
    proposed_status = serializers.SerializerMethodField(
        help_text="The status the actor proposes; null while none is chosen."
    )
    narrative = TranslatedField()
    evidence = EvidenceSerializer(many=True)
    budget = ContributionBudgetOutSerializer(source="budget_lines", many=True)
    review_comment = serializers.SerializerMethodField(
        help_text="The coordinator's comment when the contribution was returned."
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether you may save and submit it now (PUT, PATCH, submit)."
    )
    can_review = serializers.SerializerMethodField(
        help_text="Whether you may validate or return it now."
    )

    class Meta:
        model = Contribution
        fields = [
            "id",
            "url",
            "plan",
            "round",
            "round_state",
            "measure",
            "measure_title",
            "actor",
            "state",
            "proposed_status",
            "narrative",
            "evidence",
            "budget",
            "review_comment",
            "version",
            "updated_at",
            "can_edit",
            "can_review",
        ]
        extra_kwargs = {
            "version": {"help_text": "Send it back with every change (409 when it changed)."}
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item: Contribution) -> str:
        return reverse(
            "api:contribution", kwargs={"pk": item.pk}, request=self.context.get("request")
        )

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_proposed_status(self, item: Contribution) -> str | None:
        return item.proposed_status or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comment(self, item: Contribution) -> str | None:
        return item.review_comment or None

    def get_can_edit(self, item: Contribution) -> bool:
        return permissions.can_edit_contribution(self.context["request"].user, item)

    def get_can_review(self, item: Contribution) -> bool:
        return permissions.can_review_contribution(self.context["request"].user, item)


# Writing --------------------------------------------------------------------------------------


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

    target_class = "planwatch.api.contributions.Strict"
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


# Views ----------------------------------------------------------------------------------------

ID = path_parameter("id", WHOLE, "The contribution's id.")
SLUG_QUERY = {"pattern": SLUG["pattern"], "maxLength": 80}  # as ContributionFilter
AUTH_ERRORS = {
    401: OpenApiResponse(ErrorSerializer, description="Not authenticated, or a refused token."),
    404: OpenApiResponse(ErrorSerializer, description="No such contribution visible to you."),
}
WRITE_ERRORS = {
    400: OpenApiResponse(QueryErrorSerializer, description="Invalid input: messages per field."),
    **AUTH_ERRORS,
    403: OpenApiResponse(ErrorSerializer, description="Your role may not do this now."),
    409: OpenApiResponse(
        ConflictSerializer, description="Someone saved it after you read it; nothing was saved."
    ),
    415: OpenApiResponse(ErrorSerializer, description="The body is not sent as application/json."),
}


def _contributions(user) -> QuerySet[Contribution]:
    return (
        permissions.contributions_visible_to(user)
        .select_related("round__plan", "measure", "actor")
        .prefetch_related(
            Prefetch("evidence", queryset=EvidenceLink.objects.order_by("id")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("year", "id")),
        )
    )


class Private(ApiView):
    """Authenticated only; answers that no shared cache may keep."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_cache_control(response, private=True)
        return response


@extend_schema(
    parameters=[
        query_parameter("plan", str, "A plan's slug.", **SLUG_QUERY),
        query_parameter("round", str, "A round's slug.", **SLUG_QUERY),
        query_parameter("state", str, "The contribution's state.", enum=Contribution.State.values),
        query_parameter("actor", str, "A responsible actor's slug.", **SLUG_QUERY),
        measure_parameter(),
    ],
    responses={
        200: ContributionSerializer(many=True),
        400: OpenApiResponse(QueryErrorSerializer, description="Invalid query parameters."),
        401: AUTH_ERRORS[401],
        404: OpenApiResponse(ErrorSerializer, description="A page past the last one."),
    },
    tags=["contributions"],
)
class ContributionList(Private, generics.ListAPIView):
    """The contributions you may see: your actors' as a focal point, every contribution of the
    plans you coordinate as a coordinator. Assessors and others see none. A filter that matches
    none of them (an unknown plan, round, actor or measure included) gives an empty list."""

    serializer_class = ContributionSerializer

    def get_queryset(self):
        if self.fake:
            return Contribution.objects.none()
        items = _contributions(self.request.user)
        data = self.check_query(ContributionFilter(self.query()))
        for name, lookup in (
            ("plan", "round__plan__slug"),
            ("round", "round__slug"),
            ("state", "state"),
            ("actor", "actor__slug"),
            ("measure", "measure__number"),
        ):
            if data[name] not in ("", None):
                items = items.filter(**{lookup: data[name]})
        return items.order_by("round__plan__slug", "-round__end", "measure__number", "actor__slug")


@extend_schema(parameters=[ID])
class ContributionScoped(Private):
    serializer_class = ContributionSerializer

    def get_object(self) -> Contribution:
        item = _contributions(self.request.user).filter(pk=self.kwargs["pk"]).first()
        if item is None:
            raise NotFound(_("You have no contribution %(id)s.") % {"id": self.kwargs["pk"]})
        return item

    def answer(self, item: Contribution, code: int = status.HTTP_200_OK) -> Response:
        fresh = _contributions(self.request.user).get(pk=item.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def read(self, serializer_class):
        try:
            data = self.request.data
        except ParseError as error:  # not JSON: a 400 like any other invalid input
            raise Invalid({"non_field_errors": [str(error.detail)]}) from error
        serializer = serializer_class(data=data)
        if not serializer.is_valid():
            raise Invalid(_flatten(serializer.errors))
        return serializer.validated_data

    def run(self, item: Contribution, call) -> Response:
        try:
            call()
        except services.Conflict as error:
            current = _contributions(self.request.user).get(pk=item.pk)
            return Response(
                {
                    "detail": str(error),
                    "version": current.version,
                    "current": self.get_serializer(current).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except ValidationError as error:
            raise Invalid(_service_errors(error)) from error
        return self.answer(item)


def _merge(item: Contribution, data: dict, *, replace: bool) -> ContributionInput:
    """The content to save: what was sent; for the fields left out, what the contribution has
    (PATCH, submit) or nothing (PUT)."""
    if replace:
        result = ContributionInput(proposed_status="", narrative={})
    else:
        result = ContributionInput.of(item)
    if "proposed_status" in data:
        result.proposed_status = data["proposed_status"] or ""
    if "narrative" in data:
        texts = {} if replace else dict(result.narrative)
        texts.update({lang: text or "" for lang, text in data["narrative"].items()})
        result.narrative = texts
    if "evidence" in data:
        result.evidence = [(link["url"], link.get("label", "")) for link in data["evidence"]]
    if "budget" in data:
        result.budget = [BudgetInput(**line) for line in data["budget"]]
    return result


def _refuse_edit(user, item: Contribution) -> None:
    if permissions.can_edit_contribution(user, item):
        return
    if item.actor_id not in permissions.focal_actor_ids(user):
        raise PermissionDenied(
            _("Only a focal point of %(actor)s fills this contribution.")
            % {"actor": item.actor.slug}
        )
    raise PermissionDenied(
        _(
            "This contribution is %(state)s in a round that is %(round)s: it can be changed only "
            "while the round is open and the contribution is to do, a draft or returned."
        )
        % {"state": item.get_state_display(), "round": item.round.get_state_display()}
    )


def _refuse_review(user, item: Contribution, read_version) -> None:
    """Refuse a review with the reason; ``read_version()`` reads the body's version, only once
    the person is known to coordinate the plan."""
    if not permissions.coordinates(user, item.round.plan_id):
        raise PermissionDenied(_("Only a coordinator of the plan reviews contributions."))
    if permissions.can_review_contribution(user, item):
        return
    try:
        stale = read_version() < item.version
    except Invalid:
        stale = False  # the refusal says more than the body's mistakes
    if stale:
        return  # reviewed in the meantime: the service answers 409 with the current version
    raise PermissionDenied(
        _("Only a submitted contribution of an open or closed round can be validated or returned.")
    )


class ContributionDetail(ContributionScoped, generics.GenericAPIView):
    """One contribution. PUT replaces its content, PATCH changes the fields sent; both save it
    as a draft (focal points of its actor, while the round is open)."""

    http_method_names = ["get", "put", "patch", "head", "options"]

    @extend_schema(
        responses={
            200: ContributionSerializer,
            400: OpenApiResponse(QueryErrorSerializer, description="A query parameter."),
            **AUTH_ERRORS,
        },
        tags=["contributions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        self.check_query(extra=())
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(
        request=ContributionInputSerializer,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
        description="Replace the content and save it as a draft. Every field is required; "
        "`narrative` languages left out are emptied.",
    )
    def put(self, request: Request, pk: int) -> Response:
        return self._save(replace=True, submit=False)

    @extend_schema(
        request=ContributionChangeSerializer,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
        description="Change the fields sent (only `version` is required) and save as a draft. "
        "`narrative` languages left out keep their text.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        return self._save(replace=False, submit=False)

    def _save(self, *, replace: bool, submit: bool) -> Response:
        self.check_query(extra=())
        item = self.get_object()
        _refuse_edit(self.request.user, item)
        data = self.read(ContributionInputSerializer if replace else ContributionChangeSerializer)
        content = _merge(item, data, replace=replace)
        return self.run(
            item,
            lambda: services.save_contribution(
                item, content, user=self.request.user, version=data["version"], submit=submit
            ),
        )


class ContributionSubmit(ContributionDetail):
    """Submit the contribution to the coordinator, with the changes sent (as PATCH)."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=ContributionChangeSerializer,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
        description="Submit to the coordinator: the contribution as it is, with the fields sent "
        "changed first (only `version` is required). A status and a narrative are needed.",
    )
    def post(self, request: Request, pk: int) -> Response:
        return self._save(replace=False, submit=True)


class ContributionValidate(ContributionScoped, generics.GenericAPIView):
    """A coordinator accepts a submitted contribution."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=VersionInput,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        self.check_query(extra=())
        item = self.get_object()
        _refuse_review(request.user, item, lambda: self.read(VersionInput)["version"])
        data = self.read(VersionInput)
        return self.run(
            item,
            lambda: services.validate_contribution(
                item, user=request.user, version=data["version"]
            ),
        )


class ContributionReturn(ContributionScoped, generics.GenericAPIView):
    """A coordinator sends a submitted contribution back to the focal point, saying what
    needs fixing."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=ReturnInput,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        self.check_query(extra=())
        item = self.get_object()
        _refuse_review(request.user, item, lambda: self.read(ReturnInput)["version"])
        data = self.read(ReturnInput)
        return self.run(
            item,
            lambda: services.return_contribution(
                item, user=request.user, version=data["version"], comment=data["comment"]
            ),
        )


class ContributionWithdraw(ContributionScoped, generics.GenericAPIView):
    """A focal point takes back a submission nobody has reviewed yet: it becomes a draft."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request=VersionInput,
        responses={200: ContributionSerializer, **WRITE_ERRORS},
        tags=["contributions"],
    )
    def post(self, request: Request, pk: int) -> Response:
        self.check_query(extra=())
        item = self.get_object()
        if not permissions.can_withdraw_contribution(request.user, item):
            raise PermissionDenied(
                _(
                    "Only a focal point of the actor withdraws a submission, and only while "
                    "nobody has reviewed it and the round takes the actor's work."
                )
            )
        data = self.read(VersionInput)
        return self.run(
            item,
            lambda: services.withdraw_contribution(
                item, user=request.user, version=data["version"]
            ),
        )
