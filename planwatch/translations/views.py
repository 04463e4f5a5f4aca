"""The translation work pages of a plan: the status page with its filters, the edit form of one
text in one language, the export for translation offices and the upload of a translated file
(previewed, then confirmed). Access is decided by planwatch.reporting.permissions only."""

import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planwatch.documents.imports.files import max_bytes
from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan
from planwatch.reporting import permissions

from . import services
from .forms import ExportForm, TranslationForm, UploadForm, language_choices
from .texts import GROUPS, find

PER_PAGE = 100
CONTENT_TYPES = {
    "xliff": ("application/x-xliff+xml", "xlf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _plan(request: HttpRequest, slug: str) -> Plan:
    plan = get_object_or_404(Plan, slug=slug)
    if not permissions.can_see_translations(request.user, plan):
        raise PermissionDenied
    return plan


def _choice(value: str | None, allowed: Any) -> str | None:
    return value if value in allowed else None


@login_required
def status(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    filters = {
        "language": _choice(request.GET.get("lang"), languages()),
        "group": _choice(request.GET.get("kind"), GROUPS),
        "state": _choice(request.GET.get("state"), services.State.values),
    }
    overview = services.overview(plan_obj, **filters)
    allowed = permissions.translation_languages(request.user, plan_obj)
    page = Paginator(overview.rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "translations/status.html",
        {
            "plan": plan_obj,
            "overview": overview,
            "summary": [
                (code, name, [(g, label, overview.counts[code][g]) for g, label in GROUPS.items()])
                for code, name in settings.LANGUAGES
            ],
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "languages": settings.LANGUAGES,
            "groups": GROUPS.items(),
            "states": services.State.choices,
            "allowed": allowed,
            "coordinator": permissions.can_manage_rounds(request.user, plan_obj),
            "export_form": ExportForm(allowed=_export_languages(allowed)),
            "upload_form": UploadForm(),
        },
    )


@login_required
def edit(request: HttpRequest, plan: str, key: str, lang: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    if lang not in languages():
        raise Http404
    if not permissions.can_translate(request.user, plan_obj, lang):
        raise PermissionDenied
    unit = find(plan_obj, key)
    if unit is None:
        raise Http404
    records = services.records_of_unit(unit)
    source = services.origin_language(unit, records, services.default_source())
    if lang == source:
        raise PermissionDenied
    form = TranslationForm(request.POST or None, initial={"text": unit.texts.get(lang, "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_translation(
                plan_obj, key, lang, form.cleaned_data["text"], user=request.user
            )
        except services.TranslationRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Translation saved."))
            return redirect(reverse("translations:status", kwargs={"plan": plan_obj.slug}))
    record = records.get((unit.key, lang))
    return render(
        request,
        "translations/edit.html",
        {
            "plan": plan_obj,
            "unit": unit,
            "lang": lang,
            "lang_name": dict(settings.LANGUAGES)[lang],
            "source": source,
            "source_name": dict(settings.LANGUAGES)[source],
            "source_text": unit.texts[source],
            "state": services.state_of(unit, lang, records, source),
            "record": record,
            "form": form,
        },
    )


@login_required
def export(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    allowed = permissions.translation_languages(request.user, plan_obj)
    form = ExportForm(request.GET, allowed=_export_languages(allowed))
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    source = services.default_source()
    content = services.export_file(plan_obj, source, data["lang"], data["only"], data["format"])
    content_type, extension = CONTENT_TYPES[data["format"]]
    response = HttpResponse(content, content_type=content_type)
    name = f"{plan_obj.slug}-{source}-{data['lang']}-{data['only']}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _export_languages(allowed: set[str]) -> list[tuple[str, str]]:
    """The languages the user may translate into, the source language excepted."""
    return language_choices(allowed - {services.default_source()})


# Uploads: kept in the data folder until confirmed, named after the user --------------------

KEEP_SECONDS = 24 * 3600


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "translations"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(request: HttpRequest, token: str) -> Path:
    if not token.replace("-", "").replace("_", "").isalnum():
        raise Http404
    return _folder() / f"{request.user.pk}-{token}.upload"


def _keep(request: HttpRequest, upload: Any, plan: Plan) -> str:
    limit = time.time() - KEEP_SECONDS
    for old in _folder().glob("*.upload"):
        if old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    upload.seek(0)
    _path(request, token).write_bytes(upload.read(max_bytes() + 1))
    kept = request.session.setdefault("translation_uploads", {})
    kept[token] = {"plan": plan.slug, "name": upload.name}
    request.session.modified = True
    return token


def _preview(request: HttpRequest, plan: Plan, preview: Any, token: str | None) -> HttpResponse:
    return render(
        request,
        "translations/preview.html",
        {"plan": plan, "preview": preview, "token": token},
    )


@login_required
def upload(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        preview = services.preview_import(file, plan_obj, request.user)
        token = None if preview.errors else _keep(request, file, plan_obj)
        return _preview(request, plan_obj, preview, token)
    return render(
        request,
        "translations/upload.html",
        {"plan": plan_obj, "form": form, "limit": max_bytes()},
    )


@login_required
@require_POST
def confirm(request: HttpRequest, plan: str, token: str) -> HttpResponse:
    plan_obj = _plan(request, plan)
    meta = request.session.get("translation_uploads", {}).get(token)
    path = _path(request, token)
    if meta is None or meta["plan"] != plan_obj.slug or not path.exists():
        raise Http404
    data = path.read_bytes()
    preview = services.import_file(data, plan_obj, request.user)
    preview.file_name = meta["name"]
    if preview.errors:
        return _preview(request, plan_obj, preview, None)
    path.unlink(missing_ok=True)
    request.session["translation_uploads"].pop(token, None)
    request.session.modified = True
    messages.success(
        request,
        _("Imported: %(changed)s texts changed, %(stale)s refused.")
        % {"changed": len(preview.changes), "stale": len(preview.stale)},
    )
    return redirect(reverse("translations:status", kwargs={"plan": plan_obj.slug}))
