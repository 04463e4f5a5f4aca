"""Whole-page caching of the public portal for anonymous readers.

A cached page is stored under the current :class:`DataVersion` token, which every saved or
deleted record of Planwatch changes (signals connected in ``CoreConfig.ready``). Reading a cached
page costs one query (the token). Only anonymous GET/HEAD requests for public plan pages are
cached, and only responses that set no cookie.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse

from .models import DataVersion

TIMEOUT = 60 * 60


def _eligible(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    parts = request.path.split("/")
    return len(parts) > 3 and parts[2] == "plans" and "downloads" not in parts


class PageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _eligible(request):
            return self.get_response(request)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # Kept on the request, so that a view can cache its own parts under the same version.
        request.data_version = DataVersion.current()
        key = f"page:{request.data_version}:{path}"
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "_page_cache_skip", False)
        ):
            cache.set(key, response, TIMEOUT)
        return response


def _changed(sender, **kwargs) -> None:
    if sender is not DataVersion and not sender.__name__.startswith("Historical"):
        DataVersion.bump()


def connect_signals() -> None:
    from django.apps import apps

    for model in apps.get_models():
        if model.__module__.startswith("planwatch.") and model is not DataVersion:
            post_save.connect(_changed, sender=model, dispatch_uid=f"bump-save-{model._meta.label}")
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"bump-delete-{model._meta.label}"
            )
    m2m_changed.connect(_changed_m2m, dispatch_uid="bump-m2m")


def _changed_m2m(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        DataVersion.bump()
