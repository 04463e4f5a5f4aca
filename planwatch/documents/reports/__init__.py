"""Reports generated from the data: the interim evaluation report, the convention coverage
report, the budget report and the final evaluation report, in HTML, PDF and DOCX, in nl, fr, de
and en.

Each report is built by one function into the one model of :mod:`.model`; each format renders
that model. :func:`generate` is the entry point for the command line, the download view and the
benchmarks alike.
"""

from collections.abc import Callable
from datetime import date

from django.utils import timezone

from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from .budget import build_budget
from .coverage import build_coverage
from .final import build_final
from .interim import build_interim
from .model import Document
from .text import LANGUAGES

BUILDERS: dict[str, Callable[[Plan, Round | None, str, date], Document]] = {
    "interim": build_interim,
    "coverage": build_coverage,
    "budget": build_budget,
    "final": build_final,
}
KINDS = tuple(BUILDERS)
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

Progress = Callable[[int, int], None]  # (done, total) units of work


def build(kind: str, plan: Plan, round_: Round | None, lang: str, today: date | None = None):
    """The report's model. ``today`` is the date of generation printed on it."""
    if kind not in BUILDERS:
        raise ValueError(f"Unknown report {kind!r}: choose one of {', '.join(KINDS)}.")
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}.")
    if kind == "interim" and round_ is None:
        raise ValueError(f"Plan {plan.slug!r} has no reporting round to report on.")
    return BUILDERS[kind](plan, round_, lang, today or timezone.localdate())


def render(document: Document, fmt: str, progress: Progress | None = None) -> bytes:
    if fmt == "html":
        from .to_html import render_html

        return render_html(document).encode()
    if fmt == "pdf":
        try:
            from .to_pdf import render_pdf
        except OSError as error:  # WeasyPrint loads Pango, a system library, when imported
            raise RuntimeError(
                "PDF needs the Pango library WeasyPrint uses (Debian: apt-get install "
                f"libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core): {error}"
            ) from error
        return render_pdf(document, progress)
    if fmt == "docx":
        from .to_docx import render_docx

        return render_docx(document, progress)
    raise ValueError(f"Unknown format {fmt!r}: choose one of {', '.join(FORMATS)}.")


def generate(
    kind: str,
    plan: Plan,
    round_: Round | None,
    lang: str,
    fmt: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> bytes:
    return render(build(kind, plan, round_, lang, today), fmt, progress)


def filename(kind: str, plan: Plan, round_: Round | None, lang: str, fmt: str) -> str:
    parts = [plan.slug, round_.slug if round_ else "", kind, lang]
    return "-".join(p for p in parts if p) + f".{fmt}"
