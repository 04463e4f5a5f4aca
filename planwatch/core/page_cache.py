"""Whole-page caching of the public portal for anonymous readers.

A view opts in with :func:`cached_page`, naming the query parameters it reads. The cache key is
the data version, the path and those parameters only (stripped, empty ones dropped, sorted):
``?utm=1`` or ``?r=123`` finds the same page as no query string at all, so junk parameters
neither render nor store anything new. A view that finds its parameters invalid calls
:func:`skip`, so that nothing is stored under them.

Pages are stored under the current :class:`DataVersion` token, which every saved or deleted record
of Planwatch changes (signals connected in ``CoreConfig.ready``). The token is read at most once
every ``PAGE_CACHE_VERSION_SECONDS`` per process, so a cached page costs no query at all; another
process's change is seen within that time, this process's own at once.

The store holds plain bytes and headers, least recently used first out, bounded both in entries
(``PAGE_CACHE_ENTRIES``) and in bytes (``PAGE_CACHE_BYTES``), per process.

The middleware sits right after WhiteNoise: a hit returns before sessions, languages and URL
routing run, and its stored headers are those the rest of the stack set (ETag, CSP, languages).
"""

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response

from .models import DataVersion

PARAMS_ATTRIBUTE = "page_cache_params"


def cached_page(*params: str) -> Callable:
    """Marks a view whose page anonymous readers get from the cache; ``params`` are the query
    parameters it reads (every other one is ignored, in the key and by the view)."""

    def decorate(view: Callable) -> Callable:
        setattr(view, PARAMS_ATTRIBUTE, tuple(sorted(params)))
        return view

    return decorate


def skip(request: HttpRequest) -> None:
    """Do not store this answer (its parameters were invalid: a junk value must not take room)."""
    request._page_cache_skip = True


def cache_query(request: HttpRequest, params: Iterable[str]) -> str:
    """The parameters a page reads, as the cache key has them: stripped, empty ones left out,
    the last value of a repeated one (as ``QueryDict.get`` reads it), in name order."""
    pairs = []
    for name in sorted(params):
        value = request.GET.get(name, "").strip()
        if value:
            pairs.append((name, value))
    return urlencode(pairs)


@dataclass(frozen=True, slots=True)
class Page:
    content: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str | None
    size: int


class PageStore:
    """Least recently used pages first out, at most ``max_entries`` pages of ``max_bytes`` in
    total (content, headers and key). Shared by the threads of one process."""

    OVERHEAD = 300  # bytes per entry beyond content and headers: objects and the key

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.bytes = 0
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pages)

    def get(self, key: str) -> Page | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def set(self, key: str, page: Page) -> None:
        if page.size > self.max_bytes or self.max_entries < 1:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._pages[key] = page
            self.bytes += page.size
            while len(self._pages) > self.max_entries or self.bytes > self.max_bytes:
                _, dropped = self._pages.popitem(last=False)
                self.bytes -= dropped.size

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self.bytes = 0


store = PageStore(settings.PAGE_CACHE_ENTRIES, settings.PAGE_CACHE_BYTES)


def clear() -> None:
    """Empty this process's page cache, forget the data version read and the routes (tests,
    benchmarks)."""
    store.clear()
    DataVersion.forget_recent()
    _params_of.cache_clear()


@functools.lru_cache(maxsize=2048)
def _params_of(path: str) -> tuple[str, ...] | None:
    """The parameters the view of ``path`` reads, or None when its page is not cached. Routing
    is done here once per path (in the path's language, as i18n patterns need) and remembered,
    a bounded number of paths."""
    language = translation.get_language_from_path(path)
    if language is None:
        return None
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        return None
    return getattr(match.func, PARAMS_ATTRIBUTE, None)


def _page_of(response: HttpResponse) -> Page:
    content = response.content
    headers = tuple(response.items())
    size = len(content) + sum(len(k) + len(v) for k, v in headers) + PageStore.OVERHEAD
    return Page(content, headers, response.get("ETag"), size)


def _response_of(page: Page) -> HttpResponse:
    response = HttpResponse(page.content)
    for name, value in page.headers:
        response[name] = value
    return response


class PageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        params = _params_of(request.path_info)
        if params is None:
            return self.get_response(request)
        # Kept on the request, so that a view can cache its own parts under the same version.
        request.data_version = DataVersion.recent()
        address = f"{request.path}?{cache_query(request, params)}"
        key = f"{request.data_version}:{hashlib.sha256(address.encode()).hexdigest()}"
        page = store.get(key)
        if page is not None:
            response = _response_of(page)
            return get_conditional_response(request, etag=page.etag, response=response)
        response = self.get_response(request)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not getattr(request, "_page_cache_skip", False)
        ):
            store.set(key, _page_of(response))
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
