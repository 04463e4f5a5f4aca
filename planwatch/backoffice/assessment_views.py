"""Work pages of civil-society assessors: the rounds and measures they may assess, and the
assessment form (thin views over ``reporting.services.save_assessment``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from planwatch.actors.models import Actor
from planwatch.plans.models import Measure
from planwatch.reporting import permissions, services, worklists
from planwatch.reporting.models import Assessment, MeasureStatus, Round
from planwatch.reporting.queries import with_status_in
from planwatch.reporting.services import Conflict

from .forms import AssessmentFilter, AssessmentForm
from .views import _apply_errors, _refused, _round_or_404

# Assessors ------------------------------------------------------------------------------------


@login_required
def assessments(request: HttpRequest) -> HttpResponse:
    """An assessor's list of one published round: assessed or not, by pillar and actor."""
    organisations = permissions.assessor_organisation_ids(request.user)
    if not organisations:
        raise PermissionDenied
    published = list(Round.objects.published().select_related("plan").order_by("-end", "pk"))
    chosen_round = None
    if published:
        wanted = request.GET.get("round", "")
        chosen_round = next((r for r in published if str(r.pk) == wanted), published[0])
    plan = chosen_round.plan if chosen_round else None
    actors = (
        list(Actor.objects.filter(measure_roles__measure__plan=plan).distinct().order_by("slug"))
        if plan
        else []
    )
    filters = AssessmentFilter(published, plan, actors, request.GET or None)
    chosen = filters.values()
    orgs = list(request.user.roles.filter(kind="assessor").select_related("actor"))
    rows = []
    if chosen_round:
        measures = with_status_in(
            Measure.objects.filter(plan=plan), chosen_round, to_attr="official"
        )
        if chosen.get("pillar"):
            measures = measures.filter(section__pillar=chosen["pillar"])
        if chosen.get("actor"):
            measures = measures.filter(measure_actors__actor_id=chosen["actor"])
        mine = Assessment.objects.filter(round=chosen_round, organisation_id__in=organisations)
        if chosen.get("assessed") == "yes":
            measures = measures.filter(Exists(mine.filter(measure=OuterRef("pk"))))
        elif chosen.get("assessed") == "no":
            measures = measures.exclude(
                Exists(
                    mine.filter(measure=OuterRef("pk"))
                    .values("measure")
                    .annotate(n=Count("id"))
                    .filter(n=len(organisations))
                )
            )
        done = {(a.measure_id, a.organisation_id): a for a in mine}
        rows = [
            (measure, [(role, done.get((measure.pk, role.actor_id))) for role in orgs])
            for measure in measures.order_by("number")
        ]
    return render(
        request,
        "backoffice/assessments.html",
        {
            "round": chosen_round,
            "rows": rows,
            "filters": filters,
            "organisations": orgs,
            "summary": worklists.assessor_rounds(request.user),
        },
    )


@login_required
def assessment(request: HttpRequest, pk: int, number: int, organisation: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    measure = get_object_or_404(Measure, plan=round_.plan, number=number)
    if not permissions.can_assess(request.user, round_, organisation):
        raise PermissionDenied
    existing = Assessment.objects.filter(
        round=round_, measure=measure, organisation_id=organisation
    ).first()
    refused = {}
    if request.method == "POST":
        form = AssessmentForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_assessment(
                    round_,
                    measure,
                    organisation,
                    user=request.user,
                    rating=data["rating"],
                    commentary=form.commentary(),
                    publish=data["publish"],
                    version=data["version"],
                )
            except Conflict as error:
                refused = _refused(form, error)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(request, _("Assessment saved."))
                return redirect(
                    "backoffice:assessment", pk=round_.pk, number=number, organisation=organisation
                )
    else:
        initial = {"version": existing.version if existing else 0}
        if existing:
            initial.update(
                rating=existing.rating,
                publish=existing.is_published,
                **{
                    f"commentary_{lang}": getattr(existing, f"commentary_{lang}") or ""
                    for lang in ("nl", "fr", "de", "en")
                },
            )
        form = AssessmentForm(initial=initial)
    official = MeasureStatus.objects.of(measure, round_)
    return render(
        request,
        "backoffice/assessment.html",
        {
            "round": round_,
            "measure": measure,
            "form": form,
            "official": official,
            "existing": existing,
            **refused,
        },
    )
