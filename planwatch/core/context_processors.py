from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info


def languages(request: HttpRequest) -> dict:
    """Links to the same page in every language, so switching keeps the reader where they are."""
    path = request.get_full_path()
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
