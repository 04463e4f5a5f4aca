"""The public portal as static files: every page of a plan in every language, its downloads and
the static files, for any web server or CDN.

Pages are rendered in-process by Django's test client (the same views, templates and published
data as the live portal) and found by following links from each language's plan page. A page
at ``/nl/plans/x/`` is written as ``nl/plans/x/index.html``; a download keeps its name.
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
    skipped: list[str] = field(default_factory=list)


# Pages name static files as they are in the apps (no hashed names): the export copies them so.
PLAIN_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=PLAIN_STATIC)
def publish_static(plan: Plan, out: Path, progress=None) -> Export:
    out.mkdir(parents=True, exist_ok=True)
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("."))
    result = Export()
    static_prefix = "/" + settings.STATIC_URL.lstrip("/")
    prefixes = [f"/{code}/plans/{plan.slug}/" for code, _name in settings.LANGUAGES]
    queue = deque(prefixes)
    seen = set(queue)
    while queue:
        path = queue.popleft()
        response = client.get(path)
        if response.status_code != 200:
            result.skipped.append(f"{path} ({response.status_code})")
            continue
        target = file_for(out, path)
        target.parent.mkdir(parents=True, exist_ok=True)
        content = b"".join(response) if response.streaming else response.content
        target.write_bytes(content)
        result.pages += 1
        if progress:
            progress(path)
        if "html" not in response.get("Content-Type", ""):
            continue
        for link in links_of(content.decode("utf-8")):
            linked = local_path(link)
            if not linked or linked in seen or linked.startswith(static_prefix):
                continue
            if any(linked.startswith(prefix) for prefix in prefixes):
                seen.add(linked)
                queue.append(linked)
    result.files = _copy_static(out / settings.STATIC_URL.strip("/"))
    # The site's root and each language's root lead to the plan, as they do on the live portal.
    _redirect(out / "index.html", f"/{settings.LANGUAGE_CODE}/plans/{plan.slug}/")
    for code, _name in settings.LANGUAGES:
        _redirect(out / code / "index.html", f"/{code}/plans/{plan.slug}/")
    return result


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
