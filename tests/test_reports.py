"""Reports (planwatch.documents.reports) for the NAP: the interim evaluation report, convention
coverage and budgets, read back from the HTML and DOCX they generate. PDF: test_reports_pdf.py;
command line and downloads: test_reports_command.py, test_reports_views.py."""

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import docx
import polib
import pytest

import planwatch
from planwatch.documents import reports
from planwatch.plans.models import Measure, Plan, Provision, Section
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, MeasureStatus, Round

from .report_helpers import flat, html_text

TODAY = dt.date(2024, 1, 15)
SLUG = "nap-2021-2025"

HEADLINES = {
    "en": "Of the {n} measures with a recorded status, {i}% have been implemented, {p}% are in "
    "progress and {s}% remain to be implemented.",
    "nl": "Van de {n} maatregelen met een geregistreerde status werd {i}% uitgevoerd, is {p}% in "
    "uitvoering en moet {s}% nog worden uitgevoerd.",
    "fr": "Sur les {n} mesures dont le statut est enregistré, {i} % ont été réalisées, {p} % "
    "sont en cours et {s} % restent à réaliser.",
    "de": "Von den {n} Maßnahmen mit erfasstem Status wurden {i} % umgesetzt, befinden sich "
    "{p} % in Umsetzung und sind {s} % noch umzusetzen.",
}
PUBLISHED = {
    "en": "The round's report published: 13% implemented, more than 70% in progress and 16% to "
    "be implemented, of 201 measures.",
    "nl": "Het verslag van deze ronde publiceerde: 13% uitgevoerd, meer dan 70% in uitvoering en "
    "16% nog uit te voeren, van 201 maatregelen.",
    "fr": "Le rapport de ce cycle a publié : 13 % réalisées, plus de 70 % en cours et 16 % à "
    "réaliser, sur 201 mesures.",
    "de": "Der Bericht dieser Runde veröffentlichte: 13 % umgesetzt, mehr als 70 % in Umsetzung "
    "und 16 % noch umzusetzen, von 201 Maßnahmen.",
}
CITATIONS = {
    "nl": "(maatregel 112)",
    "fr": "(mesure 112)",
    "de": "(Maßnahme 112)",
    "en": "(measure 112)",
}


def _report_messages() -> dict[str, dict[str, str]]:
    """The catalogue entries the reports use (their msgid is written in a report module), with
    their nl, fr and de translations: the reports have no words of their own."""
    root = Path(planwatch.__file__).parent
    source = "".join(path.read_text() for path in (root / "documents/reports").glob("*.py"))
    messages: dict[str, dict[str, str]] = {}
    for lang in ("nl", "fr", "de"):
        for entry in polib.pofile(str(root / f"locale/{lang}/LC_MESSAGES/django.po")):
            if not entry.msgid_plural and f'"{entry.msgid}"' in source:
                messages.setdefault(entry.msgid, {})[lang] = entry.msgstr
    return messages


MESSAGES = _report_messages()


def generate(plan: Plan, kind: str, lang: str, fmt: str, round_: Round | None = None) -> bytes:
    round_ = round_ or plan.rounds.get(slug="interim-2023")
    return reports.generate(kind, plan, round_, lang, fmt, today=TODAY)


def docx_of(data: bytes):
    return docx.Document(io.BytesIO(data))


def docx_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return flat("\n".join(parts))


def body(document):
    """The document in reading order: ("Heading N" or "p", text) for paragraphs, ("table",
    rows of cell texts) for tables."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for element in document.element.body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = Paragraph(element, document)
            name = paragraph.style.name if paragraph.style.name.startswith("Heading") else "p"
            yield name, flat(paragraph.text)
        elif element.tag.endswith("}tbl"):
            yield "table", [[c.text for c in row.cells] for row in Table(element, document).rows]


def table_after(document, heading: str) -> list[list[str]]:
    found = False
    for kind, value in body(document):
        found = found or (kind.startswith("Heading") and value == heading)
        if found and kind == "table":
            return value
    raise AssertionError(f"no table after {heading!r}")


def headings(document, level: int) -> list[str]:
    return [flat(p.text) for p in document.paragraphs if p.style.name == f"Heading {level}"]


def expected_headline(plan: Plan, lang: str) -> str:
    split = stats.status_split(plan, plan.rounds.get(slug="interim-2023"))
    by = {c.status: c.percent for c in split.counts}
    return HEADLINES[lang].format(
        n=split.total, i=by["implemented"], p=by["in_progress"], s=by["not_started"]
    )


@pytest.fixture(scope="module")
def nl_interim(django_db_setup, django_db_blocker):
    """The NAP's interim report in Dutch, as DOCX: read by several tests, generated once."""
    with django_db_blocker.unblock():
        return docx_of(generate(Plan.objects.get(slug=SLUG), "interim", "nl", "docx"))


@pytest.fixture(scope="module")
def interim_html(django_db_setup, django_db_blocker):
    """The NAP's interim report as HTML in a language, generated once per language."""
    pages: dict[str, str] = {}

    def html(lang: str) -> str:
        if lang not in pages:
            with django_db_blocker.unblock():
                plan = Plan.objects.get(slug=SLUG)
                pages[lang] = generate(plan, "interim", lang, "html").decode()
        return pages[lang]

    return html


def test_the_headline_sentence_carries_the_status_split(nap, interim_html):
    # 116 measures carry a status: 35 implemented (30%), 79 in progress (68%), 2 not started.
    assert expected_headline(nap, "en") == (
        "Of the 116 measures with a recorded status, 30% have been implemented, 68% are in "
        "progress and 2% remain to be implemented."
    )
    for lang in ("en", "fr", "de"):
        text = html_text(interim_html(lang))
        assert flat(expected_headline(nap, lang)) in text, lang
        assert flat(PUBLISHED[lang]) in text, lang


def test_interim_docx_has_the_plan_structure(nap, nl_interim):
    text = docx_text(nl_interim)
    assert flat(expected_headline(nap, "nl")) in text
    assert PUBLISHED["nl"] in text
    # Both headlines are labelled: computed from the statuses, and as published.
    assert "Berekend uit de statussen die voor deze ronde zijn geregistreerd" in text
    assert "Zoals gepubliceerd in het verslag van deze ronde" in text

    level1, level2 = headings(nl_interim, 1), headings(nl_interim, 2)
    assert level1[:2] == ["Inleiding", "Budgettair overzicht"]
    pillars = Section.objects.filter(plan=nap, parent__isnull=True).order_by("order")
    roman = ["", "I", "II", "III", "IV", "V", "VI", "VII"]
    assert level1[2:9] == [
        flat(f"{p.code} Pijler {roman[p.pillar]}: {p.title_nl}") for p in pillars
    ]
    objectives = Section.objects.filter(plan=nap, parent__isnull=False).order_by("order")
    assert level2 == [flat(f"{o.code} {o.title_nl}") for o in objectives]
    assert level1[9] == "Indicatoren en hun streefwaarden"
    assert level1[10] == "Mijlpalen"  # the NAP's dated milestones (planwatch.milestones)
    assert level1[11] == "Bijlage: alle maatregelen van het plan"

    annex = nl_interim.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == [
        "Nr.",
        "Maatregel",
        "Verantwoordelijke actoren",
        "Status",
        "Wijziging sinds de vorige ronde",
    ]
    numbers = [int(row.cells[0].text) for row in annex.rows[1:]]
    assert numbers == list(nap.measures.order_by("number").values_list("number", flat=True))
    row = next(r for r in annex.rows[1:] if r.cells[0].text == "2")
    assert [c.text for c in row.cells[2:4]] == ["IGVM; USL-B (partner)", "In uitvoering"]

    assert "(maatregel 2)." in text and "(maatregel 112)" in text


def test_docx_is_a_real_word_document(nap, nl_interim):
    properties = nl_interim.core_properties
    assert properties.title.startswith("Tussentijds evaluatieverslag: Nationaal actieplan")
    assert properties.language == "nl-BE"
    assert properties.created == dt.datetime(2024, 1, 15, tzinfo=dt.UTC)
    styles = nl_interim.styles.element.xml
    assert 'w:lang w:val="nl-BE"' in styles
    # Charts are pictures with alternative text; tables are Word tables.
    pictures = nl_interim.inline_shapes
    assert len(pictures) >= 20
    for picture in pictures:
        description = picture._inline.docPr.get("descr")
        assert description and description.startswith(picture._inline.docPr.get("title"))
    assert len(nl_interim.tables) > 3
    # Nothing says "draft" on a published round.
    assert not nl_interim.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_citation_and_labels_in_every_language(nap, interim_html, lang):
    html = interim_html(lang)
    text = html_text(html)
    assert f'<html lang="{lang}">' in html
    assert CITATIONS[lang] in text
    # No sentence or label of ours is left in English in another language.
    if lang != "en":
        for message, translations in MESSAGES.items():
            english = message.split("%")[0].strip()
            if len(english) > 14 and translations.get(lang) and english not in translations[lang]:
                assert english not in text, (lang, message)


def test_missing_translations_fall_back_visibly(nap):
    # A narrative without French: the French report shows the Dutch text, in its language,
    # marked, with the citation in French.
    status = MeasureStatus.objects.get(measure__plan=nap, measure__number=112)
    status.narrative_fr = ""
    status.save()
    html = generate(nap, "interim", "fr", "html").decode()
    body = status.narrative_nl.strip().rstrip(".")
    assert f'<span lang="nl">{body}</span> (mesure 112).' in html.replace("&#x27;", "'")
    assert "(affiché en : néerlandais)" in html


@pytest.mark.parametrize(("lang", "mark"), [("fr", "(affiché en :"), ("de", "(angezeigt auf:")])
def test_the_nap_reports_need_no_fallback(nap, interim_html, lang, mark):
    # Every text of the NAP exists in French and German: nothing is shown in another language.
    text = html_text(interim_html(lang))
    fallbacks = re.findall(r"[^.;]{0,80}\(\w+ \d+\)\.? " + re.escape(mark), text)
    count = text.count(mark)
    assert count == 0, f"{count} texts shown in another language, such as: {fallbacks[:10]}"


def test_budget_report_totals_equal_the_dashboard(nap):
    totals = stats.budget_totals(nap)
    document = docx_of(generate(nap, "budget", "en", "docx"))

    def amount(text: str) -> Decimal:
        if text in ("not counted", "not reported"):  # a nature without a counted line
            return Decimal(0)
        return Decimal(re.sub(r"[^\d.]", "", text))

    tables = {flat(t.rows[0].cells[0].text): t for t in document.tables}
    by_level = document.tables[0]
    assert [c.text for c in by_level.rows[0].cells] == [
        "Government level",
        "Period",
        "Specific",
        "Broader",
        "Total",
    ]
    rows = [[c.text for c in r.cells] for r in by_level.rows[1:]]
    assert len(rows) == len(totals.rows) + 1
    for row, expected in zip(rows, totals.rows, strict=False):
        assert row[1] == expected.period
        assert amount(row[2]) == expected.cell.specific
        assert amount(row[3]) == expected.cell.broader
        assert amount(row[4]) == expected.cell.total
    assert rows[-1][0] == "All levels"
    assert [amount(x) for x in rows[-1][2:]] == [
        totals.total.specific,
        totals.total.broader,
        totals.total.total,
    ]
    # Allocated + spent, per actor and per measure: each adds up to the same total.
    for header in ("Government level", "Actor", "No."):
        last = tables[header].rows[-1].cells[-1].text
        assert amount(last) == totals.total.total, header
    # The published totals are shown as printed, beside the computed ones.
    text = docx_text(document)
    assert "more than €181,000,000" in text
    assert "almost €102,000,000" in text
    assert "3 Budget lines per government level" in headings(document, 1)


def test_interim_budget_summary_matches_the_dashboard(nap, nl_interim):
    totals = stats.budget_totals(nap)
    table = next(t for t in nl_interim.tables if t.rows[0].cells[0].text == "Bestuursniveau")
    footer = [c.text for c in table.rows[-1].cells]
    assert footer[0] == "Alle niveaus"
    # The counted lines include "more than" amounts: the total is a lower bound.
    assert flat(footer[4]) == f"minstens € {totals.total.total:,.0f}".replace(",", ".")


def test_coverage_report_lists_articles_recommendations_and_gaps(nap):
    document = docx_of(generate(nap, "coverage", "en", "docx"))
    articles = Provision.objects.filter(framework__slug="istanbul-convention").order_by("order")
    served = [a for a in articles if a.measures.filter(plan=nap).exists()]
    unserved = [a for a in articles if a not in served]
    assert served and unserved
    level3 = headings(document, 3)
    for article in served:
        assert flat(f"Article {article.code} – {article.title_en}") in level3
    text = docx_text(document)
    assert (
        f"{len(served)} of the {len(articles)} articles are served by at least one measure; "
        f"no measure serves the other {len(unserved)}."
    ) in text
    # Article 25 (support for victims of sexual violence) is served by measures 112 and 114.
    article = articles.get(code="25")
    rows = table_after(document, flat(f"Article 25 – {article.title_en}"))
    assert rows[0] == ["No.", "Measure", "Status"]
    assert {"112", "114"} <= {row[0] for row in rows[1:]}
    gaps = document.tables[-1]
    assert [r.cells[0].text for r in gaps.rows[1:]] == [a.code for a in unserved]
    grevio = [flat(h) for h in headings(document, 2)]
    recommendation = Provision.objects.get(framework__slug="grevio-belgium-2020", code="shelters")
    assert any(h.endswith(recommendation.title_en) for h in grevio)


def test_same_data_same_output(nap, interim_html):
    first = generate(nap, "interim", "de", "html")
    assert first.decode() == interim_html("de")
    docx_first = generate(nap, "budget", "de", "docx")
    assert docx_first == generate(nap, "budget", "de", "docx")
    assert "<dd>15. Januar 2024</dd>" in first.decode()


@pytest.fixture
def draft_round(nap) -> Round:
    """An open (unpublished) round after the interim one, with three statuses."""
    round_ = Round.objects.create(
        plan=nap,
        slug="2024",
        name_en="Round 2024",
        name_nl="Ronde 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        state=Round.State.OPEN,
    )
    for number, status in ((2, "implemented"), (4, "in_progress"), (7, "in_progress")):
        MeasureStatus.objects.create(
            round=round_,
            measure=Measure.objects.get(plan=nap, number=number),
            status=status,
            narrative_en=f"Update on {number}.",
        )
    return round_


def test_an_unpublished_round_is_marked_draft_everywhere(nap, draft_round):
    html = generate(nap, "interim", "en", "html", draft_round).decode()
    assert '<p class="draft-banner" role="note"><strong>DRAFT</strong>' in html
    assert '@top-center { content: "DRAFT"; }' in html  # on every PDF page
    document = docx_of(generate(nap, "interim", "nl", "docx", draft_round))
    assert document.sections[0].header.paragraphs[0].text == "ONTWERP"
    text = docx_text(document)
    assert "Van de 3 maatregelen met een geregistreerde status werd 33% uitgevoerd" in text
    # The change since the previous published round, in the annex.
    annex = {r.cells[0].text: r.cells[4].text for r in document.tables[-1].rows[1:]}
    before = dict(
        MeasureStatus.objects.filter(round__slug="interim-2023", measure__plan=nap).values_list(
            "measure__number", "status"
        )
    )
    assert before[2] == "in_progress" and annex["2"] == "was: in uitvoering"
    assert before[4] == "in_progress" and annex["4"] == "ongewijzigd"
    assert (
        annex["112"] == f"was: {'uitgevoerd' if before[112] == 'implemented' else 'in uitvoering'}"
    )
    assert "Vergeleken met de vorige gepubliceerde ronde: Tussentijdse evaluatie 2021-2023." in text


def test_a_generated_plan_reports_in_every_kind(db):
    from .factories import make_plan

    plan = make_plan(measures=12, pillars=3)
    plan.rounds.update(is_final=True)  # the final evaluation report needs its final round
    round_ = plan.rounds.get()
    for kind in reports.KINDS:
        text = html_text(reports.generate(kind, plan, round_, "en", "html", today=TODAY).decode())
        assert "Generated on 15 January 2024" in text
    interim = html_text(reports.generate("interim", plan, round_, "en", "html").decode())
    assert "Of the 12 measures with a recorded status" in interim
    for number in range(1, 13):
        assert f"(measure {number})" in interim
    BudgetLine.objects.filter(plan=plan).delete()
    budget = html_text(reports.generate("budget", plan, round_, "fr", "html").decode())
    assert "Aucune ligne budgétaire n'est enregistrée pour ce plan." in budget


def test_every_message_is_translated():
    for message, translations in MESSAGES.items():
        if message.startswith("%(") and not translations:
            continue
        assert set(translations) == {"nl", "fr", "de"}, message
        for lang, text in translations.items():
            assert set(re.findall(r"%\((\w+)\)s", text)) == set(
                re.findall(r"%\((\w+)\)s", message)
            ), (lang, message)


def test_content_is_escaped_and_narratives_are_plain_text(db):
    from .factories import make_plan

    plan = make_plan(measures=3, pillars=1)
    round_ = plan.rounds.get()
    measure = plan.measures.get(number=1)
    measure.title_en = 'Shelters <script>alert("x")</script> & more'
    measure.save()
    status = MeasureStatus.objects.get(round=round_, measure=measure)
    status.narrative_en = (
        "Work **started** in\x0b 2022.\n\n- first step\n- second step\n\nNext: *more*."
    )
    status.save()
    html = reports.generate("interim", plan, round_, "en", "html").decode()
    assert "<script>" not in html
    assert "Shelters &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    for paragraph in (
        "<p>Work started in 2022.</p>",
        "<p>• first step</p>",
        "<p>• second step</p>",
    ):
        assert paragraph in html
    assert "<p>Next: more (measure 1).</p>" in html
    text = docx_text(docx_of(reports.generate("interim", plan, round_, "en", "docx")))
    assert 'Shelters <script>alert("x")</script> & more' in text
    assert "Work started in 2022." in text
