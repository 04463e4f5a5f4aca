"""Public downloads: /<lang>/plans/<plan>/downloads/<what>.<csv|xlsx|json>, published data only,
the portal's filters giving exactly the portal's measure set."""

import csv
import io
import json
import zipfile

import pytest
from frictionless import validate
from openpyxl import load_workbook

from planwatch.documents.exports import SOURCES
from planwatch.documents.exports.datapackage import RESOURCES
from planwatch.reporting.models import MeasureStatus, Round

BASE = "/en/plans/nap-2021-2025/downloads"


def rows_of(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def portal_numbers(client, query: str) -> list[int]:
    response = client.get(f"/en/plans/nap-2021-2025/measures/?{query}")
    assert response.status_code == 200
    return sorted(m["number"] for m in response.context["measures"])


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("json", "application/json"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_every_source_downloads_in_every_format(client, nap, fmt, content_type):
    for what in SOURCES:
        response = client.get(f"{BASE}/{what}.{fmt}")
        assert response.status_code == 200, what
        assert response["Content-Type"] == content_type
        suffix = "-interim-2023" if what == "measures" else ""
        assert response["Content-Disposition"] == (
            f'attachment; filename="nap-2021-2025-{what}{suffix}.{fmt}"'
        )
    body = client.get(f"{BASE}/measures.{fmt}").content
    if fmt == "csv":
        assert body.startswith(b"\xef\xbb\xbf")
        assert len(rows_of(client.get(f"{BASE}/measures.csv"))) == nap.measures.count()
    elif fmt == "json":
        assert len(json.loads(body)) == nap.measures.count()
    else:
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet.max_row == nap.measures.count() + 1


@pytest.mark.parametrize(
    "query",
    [
        "pillar=4",
        "status=implemented",
        "pillar=4&status=in_progress",
        "q=centre",
        "q=112",
        "government=be-fed",
        "tag=sexual-violence",
    ],
)
def test_filters_give_exactly_the_portal_measure_set(client, nap, query):
    expected = portal_numbers(client, query)
    assert expected  # the filter matches something, and not everything
    assert len(expected) < nap.measures.count()
    got = sorted(
        r["number"] for r in json.loads(client.get(f"{BASE}/measures.json?{query}").content)
    )
    assert got == expected
    csv_numbers = sorted(
        int(r["number"]) for r in rows_of(client.get(f"{BASE}/measures.csv?{query}"))
    )
    assert csv_numbers == expected
    statuses = json.loads(client.get(f"{BASE}/statuses.json?{query}").content)
    assert sorted(r["measure"] for r in statuses) == expected


def test_search_is_in_the_page_language(client, nap):
    measure = nap.measures.get(number=112)
    word = measure.title_fr.split()[0]
    fr = json.loads(client.get(f"/fr/plans/nap-2021-2025/downloads/measures.json?q={word}").content)
    assert 112 in [r["number"] for r in fr]


def test_empty_filters_are_no_filters(client, nap):
    response = client.get(f"{BASE}/measures.json?q=&pillar=&status=&utm_source=x")
    assert len(json.loads(response.content)) == nap.measures.count()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("measures.csv?pillar=99", "pillar"),
        ("measures.csv?pillar=abc", "pillar"),
        ("measures.json?status=finished", "status"),
        ("statuses.xlsx?government=nowhere", "government"),
        ("measures.csv?q=" + "x" * 201, "q"),
        ("measures.csv?round=nope", "No published round nope"),
        ("measures.csv?round=%00", "No published round"),
        ("measures.csv?q=%00", "q"),
        ("budget-totals.csv?pillar=4", "cannot be filtered"),
        ("budgets.csv?round=interim-2023", "does not depend on a round"),
    ],
)
def test_bad_filters_are_400_with_a_message(client, nap, url, message):
    response = client.get(f"{BASE}/{url}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert message in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/secrets.csv",
        f"{BASE}/measures.pdf",
        f"{BASE}/measures",
        f"{BASE}/measures.csv.zip",
        "/en/plans/nope/downloads/measures.csv",
    ],
)
def test_unknown_downloads_are_404(client, nap, url):
    assert client.get(url).status_code == 404


def test_only_get(client, nap):
    assert client.post(f"{BASE}/measures.csv").status_code == 405
    assert client.head(f"{BASE}/measures.csv").status_code == 200


def test_draft_rounds_never_reach_a_download(client, nap):
    draft = Round.objects.create(
        plan=nap, slug="draft-2024", name_en="Draft", start="2024-01-01", end="2024-12-31"
    )
    MeasureStatus.objects.create(
        round=draft, measure=nap.measures.get(number=112), status="ongoing"
    )
    statuses = json.loads(client.get(f"{BASE}/statuses.json").content)
    assert {r["round"] for r in statuses} == {"interim-2023"}
    measures = json.loads(client.get(f"{BASE}/measures.json").content)
    assert {r["round"] for r in measures} == {"interim-2023"}
    response = client.get(f"{BASE}/statuses.json?round=draft-2024")
    assert response.status_code == 400
    assert client.get(f"{BASE}/measures.json?status=ongoing").status_code == 400


def test_a_published_round_can_be_chosen(client, nap):
    response = client.get(f"{BASE}/statuses.csv?round=interim-2023&pillar=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="nap-2021-2025-statuses-interim-2023.csv"'
    )
    assert {r["round"] for r in rows_of(response)} == {"interim-2023"}


@pytest.mark.parametrize("lang", ["nl", "fr", "de", "en"])
def test_the_open_data_page_links_every_download(client, nap, lang):
    response = client.get(f"/{lang}/plans/nap-2021-2025/data/")
    assert response.status_code == 200
    page = response.content.decode()
    base = f"/{lang}/plans/nap-2021-2025/downloads"
    for what in SOURCES:
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="{base}/{what}.{fmt}"' in page
    assert f'href="{base}/datapackage.zip"' in page
    plan_page = client.get(f"/{lang}/plans/nap-2021-2025/").content.decode()
    assert f'href="/{lang}/plans/nap-2021-2025/data/"' in plan_page


def test_the_data_package_downloads_as_a_zip_that_validates(client, nap, nap_reports, tmp_path):
    response = client.get(f"{BASE}/datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="nap-2021-2025-datapackage.zip"'
    )
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = sorted(archive.namelist())
        assert names == sorted(
            f"nap-2021-2025/{name}"
            for name in ["datapackage.json", *(f"{r}.csv" for r in RESOURCES)]
        )
        archive.extractall(tmp_path)
    report = validate(str(tmp_path / "nap-2021-2025" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "note"])
    contributions = (tmp_path / "nap-2021-2025" / "contributions.csv").read_text("utf-8-sig")
    assert "Training given." in contributions and "internal remark" not in contributions
    assert client.get("/en/plans/nope/downloads/datapackage.zip").status_code == 404
    assert client.post(f"{BASE}/datapackage.zip").status_code == 405
