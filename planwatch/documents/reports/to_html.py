"""The report as one self-contained HTML page (styles inline, charts as inline SVG)."""

from django.template.loader import render_to_string
from django.utils import translation

from .model import Document


def render_html(document: Document) -> str:
    # The report's language for anything the templates translate or format themselves.
    with translation.override(document.lang):
        return render_to_string("reports/report.html", {"doc": document})
