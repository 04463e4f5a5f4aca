"""The read side of the API: published data only, each list in a fixed number of queries.

Every view is thin: find the plan (404), check the query parameters (400), build the queryset
from the same querysets and figures the portal uses, serialise. Responses carry an ETag, so a
client that sends ``If-None-Match`` gets ``304 Not Modified`` when nothing changed.
"""

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from planwatch.indicators.models import Indicator, Observation, Target
from planwatch.indicators.progress import plan_progress
from planwatch.plans.models import Measure, Plan, Section
from planwatch.reporting import stats
from planwatch.reporting.models import (
    Assessment,
    BudgetLine,
    HeadlineFigure,
    MeasureStatus,
    Round,
)
from planwatch.reporting.permissions import public_assessments
from planwatch.reporting.queries import (
    MeasureFilter,
    filter_measures,
    lineage_prefetches,
    with_page_data,
    with_status_in,
)

from . import indicator_serializers, queries
from . import serializers as s
from .base import (
    CODE,
    ERRORS,
    NUMBER,
    PLAN,
    ROUND,
    STATUS_CODES,
    ApiView,
    PlanScoped,
    PlanScopedList,
    list_schema,
    measure_parameter,
    one_schema,
    query_parameter,
    year_parameter,
)
from .models import ApiToken


def _max_length(form, name: str) -> int:
    """A text filter's limit, for the schema."""
    return form.base_fields[name].max_length


# Index and the caller -------------------------------------------------------------------------


class Root(ApiView):
    """Where to start: the plans, the schema and its documentation."""

    @extend_schema(
        responses={
            200: {"type": "object", "additionalProperties": {"type": "string"}},
            400: ERRORS[400],
            401: ERRORS[401],
        },
        tags=["plans"],
    )
    def get(self, request: Request) -> Response:
        self.check_query(extra=())
        return Response(
            {
                name: reverse(f"api:{url}", request=request)
                for name, url in (
                    ("plans", "plans"),
                    ("me", "me"),
                    ("schema", "openapi"),
                    ("docs", "docs"),
                )
            }
        )


class Me(ApiView):
    """The account the request is authenticated as, and its roles."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.MeSerializer

    @extend_schema(
        responses={200: s.MeSerializer, 400: ERRORS[400], 401: ERRORS[401]}, tags=["account"]
    )
    def get(self, request: Request) -> Response:
        self.check_query(extra=())
        user = request.user
        token = request.auth if isinstance(request.auth, ApiToken) else None
        data = {
            "email": user.email,
            "name": user.name,
            "roles": list(user.roles.select_related("plan", "actor")),
            "token": token,
        }
        return Response(s.MeSerializer(data).data)


# Plans and sections ---------------------------------------------------------------------------


def _plans() -> QuerySet[Plan]:
    latest = Round.objects.newest_published(OuterRef("pk")).values("slug")[:1]
    return (
        Plan.objects.public()
        .select_related("coordinator__government")
        .annotate(latest_published_round=Subquery(latest))
    )


@list_schema(s.PlanSerializer, path=(), tags=["plans"])
class PlanList(ApiView, generics.ListAPIView):
    """Every plan, with links to its measures, rounds, budgets and indicators."""

    serializer_class = s.PlanSerializer

    def get_queryset(self):
        if not self.fake:
            self.check_query()
        return _plans().order_by("slug")


@one_schema(s.PlanSerializer, PLAN, tags=["plans"])
class PlanDetail(ApiView, generics.RetrieveAPIView):
    """One plan."""

    serializer_class = s.PlanSerializer

    def get_object(self) -> Plan:
        self.check_query(extra=())
        plan = _plans().filter(slug=self.kwargs["plan"]).first()
        if plan is None:
            raise NotFound(_("There is no plan “%(slug)s”.") % {"slug": self.kwargs["plan"]})
        return plan


@list_schema(s.SectionSerializer, tags=["plans"])
class SectionList(PlanScopedList):
    """The plan's pillars (no parent) and objectives (parent: their pillar), in order."""

    serializer_class = s.SectionSerializer

    def get_queryset(self):
        if self.fake:
            return Section.objects.none()
        self.check_query()
        return (
            Section.objects.filter(plan=self.get_plan())
            .select_related("parent")
            .order_by("order", "code")
        )


# Measures -------------------------------------------------------------------------------------


class MeasureScoped(PlanScoped):
    def get_round(self) -> Round | None:
        if not hasattr(self, "_round"):
            self._round = Round.objects.latest_published(self.get_plan())
        return self._round

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not self.fake:
            context["round"] = self.get_round()
        return context


@list_schema(
    s.MeasureSerializer,
    query_parameter("pillar", int, "Pillar number; one the plan does not have is a 404."),
    query_parameter(
        "status",
        str,
        "Status in the latest published round; one the plan does not use is a 404.",
        enum=STATUS_CODES,
    ),
    query_parameter(
        "government",
        str,
        "Code of a responsible actor's government; one no actor of the plan belongs to is a 404.",
    ),
    query_parameter("actor", str, "Slug of a responsible actor; an unknown one is a 404."),
    query_parameter(
        "tag", str, "Slug of a form of violence or target group; an unknown one is a 404."
    ),
    query_parameter(
        "q",
        str,
        "Words in the title or description (in the language of Accept-Language), or a "
        "measure number.",
        maxLength=_max_length(MeasureFilter, "q"),
    ),
    tags=["measures"],
)
class MeasureList(MeasureScoped, PlanScopedList):
    """The plan's measures, with the portal's filters, and each one's status in the latest
    published round."""

    serializer_class = s.MeasureSerializer

    def get_queryset(self):
        if self.fake:
            return Measure.objects.none()
        plan, round_ = self.get_plan(), self.get_round()
        form = MeasureFilter(plan, self.query())
        form.records = queries.MEASURE_RECORDS
        data = self.check_query(form)
        measures = with_status_in(
            Measure.objects.for_plan(plan).with_listing_data().prefetch_related("tags"), round_
        )
        return filter_measures(measures, data, round_).order_by("number")


@one_schema(s.MeasureDetailSerializer, PLAN, NUMBER, tags=["measures"])
class MeasureDetail(MeasureScoped, generics.RetrieveAPIView):
    """One measure, with its frameworks, its status in every published round, related measures
    and indicators."""

    serializer_class = s.MeasureDetailSerializer

    def get_object(self) -> Measure:
        plan = self.get_plan()
        self.check_query(extra=())
        measure = (
            with_status_in(with_page_data(Measure.objects.for_plan(plan)), self.get_round())
            .prefetch_related(*lineage_prefetches())
            .filter(number=self.kwargs["number"])
            .first()
        )
        if measure is None:
            raise NotFound(
                _("Plan “%(plan)s” has no measure %(number)s.")
                % {"plan": plan.slug, "number": self.kwargs["number"]}
            )
        return measure


# Rounds, statuses, assessments ----------------------------------------------------------------


def _published_rounds(plan: Plan) -> QuerySet[Round]:
    return Round.objects.published().filter(plan=plan)


def _round_slugs(plan: Plan) -> list[str]:
    return list(_published_rounds(plan).values_list("slug", flat=True))


@list_schema(s.RoundSerializer, tags=["rounds"])
class RoundList(PlanScopedList):
    """The plan's published reporting rounds, oldest first, with their headline figures."""

    serializer_class = s.RoundSerializer

    def get_queryset(self):
        if self.fake:
            return Round.objects.none()
        self.check_query()
        return (
            _published_rounds(self.get_plan())
            .prefetch_related(
                Prefetch("headline_figures", queryset=HeadlineFigure.objects.order_by("order"))
            )
            .order_by("start", "end", "id")
        )


@one_schema(s.RoundDetailSerializer, PLAN, ROUND, tags=["rounds"])
class RoundDetail(PlanScoped, generics.RetrieveAPIView):
    """One published round, with its status split (overall and per pillar) computed from the
    recorded statuses, beside the headline figures as its report printed them."""

    serializer_class = s.RoundDetailSerializer

    def get_object(self) -> Round:
        plan = self.get_plan()
        self.check_query(extra=())
        round_ = (
            _published_rounds(plan)
            .filter(slug=self.kwargs["round"])
            .prefetch_related(
                Prefetch("headline_figures", queryset=HeadlineFigure.objects.order_by("order"))
            )
            .first()
        )
        if round_ is None:
            raise NotFound(
                _("Plan “%(plan)s” has no published round “%(round)s”.")
                % {"plan": plan.slug, "round": self.kwargs["round"]}
            )
        round_.split = stats.status_split(plan, round_)
        round_.pillars = stats.split_by_pillar(plan, round_)
        return round_


@list_schema(
    s.MeasureStatusSerializer,
    query_parameter("round", str, "Slug of a published round; an unknown one is a 404."),
    measure_parameter("Measure number; one the plan does not have is a 404."),
    query_parameter(
        "status", str, "Status code; one the plan does not use is a 404.", enum=STATUS_CODES
    ),
    tags=["rounds"],
)
class StatusList(PlanScopedList):
    """The status of each measure in each published round, with its narrative and any
    correction made after publication."""

    serializer_class = s.MeasureStatusSerializer

    def get_queryset(self):
        if self.fake:
            return MeasureStatus.objects.none()
        plan = self.get_plan()
        data = self.check_query(
            queries.StatusFilter(_round_slugs(plan), plan.status_choices(), self.query())
        )
        queries.unknown_measure(plan, data["measure"])
        statuses = (
            MeasureStatus.objects.published()
            .filter(round__plan=plan)
            .select_related("round", "measure")
            .prefetch_related("corrections")
            .order_by("round__end", "round__id", "measure__number")
        )
        if data["round"]:
            statuses = statuses.filter(round__slug=data["round"])
        if data["measure"]:
            statuses = statuses.filter(measure__number=data["measure"])
        if data["status"]:
            statuses = statuses.filter(status=data["status"])
        return statuses


@list_schema(
    s.AssessmentSerializer,
    query_parameter("round", str, "Slug of a published round; an unknown one is a 404."),
    measure_parameter("Measure number; one the plan does not have is a 404."),
    tags=["rounds"],
)
class AssessmentList(PlanScopedList):
    """Published independent assessments by civil society: shown beside the official
    statuses, never merged into them."""

    serializer_class = s.AssessmentSerializer

    def get_queryset(self):
        if self.fake:
            return Assessment.objects.none()
        plan = self.get_plan()
        data = self.check_query(queries.AssessmentFilter(_round_slugs(plan), self.query()))
        queries.unknown_measure(plan, data["measure"])
        assessments = (
            public_assessments()
            .filter(round__plan=plan)
            .select_related("round", "measure", "organisation__government")
            .order_by("round__end", "round__id", "measure__number", "organisation__slug")
        )
        if data["round"]:
            assessments = assessments.filter(round__slug=data["round"])
        if data["measure"]:
            assessments = assessments.filter(measure__number=data["measure"])
        return assessments


# Budgets --------------------------------------------------------------------------------------


@list_schema(
    s.BudgetLineSerializer,
    year_parameter("Lines whose period includes this year."),
    query_parameter(
        "government",
        str,
        "Government code; an unknown one is a 404, one without lines in the plan an empty list.",
        maxLength=_max_length(queries.BudgetLineFilter, "government"),
    ),
    query_parameter(
        "level", str, "Government level.", enum=["federal", "federated", "local", "international"]
    ),
    query_parameter("nature", str, "Specific or broader.", enum=["specific", "broader"]),
    query_parameter("stage", str, "Allocated or spent.", enum=["allocated", "spent"]),
    measure_parameter("Measure number; one the plan does not have is a 404."),
    tags=["budgets"],
)
class BudgetLineList(PlanScopedList):
    """Public budget lines: the plan's data and validated contributions of published rounds.
    A line with ``in_totals`` false itemises what another line already counts."""

    serializer_class = s.BudgetLineSerializer
    filters = queries.BudgetLineFilter

    def get_queryset(self):
        if self.fake:
            return BudgetLine.objects.none()
        plan = self.get_plan()
        data = self.check_query()
        queries.unknown_government(data["government"])
        queries.unknown_measure(plan, data["measure"])
        lines = (
            BudgetLine.objects.public()
            .filter(plan=plan)
            .select_related("government", "actor", "measure")
            .order_by("government__order", "year", "id")
        )
        if (year := data["year"]) is not None:
            lines = lines.filter(Q(year=year) | Q(year__lt=year, to_year__gte=year))
        for name, lookup in (
            ("government", "government__code"),
            ("level", "government__level"),
            ("nature", "nature"),
            ("stage", "stage"),
            ("measure", "measure__number"),
        ):
            if data[name]:
                lines = lines.filter(**{lookup: data[name]})
        return lines


@one_schema(
    s.BudgetTotalsSerializer,
    PLAN,
    tags=["budgets"],
)
class BudgetTotals(PlanScoped):
    """Totals per government level and period, specific and broader, computed from the lines
    counted in totals; beside them the totals as the plan's reports printed them."""

    serializer_class = s.BudgetTotalsSerializer

    def get(self, request: Request, plan: str) -> Response:
        plan_obj = self.get_plan()
        self.check_query(extra=())
        data = {
            "computed": stats.budget_totals(plan_obj),
            "published": stats.published_budget_totals(plan_obj),
        }
        return Response(s.BudgetTotalsSerializer(data, context=self.get_serializer_context()).data)


# Indicators -----------------------------------------------------------------------------------


def _indicators(plan: Plan) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("number")),
            Prefetch("targets", queryset=Target.objects.order_by("start", "id")),
        )
        .order_by("order", "code")
    )


@list_schema(indicator_serializers.IndicatorSerializer, tags=["indicators"])
class IndicatorList(PlanScopedList):
    """The plan's indicators, with their measures and targets."""

    serializer_class = indicator_serializers.IndicatorSerializer

    def get_queryset(self):
        if self.fake:
            return Indicator.objects.none()
        self.check_query()
        return _indicators(self.get_plan())

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._progress = plan_progress(self.get_plan(), page)
        return page

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["progress"] = getattr(self, "_progress", None)
        return context


class IndicatorScoped(PlanScoped):
    def get_indicator(self) -> Indicator:
        if not hasattr(self, "_indicator"):
            plan = self.get_plan()
            indicator = _indicators(plan).filter(code=self.kwargs["code"]).first()
            if indicator is None:
                raise NotFound(
                    _("Plan “%(plan)s” has no indicator “%(code)s”.")
                    % {"plan": plan.slug, "code": self.kwargs["code"]}
                )
            self._indicator = indicator
        return self._indicator


@one_schema(indicator_serializers.IndicatorSerializer, PLAN, CODE, tags=["indicators"])
class IndicatorDetail(IndicatorScoped, generics.RetrieveAPIView):
    """One indicator."""

    serializer_class = indicator_serializers.IndicatorSerializer

    def get_object(self) -> Indicator:
        indicator = self.get_indicator()
        self.check_query(extra=())
        return indicator


@list_schema(
    indicator_serializers.ObservationSerializer,
    query_parameter(
        "period",
        str,
        "Period label, e.g. 2022.",
        maxLength=_max_length(queries.ObservationFilter, "period"),
    ),
    year_parameter("Observations whose period starts in this year."),
    path=(PLAN, CODE),
    tags=["indicators"],
)
class ObservationList(IndicatorScoped, PlanScopedList):
    """An indicator's observations over time. A count under the indicator's ``suppress_below``
    is given as ``"< N"`` (``suppressed``: true), never as the count itself."""

    serializer_class = indicator_serializers.ObservationSerializer
    filters = queries.ObservationFilter

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not self.fake:
            context["indicator"] = self.get_indicator()
        return context

    def get_queryset(self):
        if self.fake:
            return Observation.objects.none()
        indicator = self.get_indicator()
        data = self.check_query()
        observations = Observation.objects.filter(indicator=indicator).order_by("start", "id")
        if data["period"]:
            observations = observations.filter(period=data["period"])
        if data["year"] is not None:
            observations = observations.filter(start__year=data["year"])
        return observations
