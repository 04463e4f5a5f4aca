"""The planwatch command line: export, load-dataset, demo."""

import csv
import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from planwatch.datasets.loader import NAP_DATASET

from .process_helpers import planwatch


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_export_measures_json(nap):
    rows = json.loads(export("measures", "--plan", "nap-2021-2025", "--format", "json"))
    assert len(rows) == nap.measures.count()
    row = next(r for r in rows if r["number"] == 112)
    measure = nap.measures.get(number=112)
    assert row["pillar"] == 4
    assert row["section"] == measure.section.code
    assert row["title"]["nl"] == measure.title_nl
    assert row["title"]["en"] == measure.title_en
    assert row["status"] == measure.statuses.get().status
    assert row["actors"] and row["governments"]
    assert all(isinstance(r["pillar"], int) and 1 <= r["pillar"] <= 7 for r in rows)


def test_export_measures_csv_has_one_column_per_language(nap):
    rows = list(
        csv.DictReader(
            io.StringIO(export("measures", "--plan", "nap-2021-2025", "--format", "csv"))
        )
    )
    assert len(rows) == nap.measures.count()
    assert {
        "number",
        "pillar",
        "section",
        "title_nl",
        "title_fr",
        "title_de",
        "title_en",
        "actors",
        "governments",
        "status",
    } <= rows[0].keys()


def test_export_to_a_file_with_bom_for_csv(nap, tmp_path):
    target = tmp_path / "measures.csv"
    call_command(
        "export",
        "measures",
        "--plan",
        "nap-2021-2025",
        "--format",
        "csv",
        "-o",
        str(target),
        stderr=io.StringIO(),
    )
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")


def test_export_of_another_round(nap):
    from planwatch.reporting.models import Round

    Round.objects.create(
        plan=nap,
        slug="empty",
        name_en="Empty",
        start="2024-01-01",
        end="2024-12-31",
        state=Round.State.PUBLISHED,
    )
    rows = json.loads(export("measures", "--plan", "nap-2021-2025", "--round", "empty"))
    assert {r["status"] for r in rows} == {""}
    # A round still being worked on is never exported: its statuses are not public yet.
    Round.objects.create(
        plan=nap, slug="draft", name_en="Draft", start="2025-01-01", end="2025-12-31"
    )
    with pytest.raises(CommandError, match="Round 'draft' is not published"):
        export("measures", "--plan", "nap-2021-2025", "--round", "draft")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "nope"], "No plan 'nope'. Known plans: nap-2021-2025"),
        (["--plan", "nap-2021-2025", "--round", "nope"], "No round 'nope'"),
        (["--plan", "nap-2021-2025", "-o", "/nonexistent/dir/x.json"], "does not exist"),
    ],
)
def test_export_bad_input(nap, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        export("measures", *args)


def test_load_dataset_command_reports_problems(db, tmp_path):
    (tmp_path / "plan.yaml").write_text("plan:\n  slug: x\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_dataset", str(tmp_path), stderr=err)
    assert "plan.yaml:2: missing field 'title'" in err.getvalue()


def test_every_measure_the_report_cites_is_in_the_export(nap):
    """Each measure number cited in the source report is in the dataset, in one pillar."""
    rows = json.loads(export("measures", "--plan", "nap-2021-2025"))
    numbers = {r["number"] for r in rows}
    assert cited_in_report() <= numbers


def cited_in_report() -> set[int]:
    source = (
        Path(__file__).resolve().parents[2]
        / "shared"
        / "sources"
        / "nap-2021-2025-interim-report.nl.txt"
    )
    if not source.exists():
        pytest.skip(f"source report not found at {source}")
    text = " ".join(source.read_text(encoding="utf-8").split())
    cited: set[int] = set()
    for match in re.finditer(r"\(maatregel(?:en)?\s+([0-9][0-9 ,en]*)\)", text):
        cited.update(int(n) for n in re.findall(r"\d+", match.group(1)))
    return cited


def test_demo_sets_up_and_is_idempotent(tmp_path):
    env = {"PLANWATCH_DATA_DIR": str(tmp_path)}
    first = planwatch("demo", "--no-serve", env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "NAP 2021-2025 dataset loaded" in first.stdout
    assert "coordinator@demo.planwatch.invalid" in first.stdout
    assert "http://127.0.0.1:8000/" in first.stdout
    second = planwatch("demo", "--no-serve", env=env, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "already up to date" in second.stdout
    exported = planwatch("export", "measures", "--plan", "nap-2021-2025", env=env)
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)) > 100


def test_nap_dataset_folder_is_shipped():
    assert (NAP_DATASET / "plan.yaml").exists()
