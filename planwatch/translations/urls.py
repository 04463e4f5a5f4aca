from django.urls import path

from . import views

app_name = "translations"
urlpatterns = [
    path("", views.status, name="status"),
    path("export/", views.export, name="export"),
    path("upload/", views.upload, name="upload"),
    path("upload/<str:token>/", views.confirm, name="confirm"),
    path("texts/<str:key>/<str:lang>/", views.edit, name="edit"),
]
