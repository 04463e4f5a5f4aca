"""The endpoints of the write side."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from planwatch.milestones.models import MilestoneUpdate
from planwatch.milestones.services import MilestoneInput
from planwatch.reporting import permissions, services
from planwatch.reporting.models import BudgetLine, Contribution, EvidenceLink
from planwatch.reporting.services import BudgetInput, ContributionInput

from ..base import SLUG, WHOLE, ApiView, measure_parameter, path_parameter, query_parameter
from ..parsers import JSONParser
from ..serializers import ErrorSerializer, QueryErrorSerializer
from .inputs import (
    ConflictSerializer,
    ContributionChangeSerializer,
    ContributionFilter,
    ContributionInputSerializer,
    Invalid,
    ReturnInput,
    VersionInput,
    _flatten,
    _service_errors,
)
from .reading import ContributionSerializer

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
            Prefetch(
                "milestone_updates",
                queryset=MilestoneUpdate.objects.select_related("milestone").order_by(
                    "milestone__position", "milestone__baseline", "milestone_id"
                ),
            ),
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
    if "milestones" in data:
        result.milestones = [
            MilestoneInput(
                row["milestone"], row.get("forecast"), row.get("completed"), row.get("reason", "")
            )
            for row in data["milestones"]
        ]
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
        description="Replace the content and save it as a draft. Every field is required but "
        "`milestones`; `narrative` languages left out are emptied. `milestones`, when sent, "
        "replaces the proposed milestone dates (left out: they stay as they are).",
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
