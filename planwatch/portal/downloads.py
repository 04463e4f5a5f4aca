"""Public downloads: every export source as CSV, XLSX or JSON, published data only.

With the measure list's filters in the query string (``?pillar=4&status=in_progress``) a
download holds exactly the measures that list shows, or the rows about them.
"""

import io
import re

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from planwatch.documents.exports import FORMATS, SOURCES, export
from planwatch.plans.models import Measure, Plan
from planwatch.reporting.models import Round

from .forms import MeasureFilter
from .views import filter_measures

slug_re = re.compile(r"[-\w]{1,80}")


@require_safe
def download(request: HttpRequest, plan: str, what: str, fmt: str) -> HttpResponse:
    source = SOURCES.get(what)
    if source is None or fmt not in FORMATS:
        raise Http404(_("No such download."))
    plan_obj = get_object_or_404(Plan, slug=plan)

    # Measures carry their status in one round: the latest published one unless ?round= names
    # another published round. Statuses cover every published round unless ?round= is given.
    chosen = None
    if slug := request.GET.get("round"):
        if slug_re.fullmatch(slug):
            chosen = Round.objects.published().filter(plan=plan_obj, slug=slug).first()
        if chosen is None:
            return bad_request(
                _("No published round %(round)s in this plan.") % {"round": slug[:80]}
            )
        if not source.uses_round:
            return bad_request(_("This download does not depend on a round."))
    filter_round = chosen or Round.objects.latest_published(plan_obj)

    measures = None
    given = [name for name in MeasureFilter.base_fields if request.GET.get(name, "").strip()]
    if given:
        if not source.filterable:
            return bad_request(_("This download cannot be filtered by measure."))
        form = MeasureFilter(plan_obj, request.GET)
        if not form.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()
            )
            return bad_request(_("Invalid filter: %(problems)s") % {"problems": problems})
        measures = filter_measures(
            Measure.objects.for_plan(plan_obj), form.cleaned_data, filter_round
        )

    round_ = filter_round if what == "measures" else chosen
    buffer = io.BytesIO()
    export(buffer, what, fmt, plan_obj, round_, measures)
    response = HttpResponse(buffer.getvalue(), content_type=FORMATS[fmt].content_type)
    name = "-".join(part for part in (plan_obj.slug, what, round_.slug if round_ else "") if part)
    response["Content-Disposition"] = f'attachment; filename="{name}.{FORMATS[fmt].extension}"'
    return response


def bad_request(message: str) -> HttpResponse:
    return HttpResponseBadRequest(message + "\n", content_type="text/plain; charset=utf-8")
