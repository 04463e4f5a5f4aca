from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from planwatch.portal.about import catalogue_file

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("planwatch.api.urls")),
    path("", include("planwatch.ops.urls")),
    path("catalog.ttl", catalogue_file, {"fmt": "ttl"}, name="catalogue-ttl"),
    path("catalog.jsonld", catalogue_file, {"fmt": "jsonld"}, name="catalogue-jsonld"),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("planwatch.accounts.urls")),
    path("work/tokens/", include("planwatch.api.token_urls")),
    path("work/imports/", include("planwatch.documents.import_urls")),
    path("work/plans/<slug:plan>/translations/", include("planwatch.translations.urls")),
    path("work/", include("planwatch.backoffice.urls")),
    path("", include("planwatch.documents.urls")),
    path("", include("planwatch.portal.urls")),
    prefix_default_language=True,
)
