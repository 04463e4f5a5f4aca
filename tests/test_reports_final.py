"""The final evaluation report (documents/reports/final.py) on a factory plan with three
published rounds: per measure the path of status marks through the rounds, the status at the end
beside civil society's last assessment, budgets summed over the rounds, indicators against their
targets; four languages; HTML, PDF and DOCX; the command line and the downloads."""

import datetime as dt
import io
from decimal import Decimal

import docx
import pytest
from django.core.management import CommandError, call_command

from planwatch.actors.models import Actor
from planwatch.documents import reports
from planwatch.indicators.models import Target
from planwatch.indicators.progress import plan_progress
from planwatch.lib.money import euro
from planwatch.reporting import final_round, stats
from planwatch.reporting.models import Assessment, BudgetLine, Contribution, Round

from .factories import add_round, make_milestones, make_plan, make_user
from .report_helpers import html_text

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def plan(db):
    """Six measures through three published rounds (r1 from the factory: measure 1 not started,
    2 in progress, 3 implemented, …), the last one final."""
    plan = make_plan("end-plan", measures=6, pillars=2)
    add_round(
        plan,
        "r2",
        dt.date(2023, 11, 2),
        dt.date(2024, 12, 31),
        {1: "in_progress", 2: "in_progress", 3: "implemented"},
    )
    r3 = add_round(
        plan,
        "r3",
        dt.date(2025, 1, 1),
        dt.date(2025, 12, 31),
        {1: "implemented", 2: "in_progress", 3: "implemented", 4: "not_started"},
    )
    r3.name_fr, r3.name_nl = "Évaluation finale", "Eindevaluatie"
    r3.save()
    coordinator = make_user(role="coordinator", plan=plan)
    final_round.mark_final(r3, user=coordinator)
    rounds = {r.slug: r for r in plan.rounds.all()}
    measure = plan.measures.get(number=1)
    actor = Actor.objects.get(slug="end-plan-a1")
    platform = Actor.objects.create(slug="platform", name_en="Platform", short_en="Platform")
    # Budgets of measure 1: the plan's own 1,000 (factory) + 500 (r2) + 250 (r3); a line of an
    # unvalidated contribution and a line not counted in the totals stay out.
    for slug, amount, state in (("r2", 500, "validated"), ("r3", 250, "validated")):
        contribution = Contribution.objects.create(
            round=rounds[slug], measure=measure, actor=actor, state=state
        )
        BudgetLine.objects.create(
            plan=plan,
            government=actor.government,
            measure=measure,
            year=2024,
            amount=Decimal(amount),
            nature="broader",
            contribution=contribution,
        )
    submitted = Contribution.objects.create(
        round=rounds["r3"], measure=plan.measures.get(number=2), actor=actor, state="submitted"
    )
    BudgetLine.objects.create(
        plan=plan,
        government=actor.government,
        measure=measure,
        year=2025,
        amount=Decimal(9999),
        nature="specific",
        contribution=submitted,
    )
    BudgetLine.objects.create(
        plan=plan,
        government=actor.government,
        measure=measure,
        year=2025,
        amount=Decimal(7777),
        nature="specific",
        in_totals=False,
    )
    # Civil society: measure 1 rated in r1 and r2 (the later counts); an unpublished one in r3.
    for slug, rating, published in (
        ("r1", "not_started", True),
        ("r2", "abandoned", True),
        ("r3", "implemented", False),
    ):
        Assessment.objects.create(
            round=rounds[slug],
            measure=measure,
            organisation=platform,
            rating=rating,
            is_published=published,
        )
    indicator = plan.indicators.get()
    Target.objects.create(
        indicator=indicator,
        period="2025",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        value=Decimal("10.5"),
        dims={"city": "Gent"},
    )
    return plan


def final(plan) -> Round:
    return plan.rounds.get(is_final=True)


def text_of(plan, lang: str) -> str:
    return html_text(
        reports.generate("final", plan, final(plan), lang, "html", today=TODAY).decode()
    )


def measure_rows(plan, lang="en") -> dict[str, list[str]]:
    doc = reports.build("final", plan, final(plan), lang, TODAY)
    table = next(s for s in doc.sections if s.anchor == "measures").blocks[-1]
    return {
        row[0]: [cell if isinstance(cell, str) else cell.text for cell in row[1:]]
        for row in table.rows
    }


# The figures, from reporting/stats.py ---------------------------------------------------------


def test_the_rounds_through_the_end_and_each_measures_path(plan):
    through = stats.rounds_through(plan, final(plan))
    assert [r.slug for r in through.rounds] == ["r1", "r2", "r3"]
    one, five = plan.measures.get(number=1), plan.measures.get(number=5)
    assert through.path(one.pk) == ["in_progress", "in_progress", "implemented"]
    assert through.path(five.pk) == ["implemented", "", ""]


def test_budgets_are_summed_per_measure_over_the_rounds(plan):
    cells = stats.budgets_per_measure(plan)
    one = cells[plan.measures.get(number=1).pk]
    assert (one.specific, one.broader, one.total) == (1000, 750, 1750)
    assert cells[plan.measures.get(number=2).pk].total == 1000


def test_indicators_against_targets_and_the_last_assessments(plan):
    # The final report shows the indicators through the progress method, as the interim does.
    [progress] = plan_progress(plan).values()
    assert progress.target.value == 10.5
    assert (progress.current.period, progress.current.value) == ("2004", 4)
    assert "Indicators and their targets" in text_of(plan, "en")
    through = stats.rounds_through(plan, final(plan))
    last = stats.last_assessments(plan, through.rounds)
    [only] = last[plan.measures.get(number=1).pk]
    assert (only.rating, only.round.slug) == ("abandoned", "r2")


# The report ------------------------------------------------------------------------------------


def test_per_measure_the_path_the_end_and_the_assessment_beside_it(plan):
    rows = measure_rows(plan)
    # Factory r1: measure n has statuses[n % 3] (not started, in progress, implemented).
    assert rows["1"] == [
        "Measure 1",
        "◐",
        "◐",
        "●",
        "Implemented",
        "Platform: abandoned (Round r2)",
    ]
    assert rows["4"] == ["Measure 4", "◐", "–", "○", "Not started", "–"]
    assert rows["5"] == ["Measure 5", "●", "–", "–", "No status recorded", "–"]


def test_the_legend_names_each_mark_and_round(plan):
    text = text_of(plan, "en")
    for words in (
        "○ Not started",
        "◐ In progress",
        "● Implemented",
        "– No status recorded",
        "1 Round 1 1 January 2021 – 1 November 2023",
        "3 Round r3 (final evaluation round) 1 January 2025 – 31 December 2025",
    ):
        assert words in text


def test_budgets_indicators_and_the_milestone_hook(plan):
    text = text_of(plan, "en")
    assert "1 Measure 1 €1,000 €750 €1,750" in text
    assert "Total €6,000 €750 €6,750" in text
    assert "9,999" not in text and "7,777" not in text
    # The indicators through the progress method: target, latest value, share, category.
    progress = "Indicator count per period 10.5 (2025), reach the target 4 (2004) 38.1% On track"
    assert progress in text
    # A plan without milestones has no milestones section.
    assert "Milestones per state" not in text


def test_the_milestones_kept_and_slipped(plan):
    make_milestones(plan)
    text = text_of(plan, "en")
    assert "Milestones per state" in text
    assert "Milestone slipped" in text  # the most slipped are listed


@pytest.mark.parametrize(
    "lang, words",
    [
        ("nl", ["Eindevaluatieverslag", "Status aan het einde", "Eindevaluatie", "Teken"]),
        ("fr", ["Rapport d'évaluation finale", "Statut à la fin", "Évaluation finale", "Symbole"]),
        ("de", ["Abschlussbewertungsbericht", "Status am Ende", "Zeichen", "Zielwert"]),
        ("en", ["Final evaluation report", "Status at the end", "Mark", "Target"]),
    ],
)
def test_four_languages(plan, lang, words):
    text = text_of(plan, lang)
    for word in [*words, html_text(euro(1750, lang)), html_text(euro(6750, lang))]:
        assert word in text, word


def test_pdf_and_docx_render_the_same_rows(plan):
    pdf = reports.generate("final", plan, final(plan), "fr", "pdf", today=TODAY)
    assert pdf.startswith(b"%PDF")
    data = reports.generate("final", plan, final(plan), "nl", "docx", today=TODAY)
    document = docx.Document(io.BytesIO(data))
    cells = [[c.text for c in row.cells] for table in document.tables for row in table.rows]
    # The measures' table first, then the budgets' one.
    path, budget = [row for row in cells if row[:2] == ["1", "Maatregel 1"]]
    assert path[:6] == ["1", "Maatregel 1", "◐", "◐", "●", "Uitgevoerd"]
    assert budget[2:] == [euro(1000, "nl"), euro(750, "nl"), euro(1750, "nl")]


def test_a_plan_without_a_final_round_has_no_final_report(plan):
    Round.objects.filter(plan=plan).update(is_final=False)
    with pytest.raises(ValueError, match="has no final evaluation round"):
        reports.build("final", plan, plan.rounds.get(slug="r3"), "en")


# Command line and downloads ---------------------------------------------------------------------


def test_the_command_writes_the_final_report(plan, tmp_path):
    for fmt in ("html", "pdf", "docx"):
        out = tmp_path / f"final.{fmt}"
        err = io.StringIO()
        call_command(
            "report", "final", "--plan", plan.slug, "--lang", "fr", "--format", fmt, "-o", str(out),
            stdout=io.StringIO(), stderr=err,
        )  # fmt: skip
        assert out.stat().st_size > 0 and err.getvalue() == f"Wrote {out}\n"


def test_the_command_refuses_a_plan_without_a_final_round(plan, tmp_path):
    Round.objects.filter(plan=plan).update(is_final=False)
    out = tmp_path / "final.html"
    with pytest.raises(CommandError, match="has no final evaluation round: mark one with"):
        call_command(
            "report", "final", "--plan", plan.slug, "--lang", "en", "--format", "html", "-o",
            str(out), stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    with pytest.raises(CommandError, match="has no final evaluation round"):
        call_command(
            "report", "final", "--plan", plan.slug, "--round", "r2", "--lang", "en", "--format",
            "html", "-o", str(out), stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip
    assert not out.exists()


def test_the_download_and_the_plan_page_link(client, plan):
    page = client.get(f"/fr/plans/{plan.slug}/").content.decode()
    assert f"/fr/plans/{plan.slug}/reports/final.pdf" in page
    response = client.get(f"/fr/plans/{plan.slug}/reports/final.html")
    assert response.status_code == 200
    assert "Rapport d'évaluation finale" in html_text(b"".join(response.streaming_content).decode())
    assert client.get(f"/fr/plans/{plan.slug}/reports/final.html?round=r2").status_code == 404


def test_no_link_and_no_download_without_a_final_round(client, plan):
    Round.objects.filter(plan=plan).update(is_final=False)
    page = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert "reports/final" not in page
    assert client.get(f"/en/plans/{plan.slug}/reports/final.html").status_code == 404


def test_the_final_round_stores_the_final_report_too(plan, renders, capsys):
    calls = renders
    # A later round published after the final one: render-reports renders both.
    add_round(plan, "r4", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    call_command("render_reports", "--plan", plan.slug)
    finals = {(lang, fmt) for kind, _plan, slug, lang, fmt in calls if kind == "final"}
    assert len(finals) == 12 and {c[2] for c in calls if c[0] == "final"} == {"r3"}
    assert len(calls) == 36 + 48
    assert "end-plan r3: 48 reports rendered" in capsys.readouterr().out
