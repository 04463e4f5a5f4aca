"""One writer of a plan: ``planwatch load-dataset`` and ``planwatch import plan`` both end in
``datasets.plan_writer.write_plan``, which writes in bulk with one historical record per written
row, with each door's change reason."""

import io
import shutil
from pathlib import Path

import openpyxl
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planwatch.datasets import plan_writer
from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.documents.imports import apply_plan_import, plan_workbook, preview_plan_import
from planwatch.indicators.models import Target
from planwatch.plans.models import Measure, MeasureActor

MINI = Path(__file__).parent / "data" / "mini"
LOADED = ("actors", "plans", "reporting", "indicators", "milestones")


def test_both_doors_end_in_the_same_writer_function(db, monkeypatch):
    reasons = []
    write_plan = plan_writer.write_plan

    def spy(writer, rows):
        reasons.append((writer.reason, rows.slug))
        return write_plan(writer, rows)

    monkeypatch.setattr(plan_writer, "write_plan", spy)
    load_dataset(MINI)
    book = openpyxl.load_workbook(io.BytesIO(plan_workbook("mini", "en")))
    sheet = book["measures"]
    title = [cell.value for cell in sheet[1]].index("title_en")
    sheet.cell(row=2, column=title + 1).value = "A new title"
    out = io.BytesIO()
    book.save(out)
    preview = preview_plan_import(out.getvalue(), "mini")
    assert not preview.errors
    apply_plan_import(preview)
    assert reasons == [("datasets.load", "mini"), ("documents.import.plan", "mini")]
    measure = Measure.objects.get(plan__slug="mini", title_en="A new title")
    assert measure.history.first().history_change_reason == "documents.import.plan"


def test_a_first_load_writes_one_record_per_row_with_the_reason(nap):
    """The session's NAP was loaded once into an empty database: every row of every tracked
    model the dataset writes has exactly one record, a "+" with ``datasets.load``."""
    checked = 0
    for model in apps.get_models():
        tracked = hasattr(model._meta, "simple_history_manager_attribute")
        if model._meta.app_label not in LOADED or not tracked or not model.objects.exists():
            continue
        records = model.history.model.objects
        assert records.count() == model.objects.count(), model
        assert set(records.values_list("history_type", "history_change_reason")) == {
            ("+", "datasets.load")
        }, model
        checked += 1
    assert checked >= 15
    assert Measure.history.count() == Measure.objects.count() == 116


def test_a_measures_record_keeps_its_links_as_loaded(nap):
    for measure in nap.measures.prefetch_related("tags", "provisions")[:20]:
        record = measure.history.get()
        assert {t.tag_id for t in record.tags.all()} == {t.pk for t in measure.tags.all()}
        assert {p.provision_id for p in record.provisions.all()} == {
            p.pk for p in measure.provisions.all()
        }


def test_loading_the_nap_again_reads_in_a_fixed_number_of_queries(nap):
    with CaptureQueriesContext(connection) as queries:
        summary = load_dataset(NAP_DATASET)
    assert not summary.changed
    assert len(queries) < 60, len(queries)  # row by row it was one query per row: thousands


def test_a_changed_load_writes_one_record_per_changed_row(db, tmp_path):
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    load_dataset(folder)
    plan_file = folder / "plan.yaml"
    text = plan_file.read_text()
    text = text.replace("    groups: [women]\n", "    groups: []\n")
    text = text.replace("    partners: [fod-justitie]\n", "    partners: [opgroeien]\n")
    text = text.replace("    related: [2]\n", "")
    text = text.replace('{period: "2025", value: 10}', '{period: "2025", value: 12}')
    plan_file.write_text(text)
    summary = load_dataset(folder)
    one, two = (Measure.objects.get(plan__slug="mini", number=n) for n in (1, 2))
    # Tags changed: one "~" record for measure 1, with its tags as they are now.
    assert list(one.history.values_list("history_type", flat=True)) == ["~", "+"]
    record = one.history.first()
    assert record.history_change_reason == "datasets.load"
    assert {t.tag_id for t in record.tags.all()} == set(one.tags.values_list("pk", flat=True))
    assert two.history.count() == 1  # its related link went, which the history does not keep
    assert not one.related.exists() and not two.related.exists()
    # A partner replaced: that row deleted and a new one created, the lead left alone.
    assert summary.deleted["responsible actors"] == summary.created["responsible actors"] == 1
    assert [r.actor.slug for r in one.measure_actors.order_by("order")] == ["igvm", "opgroeien"]
    assert MeasureActor.history.filter(history_type="-").count() == 1
    # Keyless children: the indicator's targets replaced whole, with a record each.
    assert summary.deleted["targets"] == summary.created["targets"] == 1
    assert Target.history.filter(history_type="-").count() == 1
    assert not load_dataset(folder).changed
