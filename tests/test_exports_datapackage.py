"""`planwatch export datapackage`: a Frictionless Data Package that `frictionless validate`
accepts, with types, keys, allowed values, licence and sources."""

import csv
import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from frictionless import validate

from planwatch.documents.exports import SOURCES
from planwatch.documents.exports.datapackage import RESOURCES
from planwatch.indicators.models import Indicator, Observation

from .export_helpers import write_package


def problems(path) -> list:
    report = validate(str(path))
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture
def with_suppressed_count(nap):
    """One observation under its indicator's threshold, so "< N" is in the package."""
    indicator = Indicator.objects.filter(plan=nap, suppress_below__gt=0).first()
    day = dt.date(2030, 1, 1)
    Observation.objects.create(
        indicator=indicator, period="2030", start=day, end=day, value=Decimal(1)
    )
    return indicator


def test_the_data_package_validates(nap, nap_reports, tmp_path, with_suppressed_count):
    folder = tmp_path / "package"
    descriptor = write_package(folder)

    assert problems(folder / "datapackage.json") == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["datapackage.json", *(f"{name}.csv" for name in RESOURCES)]
    )
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["name"] == "nap-2021-2025"
    assert descriptor["title"] == nap.title_en
    assert descriptor["description"]
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert "Interim evaluation 2021-2023" in descriptor["sources"][0]["title"]

    resources = {r["name"]: r for r in descriptor["resources"]}
    assert list(resources) == list(RESOURCES)
    for name, resource in resources.items():
        assert resource["path"] == f"{name}.csv"
        columns = [f["name"] for f in resource["schema"]["fields"]]
        assert columns == SOURCES[name].columns()

    measures = resources["measures"]["schema"]
    assert measures["primaryKey"] == ["number"]
    assert field(measures, "number")["type"] == "integer"
    statuses = resources["statuses"]["schema"]
    assert statuses["primaryKey"] == ["round", "measure"]
    assert {"fields": "measure", "reference": {"resource": "measures", "fields": "number"}} in (
        statuses["foreignKeys"]
    )
    assert field(statuses, "status")["constraints"]["enum"] == nap.statuses
    assert field(resources["budgets"]["schema"], "amount")["type"] == "number"
    assert field(resources["budgets"]["schema"], "in_totals")["type"] == "boolean"
    assessments = resources["assessments"]["schema"]
    assert field(assessments, "rating")["constraints"]["enum"] == [
        *nap.statuses,
        "insufficient_information",
    ]
    with (folder / "contributions.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r["measure"] for r in csv.DictReader(handle)] == ["9", "112"]
    observations = resources["observations"]["schema"]
    limit = with_suppressed_count.suppress_below
    assert f"< {limit}" in observations["missingValues"]
    with (folder / "observations.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert f"< {limit}" in [r["value"] for r in csv.DictReader(handle)]


def field(schema: dict, name: str) -> dict:
    return next(f for f in schema["fields"] if f["name"] == name)


def test_validation_has_teeth(nap, tmp_path):
    """The check finds a broken foreign key and a status the plan does not use."""
    folder = tmp_path / "package"
    write_package(folder)
    statuses = folder / "statuses.csv"
    lines = statuses.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[1] = "999"  # no such measure
    bad_status = lines[2].split(",")
    bad_status[2] = "finished"
    statuses.write_text(
        "\r\n".join([lines[0], ",".join(first), ",".join(bad_status), *lines[3:]]) + "\r\n",
        encoding="utf-8-sig",
    )
    kinds = {(p[1], p[2]) for p in problems(folder / "datapackage.json")}
    assert (None, "foreign-key") in kinds
    assert ("status", "constraint-error") in kinds


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "datapackage needs a folder: -o DIR."),
        (["-o", "/nonexistent/dir/package"], "does not exist"),
        (["-o", "{file}"], "it is a file, not a folder"),
        (["-o", "{dir}", "--format", "csv"], "datapackage takes no --round or --format"),
    ],
)
def test_bad_input_writes_nothing(nap, tmp_path, args, message):
    existing = tmp_path / "a-file"
    existing.write_text("keep me")
    args = [a.format(file=existing, dir=tmp_path / "out") for a in args]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export", "datapackage", "--plan", "nap-2021-2025", *args)
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]
    assert existing.read_text() == "keep me"
