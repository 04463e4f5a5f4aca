"""Work pages of a plan's successor (the mapping of each old measure, its publication) and of a
change of a measure's commitment. Thin views over ``reporting.successor`` and
``reporting.commitments``, which check the permissions and record the events; GET never writes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from planwatch.plans.models import Measure, MeasureActor, MeasureMapping, Plan
from planwatch.reporting import permissions, successor
from planwatch.reporting.commitments import change_measure

from .successor_forms import ChangeForm, MappingFilter, MappingForm, PublishSuccessorForm


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _successor(request: HttpRequest, slug: str) -> Plan:
    """The successor plan, for the old plan's coordinators. A draft is private: to anyone else
    it answers 404, as a plan that does not exist."""
    plan = get_object_or_404(Plan.objects.select_related("predecessor"), slug=slug)
    if plan.predecessor is None:
        raise Http404
    if not permissions.can_map_successor(request.user, plan):
        if not plan.is_public:
            raise Http404
        raise PermissionDenied
    return plan


@login_required
def mapping_list(request: HttpRequest, plan: str) -> HttpResponse:
    new = _successor(request, plan)
    old = new.predecessor
    filters = MappingFilter(old, request.GET or None)
    mappings = (
        MeasureMapping.objects.filter(successor=new)
        .select_related("measure__section")
        .prefetch_related(
            Prefetch("targets", queryset=Measure.objects.order_by("number")),
            Prefetch(
                "measure__measure_actors",
                queryset=MeasureActor.objects.select_related("actor").order_by("order"),
            ),
        )
        .order_by("measure__number")
    )
    if filters.is_valid():
        data = filters.cleaned_data
        if data["pillar"]:
            mappings = mappings.filter(measure__section__pillar=data["pillar"])
        if data["actor"]:
            mappings = mappings.filter(measure__actors__slug=data["actor"]).distinct()
        if data["state"] == "decided":
            mappings = mappings.exclude(kind=MeasureMapping.Kind.UNDECIDED)
        elif data["state"]:
            mappings = mappings.filter(kind=data["state"])
    problems = successor.publication_problems(new)
    return render(
        request,
        "backoffice/successor.html",
        {
            "plan": new,
            "old": old,
            "filters": filters,
            "mappings": mappings,
            "problems": problems,
            "publish_form": PublishSuccessorForm(),
        },
    )


@login_required
def mapping_edit(request: HttpRequest, plan: str, number: int) -> HttpResponse:
    new = _successor(request, plan)
    mapping = get_object_or_404(
        MeasureMapping.objects.select_related("measure", "successor"),
        successor=new,
        measure__number=number,
    )
    if request.method == "POST":
        form = MappingForm(request.POST)
        if form.is_valid():
            try:
                successor.set_mapping(request.user, mapping, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Saved what became of measure %(number)s.") % {"number": number},
                )
                return redirect("backoffice:successor", plan=new.slug)
    else:
        form = MappingForm(
            initial={
                "kind": mapping.kind,
                "targets": ", ".join(
                    str(n) for n in mapping.targets.values_list("number", flat=True)
                ),
                "reason": mapping.reason or "",
            }
        )
    return render(
        request,
        "backoffice/successor_mapping.html",
        {"plan": new, "old": new.predecessor, "mapping": mapping, "form": form},
    )


@login_required
def publish(request: HttpRequest, plan: str) -> HttpResponse:
    new = _successor(request, plan)
    if request.method != "POST":
        return redirect("backoffice:successor", plan=new.slug)
    form = PublishSuccessorForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tick the confirmation to publish the plan."))
        return redirect("backoffice:successor", plan=new.slug)
    try:
        successor.publish_successor(request.user, new)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("backoffice:successor", plan=new.slug)
    messages.success(request, _("The plan and what became of each measure are now public."))
    return redirect("portal:comparison", plan=new.slug)


@login_required
def change(request: HttpRequest, plan: str, number: int) -> HttpResponse:
    """Change a measure's commitment (recorded publicly, with its reason)."""
    measure = get_object_or_404(
        Measure.objects.select_related("plan"), plan__slug=plan, number=number
    )
    if not permissions.can_change_measure(request.user, measure):
        if not measure.plan.is_public:
            raise Http404
        raise PermissionDenied
    roles = list(measure.measure_actors.select_related("actor").order_by("order", "id"))
    initial = {
        "title": measure.title or "",
        "description": measure.description or "",
        "lead": ", ".join(r.actor.slug for r in roles if r.role == MeasureActor.Role.LEAD),
        "partners": ", ".join(r.actor.slug for r in roles if r.role == MeasureActor.Role.PARTNER),
        "deadline": measure.deadline,
        "budget": measure.budget,
        "dropped": measure.dropped,
    }
    form = ChangeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        values = {k: data[k] for k in ("title", "description", "deadline", "budget", "dropped")}
        values["lead"] = ChangeForm.slugs(data["lead"])
        values["partners"] = ChangeForm.slugs(data["partners"])
        try:
            change_measure(request.user, measure, reason=data["reason"], **values)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("The change is recorded and public."))
            return redirect(measure.get_absolute_url())
    return render(
        request,
        "backoffice/measure_change.html",
        {
            "plan": measure.plan,
            "measure": measure,
            "form": form,
            "changes": measure.changes.order_by("-on", "-id"),
        },
    )
