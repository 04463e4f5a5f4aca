"""The computed budget totals say what they count and what they leave out, and why; a government
that reported nothing is "not reported", not €0; the totals carry the lower bound of their parts
and are set beside the printed totals in one sentence; a plan-level line is no measure's money;
the editors' notes (facts among them) are on the public pages."""

import html
from decimal import Decimal

import pytest

from planwatch.documents import reports
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, Round

PLAN = "/{lang}/plans/nap-2021-2025/"


def flat(text: str) -> str:
    text = html.unescape(text)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return flat(response.content.decode())


def test_every_line_left_out_has_one_reason(nap):
    left_out = BudgetLine.objects.filter(plan=nap, in_totals=False)
    assert left_out.exists()
    assert not left_out.filter(excluded_reason="").exists()
    assert not BudgetLine.objects.filter(plan=nap, in_totals=True).exclude(excluded_reason="")
    reasons = dict(
        left_out.values_list("amount", "excluded_reason").filter(
            government__code="be-fed", year=2022, to_year=2023
        )
    )
    assert reasons[Decimal(40_595_000)] == "on_top_of_total"
    assert set(
        left_out.filter(actor__slug="fod-buitenlandse-zaken").values_list(
            "excluded_reason", flat=True
        )
    ) == {"international"}


def test_the_totals_group_what_they_leave_out_by_reason(nap):
    totals = stats.budget_totals(nap)
    assert totals.total.total == Decimal(180_000_000)
    assert totals.total.qualifier == "at_least"
    assert len(totals.counted) == 3
    groups = {group.reason: group for group in totals.excluded}
    assert set(groups) == {
        "on_top_of_total",
        "international",
        "outside_period",
        "part_of_another_line",
    }
    assert groups["on_top_of_total"].cell.total == Decimal(40_595_000)
    assert (
        sum(len(g.lines) for g in totals.excluded)
        == BudgetLine.objects.filter(plan=nap, in_totals=False).count()
    )
    states = {item.government.code: item.state for item in totals.governments}
    assert states["be-fed"] == "counted" and states["federated"] == "counted"
    assert states["vl"] == "not_counted"
    assert states["dg"] == "not_reported"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            [
                "not counted",
                "not reported",
                "reported on top of the published total",
                "international cooperation, outside the plan's totals",
                "at least €180,000,000",
                "The lines counted here add up to at least €180,000,000; the report prints more "
                "than €181,000,000. The €1,000,000 between them",
            ],
        ),
        (
            "fr",
            [
                "non compté",
                "non rapporté",
                "rapporté en plus du total publié",
                "au moins 180 000 000 €",
                "Les lignes comptées ici totalisent au moins 180 000 000 € ; le rapport indique "
                "plus de 181 000 000 €.",
            ],
        ),
        (
            "nl",
            [
                "niet gerapporteerd",
                "minstens € 180.000.000",
                "het verslag vermeldt meer dan € 181.000.000",
            ],
        ),
    ],
)
def test_the_plan_page_says_what_the_totals_count(client, nap, lang, words):
    text = page(client, PLAN.format(lang=lang))
    for word in words:
        assert word in text, (lang, word)
    # Each line left out shows its reason on hover.
    assert 'title="' in client.get(PLAN.format(lang=lang)).content.decode()


def test_the_federal_broader_cell_is_not_counted_rather_than_zero(client, nap):
    totals = stats.budget_totals(nap)
    federal = next(row for row in totals.rows if row.level == "federal")
    assert federal.cell.broader_qualifier == "" and "broader" in federal.cell.left_out
    text = page(client, PLAN.format(lang="en"))
    table = text[
        text.index("Computed from the budget lines") : text.index("Left out of the totals")
    ]
    assert "€0" not in table


def test_measure_9_holds_no_plan_level_money(client, nap):
    assert not BudgetLine.objects.filter(plan=nap, measure__number=9).exists()
    text = page(client, "/en/plans/nap-2021-2025/measures/9/")
    assert "180,000,000" not in text and "79,000,000" not in text
    round_ = Round.objects.latest_published(nap)
    budget = flat(reports.generate("budget", nap, round_, "en", "html").decode())
    per_measure = budget[budget.rindex("Per measure</h2>") :]
    assert "Map the budgets spent on gender-based violence" not in per_measure


def test_the_budget_report_gives_each_reason_in_its_annex(nap):
    round_ = Round.objects.latest_published(nap)
    text = flat(reports.generate("budget", nap, round_, "en", "html").decode())
    assert "Annex: lines left out of the totals" in text
    annex = text[text.rindex("Annex: lines left out of the totals</h2>") :]
    for reason in (
        "Reported on top of the published total",
        "International cooperation",
        "Outside the period of the totals",
        "Already part of another line",
    ):
        assert reason in annex, reason
    assert "already part of the amount of another line" not in text  # the old, false footnote
    assert "The lines counted here add up to at least €180,000,000" in text
    assert "Left out of the totals, reported on top of the published total: €40,595,000." in text
    german = flat(reports.generate("budget", nap, round_, "de", "html").decode())
    assert "Anhang: nicht in den Summen gezählte Zeilen" in german
    assert "mindestens 180.000.000 €" in german


def test_notes_are_on_the_public_pages(client, nap):
    # A budget line's note: the federal 79 million leaves out running costs of justice and police.
    plan = page(client, PLAN.format(lang="en"))
    assert "structural running costs of federal bodies such as justice and police" in plan
    # The framework's note: Belgium ratified the Istanbul Convention in 2016.
    coverage = page(client, "/fr/plans/nap-2021-2025/coverage/")
    assert "ratified by Belgium in 2016" in coverage
    # A measure's note, and a budget line's note on its measure's page.
    measure = (
        nap.measures.exclude(note="")
        .filter(budget_lines__isnull=False)
        .exclude(budget_lines__note="")
        .first()
    )
    text = page(client, f"/nl/plans/nap-2021-2025/measures/{measure.number}/")
    assert flat(measure.note) in text
    assert flat(measure.budget_lines.exclude(note="").first().note) in text
    # An indicator's and an observation's notes.
    indicator = page(client, "/de/plans/nap-2021-2025/indicators/professionals-reached/")
    assert 'The report says "about three hundred" lawyers' in indicator.replace("&quot;", '"')


@pytest.mark.parametrize("number", [126, 63])
def test_two_wordings_follow_the_report(nap, number):
    measure = nap.measures.get(number=number)
    texts = [getattr(measure, f"description_{lang}") for lang in ("nl", "fr", "de", "en")]
    if number == 126:
        for text, wrong in zip(
            texts, ["minimumstraf", "peine minimale", "Mindeststrafe", "minimum"], strict=True
        ):
            assert wrong not in text
        assert all("10" in text and "15" in text for text in texts)
    else:
        for text, year in zip(
            texts, ["eind 2023", "fin 2023", "Ende 2023", "end of 2023"], strict=True
        ):
            assert year in text
        assert "supported 10,000" not in texts[3]


def test_the_api_totals_carry_the_lower_bound(client, nap):
    data = client.get("/api/v1/plans/nap-2021-2025/budget-totals/").json()
    assert data["computed"]["total"]["total"] == "180000000"
    assert data["computed"]["total"]["qualifier"] == "at_least"
    assert {row["qualifier"] for row in data["computed"]["rows"]} == {"at_least"}
    lines = client.get("/api/v1/plans/nap-2021-2025/budget-lines/?page_size=1000").json()
    federal = next(line for line in lines["results"] if line["amount"] == "40595000")
    assert (federal["in_totals"], federal["excluded_reason"]) == (False, "on_top_of_total")
    assert federal["measure"] is None
