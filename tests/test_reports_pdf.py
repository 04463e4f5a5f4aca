"""Reports as PDF, read back with pypdf. PDF layout is slow, so there are only two: the NAP's
interim report in Dutch, and a small plan's draft."""

import datetime as dt
import io
import re

import pypdf
import pytest

from planwatch.documents import reports
from planwatch.plans.models import Plan, Section
from planwatch.reporting import stats
from planwatch.reporting.models import Round

from .factories import make_plan

ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII"]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def nap_pdf(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        plan = Plan.objects.get(slug="nap-2021-2025")
        data = reports.generate(
            "interim", plan, plan.rounds.get(), "nl", "pdf", today=dt.date(2024, 1, 15)
        )
    reader = pypdf.PdfReader(io.BytesIO(data))
    return reader, [flat(page.extract_text()) for page in reader.pages]


def test_nap_interim_pdf_has_its_text_structure_and_figures(nap, nap_pdf):
    reader, pages = nap_pdf
    text = " ".join(pages)
    split = stats.status_split(nap, nap.rounds.get())
    percent = {c.status: c.percent for c in split.counts}
    assert (
        f"Van de {split.total} maatregelen met een geregistreerde status werd "
        f"{percent['implemented']}% uitgevoerd, is {percent['in_progress']}% in uitvoering en "
        f"moet {percent['not_started']}% nog worden uitgevoerd."
    ) in text
    assert "meer dan 70% in uitvoering" in text
    for section in Section.objects.filter(plan=nap).order_by("order"):
        title = section.title_nl
        if section.parent_id is None:
            title = f"Pijler {ROMAN[section.pillar]}: {title}"
        assert flat(f"{section.code} {title}") in text, section.code
    assert "(maatregel 112)" in text
    total = stats.budget_totals(nap).total.total
    assert f"€ {total:,.0f}".replace(",", ".") in text

    # The annex, after its heading (the last time it appears: the contents list it first).
    annex = text[text.rindex("Bijlage: alle maatregelen van het plan") :]
    numbers = set(re.findall(r"\b\d+\b", annex))
    missing = {str(n) for n in nap.measures.values_list("number", flat=True)} - numbers
    assert not missing
    assert not any("ONTWERP" in page for page in pages)


def test_nap_interim_pdf_is_accessible_and_self_contained(nap, nap_pdf):
    reader, _pages = nap_pdf
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
    assert reader.metadata.title.startswith("Tussentijds evaluatieverslag: Nationaal actieplan")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                fonts[str(font["/BaseFont"])] = "/FontFile2" in descriptor
    assert fonts and all(fonts.values()), fonts
    assert any("DejaVu" in name for name in fonts)
    # Headings become the bookmarks: the chapters, then the objectives inside them.
    titles = [item.title if not isinstance(item, list) else None for item in reader.outline]
    assert titles[:2] == ["Inleiding", "Budgettair overzicht"]


def test_draft_is_on_every_page(db):
    plan = make_plan(measures=6, pillars=2)
    round_ = plan.rounds.get()
    round_.state = Round.State.CLOSED
    round_.save()
    data = reports.generate("interim", plan, round_, "fr", "pdf")
    pages = [flat(page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    assert len(pages) > 3
    assert all("PROJET" in page for page in pages)
    assert "Ce cycle n'est pas publié : ce rapport est un projet" in pages[0]
