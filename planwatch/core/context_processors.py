from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info

from .page_cache import PARAMS_ATTRIBUTE, cache_query


def languages(request: HttpRequest) -> dict:
    """Links to the same page in every language, so switching keeps the reader where they are.

    A cached page keeps only the query parameters it reads: it is served to every reader, so
    nothing else of the first reader's address may end up in it."""
    match = getattr(request, "resolver_match", None)
    params = getattr(match.func, PARAMS_ATTRIBUTE, None) if match else None
    query = request.GET.urlencode() if params is None else cache_query(request, params)
    path = request.path + (f"?{query}" if query else "")
    return {
        "language_links": [
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": translate_url(path, code),
            }
            for code, _name in settings.LANGUAGES
        ]
    }


def site(request: HttpRequest) -> dict:
    """Whether the page is rendered for a static copy (publish-static), which has no log-in of
    its own, and where the live site's log-in page is, if there is one."""
    live = settings.PLANWATCH_LIVE_URL
    return {"static_export": settings.PLANWATCH_STATIC_EXPORT, "live_site_url": live}
