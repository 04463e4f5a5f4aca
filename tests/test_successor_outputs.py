"""A plan's life across editions in the outputs: the API's measure fields (dropped, deadline,
budget, lineage of published mappings only), the interim report's mark of dropped measures, and
the final report's sections on the successor mapping and the commitment changes, in en and nl."""

import datetime as dt
import io
from decimal import Decimal

import docx
import jsonschema
import pytest

from planwatch.documents import reports
from planwatch.plans.models import MeasureMapping, Plan
from planwatch.reporting import final_round
from planwatch.reporting.commitments import change_measure
from planwatch.reporting.successor import create_successor, publish_successor, set_mapping

from .factories import add_round, make_plan, make_user
from .report_helpers import html_text

Kind = MeasureMapping.Kind
TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def old(db) -> Plan:
    """Five measures, a final round; measure 5 dropped during the plan, measure 1 with a
    deadline and a budget."""
    plan = make_plan("old-plan", measures=5, pillars=2)
    coordinator = make_user("c@example.org", role="coordinator", plan=plan)
    r2 = add_round(plan, "r2", dt.date(2025, 1, 1), dt.date(2025, 12, 31), {1: "implemented"})
    final_round.mark_final(r2, user=coordinator)
    measure = plan.measures.get(number=1)
    change_measure(
        coordinator,
        measure,
        reason="Agreed with the ministers.",
        on=dt.date(2024, 5, 2),
        deadline=dt.date(2025, 6, 30),
        budget=Decimal("25000.50"),
    )
    change_measure(
        coordinator,
        plan.measures.get(number=5),
        reason="Taken over by the federal law.",
        on=dt.date(2024, 9, 1),
        dropped=True,
    )
    return plan


@pytest.fixture
def new(old) -> Plan:
    """The successor: 1 continued as 1 and 2, 3 merged into 2, 4 completed, 5 dropped; not
    published (the tests publish it)."""
    coordinator = old.roles.get().user
    new = create_successor(coordinator, old, slug="new-plan", title="The new plan", lang="en")

    def mapping(number: int) -> MeasureMapping:
        return MeasureMapping.objects.get(successor=new, measure__number=number)

    set_mapping(coordinator, mapping(1), kind=Kind.CONTINUED, targets=[1, 2])
    set_mapping(coordinator, mapping(3), kind=Kind.MERGED, targets=[2])
    set_mapping(coordinator, mapping(4), kind=Kind.COMPLETED)
    return new


def publish(plan: Plan) -> None:
    publish_successor(plan.predecessor.roles.get().user, plan)


# The API --------------------------------------------------------------------------------------


def test_dropped_in_the_list_and_the_detail(client, old):
    rows = client.get("/api/v1/plans/old-plan/measures/").json()["results"]
    assert {row["number"]: row["dropped"] for row in rows} == {
        1: False,
        2: False,
        3: False,
        4: False,
        5: True,
    }
    data = client.get("/api/v1/plans/old-plan/measures/1/").json()
    assert (data["dropped"], data["deadline"], data["budget"]) == (False, "2025-06-30", "25000.5")
    assert client.get("/api/v1/plans/old-plan/measures/2/").json()["budget"] is None


def test_a_draft_successor_shows_no_lineage(client, new):
    data = client.get("/api/v1/plans/old-plan/measures/1/").json()
    assert data["lineage"] == {"continues": [], "continued_as": None}
    assert client.get("/api/v1/plans/new-plan/measures/1/").status_code == 404


def test_the_lineage_of_published_mappings(client, new):
    publish(new)
    old = "/api/v1/plans/old-plan/measures/"
    assert client.get(old + "1/").json()["lineage"]["continued_as"] == {
        "plan": "new-plan",
        "kind": "continued",
        "measures": [1, 2],
        "reason": "",
    }
    merged = client.get(old + "3/").json()["lineage"]["continued_as"]
    assert (merged["kind"], merged["measures"]) == ("merged", [2])
    dropped = client.get(old + "5/").json()["lineage"]["continued_as"]
    assert dropped["kind"] == "dropped" and dropped["measures"] == []
    assert dropped["reason"]  # the drop's reason carries over to the mapping
    assert client.get("/api/v1/plans/new-plan/measures/2/").json()["lineage"] == {
        "continues": [
            {"plan": "old-plan", "number": 1, "kind": "continued"},
            {"plan": "old-plan", "number": 2, "kind": "continued"},
            {"plan": "old-plan", "number": 3, "kind": "merged"},
        ],
        "continued_as": None,
    }


# The reports ----------------------------------------------------------------------------------


def final_text(plan: Plan, lang: str) -> str:
    final = plan.rounds.get(is_final=True)
    return html_text(reports.generate("final", plan, final, lang, "html", today=TODAY).decode())


def section(plan: Plan, anchor: str, lang: str = "en"):
    doc = reports.build("final", plan, plan.rounds.get(is_final=True), lang, TODAY)
    return next((s for s in doc.sections if s.anchor == anchor), None)


def test_the_interim_annex_marks_dropped_measures(old):
    for lang, mark in (("en", "dropped during the plan"), ("nl", "geschrapt tijdens het plan")):
        doc = reports.build("interim", old, old.rounds.get(slug="r1"), lang, TODAY)
        table = next(s for s in doc.sections if s.anchor == "annex-measures").blocks[-1]
        statuses = {row[0]: row[3] for row in table.rows}
        assert mark in statuses["5"]
        assert all(mark not in statuses[n] for n in "1234")


def test_what_became_of_each_measure_only_once_published(new):
    assert section(new.predecessor, "successor") is None
    publish(new)
    old = Plan.objects.get(slug="old-plan")
    rows = {row[0]: row[2] for row in section(old, "successor").blocks[-1].rows}
    assert rows["1"] == "continued as measures 1 and 2"
    assert rows["2"] == "continued as measure 2"
    assert rows["3"] == "merged into measure 2"
    assert rows["4"] == "completed"
    assert rows["5"].startswith("dropped: ")
    text = final_text(old, "en")
    assert "What became of each measure" in text and "The new plan" in text


def test_the_sections_in_dutch(new):
    publish(new)
    old = Plan.objects.get(slug="old-plan")
    text = final_text(old, "nl")
    assert "Wat er van elke maatregel werd" in text
    assert "voortgezet als maatregelen 1 en 2" in text
    assert "samengevoegd in maatregel 2" in text
    assert "Wijzigingen van de engagementen tijdens het plan" in text
    assert "2 mei 2024" in text


def test_the_commitment_changes_in_the_final_report(old):
    rows = section(old, "commitment-changes").blocks[-1].rows
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("2 May 2024", "1", "deadline"),
        ("2 May 2024", "1", "budget"),
        ("1 September 2024", "5", "dropped"),
    ]
    assert rows[0][3] == "Agreed with the ministers."


def test_no_changes_no_section(db):
    plan = make_plan("plain-plan", measures=3, pillars=1)
    final_round.mark_final(plan.rounds.get(), user=make_user(role="coordinator", plan=plan))
    assert section(plan, "commitment-changes") is None
    assert section(plan, "successor") is None


def test_the_schema_documents_the_new_fields_and_the_answers_match(client, new):
    publish(new)
    schema = client.get("/api/v1/openapi.json", secure=True).json()
    detail = schema["components"]["schemas"]["MeasureDetail"]["properties"]
    assert {"dropped", "deadline", "budget", "lineage"} <= set(detail)
    assert "dropped" in schema["components"]["schemas"]["Measure"]["properties"]
    operation = schema["paths"]["/api/v1/plans/{plan}/measures/{number}/"]["get"]
    declared = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft202012Validator({**declared, "components": schema["components"]})
    for url in ("old-plan/measures/1/", "old-plan/measures/5/", "new-plan/measures/2/"):
        answer = client.get("/api/v1/plans/" + url).json()
        assert not list(validator.iter_errors(answer)), url


def test_the_sections_render_in_docx(new):
    publish(new)
    old = Plan.objects.get(slug="old-plan")
    final = old.rounds.get(is_final=True)
    data = reports.generate("final", old, final, "fr", "docx", today=TODAY)
    text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(data)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "poursuivie comme mesures 1 et 2" in text and "1 septembre 2024" in text
