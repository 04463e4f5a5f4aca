"""Public downloads: every export source as CSV, XLSX or JSON, published data only.

With the measure list's filters in the query string (``?pillar=4&status=in_progress``) a
download holds exactly the measures that list shows, or the rows about them.
"""

import io
import re
import tempfile
import zipfile
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from planwatch.documents.exports import FORMATS, SOURCES, export
from planwatch.documents.exports.datapackage import write_datapackage
from planwatch.plans.models import Measure
from planwatch.reporting.models import Round
from planwatch.reporting.permissions import public_plans
from planwatch.reporting.queries import MeasureFilter, filter_measures

slug_re = re.compile(r"[-\w]{1,80}")

# What each download holds, for the open-data page (the sources' own descriptions, in English,
# go into the data package).
SOURCE_TEXTS = {
    "milestones": (
        gettext_lazy("Milestones"),
        gettext_lazy(
            "The milestones of each measure: baseline, forecast and completion dates, the "
            "slippage in days, the state and whether the baseline was changed."
        ),
    ),
    "measures": (
        gettext_lazy("Measures"),
        gettext_lazy(
            "One row per measure: pillar, objective, titles and descriptions in every language, "
            "actors, governments, forms of violence, target groups, convention articles and "
            "the status in the latest published round."
        ),
    ),
    "rounds": (
        gettext_lazy("Reporting rounds"),
        gettext_lazy("The published reporting rounds: period and publication date."),
    ),
    "statuses": (
        gettext_lazy("Statuses per round"),
        gettext_lazy("The official status of each measure in each published round, and why."),
    ),
    "contributions": (
        gettext_lazy("Contributions"),
        gettext_lazy(
            "What each responsible actor reported on each measure, once validated by the "
            "coordinator and published, with the evidence given."
        ),
    ),
    "assessments": (
        gettext_lazy("Independent assessments"),
        gettext_lazy(
            "The ratings and commentary civil-society organisations published, beside the "
            "official statuses."
        ),
    ),
    "budgets": (
        gettext_lazy("Budget lines"),
        gettext_lazy(
            "Amounts in euro per government, year and measure, specific or broader, and whether "
            "they count in the totals."
        ),
    ),
    "budget-totals": (
        gettext_lazy("Published budget totals"),
        gettext_lazy("The budget totals as the published reports print them."),
    ),
    "indicators": (
        gettext_lazy("Indicators"),
        gettext_lazy("The plan's indicators: unit, source, breakdowns, targets and measures."),
    ),
    "observations": (
        gettext_lazy("Observations"),
        gettext_lazy(
            "Every value of every indicator, per period and breakdown; small counts are shown "
            'as "< N".'
        ),
    ),
    "changes": (
        gettext_lazy("Changes of commitments"),
        gettext_lazy(
            "Each change of a measure's wording, responsible actors, deadline or budget during "
            "the plan, and each measure dropped, with the date, the reason, before and after."
        ),
    ),
}


@require_safe
def download(request: HttpRequest, plan: str, what: str, fmt: str) -> HttpResponse:
    source = SOURCES.get(what)
    if source is None or fmt not in FORMATS:
        raise Http404(_("No such download."))
    plan_obj = get_object_or_404(public_plans(), slug=plan)

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


@require_safe
def datapackage(request: HttpRequest, plan: str) -> HttpResponse:
    """The Frictionless data package (``datapackage.json`` and one CSV per source) as a zip."""
    plan_obj = get_object_or_404(public_plans(), slug=plan)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        write_datapackage(plan_obj, Path(folder))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).iterdir()):
                archive.write(path, f"{plan_obj.slug}/{path.name}")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{plan_obj.slug}-datapackage.zip"'
    return response
