"""The public page of a plan's delivery-confidence levels and their criteria."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planwatch.core.page_cache import cached_page
from planwatch.plans.models import Plan

from .confidence import levels


@cached_page()
def confidence(request: HttpRequest, plan: str) -> HttpResponse:
    plan_obj = get_object_or_404(Plan, slug=plan)
    return render(request, "portal/confidence.html", {"plan": plan_obj, "levels": levels(plan_obj)})
