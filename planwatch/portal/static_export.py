"""The public portal as static files: every page of a plan in every language, its downloads and
the static files, for any web server or CDN.

Pages are rendered in-process by Django's test client (the same views, templates and published
data as the live portal) and found by following links from each language's plan page. A page
at ``/nl/plans/x/`` is written as ``nl/plans/x/index.html``; a download keeps its name.

The export runs where the portal runs, under its production settings: it asks for each page as
an HTTPS request to an internal host name it allows for the time of the export, so neither
``ALLOWED_HOSTS`` nor the HTTPS redirect stands in its way. Pages rendered for the export carry
no log-in link (a static site has no log-in), or one to the live site's log-in page when
``PLANWATCH_LIVE_URL`` names it. Anything that cannot be written, and any link of a written
page to a path the site does not have, is a failure.
"""

import shutil
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings

from planwatch.plans.models import Plan

from . import catalogue
from .about import CATALOGUE_FORMATS


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src") and tag in ("a", "link", "script", "img"):
                self.links.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def local_path(url: str) -> str | None:
    """The site path a link points to, or None for other sites, mail and the like."""
    url, _fragment = urldefrag(url)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path


def file_for(out: Path, path: str) -> Path:
    target = out / path.lstrip("/")
    return target / "index.html" if path.endswith("/") else target


@dataclass
class Export:
    pages: int = 0
    files: int = 0
    failures: list[str] = field(default_factory=list)


# The host name the export's requests are made to; it never leaves this process.
EXPORT_HOST = "static-export.planwatch.internal"


# Pages name static files as they are in the apps (no hashed names): the export copies them so.
PLAIN_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


EXPORT_SETTINGS = {
    "STORAGES": PLAIN_STATIC,
    "ALLOWED_HOSTS": [EXPORT_HOST],
    "SECURE_SSL_REDIRECT": False,
    "PLANWATCH_STATIC_EXPORT": True,
    # The export asks for every page itself, in-process: no limit on anonymous requests.
    "ANONYMOUS_RATE": None,
    # Pages rendered for the export (no log-in link) must never reach the live portal's cache.
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "planwatch-static-export",
        }
    },
}


def start_paths(plan: Plan) -> list[str]:
    """Where the crawl starts: each language's plan page and accessibility statement."""
    paths = [f"/{code}/plans/{plan.slug}/" for code, _name in settings.LANGUAGES]
    return paths + [f"/{code}/accessibility/" for code, _name in settings.LANGUAGES]


def publish_static(plan: Plan, out: Path, progress=None, base_url: str = "") -> Export:
    """Write the site into ``out``. ``base_url`` is the address the site will be served from:
    the DCAT-AP catalogue (``catalog.ttl``, ``catalog.jsonld``), whose addresses must be
    absolute, is written only with it."""
    with override_settings(**EXPORT_SETTINGS):
        result = _crawl(plan, out, progress)
        result.files = _copy_static(out / settings.STATIC_URL.strip("/"))
        if base_url:
            graph = catalogue.build([plan], base_url.rstrip("/"))
            for name, (syntax, _content_type) in CATALOGUE_FORMATS.items():
                (out / f"catalog.{name}").write_text(graph.serialize(format=syntax), "utf-8")
    # The site's root and each language's root lead to the plan, as they do on the live portal.
    _redirect(out / "index.html", f"/{settings.LANGUAGE_CODE}/plans/{plan.slug}/")
    for code, _name in settings.LANGUAGES:
        _redirect(out / code / "index.html", f"/{code}/plans/{plan.slug}/")
    result.failures += [f"broken link: {link}" for link in broken_links(out)]
    return result


def _crawl(plan: Plan, out: Path, progress) -> Export:
    out.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST=EXPORT_HOST, raise_request_exception=False)
    result = Export()
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    starts = start_paths(plan)
    prefixes = [f"/{code}/plans/{plan.slug}/" for code, _name in settings.LANGUAGES]
    queue = deque(starts)
    seen = set(queue)
    while queue:
        path = queue.popleft()
        response = client.get(path, secure=True)
        if response.status_code != 200:
            result.failures.append(f"{path}: HTTP {response.status_code}")
            continue
        target = file_for(out, path)
        content = b"".join(response) if response.streaming else response.content
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        except OSError as error:
            result.failures.append(f"{path}: {error}")
            continue
        result.pages += 1
        if progress:
            progress(path)
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(content.decode("utf-8")):
            linked = local_path(link)
            if not linked or linked in seen or linked.startswith(static_prefix):
                continue
            if linked in starts or any(linked.startswith(prefix) for prefix in prefixes):
                seen.add(linked)
                queue.append(linked)
    return result


def broken_links(out: Path) -> list[str]:
    """Every link of a written page to a path of this site that is not a written file."""
    broken = set()
    for page in sorted(out.rglob("*.html")):
        for link in links_of(page.read_text(encoding="utf-8")):
            path = local_path(link)
            if path is not None and not file_for(out, path).exists():
                broken.add(f"{page.relative_to(out)} -> {link}")
    return sorted(broken)


def _redirect(target: Path, url: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        f'<!doctype html><meta charset="utf-8"><title>Planwatch</title>'
        f'<meta http-equiv="refresh" content="0; url={url}"><a href="{url}">Planwatch</a>\n',
        encoding="utf-8",
    )


def _copy_static(target: Path) -> int:
    count = 0
    for finder in finders.get_finders():
        for relative, storage in finder.list(["CVS", ".*", "*~"]):
            destination = target / relative
            if destination.exists():
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(relative) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            count += 1
    return count
