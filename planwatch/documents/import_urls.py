"""Import pages, under /<lang>/work/imports/ (see import_views.py)."""

from django.urls import path

from . import import_views as views

app_name = "imports"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/<int:pk>/<slug:actor>.xlsx", views.round_template, name="round_template"),
    path("rounds/<int:pk>/upload/", views.round_upload, name="round_upload"),
    path("plans/<slug:plan>/workbook.xlsx", views.plan_template, name="plan_template"),
    path("plans/<slug:plan>/upload/", views.plan_upload, name="plan_upload"),
    path("uploads/<str:token>/confirm/", views.confirm, name="confirm"),
    path("uploads/<str:token>/errors.xlsx", views.error_report, name="error_report"),
]
