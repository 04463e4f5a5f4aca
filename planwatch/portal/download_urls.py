"""The download URLs. Included, without a namespace of their own, by planwatch/portal/urls.py:
``path("", include("planwatch.portal.download_urls"))``, so the name is ``portal:download``."""

from django.urls import path

from . import downloads

urlpatterns = [
    path(
        "plans/<slug:plan>/downloads/datapackage.zip",
        downloads.datapackage,
        name="datapackage",
    ),
    path(
        "plans/<slug:plan>/downloads/<slug:what>.<slug:fmt>",
        downloads.download,
        name="download",
    ),
]
