"""A limit on anonymous requests that reach the views: cached pages are answered before this
middleware, so it counts what costs work (a page missing from the cache, a download, a report).
The API is left out (it refuses unknown parameters and answers unchanged data with 304), and so
is the proxies' health check.

django-ratelimit counts per address (``RATELIMIT_IP_META_KEY`` tells it how to find the
address behind a proxy) in the default cache, at ``settings.ANONYMOUS_RATE``."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

EXEMPT_PREFIXES = ("/api/", "/static/", "/healthz")


def _limited(request: HttpRequest) -> dict | None:
    """The usage when this request goes over the limit, else None."""
    rate = settings.ANONYMOUS_RATE
    if not rate or request.method not in ("GET", "HEAD"):
        return None
    if request.path_info.startswith(EXEMPT_PREFIXES) or request.user.is_authenticated:
        return None
    usage = get_usage(request, group="anonymous", key="ip", rate=rate, increment=True)
    return usage if usage and usage["should_limit"] else None


class AnonymousRateLimitMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        usage = _limited(request)
        if usage is None:
            return self.get_response(request)
        wait = max(1, int(usage["time_left"]))
        response = render(request, "core/too_many_requests.html", {"wait": wait}, status=429)
        response["Retry-After"] = str(wait)
        return response
