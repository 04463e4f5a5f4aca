"""Kinds of series: a count per period, a running total since a date, a level at a date. One
indicator never mixes two kinds, and changes are computed only where the kind allows."""

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.datasets.reader import DatasetError
from planwatch.indicators.models import Indicator, Kind, Observation
from planwatch.indicators.progress import changes

MINI = Path(__file__).parent / "data" / "mini"


def test_every_nap_indicator_states_its_kind():
    data = yaml.safe_load((NAP_DATASET / "indicators.yaml").read_text(encoding="utf-8"))
    missing = [i["code"] for i in data["indicators"] if i.get("kind") not in Kind.values]
    assert missing == []


def test_the_zsg_figures_are_split_by_kind(nap):
    def values(code):
        indicator = Indicator.objects.get(plan=nap, code=code)
        return indicator.kind, {o.period: o.value for o in indicator.observations.all()}

    assert values("zsg-registrations") == (Kind.PER_PERIOD, {"2022": 3287})
    assert values("zsg-registrations-since-2017") == (Kind.RUNNING_TOTAL, {"2017/2022": 8230})
    assert values("zsg-police-interventions") == (Kind.PER_PERIOD, {"2022": 1438})
    assert values("zsg-police-interventions-since-2020") == (
        Kind.RUNNING_TOTAL,
        {"2020/2022": 2412},
    )
    assert Indicator.objects.get(plan=nap, code="zsg-centres-open").kind == Kind.LEVEL


def test_no_nap_indicator_mixes_kinds(nap):
    for indicator in Indicator.objects.filter(plan=nap).prefetch_related("observations"):
        points = [
            {"period": o.period, "start": o.start, "end": o.end, "dims": o.dims}
            for o in indicator.observations.all()
        ]
        assert Indicator.series_problems(indicator.kind, points) == [], indicator.code


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def _set_observations(folder: Path, kind: str, observations: str) -> None:
    plan_file = folder / "plan.yaml"
    text = plan_file.read_text(encoding="utf-8")
    old = (
        '      - {period: "2022", value: 1234, dims: {city: Brussel}, source: "1.4.5"}\n'
        '      - {period: "2022-03", value: 3, dims: {city: Gent}}\n'
    )
    assert old in text
    text = text.replace(old, observations).replace(
        "    unit: persons\n", f"    unit: persons\n    kind: {kind}\n"
    )
    plan_file.write_text(text, encoding="utf-8")


def test_a_per_period_series_with_a_total_and_its_part_is_refused(mini_copy, db):
    _set_observations(
        mini_copy,
        "per_period",
        '      - {period: "2017/2022", value: 8230}\n      - {period: "2022", value: 3287}\n',
    )
    with pytest.raises(DatasetError) as error:
        load_dataset(mini_copy)
    message = str(error.value)
    assert "plan.yaml:" in message
    assert "A count per period cannot hold overlapping periods (2017/2022 and 2022)" in message
    assert not Indicator.objects.filter(plan__slug="mini").exists()


def test_a_running_total_from_two_dates_is_refused(mini_copy, db):
    _set_observations(
        mini_copy,
        "running_total",
        '      - {period: "2017/2022", value: 8230}\n      - {period: "2020/2022", value: 3287}\n',
    )
    with pytest.raises(DatasetError, match="A running total counts from one date"):
        load_dataset(mini_copy)


def test_a_level_given_twice_for_a_date_is_refused(mini_copy, db):
    _set_observations(
        mini_copy,
        "level",
        '      - {period: "2022", value: 3}\n      - {period: "2022", value: 4}\n',
    )
    with pytest.raises(DatasetError, match="A level has one value per date; 2022 is given twice"):
        load_dataset(mini_copy)


def test_an_unknown_kind_is_refused(mini_copy, db):
    _set_observations(mini_copy, "cumulative", '      - {period: "2022", value: 3}\n')
    with pytest.raises(DatasetError, match="'kind' is 'cumulative'; expected one of"):
        load_dataset(mini_copy)


def test_the_same_periods_in_different_breakdowns_are_fine():
    points = [
        {"period": "2022", "start": dt.date(2022, 1, 1), "end": dt.date(2022, 12, 31), "dims": d}
        for d in ({"city": "Gent"}, {"city": "Luik"})
    ]
    assert Indicator.series_problems(Kind.PER_PERIOD, points) == []


def _obs(pk, period, start, end, value):
    return Observation(pk=pk, period=period, start=start, end=end, value=Decimal(value), dims={})


def test_no_change_is_computed_across_a_running_total():
    totals = [
        _obs(1, "2017/2021", dt.date(2017, 1, 1), dt.date(2021, 12, 31), 4943),
        _obs(2, "2017/2022", dt.date(2017, 1, 1), dt.date(2022, 12, 31), 8230),
    ]
    assert changes(Kind.RUNNING_TOTAL, totals) == {}
    assert changes(Kind.LEVEL, totals) == {2: Decimal(3287)}
    assert not Indicator(kind=Kind.RUNNING_TOTAL).allows_changes()
    assert Indicator(kind=Kind.LEVEL).allows_changes()


def test_changes_of_counts_compare_periods_of_one_length():
    counts = [
        _obs(1, "2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), 10),
        _obs(2, "2022-03", dt.date(2022, 3, 1), dt.date(2022, 3, 31), 2),
        _obs(3, "2022", dt.date(2022, 1, 1), dt.date(2022, 12, 31), 15),
    ]
    assert changes(Kind.PER_PERIOD, counts) == {3: Decimal(5)}


def test_the_indicator_page_shows_no_change_column_for_a_running_total(nap, client):
    page = client.get("/en/plans/nap-2021-2025/indicators/zsg-registrations-since-2017/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "running total since a date" in text
    assert "Change from the previous period" not in text
    level = client.get("/en/plans/nap-2021-2025/indicators/zsg-centres-open/").content.decode()
    assert "level at a date" in level
    assert "Change from the previous period" in level
    assert "+2" in level  # 3 in 2017, 5 in November 2021
