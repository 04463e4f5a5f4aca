"""What every API view shares: GET only, conditional GET (ETag / 304), checked query parameters,
messages in the client's language, the plan from the URL, and the schema's common pieces."""

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound

from planwatch.plans.models import Plan, Status

from . import queries
from . import serializers as s

# Schema pieces --------------------------------------------------------------------------------

# The URL patterns' converters (<slug:…>, <int:…>) as JSON Schema, so clients and schemathesis
# know which values can name a record at all.
SLUG = {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
WHOLE = {"type": "integer", "minimum": 1, "maximum": queries.MAX_NUMBER}


def path_parameter(name: str, schema: dict, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, schema, OpenApiParameter.PATH, description=description)


PLAN = path_parameter("plan", SLUG, "The plan's slug, e.g. nap-2021-2025.")
NUMBER = path_parameter("number", WHOLE, "Measure number.")
ROUND = path_parameter("round", SLUG, "The round's slug.")
CODE = path_parameter("code", SLUG, "The indicator's code.")


def query_parameter(
    name: str, type_=str, description: str = "", enum=None, **bounds
) -> OpenApiParameter:
    """A query parameter; ``bounds`` are JSON Schema keywords (``minimum``, ``maxLength``…) that
    repeat the checking form's limits."""
    if bounds:
        type_ = {"type": {int: "integer", str: "string"}[type_], **bounds}
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description, enum=enum)


def measure_parameter(description: str = "Measure number.") -> OpenApiParameter:
    return query_parameter("measure", int, description, minimum=1, maximum=queries.MAX_NUMBER)


def year_parameter(description: str) -> OpenApiParameter:
    return query_parameter(
        "year", int, description, minimum=queries.MIN_YEAR, maximum=queries.MAX_YEAR
    )


STATUS_CODES = [code for code, _label in Status.choices]
ERRORS = {
    400: OpenApiResponse(s.QueryErrorSerializer, description="Invalid query parameters."),
    401: OpenApiResponse(s.ErrorSerializer, description="Unknown or revoked token."),
    404: OpenApiResponse(s.ErrorSerializer, description="No such plan or record."),
}


LIST_ERRORS = {
    **ERRORS,
    404: OpenApiResponse(
        s.ErrorSerializer,
        description="No such plan (or indicator), a page past the last one, or a filter naming "
        "what the plan does not have (a round, measure, pillar, actor, government, tag or "
        "status): the message says which.",
    ),
}


def list_schema(serializer, *parameters: OpenApiParameter, path=(PLAN,), **kwargs):
    return extend_schema(
        parameters=[*path, *parameters],
        responses={200: serializer(many=True), **LIST_ERRORS},
        **kwargs,
    )


def one_schema(serializer, *path: OpenApiParameter, **kwargs):
    # 400 too: an endpoint without filters refuses any query parameter but ?format=.
    return extend_schema(parameters=list(path), responses={200: serializer, **ERRORS}, **kwargs)


# Base views -----------------------------------------------------------------------------------


def _etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A strong ETag from the body, and 304 when the client already has that body."""
    if request.method in ("GET", "HEAD") and response.status_code == 200:
        set_response_etag(response)
        return get_conditional_response(request, etag=response["ETag"], response=response)
    return response


class Conditional:
    """Conditional GET for DRF views: the ETag is computed once the response is rendered."""

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if getattr(response, "is_rendered", True):
            return _etag(request, response)
        response.add_post_render_callback(lambda rendered: _etag(request, rendered))
        return response

    def initial(self, request, *args, **kwargs) -> None:
        # Messages are in the client's language; English when it names none (the site's
        # default, Dutch, suits the pages more than an API). Before authentication, whose
        # refusals are messages too.
        if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
            translation.activate("en")
        super().initial(request, *args, **kwargs)


class ApiView(Conditional, generics.GenericAPIView):
    """GET only; an ETag on every successful answer; query parameters checked (``filters``
    says which, for views that do not build their own form)."""

    http_method_names = ["get", "head", "options"]
    filters: type = queries.NoFilter

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:  # DRF's answer to an unknown ?format=
            formats = ", ".join(r.format for r in self.get_renderers())
            raise queries.BadQuery(
                {"format": [_("One of: %(formats)s.") % {"formats": formats}]}
            ) from None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Caches may keep an answer but must ask again (with its ETag) before using it.
        patch_cache_control(response, no_cache=True)
        patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization"))
        return response

    def check_query(self, form=None, extra=queries.PAGING) -> dict:
        return queries.validate(
            form or self.filters(self.request.query_params), self.query(), extra
        )

    def query(self):
        return self.request.query_params

    @property
    def fake(self) -> bool:
        # drf-spectacular instantiates views without a request to read their types.
        return getattr(self, "swagger_fake_view", False)


class PlanScoped(ApiView):
    """Views under /plans/<plan>/."""

    def get_plan(self) -> Plan:
        if not hasattr(self, "_plan"):
            plan = Plan.objects.public().filter(slug=self.kwargs["plan"]).first()
            if plan is None:
                raise NotFound(_("There is no plan “%(slug)s”.") % {"slug": self.kwargs["plan"]})
            self._plan = plan
        return self._plan

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if not self.fake:
            context["plan"] = self.get_plan()
        return context


class PlanScopedList(PlanScoped, generics.ListAPIView):
    def list(self, request, *args, **kwargs):
        self.get_plan()  # 404 before 400: an unknown plan is the first thing to say
        return super().list(request, *args, **kwargs)


# Anything else under /api/ --------------------------------------------------------------------


@csrf_exempt  # it changes nothing; else a POST to a wrong address gets the HTML CSRF page
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    if not request.META.get("HTTP_ACCEPT_LANGUAGE"):
        translation.activate("en")
    return JsonResponse(
        {"detail": _("There is no such API endpoint. The list starts at /api/v1/.")}, status=404
    )
