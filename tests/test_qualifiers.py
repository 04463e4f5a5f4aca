"""Figures keep their qualifier ("more than 23,000"): from the dataset through the pages, charts,
exports, data package, API, reports and the round import; a wrong qualifier is refused clearly."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from planwatch.datasets.loader import load_dataset
from planwatch.datasets.reader import DatasetError
from planwatch.documents import reports
from planwatch.documents.exports import SOURCES
from planwatch.documents.imports import apply_round_import, preview_round_import
from planwatch.indicators.models import Observation, Target
from planwatch.lib import charts, figures
from planwatch.plans.models import Plan
from planwatch.reporting import services
from planwatch.reporting.models import BudgetLine, Contribution, PublishedBudgetTotal, Round

from .api_helpers import FILLED, auth, call
from .export_helpers import as_csv, as_json, as_sheet, write_package
from .imports_helpers import ACTOR, add_budget, save, workbook

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture
def import_round(nap, coordinator) -> Round:
    """An open round of 2024-2025 (the round import's tests use the same)."""
    round_ = services.create_round(
        nap,
        user=coordinator,
        slug="2024",
        name={"en": "Round 2024"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 1, 31),
    )
    services.open_round(round_, user=coordinator)
    return round_


@pytest.fixture
def item(import_round) -> Contribution:
    """A contribution of FPS Justice (focal_a's actor)."""
    return import_round.contributions.filter(actor__slug=ACTOR).order_by("measure__number")[0]


def patch_budget(client, item, user, line: dict):
    body = {"version": item.version, "budget": [{**FILLED["budget"][0], **line}]}
    return call(client, item, "patch", auth(user), body)


PAGE = "/{lang}/plans/nap-2021-2025/indicators/{code}/"

# The qualified facts of the interim report that the NAP dataset holds: observations and
# targets (indicator code, value, qualifier) and budget lines (government, amount, qualifier).
OBSERVATIONS = [
    ("fgm-women-concerned", 23000, "more_than"),  # "meer dan 23.000 besneden vrouwen"
    ("fgm-girls-at-risk", 12000, "more_than"),  # "meer dan 12.000 minderjarige meisjes"
    ("professionals-reached", 300, "about"),  # "ongeveer driehonderd advocaten"
    ("professionals-reached", 200, "more_than"),  # "meer dan 200 mensen"
    ("professionals-reached", 300, "more_than"),  # "meer dan 300 beroepsmensen"
]
BUDGET_LINES = [
    ("be-fed", 79_000_000, "more_than"),  # "meer dan 79 miljoen euro" (federal)
    ("federated", 79_000_000, "more_than"),  # "meer dan 79 miljoen euro" (federated)
    ("wal", 170_000, "more_than"),  # "meer dan 170.000€"
    ("wal", 4_000_000, "more_than"),  # "meer dan 4.000.000€"
    ("fwb", 500_000, "less_than"),  # "bijna 500.000€ jaarlijks" (one line a year)
    ("wal", 200_000, "less_than"),  # "bijna 200.000€"
    ("wal", 320_000, "more_than"),  # "meer dan 320.000€"
    ("be-fed", 5_500_000, "more_than"),  # "meer dan 5,5 miljoen euro"
]


def flat(text: str) -> str:
    """Spaces as spaces (French groups digits with a no-break space)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def women(nap) -> Observation:
    return Observation.objects.get(indicator__plan=nap, indicator__code="fgm-women-concerned")


# The dataset ----------------------------------------------------------------------------------


def test_the_qualified_facts_carry_their_qualifier_in_the_database(nap):
    for code, value, qualifier in OBSERVATIONS:
        found = Observation.objects.filter(
            indicator__plan=nap, indicator__code=code, value=value, qualifier=qualifier
        )
        assert found.exists(), (code, value, qualifier)
    for government, amount, qualifier in BUDGET_LINES:
        found = BudgetLine.objects.filter(
            plan=nap, government__code=government, amount=amount, qualifier=qualifier
        )
        assert found.exists(), (government, amount, qualifier)
    # 11 distinct facts at least: the yearly "almost 500,000" is one fact on five lines.
    assert len(OBSERVATIONS) + len(BUDGET_LINES) >= 11
    # A range's lower bound and a floor are targets "at least".
    assert Target.objects.filter(indicator__plan=nap, qualifier="at_least").count() == 2
    # Everything else stays exact.
    assert Observation.objects.filter(indicator__plan=nap).exclude(qualifier="exact").count() == 5
    # The printed totals keep "almost" as printed.
    printed = PublishedBudgetTotal.objects.get(plan=nap, amount=102_000_000)
    assert printed.qualifier == "almost"


def test_almost_is_stored_as_an_upper_bound():
    assert figures.meaning("almost") == "less_than"
    assert figures.meaning("more_than") == "more_than"
    assert figures.of_sum(["more_than", "exact"]) == "at_least"
    assert figures.of_sum(["exact", "exact"]) == "exact"
    assert figures.of_sum(["almost", "at_most"]) == "at_most"
    assert figures.of_sum(["more_than", "less_than"]) == "about"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("nl", "meer dan 23.000"),
        ("fr", "plus de 23 000"),
        ("de", "mehr als 23.000"),
        ("en", "more than 23,000"),
    ],
)
def test_the_indicator_page_shows_the_qualifier_in_each_language(client, nap, lang, words):
    response = client.get(PAGE.format(lang=lang, code="fgm-women-concerned"))
    assert response.status_code == 200
    assert words in flat(response.content.decode())


def test_the_chart_marks_a_qualified_bar_and_its_table_says_so(client, nap, women):
    page = client.get(PAGE.format(lang="en", code="fgm-women-concerned")).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'class="qualified"' in svg
    assert "more than 23,000" in svg  # the bar's tooltip and the chart's description
    chart = charts.Chart(
        id="c",
        title="FGM",
        series=[charts.Series("value", "persons")],
        categories=[
            charts.Category("2022", (23000.0,), ("more than 23,000",)),
            charts.Category("2023", (100.0,)),
        ],
        stacked=False,
    )
    _header, rows = charts.table_rows(chart)
    assert rows == [["2022", "more than 23,000"], ["2023", "100"]]
    assert charts.svg(chart).count('class="qualified"') == 1


def test_targets_and_budget_lines_show_their_qualifier(client, nap):
    target = client.get(
        PAGE.format(lang="en", code="bru-third-shelter-housing-units")
    ).content.decode()
    assert "at least 12" in flat(target)
    measure = BudgetLine.objects.filter(plan=nap, qualifier="more_than").exclude(measure=None)[0]
    page = client.get(f"/fr/plans/nap-2021-2025/measures/{measure.measure.number}/")
    assert "plus de " in flat(page.content.decode())
    plan = flat(client.get("/de/plans/nap-2021-2025/").content.decode())
    assert "mehr als 79.000.000 €" in plan
    assert "fast 102.000.000 €" in plan  # the printed total, "almost" as printed


# Exports and the data package -----------------------------------------------------------------


def test_every_export_has_a_qualifier_column(nap):
    for what in ("observations", "budgets"):
        rows = as_json(what, nap)
        assert {row["qualifier"] for row in rows} >= {"exact", "more_than"}, what
        _raw, table = as_csv(what, nap)
        assert "qualifier" in table[0], what
        _data, sheet = as_sheet(what, nap)
        assert "qualifier" in [cell.value for cell in sheet[1]], what
    rows = as_json("observations", nap)
    women = next(r for r in rows if r["indicator"] == "fgm-women-concerned")
    assert (women["value"], women["qualifier"]) == (23000, "more_than")
    lines = as_json("budgets", nap)
    assert sum(1 for r in lines if r["qualifier"] == "less_than") == 6


def test_the_data_package_schema_lists_the_allowed_qualifiers(nap, tmp_path):
    package = write_package(tmp_path)
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("observations", "budgets"):
        field = next(f for f in resources[name]["schema"]["fields"] if f["name"] == "qualifier")
        assert field["constraints"]["enum"] == [
            "exact",
            "more_than",
            "at_least",
            "about",
            "less_than",
            "at_most",
        ]
        assert field["constraints"]["required"] is True
    assert "qualifier" in SOURCES["budgets"].columns()


# The API ----------------------------------------------------------------------------------------


def test_the_api_gives_the_qualifier_and_its_schema_lists_the_values(client, nap):
    url = "/api/v1/plans/nap-2021-2025/indicators/fgm-women-concerned/observations/"
    data = client.get(url).json()["results"]
    assert [(d["value"], d["qualifier"]) for d in data] == [("23000", "more_than")]
    lines = client.get("/api/v1/plans/nap-2021-2025/budget-lines/?page_size=1000").json()
    assert {line["qualifier"] for line in lines["results"]} == {"exact", "more_than", "less_than"}
    schema = client.get("/api/v1/openapi.json").json()
    enum = schema["components"]["schemas"]["QualifierEnum"]["enum"]
    assert enum == ["exact", "more_than", "at_least", "about", "less_than", "at_most"]


def test_a_contribution_through_the_api_keeps_the_qualifier(client, item, focal_a):
    response = patch_budget(client, item, focal_a, {"qualifier": "more_than"})
    assert response.status_code == 200, response.content
    assert response.json()["budget"][0]["qualifier"] == "more_than"
    assert item.budget_lines.get().qualifier == "more_than"


def test_a_wrong_qualifier_through_the_api_is_400(client, item, focal_a):
    response = patch_budget(client, item, focal_a, {"qualifier": "roughly"})
    assert response.status_code == 400
    assert response.json()["errors"]["budget.0.qualifier"]
    assert not item.budget_lines.exists()


# The round import ------------------------------------------------------------------------------


def test_the_round_import_keeps_the_qualifier(import_round, focal_a):
    book = workbook(import_round)
    assert "qualifier" in [cell.value for cell in book["budget"][1]]
    first = import_round.contributions.filter(actor__slug=ACTOR).order_by("measure__number")[0]
    number = first.measure.number
    add_budget(book, number, ACTOR, 2024, 1000, "specific", "spent", "more_than")
    add_budget(book, number, ACTOR, 2025, 5000, "broader", "allocated")  # empty: exact
    preview = preview_round_import(save(book), import_round, focal_a)
    assert preview.errors == []
    apply_round_import(preview, focal_a)
    lines = sorted((line.year, line.qualifier) for line in first.budget_lines.all())
    assert lines == [(2024, "more_than"), (2025, "exact")]
    # The template written again carries it, and importing it unchanged changes nothing.
    again = preview_round_import(save(workbook(import_round)), import_round, focal_a)
    assert again.errors == [] and not again.to_update


def test_a_wrong_qualifier_in_the_round_import_is_refused(import_round, focal_a):
    book = workbook(import_round)
    first = import_round.contributions.filter(actor__slug=ACTOR).order_by("measure__number")[0]
    add_budget(book, first.measure.number, ACTOR, 2024, 10, "specific", "spent", "roughly")
    preview = preview_round_import(save(book), import_round, focal_a)
    assert [(e.column, "Pick one of" in e.message) for e in preview.errors] == [("qualifier", True)]
    assert "more_than" in preview.errors[0].message


# A wrong qualifier in a dataset ----------------------------------------------------------------


def test_a_wrong_qualifier_in_a_dataset_names_file_and_line(tmp_path, db):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    plan = folder / "plan.yaml"
    text = plan.read_text()
    plan.write_text(
        text.replace(
            '{period: "2022", value: 1234,', '{period: "2022", value: 1234, qualifier: roughly,'
        )
    )
    with pytest.raises(DatasetError) as error:
        load_dataset(folder)
    assert "plan.yaml:54: 'qualifier' is 'roughly'; expected one of: exact, more_than" in str(
        error.value
    )
    assert not Plan.objects.filter(slug="mini").exists()


def test_almost_in_a_dataset_is_stored_as_less_than(tmp_path, db):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    plan = folder / "plan.yaml"
    plan.write_text(
        plan.read_text().replace("amount: 79000000,", "amount: 79000000, qualifier: almost,")
    )
    load_dataset(folder)
    line = BudgetLine.objects.get(plan__slug="mini", amount=Decimal(79_000_000))
    assert line.qualifier == "less_than"


# The reports ------------------------------------------------------------------------------------


def test_the_reports_show_the_qualifier(nap):
    round_ = Round.objects.latest_published(nap)
    budget = flat(reports.generate("budget", nap, round_, "en", "html").decode())
    assert "more than €79,000,000" in budget
    assert "less than €500,000" in budget
    assert "at least €180,000,000" in budget  # a sum with lower bounds is a lower bound
    french = flat(reports.generate("budget", nap, round_, "fr", "html").decode())
    assert "plus de 79 000 000 €" in french
    assert "au moins 180 000 000 €" in french
