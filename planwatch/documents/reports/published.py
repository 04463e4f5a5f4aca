"""The public reports, rendered once and served as files.

A published round's report (or a plan's coverage and budget reports before any round is
published) depends on the round, the kind, the language, the format and the data. Each is
rendered once per data version (:class:`planwatch.core.models.DataVersion`) into
``REPORTS_DIR/<version>/<plan>/<round>/<kind>-<lang>.<format>`` and served from there: a query
string never reaches the name, so no junk parameter can make Planwatch render anything. Any
change of data (a correction, an assessment, an import) starts a new version: the next download
renders the report again, once, and older versions' folders are removed.

When a round is published (``reporting.signals.round_published``), the reports the portal links
(3 kinds × 4 languages × 3 formats) are rendered in a background thread once the transaction is
committed, unless ``REPORTS_RENDER_ON_PUBLISH`` is off; ``planwatch render-reports`` does the same
for existing rounds. Two processes asking for the same missing file render it once: the second
waits on a lock file.

Draft rounds are never stored: their reports are rendered for each coordinator's request.
"""

import fcntl
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from planwatch.core.models import DataVersion
from planwatch.documents import reports
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

log = logging.getLogger(__name__)

# A folder of an older data version is removed once it is this old: a process may still be
# serving from it for up to PAGE_CACHE_VERSION_SECONDS.
KEEP_OLD_SECONDS = 300


def write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written report."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report_path(plan: Plan, round_: Round | None, kind: str, lang: str, fmt: str) -> Path:
    """Where the report of the current data version is stored. Every part is checked: slugs
    (letters, digits, hyphens) and the known kinds, languages and formats."""
    if kind not in reports.KINDS or fmt not in reports.FORMATS or lang not in reports.LANGUAGES:
        raise ValueError(f"No such report: {kind}-{lang}.{fmt}")
    if round_ is not None and not round_.is_published:
        raise ValueError("Only the reports of published rounds are stored.")
    version = DataVersion.recent()
    round_part = round_.slug if round_ is not None else "-"
    return Path(settings.REPORTS_DIR) / version / plan.slug / round_part / f"{kind}-{lang}.{fmt}"


def stored_report(plan: Plan, round_: Round | None, kind: str, lang: str, fmt: str) -> Path:
    """The report's file, rendered first if this data version has none yet."""
    path = report_path(plan, round_, kind, lang, fmt)
    if path.exists():
        return path
    data = None
    for attempt in (1, 2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with _locked(path.parent / f".{path.name}.lock"):
                if not path.exists():  # another thread or process may have rendered it meanwhile
                    if data is None:
                        data = reports.generate(kind, plan, round_, lang, fmt)
                    write_atomically(path, data)
            break
        except FileNotFoundError:
            # Another process, already on a newer data version, removed this version's folder
            # while this one still read the older version: make it again, once.
            if attempt == 2:
                raise
    _drop_old_versions(keep=path.parents[2].name)
    return path


class _locked:
    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        self.handle = open(self.path, "a")  # noqa: SIM115 - closed in __exit__
        fcntl.flock(self.handle, fcntl.LOCK_EX)

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def _drop_old_versions(keep: str) -> None:
    root = Path(settings.REPORTS_DIR)
    now = time.time()
    for folder in root.iterdir():
        try:
            if folder.name != keep and now - folder.stat().st_mtime > KEEP_OLD_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def linked_reports(round_: Round | None = None) -> Iterator[tuple[str, str, str]]:
    """(kind, language, format) of every report the portal links for a published round: the
    plan page links each kind in each format, in the page's language; the final evaluation
    report only for the plan's final round."""
    for kind in reports.KINDS:
        if kind == "final" and not (round_ is not None and round_.is_final):
            continue
        for lang in reports.LANGUAGES:
            for fmt in reports.FORMATS:
                yield kind, lang, fmt


def render_round(round_: Round) -> int:
    """Render every linked report of the round that this data version lacks; the number
    rendered."""
    rendered = 0
    for kind, lang, fmt in linked_reports(round_):
        if not report_path(round_.plan, round_, kind, lang, fmt).exists():
            stored_report(round_.plan, round_, kind, lang, fmt)
            rendered += 1
    return rendered


def _render_in_background(round_id: int) -> None:
    try:
        close_old_connections()
        round_ = Round.objects.select_related("plan").get(pk=round_id)
        render_round(round_)
    except Exception:  # a failed rendering is retried by the first download
        log.exception("Rendering the reports of round %s failed", round_id)
    finally:
        connections.close_all()


def on_round_published(sender, round: Round, **kwargs) -> None:
    """Connected to ``reporting.signals.round_published`` (see DocumentsConfig.ready)."""
    if not settings.REPORTS_RENDER_ON_PUBLISH:
        return
    round_id = round.pk

    def start() -> None:
        threading.Thread(
            target=_render_in_background, args=(round_id,), name="render-reports", daemon=True
        ).start()

    transaction.on_commit(start)
