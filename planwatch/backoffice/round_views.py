"""The end of a round, for coordinators (close, reopen for one actor, publish after a
confirmation page, mark the plan's final evaluation round after another) and focal points
(withdraw a submission). Thin views over planwatch.reporting.services and
planwatch.reporting.final_round, which check the permissions and record the events."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planwatch.reporting import final_round, permissions, services
from planwatch.reporting.models import Contribution, Round
from planwatch.reporting.services import Conflict

from .round_forms import MarkFinalForm, PublishForm, ReopenForm


def _round(request: HttpRequest, pk: int, rule) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    if not permissions.can_see_round(request.user, round_):
        raise Http404  # an unpublished round not theirs to see: as if it did not exist
    if not rule(request.user, round_):
        raise PermissionDenied
    return round_


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, permissions.can_close_round)
    try:
        services.close_round(round_, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Round closed: focal points can no longer save or submit. You can still "
                "review, decide statuses and publish."
            ),
        )
    return redirect("backoffice:round", pk=round_.pk)


@login_required
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, permissions.can_reopen_round_for_actor)
    form = ReopenForm(round_, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            extension = services.reopen_for_actor(
                round_, data["actor"], user=request.user, until=data["until"], reason=data["reason"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("Reopened for %(actor)s until %(date)s.")
                % {"actor": extension.actor.label, "date": extension.until.isoformat()},
            )
            return redirect("backoffice:round_reopen", pk=round_.pk)
    return render(
        request,
        "backoffice/round_reopen.html",
        {
            "round": round_,
            "plan": round_.plan,
            "form": form,
            "extensions": round_.extensions.select_related("actor", "granted_by"),
        },
    )


@login_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, permissions.can_publish_round)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_round(round_, user=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Round published: it is now public and frozen."))
            return redirect("backoffice:round", pk=round_.pk)
    return render(
        request,
        "backoffice/round_publish.html",
        {
            "round": round_,
            "plan": round_.plan,
            "form": form,
            "check": services.publication_check(round_),
        },
    )


@login_required
def mark_final(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk, permissions.can_mark_final_round)
    form = MarkFinalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            final_round.mark_final(round_, user=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("This round is now the plan's final evaluation round."))
            return redirect("backoffice:round", pk=round_.pk)
    return render(
        request,
        "backoffice/round_final.html",
        {
            "round": round_,
            "plan": round_.plan,
            "form": form,
            "final": final_round.final_round(round_.plan),
        },
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Contribution.objects.select_related("round__plan"), pk=pk)
    if not permissions.can_see_contribution(request.user, item):
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return redirect("backoffice:contribution", pk=item.pk)
    try:
        services.withdraw_contribution(item, user=request.user, version=version)
    except PermissionDenied:
        messages.error(
            request,
            _(
                "This submission can no longer be withdrawn: it has been reviewed, or the "
                "round no longer takes your work."
            ),
        )
    except Conflict:
        messages.error(
            request,
            _(
                "Someone changed this contribution after you opened it; nothing was "
                "withdrawn. Here is its current state."
            ),
        )
    else:
        messages.success(request, _("Submission withdrawn: the contribution is a draft again."))
    return redirect("backoffice:contribution", pk=item.pk)
