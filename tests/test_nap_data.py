"""The NAP 2021-2025 as the interim report gives it: structure, figures, budgets, own words."""

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.db.models import Q
from modeltranslation.translator import translator

from planwatch.actors.models import Actor, Government
from planwatch.datasets.loader import NAP_DATASET
from planwatch.datasets.reader import LANGUAGES
from planwatch.indicators.models import Indicator
from planwatch.plans.models import Framework, Measure, Plan, Provision, Section, Tag
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, MeasureStatus, PublishedBudgetTotal, Round

REPORT = Path(__file__).resolve().parents[2] / "shared" / "sources"
REPORT = REPORT / "nap-2021-2025-interim-report.nl.txt"

# Objectives per pillar, as the report's headings number them (pillar VII has none).
OBJECTIVES = {1: 1, 2: 3, 3: 7, 4: 7, 5: 4, 6: 4, 7: 0}


def test_the_plan(nap):
    assert nap.declared_measures == 201
    assert nap.adopted.isoformat() == "2021-11-26"
    assert (nap.start.year, nap.end.year) == (2021, 2025)
    assert nap.coordinator.slug == "igvm"
    for lang in ("nl", "fr", "en"):
        assert getattr(nap, f"title_{lang}")


def test_pillars_and_objectives(nap):
    pillars = Section.objects.filter(plan=nap, parent__isnull=True).order_by("order")
    assert [p.pillar for p in pillars] == [1, 2, 3, 4, 5, 6, 7]
    assert [p.code for p in pillars] == [f"1.{n}" for n in range(1, 8)]
    for pillar in pillars:
        codes = [c.code for c in pillar.children.order_by("order")]
        assert codes == [f"1.{pillar.pillar}.{n}" for n in range(1, OBJECTIVES[pillar.pillar] + 1)]
    for section in Section.objects.filter(plan=nap):
        assert section.title_nl and section.title_fr and section.title_en, section.code


def test_measures_are_numbered_in_the_order_of_the_sections(nap):
    """The plan numbers its measures through the pillars in order, so placement is checkable."""
    measures = list(nap.measures.select_related("section").order_by("number"))
    orders = [m.section.order for m in measures]
    assert orders == sorted(orders), [(m.number, m.section.code) for m in measures]


def test_every_measure_is_complete(nap):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    for measure in nap.measures.prefetch_related("measure_actors", "statuses"):
        assert measure.title_nl and measure.title_fr and measure.title_en, measure.number
        assert measure.description_nl and measure.description_en, measure.number
        assert measure.measure_actors.all(), measure.number
        (status,) = measure.statuses.all()
        assert status.round == interim
        assert status.status in nap.statuses
        assert status.narrative_nl and status.narrative_en, measure.number
        assert status.source, measure.number


def test_published_headline(nap):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    assert interim.headline_measures == 201
    figures = {f.status: (f.qualifier, f.percent) for f in interim.headline_figures.all()}
    assert figures == {
        "implemented": ("exact", Decimal(13)),
        "in_progress": ("more_than", Decimal(70)),
        "not_started": ("exact", Decimal(16)),
    }


def test_budget_totals_computed_from_the_lines(nap):
    totals = stats.budget_totals(nap)
    rows = {(r.level, r.period): (r.cell.specific, r.cell.broader) for r in totals.rows}
    assert rows == {
        ("federal", "2021-2023"): (Decimal(79_000_000), Decimal(0)),
        ("federated", "2021-2023"): (Decimal(79_000_000), Decimal(22_000_000)),
    }
    assert totals.total.total == Decimal(180_000_000)


def test_budget_totals_as_the_report_prints_them(nap):
    printed = {
        (t.level, t.period, t.nature): (t.qualifier, t.amount)
        for t in stats.published_budget_totals(nap)
    }
    assert printed[("", "2021-2023", "")] == ("more_than", Decimal(181_000_000))
    assert printed[("federal", "2021-2023", "specific")] == ("more_than", Decimal(79_000_000))
    assert printed[("federal", "2022-2023", "broader")] == ("exact", Decimal(40_595_000))
    assert printed[("federated", "2021-2023", "")] == ("almost", Decimal(102_000_000))
    assert printed[("federated", "2021-2023", "specific")] == ("more_than", Decimal(79_000_000))
    assert printed[("federated", "2021-2023", "broader")] == ("exact", Decimal(22_000_000))


def test_itemised_budget_lines(nap):
    line = nap.budget_lines.get(measure__number=10, year=2023)
    assert line.amount == Decimal(2_500_000)
    assert not line.in_totals
    assert nap.budget_lines.count() > 40


def test_plan_page_shows_the_report_figures(client, nap):
    page = client.get("/en/plans/nap-2021-2025/").content.decode().replace("\u00a0", " ")
    for text in (
        "more than €181,000,000",
        "almost €102,000,000",
        "€40,595,000",
        "€180,000,000",
        "3,287",  # ZSG registrations in 2022
        "63.8",  # share of ZSG victims who file a complaint
    ):
        assert text in page, text


def test_plan_page_in_dutch_formats_numbers_the_belgian_way(client, nap):
    page = client.get("/nl/plans/nap-2021-2025/").content.decode()
    assert "€\u00a0181.000.000" in page
    assert "3.287" in page


def test_indicators(nap):
    def values(code: str) -> dict[str, Decimal]:
        indicator = Indicator.objects.get(plan=nap, code=code)
        return {o.period: o.value for o in indicator.observations.all()}

    # A running total and a count per period are two indicators (tests/test_indicator_kinds.py).
    assert values("zsg-registrations") == {"2022": 3287}
    assert values("zsg-registrations-since-2017") == {"2017/2022": 8230}
    assert values("zsg-centres-open")["2023-11"] == 10
    assert values("zsg-complaint-share") == {"2017/2022": Decimal("63.8")}
    assert values("fgm-women-concerned")
    assert Indicator.objects.filter(plan=nap).count() >= 30
    msa = Indicator.objects.get(plan=nap, code="msa-rollout")
    assert "judicial_district" in msa.dimensions


# Twelve words in a row shared with the report are allowed only inside quotation marks of any of
# our languages (the title of a publication) or in these names of laws and lists of governments.
NAMES = (
    "wet van 22 mei 2014 ter bestrijding van seksisme in de openbare ruimte",
    "de fwb het waals gewest het brussels hoofdstedelijk gewest en de cocof",
)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|„[^“]*“|«[^»]*»|(?<!\w)['‘][^'’]*['’](?!\w)")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_descriptions_are_in_our_own_words():
    if not REPORT.exists():
        pytest.skip(f"source report not found at {REPORT}")
    report = _words(REPORT.read_text(encoding="utf-8"))
    runs = {tuple(report[i : i + 12]) for i in range(len(report) - 11)}
    copied = []
    for path in sorted(NAP_DATASET.glob("measures-*.yaml")):
        for measure in yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]:
            texts = [
                measure["description"],
                *[s.get("justification", {}) for s in measure["statuses"].values()],
            ]
            for text in (t for mapping in texts for t in mapping.values()):
                own = " ".join(_words(QUOTED.sub(" ", text)))
                for name in NAMES:
                    own = own.replace(name, " ")
                words = own.split()
                for i in range(len(words) - 11):
                    if tuple(words[i : i + 12]) in runs:
                        copied.append((measure["number"], " ".join(words[i : i + 12])))
    assert not copied, sorted({number for number, _run in copied})


def _shown_records(plan: Plan):
    """(kind, name, record) for every record of the plan whose texts the portal, reports,
    exports and API show. (Headline figures have no text of their own: their labels are
    interface strings.)"""
    measures = Measure.objects.filter(plan=plan)
    actors = Actor.objects.filter(
        Q(measure_roles__measure__plan=plan)
        | Q(coordinated_plans=plan)
        | Q(budget_lines__plan=plan)
    ).distinct()
    frameworks = Framework.objects.filter(provisions__measures__plan=plan).distinct()
    budget_governments = BudgetLine.objects.filter(plan=plan).values("government")
    yield "plan", plan.slug, plan
    for r in Round.objects.filter(plan=plan):
        yield "round", r.slug, r
    for s in Section.objects.filter(plan=plan):
        yield "section", s.code, s
    for m in measures:
        yield "measure", m.number, m
    for st in MeasureStatus.objects.filter(measure__plan=plan).select_related("measure", "round"):
        yield "status", f"of measure {st.measure.number} in {st.round.slug}", st
    for b in BudgetLine.objects.filter(plan=plan).select_related("government", "measure"):
        about = f"measure {b.measure.number}" if b.measure else b.government.code
        yield "budget line", f"{b.year} {about} {b.amount}", b
    for t in PublishedBudgetTotal.objects.filter(plan=plan):
        yield "published total", f"{t.level or 'all'} {t.year}-{t.to_year}", t
    for i in Indicator.objects.filter(plan=plan):
        yield "indicator", i.code, i
    for f in frameworks:
        yield "framework", f.slug, f
    for p in Provision.objects.filter(framework__in=frameworks).select_related("framework"):
        yield "provision", f"{p.framework.slug} {p.code}", p
    for a in actors:
        yield "actor", a.slug, a
    for g in Government.objects.filter(Q(actors__in=actors) | Q(pk__in=budget_governments)):
        yield "government", g.code, g
    for t in Tag.objects.filter(measures__plan=plan).distinct():
        yield "tag", t.slug, t


def missing_languages(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    """(kind, name, field, languages) for every shown text filled in some language but not in
    all; a text left out in every language (an actor without an abbreviation) is not shown."""
    missing = []
    seen = set()
    for kind, name, obj in _shown_records(plan):
        if (type(obj), obj.pk) in seen:
            continue
        seen.add((type(obj), obj.pk))
        for field in translator.get_options_for_model(type(obj)).fields:
            texts = {lang: (getattr(obj, f"{field}_{lang}") or "").strip() for lang in LANGUAGES}
            absent = [lang for lang, text in texts.items() if not text]
            if absent and len(absent) < len(LANGUAGES):
                missing.append((kind, str(name), field, absent))
    return missing


def missing_breakdown_labels(plan: Plan) -> list[tuple[str, str, str, list[str]]]:
    """Breakdown values (observations' and targets' ``dims``, written in Dutch) without their
    French, German or English label in the indicator's ``labels``."""
    missing = []
    for indicator in Indicator.objects.filter(plan=plan).prefetch_related(
        "observations", "targets"
    ):
        points = [*indicator.observations.all(), *indicator.targets.all()]
        for value in sorted({str(v) for point in points for v in (point.dims or {}).values()}):
            texts = (indicator.labels or {}).get(value) or {}
            absent = [lang for lang in LANGUAGES if lang != "nl" and not texts.get(lang)]
            if absent:
                missing.append(("breakdown label", f"{indicator.code} {value}", "labels", absent))
    return missing


def test_every_breakdown_label_of_the_nap_exists_in_every_language(nap):
    assert missing_breakdown_labels(nap) == []
    luik = Indicator.objects.get(plan=nap, code="zsg-centres-opened")
    assert [luik.label("Luik", lang) for lang in LANGUAGES] == ["Luik", "Liège", "Lüttich", "Liège"]


def test_a_breakdown_value_without_a_label_is_reported(nap):
    indicator = Indicator.objects.get(plan=nap, code="zsg-centres-opened")
    del indicator.labels["Luik"]["de"]
    indicator.save()
    assert missing_breakdown_labels(nap) == [
        ("breakdown label", "zsg-centres-opened Luik", "labels", ["de"])
    ]


def test_every_shown_text_of_the_nap_exists_in_every_language(nap):
    missing = missing_languages(nap)
    counts = Counter(
        (kind, field, lang) for kind, _name, field, absent in missing for lang in absent
    )
    lines = [f"{kind} {field} in {lang}: {n}" for (kind, field, lang), n in sorted(counts.items())]
    lines += ["", *(f"{k} {n} {f}: {', '.join(a)}" for k, n, f, a in missing)]
    assert not missing, "texts missing a language (kind, field, language: count):\n" + "\n".join(
        lines
    )


def test_a_text_missing_a_language_is_reported(nap):
    measure = Measure.objects.get(plan=nap, number=2)
    measure.description_de = ""
    measure.save()
    indicator = Indicator.objects.get(plan=nap, code="zsg-registrations")
    indicator.source_fr = None
    indicator.save()
    missing = missing_languages(nap)
    assert ("measure", "2", "description", ["de"]) in missing
    assert ("indicator", "zsg-registrations", "source", ["fr"]) in missing
