"""The NAP 2021-2025 as the interim report gives it: structure, figures, budgets, own words."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from planwatch.datasets.loader import NAP_DATASET
from planwatch.indicators.models import Indicator
from planwatch.plans.models import Section
from planwatch.reporting import stats
from planwatch.reporting.models import Round

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

    assert values("zsg-registrations") == {"2017/2022": 8230, "2022": 3287}
    assert values("zsg-centres-open")["2023-11"] == 10
    assert values("zsg-complaint-share") == {"2017/2022": Decimal("63.8")}
    assert values("fgm-women-concerned")
    assert Indicator.objects.filter(plan=nap).count() >= 30
    msa = Indicator.objects.get(plan=nap, code="msa-rollout")
    assert "judicial_district" in msa.dimensions


# Twelve words in a row shared with the report are allowed only inside quotation marks (the
# title of a publication) or in these names of laws and lists of governments.
NAMES = (
    "wet van 22 mei 2014 ter bestrijding van seksisme in de openbare ruimte",
    "de fwb het waals gewest het brussels hoofdstedelijk gewest en de cocof",
)
QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|«[^»]*»|(?<!\w)['‘][^'’]*['’](?!\w)")


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
