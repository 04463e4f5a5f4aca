"""Progress and kinds where the public reads them: the indicator and plan pages, the exports, the
API and the interim report, which all ask one function and so agree."""

import datetime as dt
import io
import json

import pytest

from planwatch.documents.exports import SOURCES, export
from planwatch.documents.reports.interim import build_interim
from planwatch.indicators.models import Indicator, Kind
from planwatch.indicators.progress import Category, plan_progress
from tests.factories import make_progress_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan():
    return make_progress_plan()


def _expected(plan) -> dict[str, str]:
    indicators = {i.pk: i.code for i in Indicator.objects.filter(plan=plan)}
    return {indicators[pk]: p.category for pk, p in plan_progress(plan).items()}


def test_page_export_api_and_report_agree(client, plan):
    expected = _expected(plan)
    assert set(expected.values()) == set(Category.values)  # every category is exercised

    # The indicator pages say the category in words.
    for code, category in expected.items():
        page = client.get(f"/en/plans/{plan.slug}/indicators/{code}/").content.decode()
        assert f'class="category category-{category}">{Category(category).label}<' in page

    # The export's "progress" column.
    rows = {row["code"]: row for row in SOURCES["indicators"](plan, None)}
    assert {code: row["progress"] for code, row in rows.items()} == expected
    assert rows["on-track"]["progress_share"] == 40
    assert rows["no-target"]["progress_share"] is None

    # The API, in the list and in each indicator.
    listed = client.get(f"/api/v1/plans/{plan.slug}/indicators/?page_size=100").json()["results"]
    assert {i["code"]: i["progress"]["category"] for i in listed} == expected
    one = client.get(f"/api/v1/plans/{plan.slug}/indicators/on-track/").json()
    assert one["progress"]["category"] == "on_track"
    assert one["progress"]["share"] == "40"
    assert one["kind"] == "level"
    assert one["targets"][0]["direction"] == "increase"

    # The interim report's table of indicators with a target.
    doc = build_interim(plan, plan.rounds.get(), "en", dt.date(2024, 1, 1))
    section = next(s for s in doc.sections if s.anchor == "indicators")
    table = section.blocks[-1]
    in_report = {
        str(row[0].text if hasattr(row[0], "text") else row[0]): row[-1] for row in table.rows
    }
    for code, category in expected.items():
        if category == Category.NO_TARGET:
            assert code not in in_report
        else:
            assert in_report[code] == str(Category(category).label).capitalize()


def test_the_plan_page_counts_indicators_per_category(client, plan):
    page = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert "Indicators per progress category" in page
    assert '<th scope="row">on track</th>' in page
    assert f'href="/en/plans/{plan.slug}/progress-method/"' in page


def test_the_chart_draws_the_target(client, plan):
    page = client.get(f"/en/plans/{plan.slug}/indicators/on-track/").content.decode()
    assert 'class="marker"' in page
    assert "Target 2030: 150" in page


@pytest.mark.parametrize(
    "lang, words",
    [
        ("nl", ["Hoe de voortgang wordt beoordeeld", "95%"]),
        ("fr", ["Comment l’avancement est évalué", "95\u202f%"]),
        ("de", ["Wie der Fortschritt bewertet wird", "95\u00a0%"]),
        ("en", ["How progress is assessed", "95%", "open-sdg.readthedocs.io"]),
    ],
)
def test_the_methods_page_in_each_language(client, plan, lang, words):
    page = client.get(f"/{lang}/plans/{plan.slug}/progress-method/")
    assert page.status_code == 200
    text = page.content.decode().replace("&#x27;", "’").replace("'", "’")
    for word in words:
        assert word in text


def test_the_methods_page_shows_the_plans_thresholds(client, plan):
    plan.progress_settings = {"on_track": 0.9, "keep_tolerance": 0.1}
    plan.save()
    text = client.get(f"/en/plans/{plan.slug}/progress-method/").content.decode()
    assert "R ≥ 90%" in text
    assert "60% ≤ R &lt; 90%" in text  # no 60.00000000000001
    assert "10% of the target" in text
    assert client.get("/en/plans/nope/progress-method/").status_code == 404


def test_the_kind_is_in_every_export_format_and_the_data_package_schema(nap):
    out = io.BytesIO()
    export(out, "indicators", "json", nap)
    rows = {row["code"]: row for row in json.loads(out.getvalue())}
    assert rows["zsg-registrations-since-2017"]["kind"] == "running_total"
    assert rows["zsg-centres-open"]["kind"] == "level"
    assert rows["zsg-centres-open"]["progress"] == "on_track"
    out = io.BytesIO()
    export(out, "indicators", "csv", nap)
    header = out.getvalue().decode("utf-8-sig").splitlines()[0].split(",")
    assert {"kind", "progress", "progress_share"} <= set(header)
    fields = {f.name: f for f in SOURCES["indicators"].fields}
    assert fields["kind"].enum(nap) == list(Kind.values)
    assert fields["progress"].enum(nap) == list(Category.values)
