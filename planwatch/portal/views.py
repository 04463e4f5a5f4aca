"""Public pages: published data only, each in a fixed number of queries."""

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from planwatch.core import page_cache
from planwatch.core.page_cache import cached_page
from planwatch.core.templatetags.planwatch import marked
from planwatch.documents.exports.values import per_language
from planwatch.indicators import progress as progress_module
from planwatch.indicators.models import Indicator, Observation
from planwatch.indicators.progress import indicator_progress
from planwatch.indicators.templatetags.indicators import public_value
from planwatch.lib import charts, numbers
from planwatch.lib.i18n import current_language, translated_value
from planwatch.plans.models import Measure, MeasureActor, Plan, Status
from planwatch.reporting import queries, stats
from planwatch.reporting.models import MeasureStatus, Round
from planwatch.reporting.permissions import public_assessments, public_plans
from planwatch.reporting.queries import MeasureFilter, filter_measures

from . import lineage


def home(request: HttpRequest) -> HttpResponse:
    plans = list(public_plans())
    if len(plans) == 1:
        return redirect(plans[0])
    return render(request, "portal/home.html", {"plans": plans})


@cached_page()
def plan_detail(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(public_plans().select_related("coordinator"), slug=plan)
    # The latest published round and the final one, if marked, in one query.
    rounds = list(Round.objects.published().filter(plan=plan_obj).order_by("-end", "-id"))
    round_ = rounds[0] if rounds else None
    indicators = latest_observations(Indicator.objects.filter(plan=plan_obj))
    pillars = stats.split_by_pillar(plan_obj, round_)
    pillar_chart = charts.status_chart(
        "pillars",
        _("Status of the measures per pillar"),
        [
            (f"{p.section.pillar}.", [(c.status, c.label, c.count) for c in p.split.counts])
            for p in pillars
        ],
    )
    budget = stats.budget_totals(plan_obj)
    published_totals = stats.published_budget_totals(plan_obj)
    return render(
        request,
        "portal/plan.html",
        {
            "plan": plan_obj,
            "round": round_,
            "final_round": next((r for r in rounds if r.is_final), None),
            "split": stats.status_split(plan_obj, round_),
            "pillars": pillars,
            "report_kinds": [
                ("interim", _("interim report")),
                ("coverage", _("convention coverage")),
                ("budget", _("budget report")),
            ],
            "report_formats": ["html", "pdf", "docx"],
            "pillar_chart": charts.svg(pillar_chart) if pillars and round_ else "",
            "by_level": stats.split_by_government_level(plan_obj, round_),
            "by_actor": stats.split_by_actor(plan_obj, round_),
            "per_round": stats.split_per_round(plan_obj),
            "headline": stats.headline_figures(round_),
            "budget": budget,
            "published_totals": published_totals,
            "budget_reconciliation": stats.budget_reconciliation(budget, published_totals),
            "indicators": indicators,
            "progress_counts": _progress_counts(plan_obj, indicators),
            **lineage.plan_lineage(plan_obj),
        },
    )


def _progress_counts(plan: Plan, indicators: list[Indicator]) -> list[tuple[str, str, int]]:
    """How many indicators fall in each progress category; each indicator gets ``progress``."""
    progress = progress_module.plan_progress(plan, indicators)
    for indicator in indicators:
        indicator.progress = progress[indicator.pk]
    return progress_module.counts(progress.values())


def latest_observations(indicators) -> list[Indicator]:
    """The indicators, each with ``latest``: its observations of the latest period. Two queries
    that use the (indicator, start) index, however many observations there are."""
    newest = Observation.objects.filter(indicator=OuterRef("pk")).order_by("-start")
    indicators = list(indicators.annotate(latest_start=Subquery(newest.values("start")[:1])))
    wanted = Q(pk__in=[])
    for indicator in indicators:
        indicator.latest = []
        if indicator.latest_start is not None:
            wanted |= Q(indicator=indicator, start=indicator.latest_start)
    by_indicator = {indicator.pk: indicator for indicator in indicators}
    if len(wanted):
        for observation in Observation.objects.filter(wanted).order_by("id"):
            observation.indicator = by_indicator[observation.indicator_id]
            observation.indicator.latest.append(observation)
    return indicators


@cached_page(*MeasureFilter.base_fields)
def measure_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(public_plans(), slug=plan)
    round_ = Round.objects.latest_published(plan_obj)
    form = MeasureFilter(
        plan_obj, request.GET or None, version=getattr(request, "data_version", None)
    )
    measures = Measure.objects.for_plan(plan_obj)
    if form.is_valid():
        measures = filter_measures(measures, form.cleaned_data, round_)
    elif form.is_bound:
        page_cache.skip(request)  # shown with its errors, never stored
    return render(
        request,
        "portal/measure_list.html",
        {
            "plan": plan_obj,
            "round": round_,
            "form": form,
            # The downloads of the same measures: the filters only, as the page cache keys it.
            "filters": page_cache.cache_query(request, MeasureFilter.base_fields),
            "measures": listing(measures, round_, plan_obj),
        },
    )


def listing(measures, round_: Round | None, plan: Plan) -> list[dict]:
    """The rows of the measure list, ready to print: read as plain values in two queries and
    formatted here, because building model instances and template lookups per row would cost
    most of the page's time on a plan of hundreds of measures."""
    lang = current_language()
    rows = list(
        measures.annotate(current_status=queries.status_code_in(round_)).values(
            "pk", "number", "section__code", "current_status", "dropped", *per_language("title")
        )
    )
    roles = MeasureActor.objects.filter(measure__in=measures.values("pk")).order_by(
        "measure_id", "order", "id"
    )
    actors: dict[int, list[str]] = {}
    for role in roles.values(
        "measure_id",
        "actor__slug",
        "actor__government__code",
        *per_language("actor__short", "actor__name", "actor__government__short"),
        *per_language("actor__government__name"),
    ):
        label = (
            translated_value(role, "actor__short", lang).text
            or translated_value(role, "actor__name", lang).text
            or role["actor__slug"]
        )
        if code := role["actor__government__code"]:
            government = (
                translated_value(role, "actor__government__short", lang).text
                or translated_value(role, "actor__government__name", lang).text
                or code
            )
            label = f"{label} ({government})"
        actors.setdefault(role["measure_id"], []).append(label)
    base = reverse("portal:measures", args=[plan.slug])
    return [
        {
            "number": row["number"],
            "url": f"{base}{row['number']}/",
            "title": marked(translated_value(row, "title", lang)),
            "objective": row["section__code"],
            "actors": ", ".join(actors.get(row["pk"], [])),
            "status": row["current_status"],
            "dropped": row["dropped"],
        }
        for row in rows
    ]


@cached_page()
def measure_detail(request: HttpRequest, plan: str, number: int) -> HttpResponse:
    measure = get_object_or_404(
        queries.with_public_records(
            queries.with_page_data(Measure.objects.select_related("plan"))
        ).prefetch_related(*lineage.measure_prefetches()),
        plan__slug=plan,
        plan__is_public=True,
        number=number,
    )
    timeline = [
        {
            "status": status,
            "assessments": [
                a for a in measure.published_assessments if a.round_id == status.round_id
            ],
        }
        for status in measure.published_statuses
    ]
    return render(
        request,
        "portal/measure.html",
        {
            "plan": measure.plan,
            "measure": measure,
            "timeline": timeline,
            "lineage": lineage.measure_lineage(measure),
        },
    )


@cached_page()
def differences(request: HttpRequest, plan: str) -> HttpResponse:
    """Measures whose civil-society rating differs from the official status of the round."""
    plan_obj = get_object_or_404(public_plans(), slug=plan)
    assessments = (
        public_assessments()
        .filter(round__plan=plan_obj)
        .select_related("organisation", "round", "measure")
        .order_by("round__end", "measure__number", "organisation__slug")
    )
    # Read as plain values: every published status of a large plan is thousands of rows.
    labels = dict(Status.choices)
    official = {
        (round_id, measure_id): {"status": code, "get_status_display": labels.get(code, code)}
        for round_id, measure_id, code in MeasureStatus.objects.published()
        .filter(round__plan=plan_obj)
        .values_list("round_id", "measure_id", "status")
    }
    rows = [
        {"assessment": a, "official": official.get((a.round_id, a.measure_id))} for a in assessments
    ]
    rows = [
        r
        for r in rows
        if r["official"] is None or r["official"]["status"] != r["assessment"].rating
    ]
    return render(request, "portal/differences.html", {"plan": plan_obj, "rows": rows})


@cached_page()
def coverage(request: HttpRequest, plan: str) -> HttpResponse:
    """Each Istanbul Convention article (and each GREVIO recommendation) with the measures that
    serve it and their status in the latest published round; articles no measure serves stand
    out."""
    from planwatch.plans.models import Framework, Provision

    plan_obj = get_object_or_404(public_plans(), slug=plan)
    round_ = Round.objects.latest_published(plan_obj)
    measures = queries.with_status_in(
        Measure.objects.filter(plan=plan_obj).order_by("number"), round_
    )
    frameworks = Framework.objects.prefetch_related(
        Prefetch(
            "provisions",
            queryset=Provision.objects.order_by("order").prefetch_related(
                Prefetch("measures", queryset=measures, to_attr="plan_measures")
            ),
        )
    ).order_by("slug")
    return render(
        request,
        "portal/coverage.html",
        {"plan": plan_obj, "round": round_, "frameworks": frameworks},
    )


@cached_page()
def indicator_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(public_plans(), slug=plan)
    indicators = Indicator.objects.filter(plan=plan_obj).order_by("order", "code")
    return render(request, "portal/indicators.html", {"plan": plan_obj, "indicators": indicators})


@cached_page()
def progress_method(request: HttpRequest, plan: str) -> HttpResponse:
    """How the indicators' progress is assessed, with its source and the plan's thresholds."""
    plan_obj = get_object_or_404(Plan, slug=plan)
    settings = progress_module.settings_of(plan_obj)
    percent = {key: numbers.percent(round(value * 100, 4)) for key, value in settings.items()}
    return render(
        request,
        "portal/progress_method.html",
        {
            "plan": plan_obj,
            "percent": percent,
            "categories": progress_module.Category.choices,
            "method_url": progress_module.METHOD_URL,
        },
    )


OBSERVATIONS_SHOWN = 200


def qualified_text(observation: Observation) -> str:
    """An observation's text with its qualifier for the chart's marker, "" when it is exact."""
    return "" if observation.qualifier == "exact" else public_value(observation)


@cached_page("by")
def indicator_detail(request: HttpRequest, plan: str, code: str) -> HttpResponse:
    """An indicator's observations as a chart and the same data as a table. Counts under the
    indicator's threshold are shown as "< N" and left out of the chart."""
    indicator = get_object_or_404(
        Indicator.objects.select_related("plan").prefetch_related(
            Prefetch("measures", queryset=Measure.objects.order_by("number"))
        ),
        plan__slug=plan,
        plan__is_public=True,
        code=code,
    )
    by = request.GET.get("by", "")
    if by and by not in indicator.dimensions:
        by = ""
        page_cache.skip(request)
    observations = indicator.observations.all()
    if by:
        observations = observations.filter(dims__has_key=by)
    total = observations.count()
    # The latest observations only: a chart or a table of many thousand points says nothing
    # more, and would cost seconds and megabytes. Every observation is in the downloads.
    observations = list(observations.order_by("-start", "-id")[:OBSERVATIONS_SHOWN])[::-1]
    targets = list(indicator.targets.order_by("start"))
    progress = indicator_progress(indicator, targets=targets)
    deltas = progress_module.changes(indicator.kind, observations)
    rows = []
    for obs in observations:
        label = obs.period
        other = [indicator.label(v) for k, v in sorted(obs.dims.items()) if k != by]
        if by:
            label = f"{indicator.label(obs.dims[by])} · {obs.period}"
        if other:
            label = f"{label} ({', '.join(other)})"
        suppressed = indicator.is_suppressed(obs.value)
        change = deltas.get(obs.pk)
        if indicator.suppress_below:
            change = None  # a change could give a suppressed count away
        rows.append(
            {"label": label, "observation": obs, "suppressed": suppressed, "change": change}
        )
    unit = indicator.get_unit_display()
    chart = charts.Chart(
        id=f"indicator-{indicator.code}",
        title=str(indicator),
        series=[charts.Series("value", str(unit))],
        categories=[
            charts.Category(
                row["label"],
                (float(row["observation"].value),),
                (qualified_text(row["observation"]),),
            )
            for row in rows
            if not row["suppressed"]
        ],
        stacked=False,
        value_format=indicator.value_text,  # as the page's language writes numbers
        markers=[
            charts.Marker(float(target.value), f"{_('Target')} {target.period}")
            for target in targets
            if not target.dims
        ],
    )
    return render(
        request,
        "portal/indicator.html",
        {
            "plan": indicator.plan,
            "indicator": indicator,
            "rows": rows,
            "targets": targets,
            "by": by,
            "svg": charts.svg(chart) if chart.categories else "",
            "any_suppressed": any(row["suppressed"] for row in rows),
            "total": total,
            "progress": progress,
            "show_changes": indicator.allows_changes() and not indicator.suppress_below,
        },
    )


@cached_page()
def open_data(request: HttpRequest, plan: str) -> HttpResponse:
    """Every export source of the plan in three formats, and the whole set as a data package."""
    from planwatch.documents.exports import FORMATS, SOURCES

    from .downloads import SOURCE_TEXTS

    plan_obj = get_object_or_404(public_plans(), slug=plan)
    sources = [
        {"name": name, "title": title, "text": text, "formats": list(FORMATS)}
        for name in SOURCES
        for title, text in [SOURCE_TEXTS[name]]
    ]
    return render(
        request,
        "portal/open_data.html",
        {
            "plan": plan_obj,
            "round": Round.objects.latest_published(plan_obj),
            "sources": sources,
        },
    )
