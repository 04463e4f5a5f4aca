"""The coordinator's milestone pages: the plan's milestones (filtered by measure, pillar, actor
and state), a new milestone, a milestone's description, its deletion and its re-baselining. Thin
views over ``milestones.editing`` and ``milestones.services.rebaseline_milestone`` (the one
``planwatch rebaseline`` calls), which check ``permissions.can_manage_milestones`` and record the
events; GET never writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from planwatch.milestones.editing import (
    create_milestone,
    delete_milestone,
    delete_problem,
    edit_milestone,
)
from planwatch.milestones.models import Milestone
from planwatch.milestones.services import rebaseline_milestone
from planwatch.milestones.slippage import Dates
from planwatch.plans.models import Plan
from planwatch.reporting import permissions

from .milestone_forms import DescriptionForm, MilestoneFilter, NewMilestoneForm, RebaselineForm
from .round_views import _form_errors


def _plan(request: HttpRequest, slug: str) -> Plan:
    """The plan, for its coordinators; a draft plan answers 404 to anyone else."""
    plan = get_object_or_404(Plan, slug=slug)
    if not permissions.can_manage_milestones(request.user, plan):
        if not plan.is_public:
            raise Http404
        raise PermissionDenied
    return plan


def _milestone(request: HttpRequest, slug: str, pk: int) -> Milestone:
    plan = _plan(request, slug)
    return get_object_or_404(
        Milestone.objects.select_related("measure__plan"), pk=pk, measure__plan=plan
    )


def _errors(form, error: ValidationError) -> None:
    """The service's errors at their fields; the description's at the first language's."""
    if hasattr(error, "error_dict") and "description" in error.error_dict:
        form.add_error(form.description_fields[0], error.error_dict.pop("description"))
        if not error.error_dict:
            return
    _form_errors(form, error)


@login_required
def milestone_list(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    filters = MilestoneFilter(plan_obj, request.GET or None)
    milestones = (
        Milestone.objects.filter(measure__plan=plan_obj)
        .select_related("measure")
        .prefetch_related("rebaselinings")
        .order_by("measure__number", "position", "baseline", "pk")
    )
    state = ""
    if filters.is_valid():
        data = filters.cleaned_data
        if data["measure"]:
            milestones = milestones.filter(measure__number=data["measure"])
        if data["pillar"]:
            milestones = milestones.filter(measure__section__pillar=data["pillar"])
        if data["actor"]:
            milestones = milestones.filter(measure__actors__slug=data["actor"]).distinct()
        state = data["state"]
    rows = [Dates(m, m.forecast, m.completed) for m in milestones]
    rows = [row for row in rows if not state or row.state == state]
    measure = filters.cleaned_data.get("measure") if filters.is_valid() else None
    return render(
        request,
        "backoffice/milestones.html",
        {"plan": plan_obj, "filters": filters, "rows": rows, "measure": measure},
    )


@login_required
def milestone_new(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    if request.method == "POST":
        form = NewMilestoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            measure = plan_obj.measures.filter(number=data["measure"]).first()
            if measure is None:
                form.add_error("measure", _("The plan has no measure with this number."))
            else:
                try:
                    milestone = create_milestone(
                        measure,
                        user=request.user,
                        description=form.description(),
                        baseline=data["baseline"],
                        forecast=data["forecast"],
                    )
                except ValidationError as error:
                    _errors(form, error)
                else:
                    messages.success(
                        request,
                        _("Milestone added to measure %(number)s.") % {"number": measure.number},
                    )
                    url = reverse("backoffice:milestones", args=[plan_obj.slug])
                    return redirect(f"{url}?measure={measure.number}#milestone-{milestone.pk}")
    else:
        number = request.GET.get("measure", "")
        form = NewMilestoneForm(initial={"measure": number} if number.isdigit() else None)
    return render(request, "backoffice/milestone_new.html", {"plan": plan_obj, "form": form})


@login_required
def milestone_edit(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    milestone = _milestone(request, plan, pk)
    if request.method == "POST":
        form = DescriptionForm(request.POST)
        if form.is_valid():
            try:
                edit_milestone(milestone, user=request.user, description=form.description())
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("The description is saved."))
                return redirect("backoffice:milestone", plan=plan, pk=milestone.pk)
    else:
        form = DescriptionForm(initial=_descriptions(milestone))
    return render(
        request,
        "backoffice/milestone.html",
        {
            "plan": milestone.measure.plan,
            "milestone": milestone,
            "dates": Dates(milestone, milestone.forecast, milestone.completed),
            "form": form,
            "delete_problem": delete_problem(milestone),
            "rebaselinings": milestone.rebaselinings.order_by("-made_on", "-pk"),
        },
    )


def _descriptions(milestone: Milestone) -> dict[str, str]:
    form = DescriptionForm()
    return {name: getattr(milestone, name) or "" for name in form.description_fields}


@login_required
def milestone_delete(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    """A confirmation page first (GET); the deletion itself is its POST."""
    milestone = _milestone(request, plan, pk)
    if request.method != "POST":
        if problem := delete_problem(milestone):
            messages.error(request, problem)
            return redirect("backoffice:milestone", plan=plan, pk=milestone.pk)
        return render(
            request,
            "backoffice/milestone_delete.html",
            {"plan": milestone.measure.plan, "milestone": milestone},
        )
    number = milestone.measure.number
    try:
        delete_milestone(milestone, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:milestone", plan=plan, pk=milestone.pk)
    messages.success(request, _("The milestone is deleted."))
    return redirect(f"{reverse('backoffice:milestones', args=[plan])}?measure={number}")


@login_required
def milestone_rebaseline(request: HttpRequest, plan: str, pk: int) -> HttpResponse:
    milestone = _milestone(request, plan, pk)
    form = RebaselineForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            rebaseline_milestone(
                milestone,
                user=request.user,
                baseline=form.cleaned_data["baseline"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The new baseline is recorded and public."))
            return redirect("backoffice:milestone", plan=plan, pk=milestone.pk)
    return render(
        request,
        "backoffice/milestone_rebaseline.html",
        {"plan": milestone.measure.plan, "milestone": milestone, "form": form},
    )
