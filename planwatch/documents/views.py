"""Report downloads: published rounds for everyone, unpublished ones (marked draft) for the
plan's coordinators and site administrators only."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from planwatch.lib.i18n import current_language
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round
from planwatch.reporting.permissions import coordinates, public_plans

from . import reports
from .reports import published


def report_round(request: HttpRequest, plan: Plan) -> Round | None:
    """The round asked for in ``?round=``, else the latest published one. An unpublished round
    exists only for those who coordinate the plan: anyone else gets a 404, as for a round that
    does not exist, so drafts are not even revealed."""
    slug = request.GET.get("round")
    if not slug:
        return Round.objects.latest_published(plan)
    round_ = Round.objects.filter(plan=plan, slug=slug).first()
    if round_ is None or not (round_.is_published or coordinates(request.user, plan)):
        raise Http404("No such round.")
    return round_


@require_GET
def report_download(request: HttpRequest, plan: str, kind: str, format: str) -> HttpResponse:
    if kind not in reports.KINDS or format not in reports.FORMATS:
        raise Http404("No such report.")
    plan_obj = get_object_or_404(public_plans(), slug=plan)
    round_ = report_round(request, plan_obj)
    if kind == "final":
        # Only the plan's final round has one (a published round: see reporting/final_round.py).
        finals = Round.objects.published().filter(plan=plan_obj, is_final=True)
        round_ = finals.first()
        if round_ is None or (request.GET.get("round") not in (None, "", round_.slug)):
            raise Http404("This plan has no final evaluation round.")
    if round_ is None and kind == "interim":
        raise Http404("This plan has no published round yet.")
    lang = current_language()
    name = reports.filename(kind, plan_obj, round_, lang, format)
    if round_ is None or round_.is_published:
        # Rendered once per data version and served as a file (documents.reports.published).
        path = published.stored_report(plan_obj, round_, kind, lang, format)
        response = FileResponse(
            path.open("rb"),
            content_type=reports.CONTENT_TYPES[format],
            as_attachment=format != "html",
            filename=name,
        )
    else:
        data = reports.generate(kind, plan_obj, round_, lang, format)
        response = HttpResponse(data, content_type=reports.CONTENT_TYPES[format])
        disposition = "inline" if format == "html" else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{name}"'
        response["Cache-Control"] = "private, no-store"  # a draft must not linger in caches
    if format == "html":
        # The report is one self-contained page: its styles are inline, it runs no script.
        response._csp_replace = {"style-src": ["'unsafe-inline'"], "script-src": ["'none'"]}
    return response
