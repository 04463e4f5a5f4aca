from django.urls import path

from . import assessment_views, milestone_views, round_views, successor_views, views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("contributions/", views.my_contributions, name="my_contributions"),
    path("contributions/<int:pk>/", views.contribution, name="contribution"),
    path("plans/<slug:plan>/rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    # The round's end (before the generic actions, so "publish" gets its confirmation page).
    path("rounds/<int:pk>/close/", round_views.close, name="round_close"),
    path("rounds/<int:pk>/reopen/", round_views.reopen, name="round_reopen"),
    path("rounds/<int:pk>/publish/", round_views.publish, name="round_publish"),
    path("rounds/<int:pk>/final/", round_views.mark_final, name="round_final"),
    path("contributions/<int:pk>/withdraw/", round_views.withdraw, name="withdraw"),
    path("rounds/<int:pk>/<slug:action>/", views.round_action, name="round_action"),
    path("rounds/<int:pk>/measures/<int:number>/", views.review, name="review"),
    path("plans/<slug:plan>/successor/", successor_views.mapping_list, name="successor"),
    path(
        "plans/<slug:plan>/successor/publish/",
        successor_views.publish,
        name="successor_publish",
    ),
    path(
        "plans/<slug:plan>/successor/<int:number>/",
        successor_views.mapping_edit,
        name="successor_mapping",
    ),
    path(
        "plans/<slug:plan>/measures/<int:number>/change/",
        successor_views.change,
        name="measure_change",
    ),
    path("plans/<slug:plan>/milestones/", milestone_views.milestone_list, name="milestones"),
    path("plans/<slug:plan>/milestones/new/", milestone_views.milestone_new, name="milestone_new"),
    path(
        "plans/<slug:plan>/milestones/<int:pk>/",
        milestone_views.milestone_edit,
        name="milestone",
    ),
    path(
        "plans/<slug:plan>/milestones/<int:pk>/delete/",
        milestone_views.milestone_delete,
        name="milestone_delete",
    ),
    path(
        "plans/<slug:plan>/milestones/<int:pk>/rebaseline/",
        milestone_views.milestone_rebaseline,
        name="milestone_rebaseline",
    ),
    path("assessments/", assessment_views.assessments, name="assessments"),
    path(
        "assessments/<int:pk>/<int:number>/<int:organisation>/",
        assessment_views.assessment,
        name="assessment",
    ),
]
