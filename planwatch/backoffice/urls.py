from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.home, name="home"),
    path("contributions/", views.my_contributions, name="my_contributions"),
    path("contributions/<int:pk>/", views.contribution, name="contribution"),
    path("plans/<slug:plan>/rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/<slug:action>/", views.round_action, name="round_action"),
    path("rounds/<int:pk>/measures/<int:number>/", views.review, name="review"),
    path("assessments/", views.assessments, name="assessments"),
    path(
        "assessments/<int:pk>/<int:number>/<int:organisation>/",
        views.assessment,
        name="assessment",
    ),
]
