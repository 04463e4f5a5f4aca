"""Import pages: a focal point downloads their round workbook and uploads it; a coordinator does
the same for any actor of their plan, and imports the plan workbook. Every upload is previewed
first; the confirmation previews the kept file again and applies it (the import functions check
again that nothing moved). Access is decided by planwatch.reporting.permissions only.

An upload waits for its confirmation in the data folder (``DATA_DIR/imports``), named after the
user, so that any server process can confirm it and nobody else can.
"""

import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from planwatch.actors.models import Actor
from planwatch.lib.i18n import current_language
from planwatch.plans.models import Plan
from planwatch.reporting import permissions
from planwatch.reporting.models import Contribution, Round

from .imports import (
    ImportRefused,
    Preview,
    apply_plan_import,
    apply_round_import,
    error_report_xlsx,
    plan_workbook,
    preview_plan_import,
    preview_round_import,
    round_workbook,
)
from .imports.files import max_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_lazy("Workbook (.xlsx) or CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class RoundUploadForm(UploadForm):
    submit = forms.BooleanField(
        label=_lazy("Submit the changed contributions (otherwise they are saved as drafts)"),
        required=False,
    )


def _xlsx(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _round_or_404(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    if not permissions.can_see_round(request.user, round_):
        raise Http404
    return round_


def _round_actors(user: Any, round_: Round) -> list[Actor]:
    """The actors whose workbook of ``round_`` the user may download and upload."""
    ids = round_.contributions.values_list("actor_id", flat=True).distinct()
    actors = Actor.objects.filter(pk__in=ids).order_by("slug")
    return [a for a in actors if permissions.can_exchange_round_workbook(user, round_, a.pk)]


def _open_rounds(user: Any) -> list[tuple[Round, list[Actor]]]:
    # Closed rounds too: one reopened for an actor takes that actor's workbook until its date.
    rounds = Round.objects.filter(state__in=[Round.State.OPEN, Round.State.CLOSED]).select_related(
        "plan"
    )
    plans = permissions.coordinated_plan_ids(user)
    if plans is not None:
        mine = Contribution.objects.filter(actor_id__in=permissions.focal_actor_ids(user))
        rounds = rounds.filter(pk__in=mine.values("round_id")) | rounds.filter(plan_id__in=plans)
    found = [(round_, _round_actors(user, round_)) for round_ in rounds.distinct()]
    return [(round_, actors) for round_, actors in found if actors]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    rounds = _open_rounds(request.user)
    plans = [
        p for p in Plan.objects.order_by("slug") if permissions.can_manage_rounds(request.user, p)
    ]
    if not rounds and not plans:
        raise PermissionDenied
    return render(request, "imports/index.html", {"rounds": rounds, "plans": plans})


@login_required
def round_template(request: HttpRequest, pk: int, actor: str) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    actor_obj = get_object_or_404(Actor, slug=actor)
    if not permissions.can_exchange_round_workbook(request.user, round_, actor_obj.pk):
        raise PermissionDenied
    data = round_workbook(round_, actor_obj, current_language())
    return _xlsx(data, f"{round_.plan.slug}-{round_.slug}-{actor_obj.slug}.xlsx")


@login_required
def round_upload(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round_or_404(request, pk)
    if not _round_actors(request.user, round_):
        raise PermissionDenied
    form = RoundUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload, submit = form.cleaned_data["file"], form.cleaned_data["submit"]
        preview = preview_round_import(upload, round_, request.user, submit=submit)
        token = _keep(request, upload, {"kind": "round", "round": round_.pk, "submit": submit})
        return _preview_page(request, preview, token, round_=round_)
    return render(
        request, "imports/upload.html", {"form": form, "round": round_, "limit": max_bytes()}
    )


@login_required
def plan_template(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan_for_coordinator(request, plan)
    return _xlsx(plan_workbook(plan_obj.slug, language=current_language()), f"{plan_obj.slug}.xlsx")


@login_required
def plan_upload(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan_for_coordinator(request, plan)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        preview = preview_plan_import(upload, plan_obj.slug)
        token = _keep(request, upload, {"kind": "plan", "plan": plan_obj.slug})
        return _preview_page(request, preview, token, plan=plan_obj)
    return render(
        request, "imports/upload.html", {"form": form, "plan": plan_obj, "limit": max_bytes()}
    )


def _plan_for_coordinator(request: HttpRequest, slug: str) -> Plan:
    plan = get_object_or_404(Plan, slug=slug)
    if not permissions.can_manage_rounds(request.user, plan):
        raise PermissionDenied
    return plan


# Kept uploads -----------------------------------------------------------------------------


KEEP_SECONDS = 24 * 3600  # an upload not confirmed within a day is removed


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep() -> None:
    limit = time.time() - KEEP_SECONDS
    for old in _folder().glob("*.upload"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def _path(request: HttpRequest, token: str) -> Path:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    return _folder() / f"{request.user.pk}-{token}.upload"


def _keep(request: HttpRequest, upload: Any, meta: dict) -> str:
    _sweep()
    token = secrets.token_urlsafe(16)
    upload.seek(0)
    _path(request, token).write_bytes(upload.read(max_bytes() + 1))
    request.session.setdefault("imports", {})[token] = {**meta, "name": upload.name}
    request.session.modified = True
    return token


def _kept(request: HttpRequest, token: str) -> tuple[dict, Preview, Path]:
    """The upload behind ``token`` previewed again, with the same rights checked again."""
    meta = request.session.get("imports", {}).get(token)
    path = _path(request, token)
    if meta is None or not path.exists():
        raise Http404
    data = path.read_bytes()
    if meta["kind"] == "round":
        round_ = _round_or_404(request, meta["round"])
        if not _round_actors(request.user, round_):
            raise PermissionDenied
        preview = preview_round_import(data, round_, request.user, submit=meta["submit"])
        meta = {**meta, "round_obj": round_}
    else:
        plan = _plan_for_coordinator(request, meta["plan"])
        preview = preview_plan_import(data, plan.slug)
        meta = {**meta, "plan_obj": plan}
    preview.file_name = meta["name"]
    return meta, preview, path


def _forget(request: HttpRequest, token: str, path: Path) -> None:
    path.unlink(missing_ok=True)
    request.session.get("imports", {}).pop(token, None)
    request.session.modified = True


def _preview_page(request, preview: Preview, token: str, **context) -> HttpResponse:
    return render(
        request,
        "imports/preview.html",
        {"preview": preview, "token": token, "counts": preview.counts(), **context},
        status=200,
    )


@login_required
@require_POST
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    meta, preview, path = _kept(request, token)
    context = {"round_": meta.get("round_obj"), "plan": meta.get("plan_obj")}
    if preview.errors:
        return _preview_page(request, preview, token, **context)
    try:
        if meta["kind"] == "round":
            saved = apply_round_import(preview, request.user)
            message = _("Imported: %(n)s contributions saved.") % {"n": saved}
        else:
            apply_plan_import(preview, user=request.user)
            message = _("Imported the plan workbook.")
    except ImportRefused as exc:
        preview.errors = exc.errors
        return _preview_page(request, preview, token, **context)
    _forget(request, token, path)
    messages.success(request, message)
    return redirect(reverse("imports:index"))


@login_required
def error_report(request: HttpRequest, token: str) -> HttpResponse:
    _meta, preview, _path_ = _kept(request, token)
    return _xlsx(error_report_xlsx(preview), "errors.xlsx")
