"""Exports: one source of rows, three formats (CSV, XLSX, JSON), published data only."""

import csv
import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from planwatch.documents.exports import SOURCES, WRITERS, export, measure_rows
from planwatch.indicators.models import Indicator, Observation
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, Contribution, MeasureStatus, Round

from .export_helpers import as_csv, as_json, as_sheet
from .factories import make_plan, make_user


def latest(plan) -> Round:
    return Round.objects.latest_published(plan)


@pytest.mark.parametrize("what", sorted(SOURCES))
def test_every_source_gives_the_same_rows_in_every_format(nap, nap_reports, what):
    source = SOURCES[what]
    if what == "changes":
        from planwatch.reporting.commitments import change_measure

        admin = make_user(is_superuser=True)
        change_measure(admin, nap.measures.get(number=12), reason="Later.", budget=1000)
    round_ = latest(nap) if what == "measures" else None
    rows = as_json(what, nap, round_)
    raw, table = as_csv(what, nap, round_)
    _, sheet = as_sheet(what, nap, round_)

    assert rows, what
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    assert list(table[0]) == source.columns()
    assert len(table) == len(rows)

    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == source.columns()
    assert len(values) == len(rows) + 1
    assert sheet.title == what
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert all(sheet.column_dimensions[cell.column_letter].width >= 6 for cell in sheet[1])
    # The first key column holds the same values in all three formats.
    key = source.fields[0].name
    assert [str(r[key]) for r in rows] == [r[key] for r in table]
    assert [str(v[0]) for v in values[1:]] == [r[key] for r in table]


def test_measures_csv_flattens_lists_and_languages(nap):
    _, table = as_csv("measures", nap, latest(nap))
    row = next(r for r in table if r["number"] == "112")
    measure = nap.measures.get(number=112)
    assert row["title_nl"] == measure.title_nl
    assert row["title_en"] == measure.title_en
    assert row["actor_slugs"] == "; ".join(
        measure.measure_actors.order_by("order").values_list("actor__slug", flat=True)
    )
    assert row["status"] == measure.statuses.get().status
    assert row["round"] == "interim-2023"


FORMULAS = ["=1+1", "+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_formulas_are_neutralised_in_csv_and_xlsx(nap):
    """A measure title "=1+1" (and the other formula starts) is never run by a spreadsheet."""
    numbers = list(nap.measures.order_by("number").values_list("number", flat=True)[:6])
    written = dict(zip(numbers, FORMULAS, strict=True))
    for number, text in written.items():
        nap.measures.filter(number=number).update(title_nl=text, description_en="safe text")

    _, table = as_csv("measures", nap, latest(nap))
    by_number = {int(r["number"]): r for r in table}
    for number, text in written.items():
        assert by_number[number]["title_nl"] == "'" + text
        assert by_number[number]["description_en"] == "safe text"

    raw, sheet = as_sheet("measures", nap, latest(nap))
    column = SOURCES["measures"].columns().index("title_nl")
    cells = {r[0].value: r[column] for r in sheet.iter_rows(min_row=2)}
    for number, text in written.items():
        cell = cells[number]
        # XML turns a carriage return into a line feed unless the writer escapes it (lxml
        # does, the pure-Python writer does not); either way the cell is text, not a formula.
        value = cell.value.replace("\r", "\n")
        assert (value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)
    plain = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == numbers[0])
    assert plain[SOURCES["measures"].columns().index("description_en")].quotePrefix is False
    sheet_xml = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml

    # JSON is for programs: the text stays as it is.
    rows = {r["number"]: r for r in as_json("measures", nap, latest(nap))}
    assert {n: rows[n]["title"]["nl"] for n in numbers} == written


def test_negative_numbers_stay_numbers(nap):
    # Only text is neutralised; a number is never turned into text.
    out = io.StringIO()
    WRITERS["csv"]([{"n": -3, "t": "-3"}], out)
    assert out.getvalue().splitlines() == ["n,t", "-3,'-3"]


def test_writers_still_take_rows_without_fields(nap):
    out = io.StringIO()
    WRITERS["csv"](measure_rows(nap, latest(nap)), out)
    header = out.getvalue().splitlines()[0].split(",")
    assert header[:3] == ["number", "pillar", "section"]
    assert {"title_nl", "title_fr", "title_de", "title_en"} <= set(header)


def test_an_empty_export_still_has_its_header(db):
    plan = make_plan(measures=2, observations=0)
    _, table = as_csv("observations", plan)
    assert table == []
    out = io.BytesIO()
    export(out, "observations", "csv", plan)
    header = out.getvalue().decode("utf-8-sig").strip()
    assert header.split(",") == SOURCES["observations"].columns()
    assert as_json("observations", plan) == []


def test_statuses_come_from_published_rounds_only(nap):
    published = latest(nap)
    draft = Round.objects.create(
        plan=nap, slug="draft-2024", name_en="Draft", start="2024-01-01", end="2024-12-31"
    )
    MeasureStatus.objects.create(round=draft, measure=nap.measures.get(number=2), status="ongoing")
    rows = as_json("statuses", nap)
    assert {r["round"] for r in rows} == {published.slug}
    assert len(rows) == MeasureStatus.objects.published().filter(measure__plan=nap).count()
    row = next(r for r in rows if r["measure"] == 112)
    assert row["status"] == nap.measures.get(number=112).statuses.get(round=published).status
    assert set(row["narrative"]) <= {"nl", "fr", "de", "en"}
    # Asking for the draft round gives nothing from it.
    assert as_json("statuses", nap, draft) == []


def test_contributions_are_the_validated_ones_of_published_rounds(nap, nap_reports):
    rows = as_json("contributions", nap)
    assert [(r["round"], r["measure"], r["actor"]) for r in rows] == [
        ("interim-2023", 9, "fod-justitie"),
        ("interim-2023", 112, "opgroeien"),
    ]
    assert rows[0]["narrative"] == {"nl": "Opleidingen gegeven.", "en": "Training given."}
    assert rows[0]["evidence"] == ["https://example.org/report.pdf"]
    assert rows[0]["proposed_status"] == "in_progress"
    assert rows[0]["government"] == "be-fed"
    # Review comments, submitted work and draft rounds never leave the back office.
    for fmt in ("json", "csv", "xlsx"):
        out = io.BytesIO()
        export(out, "contributions", fmt, nap)
        raw = out.getvalue() if fmt != "xlsx" else str(as_sheet("contributions", nap)[0])
        for secret in ("internal remark", "Secret.", "Not yet.", "review_comment"):
            assert secret.encode() not in (raw if isinstance(raw, bytes) else raw.encode())
    _, table = as_csv("contributions", nap)
    assert table[0]["evidence"] == "https://example.org/report.pdf"
    assert table[0]["narrative_en"] == "Training given."
    draft = Round.objects.get(slug="draft-2025")
    assert as_json("contributions", nap, draft) == []
    assert len(as_json("contributions", nap, nap_reports)) == 2


def test_assessments_are_the_published_ones_of_published_rounds(nap, nap_reports):
    rows = as_json("assessments", nap)
    assert rows == [
        {
            "round": "interim-2023",
            "measure": 9,
            "organisation": "national-platform",
            "rating": "not_started",
            "commentary": {"en": "=SUM(A1) nothing visible yet"},
        }
    ]
    _, table = as_csv("assessments", nap)
    assert table[0]["commentary_en"] == "'=SUM(A1) nothing visible yet"  # neutralised
    assert as_json("assessments", nap, Round.objects.get(slug="draft-2025")) == []
    measures = nap.measures.filter(number=112)
    assert as_json("assessments", nap, None, measures) == []
    assert len(as_json("contributions", nap, None, measures)) == 1


def test_budgets_hold_public_lines_and_published_totals(nap):
    draft = Round.objects.create(
        plan=nap, slug="draft-2024", name_en="Draft", start="2024-01-01", end="2024-12-31"
    )
    measure = nap.measures.get(number=9)
    contribution = Contribution.objects.create(
        round=draft, measure=measure, actor=measure.actors.first(), state="submitted"
    )
    BudgetLine.objects.create(
        plan=nap,
        government=measure.actors.first().government,
        measure=measure,
        year=2024,
        amount=Decimal("123.45"),
        nature="specific",
        contribution=contribution,
    )
    rows = as_json("budgets", nap)
    assert len(rows) == BudgetLine.objects.public().filter(plan=nap).count()
    assert all(r["amount"] != 123.45 for r in rows)
    first = next(r for r in rows if r["in_totals"] and r["government"] == "be-fed")
    assert first["amount"] == 79000000 and isinstance(first["amount"], int)
    assert first["period"] == "2021-2023" and first["level"] == "federal"

    totals = as_json("budget-totals", nap)
    printed = stats.published_budget_totals(nap)
    assert [(t["amount"], t["qualifier"]) for t in totals] == [
        (int(p.amount), p.qualifier) for p in printed
    ]
    assert totals[0]["amount"] == 181000000 and totals[0]["qualifier"] == "more_than"


def test_small_counts_are_suppressed_in_every_format(nap):
    indicator = Indicator.objects.filter(plan=nap, suppress_below__gt=0).first()
    limit = indicator.suppress_below
    day = dt.date(2030, 1, 1)
    for value in (0, limit - 1, limit):
        Observation.objects.create(
            indicator=indicator, period="2030", start=day, end=day, value=Decimal(value)
        )
    assert indicator.is_suppressed(Decimal(limit - 1))

    mine = [r for r in as_json("observations", nap) if r["period"] == "2030"]
    assert [(r["value"], r["suppressed"]) for r in mine] == [
        (0, False),
        (f"< {limit}", True),
        (limit, False),
    ]
    _, table = as_csv("observations", nap)
    assert [r["value"] for r in table if r["period"] == "2030"] == ["0", f"< {limit}", str(limit)]
    _, sheet = as_sheet("observations", nap)
    column = SOURCES["observations"].columns().index("value")
    shown = [r[column] for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "2030"]
    assert shown == [0, f"< {limit}", limit]


def test_indicators_list_their_measures(nap):
    rows = as_json("indicators", nap)
    assert len(rows) == Indicator.objects.filter(plan=nap).count()
    zsg = next(r for r in rows if r["code"] == "zsg-centres-opened")
    assert zsg["measures"] == [112] and zsg["unit"] == "count" and zsg["dimensions"] == ["city"]


def test_sources_can_be_limited_to_some_measures(nap):
    measures = nap.measures.filter(number__in=[9, 112])
    assert [r["number"] for r in as_json("measures", nap, latest(nap), measures)] == [9, 112]
    assert {r["measure"] for r in as_json("statuses", nap, None, measures)} == {9, 112}
    assert {r["measure"] for r in as_json("budgets", nap, None, measures)} <= {9, 112}
    codes = {r["code"] for r in as_json("indicators", nap, None, measures)}
    assert "zsg-centres-opened" in codes
    assert {r["indicator"] for r in as_json("observations", nap, None, measures)} <= codes


def test_query_counts_do_not_grow_with_the_plan(db):
    small, large = make_plan(measures=5), make_plan(measures=300, observations=50)
    for what, source in SOURCES.items():
        counts = []
        for plan in (small, large):
            with CaptureQueriesContext(connection) as queries:
                list(source(plan, latest(plan) if source.uses_round else None))
            counts.append(len(queries))
        assert counts[0] == counts[1], what


# ------------------------------------------------------------------------------ command line


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize("what", sorted(SOURCES))
def test_command_exports_every_source(nap, what):
    rows = json.loads(run(what, "--plan", "nap-2021-2025"))
    assert rows == as_json(what, nap, latest(nap) if what == "measures" else None)
    table = list(
        csv.DictReader(io.StringIO(run(what, "--plan", "nap-2021-2025", "--format", "csv")))
    )
    assert len(table) == len(rows)


def test_command_writes_xlsx_to_a_file(nap, tmp_path):
    target = tmp_path / "statuses.xlsx"
    run("statuses", "--plan", "nap-2021-2025", "--format", "xlsx", "-o", str(target))
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]][:3] == ["round", "measure", "status"]
    assert sheet.max_row == 1 + MeasureStatus.objects.published().filter(measure__plan=nap).count()


def test_command_statuses_of_one_round(nap):
    rows = json.loads(run("statuses", "--plan", "nap-2021-2025", "--round", "interim-2023"))
    assert {r["round"] for r in rows} == {"interim-2023"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["measures", "--format", "xlsx"], "XLSX is a binary format: give a file with -o FILE."),
        (["budgets", "--round", "interim-2023"], "--round does not apply to budgets."),
        (["statuses", "--round", "draft-x"], "Round 'draft-x' is not published"),
        (["measures", "--round", "draft-x"], "Round 'draft-x' is not published"),
        (["contributions", "--round", "draft-x"], "Round 'draft-x' is not published"),
        (["statuses", "--round", "nope"], "No round 'nope' in plan 'nap-2021-2025'"),
        (["observations", "-o", "/nonexistent/dir/x.csv"], "does not exist"),
    ],
)
def test_command_refuses_bad_input(nap, tmp_path, args, message):
    Round.objects.create(
        plan=nap, slug="draft-x", name_en="X", start="2024-01-01", end="2024-12-31"
    )
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args[:1], "--plan", "nap-2021-2025", *args[1:])
    assert not list(tmp_path.iterdir())


def test_command_knows_its_sources(nap):
    with pytest.raises(CommandError, match="invalid choice: 'secrets'"):
        run("secrets", "--plan", "nap-2021-2025")
