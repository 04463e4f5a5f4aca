"""`planwatch report interim|coverage|budget …`: writes the file, or a clear error and nothing."""

import datetime as dt
import io

import docx
import pytest
from django.core.management import CommandError, call_command

from planwatch.reporting.models import Round


def report(*args: str) -> str:
    err = io.StringIO()
    call_command("report", *args, stdout=io.StringIO(), stderr=err)
    return err.getvalue()


def test_writes_each_kind(nap, tmp_path):
    target = tmp_path / "interim.html"
    message = report(
        "interim", "--plan", "nap-2021-2025", "--lang", "nl", "--format", "html", "-o", str(target)
    )
    assert message.strip() == f"Wrote {target}"
    html = target.read_text()
    assert "<title>Tussentijds evaluatieverslag: Nationaal actieplan" in html
    assert "Tussentijdse evaluatie 2021-2023" in html  # the latest round, by default
    target = tmp_path / "budget.docx"
    report(
        "budget",
        *("--plan", "nap-2021-2025", "--round", "interim-2023", "--lang", "de"),
        *("--format", "docx", "-o", str(target)),
    )
    assert docx.Document(str(target)).paragraphs[0].text == "Budgetbericht"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["budget.docx", "interim.html"]


def test_the_default_round_is_the_latest_by_end_date(nap, tmp_path):
    Round.objects.create(
        plan=nap,
        slug="2024",
        name_en="Round 2024",
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        state=Round.State.OPEN,
    )
    target = tmp_path / "coverage.html"
    message = report(
        "coverage", "--plan", "nap-2021-2025", "--lang", "en", "--format", "html", "-o", str(target)
    )
    assert "draft" in message
    html = target.read_text()
    assert "Round 2024" in html and "DRAFT" in html


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "nope"], "No plan 'nope'. Known plans: nap-2021-2025."),
        (["--round", "nope"], "No round 'nope' in plan 'nap-2021-2025'. Known rounds:"),
        (["--lang", "xx"], "argument --lang: invalid choice: 'xx'"),
        (["--format", "odt"], "argument --format: invalid choice: 'odt'"),
    ],
)
def test_bad_input_is_a_clear_error_and_writes_nothing(nap, tmp_path, args, message):
    options = {"--plan": "nap-2021-2025", "--lang": "en", "--format": "html"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [item for pair in options.items() for item in pair]
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        report("interim", *flat, "-o", str(tmp_path / "out.html"))
    assert not list(tmp_path.iterdir())


def test_unwritable_output_is_refused_before_any_work(nap, tmp_path):
    base = ["interim", "--plan", "nap-2021-2025", "--lang", "en", "--format", "html", "-o"]
    with pytest.raises(CommandError, match="folder .* does not exist"):
        report(*base, str(tmp_path / "missing" / "out.html"))
    with pytest.raises(CommandError, match="it is a folder"):
        report(*base, str(tmp_path))
    with pytest.raises(CommandError, match="invalid choice: 'report'"):
        call_command("report", "report", stderr=io.StringIO())
    assert not list(tmp_path.iterdir())


def test_an_existing_file_is_replaced_whole(nap, tmp_path):
    target = tmp_path / "budget.html"
    target.write_text("old")
    report(
        "budget", "--plan", "nap-2021-2025", "--lang", "fr", "--format", "html", "-o", str(target)
    )
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["budget.html"]  # no temporary file left
