"""The OpenAPI schema views: English unless asked otherwise, generated once per language."""

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularJSONAPIView
from rest_framework.response import Response

from planwatch.lib.i18n import languages

from . import queries
from .base import Conditional

# The schema depends on the code and the language only: generated once per language and process
# (it takes about a second, too long to spend on every anonymous request).
_SCHEMAS: dict[str, dict] = {}


class _SchemaLanguage:
    """The schema's texts are in English unless ``?lang=nl|fr|de|en`` asks otherwise."""

    def _get_schema_response(self, request):
        lang = translation.get_language()
        if lang not in _SCHEMAS:
            _SCHEMAS[lang] = super()._get_schema_response(request).data
        return Response(data=_SCHEMAS[lang])

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        queries.check_names(request.query_params, ["lang"])
        lang = request.query_params.get("lang") or "en"
        if lang not in languages():
            raise queries.BadQuery(
                {"lang": [_("One of: %(codes)s.") % {"codes": ", ".join(languages())}]}
            )
        with translation.override(lang):
            return super().get(request, *args, **kwargs)


class OpenApiJson(Conditional, _SchemaLanguage, SpectacularJSONAPIView):
    """The OpenAPI 3.1 schema as JSON."""


class OpenApiSchema(Conditional, _SchemaLanguage, SpectacularAPIView):
    """The OpenAPI 3.1 schema, YAML or JSON by content negotiation (``?format=json``)."""
