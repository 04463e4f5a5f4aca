"""Work pages for coordinators, focal points and assessors.

Thin views: load the object (404 when it does not exist or the user may not see it), check the
permission with planwatch.reporting.permissions, validate the form, call the service, redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from planwatch.milestones.forms import milestone_formset, milestone_inputs
from planwatch.plans.models import Measure, Plan
from planwatch.reporting import permissions, services, worklists
from planwatch.reporting.models import (
    Contribution,
    Event,
    MeasureStatus,
    Round,
)
from planwatch.reporting.queries import with_status_in
from planwatch.reporting.services import Conflict

from .forms import (
    BudgetFormSet,
    ContributionForm,
    CorrectionForm,
    MineFilter,
    QueueFilter,
    ReturnForm,
    RoundForm,
    StatusForm,
)

MILESTONES = "milestones-TOTAL_FORMS"


def _apply_errors(form, error: ValidationError) -> None:
    """Put a service's validation errors on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _refused(form, error: Conflict) -> dict:
    """Someone saved first: the form keeps what this person typed and now names the version
    saved in the meantime (shown beside it by backoffice/_conflict.html), so that saving again,
    after comparing, is a deliberate choice."""
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = error.current.version if error.current else 0
    return {"conflict": error.current, "conflict_seen": True}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My work: a task list per role, each line a link with its count and deadline."""
    roles = request.user.roles.select_related("plan", "actor")
    today = timezone.localdate()
    return render(
        request,
        "backoffice/home.html",
        {
            "roles": roles,
            "focal": worklists.focal_point_rounds(request.user, today),
            "coordinated": worklists.coordinator_rounds(request.user),
            "assessing": worklists.assessor_rounds(request.user),
            # The import pages serve focal points and coordinators.
            "imports": bool(
                permissions.focal_actor_ids(request.user)
                or permissions.coordinated_plan_ids(request.user) != set()
            ),
        },
    )


# Focal points ---------------------------------------------------------------------------------


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    mine = permissions.contributions_visible_to(request.user).filter(
        actor_id__in=permissions.focal_actor_ids(request.user)
    )
    rounds = Round.objects.filter(Exists(mine.filter(round=OuterRef("pk")))).exclude(
        state=Round.State.DRAFT
    )
    filters = MineFilter(rounds.order_by("-end"), request.GET or None)
    chosen = filters.values()
    contributions = mine.exclude(round__state=Round.State.DRAFT)
    if chosen.get("round"):
        contributions = contributions.filter(round_id=chosen["round"])
    today = timezone.localdate()
    if chosen.get("state"):
        contributions = contributions.filter(state=chosen["state"])
        if chosen["state"] in Contribution.EDITABLE:
            # Work left undone in a round that no longer takes it is not "to do".
            contributions = contributions.filter(worklists.accepting(today))
    contributions = (
        contributions.select_related("round", "measure", "actor")
        .annotate(
            open_round=Case(
                When(worklists.accepting(today), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            urgency=Case(
                *[
                    When(state=state, then=Value(rank))
                    for rank, state in enumerate(worklists.FOCAL_ORDER)
                ],
                output_field=IntegerField(),
            ),
        )
        .order_by("open_round", "round__deadline", "-round__end", "urgency", "measure__number")
    )
    return render(
        request,
        "backoffice/my_contributions.html",
        {
            "contributions": contributions,
            "filters": filters,
            "today": today,
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
    refused = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("This contribution cannot be edited now."))
        form = ContributionForm(plan, request.POST)
        budget = BudgetFormSet(request.POST, prefix="budget")
        dates = milestone_formset(item, request.POST if MILESTONES in request.POST else None)
        if form.is_valid() and budget.is_valid() and (not dates.is_bound or dates.is_valid()):
            lines = [line for f in budget.forms if (line := f.to_input())]
            data = form.to_input(lines)
            data.milestones = milestone_inputs(dates) if dates.is_bound else None
            try:
                services.save_contribution(
                    item,
                    data,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    submit="submit" in request.POST,
                )
            except Conflict as error:
                refused = _refused(form, error)
            except ValidationError as error:
                _apply_errors(form, error)
            else:
                messages.success(
                    request, _("Submitted.") if "submit" in request.POST else _("Draft saved.")
                )
                return redirect("backoffice:contribution", pk=item.pk)
    else:
        form = ContributionForm(plan, initial=_contribution_initial(item))
        dates = milestone_formset(item)
        budget = BudgetFormSet(
            prefix="budget",
            initial=[
                {
                    "year": line.year,
                    "amount": line.amount,
                    "nature": line.nature,
                    "stage": line.stage,
                    "qualifier": "" if line.qualifier == "exact" else line.qualifier,
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
    # A closed round reopened for this actor: say until when (the reopening ends by itself).
    reopened_until = (
        item.round.extensions.filter(actor_id=item.actor_id, until__gte=timezone.localdate())
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
        if item.round.state == Round.State.CLOSED
        else None
    )
    return render(
        request,
        "backoffice/contribution.html",
        {
            "item": item,
            "form": form,
            "budget": budget,
            "milestones": dates,
            "editable": editable,
            "previous": previous,
            "evidence": item.evidence.all(),
            "lines": item.budget_lines.all(),
            "reopened_until": reopened_until,
            **refused,
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


def _round_or_404(request: HttpRequest, pk: int) -> Round:
    """The round, for those who may see it: to anyone else an unpublished round answers 404,
    exactly as a round that does not exist, so its existence is not revealed."""
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    if not permissions.can_see_round(request.user, round_):
        raise Http404
    return round_


def _round_for_coordinator(request: HttpRequest, pk: int) -> Round:
    round_ = _round_or_404(request, pk)
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
                name=form.names(),
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
    """The round and its review queue, filtered and ordered by what needs action."""
    round_ = _round_for_coordinator(request, pk)
    progress = worklists.Progress()
    for row in round_.contributions.values("state").annotate(n=Count("id")).order_by():
        progress.add(row["state"], row["n"])
    actors = list(worklists.round_actors(round_))
    filters = QueueFilter(round_.plan, actors, request.GET or None)
    measures = with_status_in(
        worklists.review_queue(round_, **filters.values()), round_, to_attr="decided"
    )
    return render(
        request,
        "backoffice/round.html",
        {
            "round": round_,
            "plan": round_.plan,
            "progress": progress,
            "filters": filters,
            "measures": measures,
            "reports": REPORT_KINDS,
        },
    )


# The round's reports, as the round page offers them.
REPORT_KINDS = [
    ("interim", gettext_lazy("Interim evaluation report")),
    ("coverage", gettext_lazy("Convention coverage report")),
    ("budget", gettext_lazy("Budget report")),
]


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
        .prefetch_related("evidence", "budget_lines", "milestone_updates__milestone")
        # What waits for the coordinator comes first.
        .annotate(
            waiting=Case(
                When(state=Contribution.State.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "actor__slug")
    )
    current = MeasureStatus.objects.of(measure, round_)
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
            "confidence": current.confidence if current else None,
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
    refused = {}
    if request.method == "POST":
        status_form, correction_form, done, refused = _review_post(
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
                c.pk: ReturnForm(
                    # After a conflict the reviewer's typed comment stays in its form.
                    initial={"version": c.version, "comment": refused.get("typed_comment", "")}
                    if c.pk == refused.get("contribution_pk")
                    else {"version": c.version},
                    prefix=f"c{c.pk}",
                )
                for c in contributions
            },
            "events": events,
            **refused,
        },
    )


def _review_post(request, round_, measure, current, status_form, correction_form):
    """Handle the review page's forms: validate/return one contribution, decide or correct.
    Return both forms, whether it is done, and the conflict to show, if any."""
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
                return status_form, correction_form, True, {}
            if form.is_valid():
                services.return_contribution(
                    item,
                    user=request.user,
                    version=form.cleaned_data["version"],
                    comment=form.cleaned_data["comment"],
                )
                messages.success(request, _("Contribution returned with your comment."))
                return status_form, correction_form, True, {}
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
                    confidence=data["confidence"],
                )
                messages.success(request, _("Status saved."))
                return status_form, correction_form, True, {}
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
                return status_form, correction_form, True, {}
        else:
            raise Http404
    except (ValueError, TypeError) as error:
        raise Http404 from error
    except Conflict as error:
        if action == "decide":
            return status_form, correction_form, False, _refused(status_form, error)
        if action == "correct":
            return status_form, correction_form, False, _refused(correction_form, error)
        # A validation or return that came too late: the contribution as it is now, beside
        # what this coordinator typed (kept in the form when it can still be returned).
        return (
            status_form,
            correction_form,
            False,
            {
                "review_conflict": error.current,
                "contribution_pk": item.pk,
                "typed_comment": request.POST.get(f"c{item.pk}-comment", "").strip(),
            },
        )
    except ValidationError as error:
        target = correction_form if action == "correct" else status_form
        if action in ("validate", "return"):
            messages.error(request, " ".join(error.messages))
        else:
            _apply_errors(target, error)
    return status_form, correction_form, False, {}
