"""The report as PDF: the HTML rendering laid out by WeasyPrint.

The PDF has real, searchable text in embedded (subset) DejaVu fonts, the document's language
and title, and is tagged as PDF/UA-1 so screen readers get its structure.
"""

import weasyprint

from .model import Document
from .to_html import render_html

PDF_VARIANT = "pdf/ua-1"


def render_pdf(document: Document, progress=None) -> bytes:
    steps = 3
    html = render_html(document)
    if progress:
        progress(1, steps)
    laid_out = weasyprint.HTML(string=html).render(pdf_variant=PDF_VARIANT)
    if progress:
        progress(2, steps)
    pdf = laid_out.write_pdf(pdf_variant=PDF_VARIANT)
    if progress:
        progress(3, steps)
    return pdf
