"""What is about the site itself rather than one plan: the accessibility statement and the
DCAT-AP catalogue of the open data."""

import datetime as dt

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from planwatch.plans.models import Plan

from . import catalogue

# When the statement was written and the checks it reports were last reviewed. Change it when
# the statement is reviewed (at least once a year, as the directive asks).
STATEMENT_DATE = dt.date(2026, 12, 4)

# The federal Ombudsman's site in the reader's language (it has Dutch and French addresses).
FEDERAL_OMBUDSMAN = {
    "nl": "https://www.federaalombudsman.be/",
    "fr": "https://www.mediateurfederal.be/",
}


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (Directive (EU) 2016/2102, the model statement of
    Implementing Decision (EU) 2018/1523); who publishes the site and whom to contact come from
    the settings."""
    language = request.LANGUAGE_CODE
    return render(
        request,
        "portal/accessibility.html",
        {
            "organisation": settings.PLANWATCH_ORGANISATION,
            "contact_email": settings.PLANWATCH_CONTACT_EMAIL,
            "statement_date": STATEMENT_DATE,
            "ombudsman_url": FEDERAL_OMBUDSMAN.get(language, FEDERAL_OMBUDSMAN["nl"]),
        },
    )


CATALOGUE_FORMATS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "jsonld": ("json-ld", "application/ld+json"),
}


def catalogue_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The DCAT-AP catalogue of every plan's open data, as Turtle or JSON-LD."""
    syntax, content_type = CATALOGUE_FORMATS[fmt]
    graph = catalogue.build(
        Plan.objects.public().select_related("coordinator").order_by("slug"),
        catalogue.public_base(request),
    )
    return HttpResponse(graph.serialize(format=syntax), content_type=content_type)
