"""Work pages for coordinators, focal points and assessors.

Thin views: load the object (404 when it does not exist or the user may not see it), check the
permission with planwatch.reporting.permissions, validate the form, call the service, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planwatch.plans.models import Measure, Plan
from planwatch.reporting import permissions, services
from planwatch.reporting.models import (
    Assessment,
    Contribution,
    Event,
    MeasureStatus,
    Round,
)
from planwatch.reporting.services import Conflict

from .forms import (
    AssessmentForm,
    BudgetFormSet,
    ContributionForm,
    CorrectionForm,
    ReturnForm,
    RoundForm,
    StatusForm,
)


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = request.user.roles.select_related("plan", "actor", "actor__government")
    open_contributions = (
        permissions.contributions_visible_to(request.user)
        .filter(
            round__state=Round.State.OPEN, actor_id__in=permissions.focal_actor_ids(request.user)
        )
        .values("state")
        .annotate(n=Count("id"))
        .order_by()
    )
    return render(
        request,
        "backoffice/home.html",
        {
            "roles": roles,
            "open_counts": {row["state"]: row["n"] for row in open_contributions},
            "plans": Plan.objects.filter(pk__in=[r.plan_id for r in roles if r.plan_id]),
        },
    )


# Focal points ---------------------------------------------------------------------------------


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    contributions = (
        permissions.contributions_visible_to(request.user)
        .filter(actor_id__in=permissions.focal_actor_ids(request.user))
        .exclude(round__state=Round.State.DRAFT)
        .select_related("round", "measure", "actor")
        .order_by("-round__end", "measure__number", "actor__slug")
    )
    return render(
        request,
        "backoffice/my_contributions.html",
        {
            "contributions": contributions,
            "today": timezone.localdate(),
        },
    )


def _contribution_or_404(request: HttpRequest, pk: int) -> Contribution:
    contribution = get_object_or_404(
        Contribution.objects.select_related("round__plan", "measure__section", "actor"), pk=pk
    )
    if not permissions.can_see_contribution(request.user, contribution):
        raise Http404
    return contribution


@login_required
def contribution(request: HttpRequest, pk: int) -> HttpResponse:
    item = _contribution_or_404(request, pk)
    plan = item.round.plan
    editable = permissions.can_edit_contribution(request.user, item)
    language = request.user.language or None
    conflict = None
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This contribution cannot be edited now."))
        form = ContributionForm(plan, request.POST, language=language)
        budget = BudgetFormSet(request.POST, prefix="budget")
        if form.is_valid() and budget.is_valid():
            lines = [line for f in budget.forms if (line := f.to_input())]
            try:
                services.save_contribution(
                    item,
                    form.to_input(lines),
                    user=request.user,
                    version=form.cleaned_data["version"],
                    submit="submit" in request.POST,
                )
            except Conflict as error:
                conflict = error.current
                form.add_error(
                    None,
                    _(
                        "Someone else saved this contribution after you opened "
                        "it. Nothing of yours was saved: compare both versions "
                        "below, then save again."
                    ),
                )
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Submitted.") if "submit" in request.POST else _("Draft saved.")
                )
                return redirect("backoffice:contribution", pk=item.pk)
    else:
        form = ContributionForm(plan, initial=_contribution_initial(item), language=language)
        budget = BudgetFormSet(
            prefix="budget",
            initial=[
                {
                    "year": line.year,
                    "amount": line.amount,
                    "nature": line.nature,
                    "stage": line.stage,
                }
                for line in item.budget_lines.all()
            ],
        )
    previous = (
        MeasureStatus.objects.filter(measure=item.measure, round__end__lt=item.round.start)
        .select_related("round")
        .order_by("-round__end")
        .first()
    )
    return render(
        request,
        "backoffice/contribution.html",
        {
            "item": item,
            "form": form,
            "budget": budget,
            "editable": editable,
            "conflict": conflict,
            "previous": previous,
            "evidence": item.evidence.all(),
            "lines": item.budget_lines.all(),
        },
    )


def _contribution_initial(item: Contribution) -> dict:
    initial = {
        "version": item.version,
        "proposed_status": item.proposed_status,
        "evidence": services.format_evidence((e.url, e.label) for e in item.evidence.all()),
    }
    for field in item._meta.fields:
        if field.name.startswith("narrative_"):
            initial[field.name] = getattr(item, field.name) or ""
    return initial


# Coordinators ---------------------------------------------------------------------------------


def _plan_for_coordinator(request: HttpRequest, slug: str) -> Plan:
    plan = get_object_or_404(Plan, slug=slug)
    if not permissions.can_manage_rounds(request.user, plan):
        raise PermissionDenied
    return plan


def _round_for_coordinator(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    if not permissions.can_manage_rounds(request.user, round_.plan):
        raise PermissionDenied
    return round_


@login_required
def rounds(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan_for_coordinator(request, plan)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.create_round(
                plan_obj,
                user=request.user,
                slug=data["slug"],
                name={request.LANGUAGE_CODE: data["name"]},
                start=data["start"],
                end=data["end"],
                deadline=data["deadline"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Round created. Open it when the focal points may start."))
            return redirect("backoffice:round", pk=round_.pk)
    return render(
        request,
        "backoffice/rounds.html",
        {
            "plan": plan_obj,
            "form": form,
            "rounds": plan_obj.rounds.annotate(n=Count("contributions")).order_by("-end"),
        },
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_for_coordinator(request, pk)
    counts = {
        row["state"]: row["n"]
        for row in round_.contributions.values("state").annotate(n=Count("id")).order_by()
    }
    measures = (
        Measure.objects.filter(plan=round_.plan)
        .annotate(
            submitted=Count(
                "contributions",
                filter=Q(contributions__round=round_, contributions__state="submitted"),
            ),
            validated=Count(
                "contributions",
                filter=Q(contributions__round=round_, contributions__state="validated"),
            ),
            total=Count("contributions", filter=Q(contributions__round=round_)),
        )
        .prefetch_related(
            Prefetch(
                "statuses", queryset=MeasureStatus.objects.filter(round=round_), to_attr="decided"
            )
        )
        .order_by("number")
    )
    return render(
        request,
        "backoffice/round.html",
        {
            "round": round_,
            "plan": round_.plan,
            "counts": counts,
            "measures": measures,
            "states": Contribution.State.choices,
        },
    )


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    round_ = _round_for_coordinator(request, pk)
    try:
        if action == "open":
            count = services.open_round(round_, user=request.user)
            messages.success(
                request, _("Round opened: %(count)s contributions to fill in.") % {"count": count}
            )
        elif action == "publish":
            services.publish_round(round_, user=request.user)
            messages.success(request, _("Round published: it is now public and frozen."))
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("backoffice:round", pk=round_.pk)


@login_required
def review(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    round_ = _round_for_coordinator(request, pk)
    measure = get_object_or_404(
        Measure.objects.select_related("section"), plan=round_.plan, number=number
    )
    contributions = (
        round_.contributions.filter(measure=measure)
        .select_related("actor__government", "updated_by")
        .prefetch_related("evidence", "budget_lines")
    )
    current = MeasureStatus.objects.filter(round=round_, measure=measure).first()
    previous = (
        MeasureStatus.objects.filter(measure=measure, round__end__lt=round_.start)
        .select_related("round")
        .order_by("-round__end")
        .first()
    )
    proposed = services.proposed_status_for(round_, measure)
    status_form = StatusForm(
        round_.plan,
        initial={
            "status": current.status if current else proposed,
            "version": current.version if current else 0,
            **(
                {
                    f"narrative_{lang}": getattr(current, f"narrative_{lang}") or ""
                    for lang in ("nl", "fr", "de", "en")
                }
                if current
                else {}
            ),
        },
    )
    correction_form = (
        CorrectionForm(round_.plan, initial={"status": current.status, "version": current.version})
        if current and round_.is_published
        else None
    )
    if request.method == "POST":
        status_form, correction_form, done = _review_post(
            request, round_, measure, current, status_form, correction_form
        )
        if done:
            return redirect("backoffice:review", pk=round_.pk, number=measure.number)
    events = Event.objects.filter(round=round_, measure=measure).select_related("user")[:50]
    return render(
        request,
        "backoffice/review.html",
        {
            "round": round_,
            "plan": round_.plan,
            "measure": measure,
            "contributions": contributions,
            "current": current,
            "previous": previous,
            "proposed": proposed,
            "status_form": status_form,
            "correction_form": correction_form,
            "return_forms": {
                c.pk: ReturnForm(initial={"version": c.version}, prefix=f"c{c.pk}")
                for c in contributions
            },
            "events": events,
        },
    )


def _review_post(request, round_, measure, current, status_form, correction_form):
    """Handle the review page's forms: validate/return one contribution, decide or correct."""
    action = request.POST.get("action", "")
    try:
        if action in ("validate", "return"):
            item = get_object_or_404(
                round_.contributions, pk=request.POST.get("contribution"), measure=measure
            )
            form = ReturnForm(request.POST, prefix=f"c{item.pk}")
            if action == "validate":
                version = int(request.POST.get(f"c{item.pk}-version", "-1"))
                services.validate_contribution(item, user=request.user, version=version)
                messages.success(request, _("Contribution validated."))
                return status_form, correction_form, True
            if form.is_valid():
                services.return_contribution(
                    item,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Contribution returned with your comment."))
                return status_form, correction_form, True
            messages.error(request, _("Write a comment saying what needs fixing."))
        elif action == "decide":
            status_form = StatusForm(round_.plan, request.POST)
            if status_form.is_valid():
                data = status_form.cleaned_data
                services.decide_status(
                    round_,
                    measure,
                    user=request.user,
                    status=data["status"],
                    narrative=status_form.narrative(),
                    reason=data["reason"],
                    version=data["version"],
                )
                messages.success(request, _("Status saved."))
                return status_form, correction_form, True
        elif action == "correct" and current is not None:
            correction_form = CorrectionForm(round_.plan, request.POST)
            if correction_form.is_valid():
                data = correction_form.cleaned_data
                services.correct_status(
                    current,
                    user=request.user,
                    status=data["status"],
                    reason=data["reason"],
                    version=data["version"],
                )
                messages.success(request, _("Correction published."))
                return status_form, correction_form, True
        else:
            raise Http404
    except (ValueError, TypeError) as error:
        raise Http404 from error
    except Conflict:
        messages.error(
            request,
            _(
                "Someone else changed this after you opened the page. Nothing "
                "was saved; the page now shows the current version."
            ),
        )
        return status_form, correction_form, True
    except ValidationError as error:
        target = correction_form if action == "correct" else status_form
        if action in ("validate", "return"):
            messages.error(request, " ".join(error.messages))
        else:
            _apply_errors(target, error)
    return status_form, correction_form, False


# Assessors ------------------------------------------------------------------------------------


@login_required
def assessments(request: HttpRequest) -> HttpResponse:
    organisations = permissions.assessor_organisation_ids(request.user)
    if not organisations:
        raise PermissionDenied
    published = Round.objects.published().select_related("plan").order_by("-end")
    mine = {
        (a.round_id, a.measure_id, a.organisation_id): a
        for a in Assessment.objects.filter(organisation_id__in=organisations)
    }
    return render(
        request,
        "backoffice/assessments.html",
        {
            "rounds": published,
            "mine": mine,
            "organisations": request.user.roles.filter(kind="assessor").select_related("actor"),
        },
    )


@login_required
def assessment(request: HttpRequest, pk: int, number: int, organisation: int) -> HttpResponse:
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    measure = get_object_or_404(Measure, plan=round_.plan, number=number)
    if not permissions.can_assess(request.user, round_, organisation):
        raise PermissionDenied
    existing = Assessment.objects.filter(
        round=round_, measure=measure, organisation_id=organisation
    ).first()
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
                    version=data["version"] if existing else None,
                )
            except Conflict:
                form.add_error(
                    None,
                    _(
                        "Someone else saved this assessment after you opened it. "
                        "Nothing of yours was saved; reload to see their version."
                    ),
                )
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
    official = MeasureStatus.objects.filter(round=round_, measure=measure).first()
    return render(
        request,
        "backoffice/assessment.html",
        {
            "round": round_,
            "measure": measure,
            "form": form,
            "official": official,
            "existing": existing,
        },
    )
