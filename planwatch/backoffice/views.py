"""Work pages for coordinators, focal points and assessors. Thin: access check, form, service."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = request.user.roles.select_related("plan", "actor", "actor__government")
    return render(request, "backoffice/home.html", {"roles": roles})
