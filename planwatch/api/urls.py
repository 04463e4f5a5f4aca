"""``/api/``: version 1 of the REST API, its OpenAPI schema and documentation."""

from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from . import base, changes, contributions, milestones, schema_views, views

app_name = "api"

# Swagger UI and Redoc run only their own scripts, served from this site (the Swagger UI page's
# start-up script too: the split view serves it as a file), but style their pages inline and
# Redoc searches in a worker it starts from a blob.
docs_policy = csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})

plan = "v1/plans/<slug:plan>/"
urlpatterns = [
    path("v1/", views.Root.as_view(), name="root"),
    path("v1/openapi.json", schema_views.OpenApiJson.as_view(), name="openapi"),
    path("v1/schema/", schema_views.OpenApiSchema.as_view(), name="schema"),
    path(
        "v1/docs/",
        docs_policy(SpectacularSwaggerSplitView.as_view(url_name="api:openapi")),
        name="docs",
    ),
    path(
        "v1/redoc/",
        docs_policy(
            SpectacularRedocView.as_view(url_name="api:openapi", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    path("v1/me/", views.Me.as_view(), name="me"),
    path("v1/contributions/", contributions.ContributionList.as_view(), name="contributions"),
    path(
        "v1/contributions/<int:pk>/",
        contributions.ContributionDetail.as_view(),
        name="contribution",
    ),
    path(
        "v1/contributions/<int:pk>/submit/",
        contributions.ContributionSubmit.as_view(),
        name="contribution_submit",
    ),
    path(
        "v1/contributions/<int:pk>/validate/",
        contributions.ContributionValidate.as_view(),
        name="contribution_validate",
    ),
    path(
        "v1/contributions/<int:pk>/return/",
        contributions.ContributionReturn.as_view(),
        name="contribution_return",
    ),
    path(
        "v1/contributions/<int:pk>/withdraw/",
        contributions.ContributionWithdraw.as_view(),
        name="contribution_withdraw",
    ),
    path("v1/plans/", views.PlanList.as_view(), name="plans"),
    path(plan, views.PlanDetail.as_view(), name="plan"),
    path(plan + "sections/", views.SectionList.as_view(), name="sections"),
    path(plan + "measures/", views.MeasureList.as_view(), name="measures"),
    path(plan + "measures/<int:number>/", views.MeasureDetail.as_view(), name="measure"),
    path(plan + "rounds/", views.RoundList.as_view(), name="rounds"),
    path(plan + "rounds/<slug:round>/", views.RoundDetail.as_view(), name="round"),
    path(plan + "changes/", changes.ChangeList.as_view(), name="changes"),
    path(plan + "statuses/", views.StatusList.as_view(), name="statuses"),
    path(plan + "assessments/", views.AssessmentList.as_view(), name="assessments"),
    path(plan + "budget-lines/", views.BudgetLineList.as_view(), name="budget_lines"),
    path(plan + "budget-totals/", views.BudgetTotals.as_view(), name="budget_totals"),
    path(plan + "milestones/", milestones.MilestoneList.as_view(), name="milestones"),
    path(plan + "indicators/", views.IndicatorList.as_view(), name="indicators"),
    path(plan + "indicators/<slug:code>/", views.IndicatorDetail.as_view(), name="indicator"),
    path(
        plan + "indicators/<slug:code>/observations/",
        views.ObservationList.as_view(),
        name="observations",
    ),
    # Anything else ending in a slash gets a JSON 404 (without the slash, Django first
    # redirects to it). Paths without a slash that match nothing stay Django's 404. [\s\S], not
    # ".": a path may hold a newline too.
    re_path(r"^(?:[\s\S]*/)?$", base.not_found),
]
