"""The dataset loader: all or nothing, idempotent, clear errors with file and line."""

import shutil
from pathlib import Path

import pytest

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.datasets.reader import DatasetError, parse_period
from planwatch.plans.models import Measure, Plan
from planwatch.reporting.models import BudgetLine

MINI = Path(__file__).parent / "data" / "mini"


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


def history_rows() -> int:
    from django.apps import apps

    return sum(
        model.objects.count()
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    )


def test_loads_a_dataset(db):
    summary = load_dataset(MINI)
    plan = Plan.objects.get(slug="mini")
    assert summary.created["measures"] == 2
    measure = plan.measures.get(number=1)
    assert measure.title_fr == "Manuel"
    assert measure.section.code == "1.1.1"
    assert [r.actor.slug for r in measure.measure_actors.order_by("order")] == [
        "igvm",
        "fod-justitie",
    ]
    assert set(measure.related.values_list("number", flat=True)) == {2}
    assert set(plan.measures.get(number=2).related.values_list("number", flat=True)) == {1}
    assert plan.budget_lines.get(government__code="federated").amount == 22000000.50


def test_loading_twice_changes_nothing(db):
    load_dataset(MINI)
    rows = history_rows()
    summary = load_dataset(MINI)
    assert not summary.changed
    assert history_rows() == rows


def test_nap_loads_idempotently(nap):
    rows = history_rows()
    summary = load_dataset(NAP_DATASET)
    assert not summary.changed, summary.lines()
    assert history_rows() == rows


def test_a_change_is_applied_and_recorded(mini_copy: Path, db):
    load_dataset(mini_copy)
    before = Measure.objects.get(plan__slug="mini", number=1).history.count()
    plan_file = mini_copy / "plan.yaml"
    plan_file.write_text(plan_file.read_text().replace("Handbook", "Guide"))
    summary = load_dataset(mini_copy)
    measure = Measure.objects.get(plan__slug="mini", number=1)
    assert measure.title_en == "Guide"
    assert summary.updated["measures"] == 1
    assert measure.history.first().history_change_reason == "datasets.load"
    assert measure.history.count() == before + 1
    assert (
        "title_en" in measure.history.first().diff_against(measure.history.all()[1]).changed_fields
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("lead: [opgroeien]", "lead: [nobody]", "plan.yaml:35: Unknown actor 'nobody'."),
        ('section: "1.2.1"', 'section: "9.9"', "plan.yaml:35: Unknown section '9.9'."),
        (
            "  - number: 2\n",
            "  - number: 1\n",
            "plan.yaml:35: Measure 1 is already given at plan.yaml:23.",
        ),
        ('articles: ["25"]', 'articles: ["999"]', "Unknown Istanbul Convention article '999'."),
        ("status: in_progress", "status: ongoing", "'status' is 'ongoing'; expected one of"),
        ("amount: 79000000", "amount: 79.000.000,00", "'amount' must be a number with a dot"),
        ("value: 1234", "value: lots", "'value' must be a number"),
        ('period: "2022"', 'period: "2022-13"', "'period' '2022-13' is not"),
        (
            "  end: 2025-12-31",
            "  ending: 2025-12-31",
            "unknown field 'ending'",
        ),
        (
            "title: {nl: Coördinatie, en: Coordination}",
            "title: {xx: Coördinatie}",
            "unknown language 'xx'",
        ),
        ("measures: [2]", "measures: [77]", "Unknown measure 77."),
    ],
)
def test_a_broken_file_names_file_and_line_and_loads_nothing(mini_copy, db, old, new, message):
    plan_file = mini_copy / "plan.yaml"
    reference = mini_copy / "reference.yaml"
    for path in (plan_file, reference):
        text = path.read_text()
        if old in text:
            path.write_text(text.replace(old, new, 1))
            break
    else:
        raise AssertionError(f"{old!r} not found")
    with pytest.raises(DatasetError) as error:
        load_dataset(mini_copy)
    assert message in str(error.value)
    assert not Plan.objects.filter(slug="mini").exists()


def test_invalid_yaml_is_reported_with_its_line(mini_copy, db):
    (mini_copy / "zz-broken.yaml").write_text("measures:\n  - number: 3\n    title: [unclosed\n")
    with pytest.raises(DatasetError) as error:
        load_dataset(mini_copy)
    assert "zz-broken.yaml:" in str(error.value)
    assert "not valid YAML" in str(error.value)
    assert not Plan.objects.filter(slug="mini").exists()


def test_a_duplicate_key_is_an_error(mini_copy, db):
    (mini_copy / "zz-dup.yaml").write_text(
        "tags:\n  - {slug: x, slug: y, kind: form, name: {en: X}}\n"
    )
    with pytest.raises(DatasetError, match=r"zz-dup.yaml:2: not valid YAML: duplicate key 'slug'"):
        load_dataset(mini_copy)


def test_a_failure_while_writing_rolls_everything_back(mini_copy, db, monkeypatch):
    from planwatch.datasets import loader

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(loader.Writer, "replace", explode)
    with pytest.raises(RuntimeError):
        load_dataset(mini_copy)
    assert not Plan.objects.filter(slug="mini").exists()


def test_dry_run_writes_nothing(db):
    summary = load_dataset(MINI, dry_run=True)
    assert summary.created["measures"] == 2
    assert not Plan.objects.filter(slug="mini").exists()
    assert not BudgetLine.objects.filter(plan__slug="mini").exists()


def test_missing_folder_is_an_error(tmp_path, db):
    with pytest.raises(DatasetError, match="not a folder"):
        load_dataset(tmp_path / "nowhere")
    with pytest.raises(DatasetError, match="no .yaml files"):
        load_dataset(tmp_path)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2022", "2022-01-01", "2022-12-31"),
        ("2022-02", "2022-02-01", "2022-02-28"),
        ("2022-12", "2022-12-01", "2022-12-31"),
        ("2017-10-19", "2017-10-19", "2017-10-19"),
        ("2021/2023", "2021-01-01", "2023-12-31"),
    ],
)
def test_periods(text, start, end):
    label, first, last = parse_period(text)
    assert (label, first.isoformat(), last.isoformat()) == (text, start, end)


@pytest.mark.parametrize("text", ["2022-13", "2023/2021", "22", "", None, "2022-02-30"])
def test_bad_periods(text):
    assert parse_period(text) is None
