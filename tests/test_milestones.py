"""Milestones: slippage computed from dates, the states, the medians, who may propose and
validate new dates, refused dates and the public, logged re-baselining."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planwatch.milestones.models import Milestone
from planwatch.milestones.services import MilestoneInput, rebaseline_milestone
from planwatch.milestones.slippage import (
    DONE,
    DONE_LATE,
    ON_TIME,
    SLIPPED,
    milestone_summary,
    slippage_days,
    state_of,
)
from planwatch.reporting import services
from planwatch.reporting.models import Event
from planwatch.reporting.services import ContributionInput

from .factories import make_milestones, make_plan, make_user

D = dt.date


@pytest.mark.parametrize(
    "baseline, forecast, completed, days, state",
    [
        (D(2024, 1, 1), None, None, 0, ON_TIME),
        (D(2024, 1, 1), D(2023, 12, 1), None, -31, ON_TIME),
        (D(2024, 1, 1), D(2024, 1, 1), None, 0, ON_TIME),
        (D(2024, 1, 1), D(2024, 3, 1), None, 60, SLIPPED),
        (D(2024, 1, 1), D(2024, 3, 1), D(2024, 1, 2), 1, DONE_LATE),
        (D(2024, 1, 1), D(2025, 3, 1), D(2023, 12, 31), -1, DONE),
        (D(2024, 1, 1), None, D(2024, 1, 1), 0, DONE),
    ],
)
def test_slippage_and_state(baseline, forecast, completed, days, state):
    assert slippage_days(baseline, forecast, completed) == days
    assert state_of(baseline, forecast, completed) == state


def test_summary_counts_most_slipped_and_medians(db):
    plan = make_plan(measures=8, pillars=2)
    made = make_milestones(plan)
    summary = milestone_summary(plan)
    assert summary.counts == {ON_TIME: 2, SLIPPED: 1, DONE_LATE: 1, DONE: 1}
    assert summary.total == 5
    # The re-baselined one is on time against its new baseline.
    assert [d.milestone for d in summary.most_slipped] == [made["slipped"], made["done_late"]]
    assert summary.most_slipped[0].slippage == 181
    assert summary.measures[made["done"].measure_id] == 30  # the worst of the measure
    by_pillar = {g.label: g for g in summary.pillars}
    assert sum(g.count for g in by_pillar.values()) == 5
    slippages = sorted(s for g in by_pillar.values() for s in g.slippages)
    assert slippages == [-29, -16, 0, 30, 181]
    for group in summary.pillars + summary.actors:
        values = sorted(group.slippages)
        middle = len(values) // 2
        expected = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
        assert group.median == expected
    assert made["rebaselined"].rebaselinings.get().reason


@pytest.fixture
def round_(nap, coordinator):
    round_ = services.create_round(
        nap,
        user=coordinator,
        slug="2025",
        name={"en": "Round 2025"},
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        deadline=None,
    )
    services.open_round(round_, user=coordinator)
    return round_


@pytest.fixture
def item(round_, focal_a):
    return round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[0]


@pytest.fixture
def milestone(item):
    return Milestone.objects.create(
        measure=item.measure, key="law", description_en="Law in force", baseline=D(2025, 1, 1)
    )


def filled(*updates) -> ContributionInput:
    return ContributionInput("in_progress", {"en": "Work."}, milestones=list(updates))


def test_focal_point_proposes_coordinator_validates(item, milestone, focal_a, coordinator):
    moved = MilestoneInput(milestone.pk, D(2025, 9, 1), None, "Parliament's agenda")
    services.save_contribution(item, filled(moved), user=focal_a, version=0, submit=True)
    milestone.refresh_from_db()
    assert milestone.forecast is None  # not public before validation
    update = item.milestone_updates.get()
    assert (update.forecast, update.applied) == (D(2025, 9, 1), False)
    saved = Event.objects.filter(action="reporting.contribution.submitted").latest("pk")
    assert saved.data["milestones"][1] == [f"{milestone.pk} 2025-09-01 - Parliament's agenda"]
    item.refresh_from_db()
    services.validate_contribution(item, user=coordinator, version=item.version)
    milestone.refresh_from_db()
    assert (milestone.forecast, milestone.forecast_reason) == (D(2025, 9, 1), "Parliament's agenda")
    event = Event.objects.get(action="milestones.milestone.updated")
    assert event.data["forecast"] == ["", "2025-09-01"]
    assert milestone_summary(item.round.plan).counts[SLIPPED] >= 1


def test_others_may_not_propose_or_rebaseline(item, milestone, focal_b, focal_a):
    moved = MilestoneInput(milestone.pk, D(2025, 9, 1), None, "Why")
    with pytest.raises(PermissionDenied):
        services.save_contribution(item, filled(moved), user=focal_b, version=0)
    with pytest.raises(PermissionDenied):
        rebaseline_milestone(milestone, user=focal_a, baseline=D(2026, 1, 1), reason="x")
    assert not item.milestone_updates.exists()


def test_a_focal_point_may_not_validate(item, milestone, focal_a):
    moved = MilestoneInput(milestone.pk, D(2025, 9, 1), None, "Why")
    services.save_contribution(item, filled(moved), user=focal_a, version=0, submit=True)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.validate_contribution(item, user=focal_a, version=item.version)
    milestone.refresh_from_db()
    assert milestone.forecast is None


@pytest.mark.parametrize(
    "update, message",
    [
        (MilestoneInput(0, D(2025, 9, 1), None, "x"), "does not belong"),
        (MilestoneInput(None, D(1789, 7, 14), None, "x"), "between 1990 and 2100"),
        (MilestoneInput(None, None, D(2099, 1, 1), ""), "cannot be in the future"),
        (MilestoneInput(None, D(2025, 9, 1), None, " "), "say why the forecast moves"),
    ],
)
def test_bad_dates_are_refused_with_a_message(english, item, milestone, focal_a, update, message):
    update.milestone_id = update.milestone_id if update.milestone_id == 0 else milestone.pk
    with pytest.raises(ValidationError) as error:
        services.save_contribution(item, filled(update), user=focal_a, version=0)
    assert message in " ".join(error.value.message_dict["milestones"])
    item.refresh_from_db()
    assert item.state == "todo" and not item.milestone_updates.exists()


def test_another_measures_milestone_is_refused(english, item, focal_a, nap):
    other = Milestone.objects.create(
        measure=nap.measures.exclude(pk=item.measure_id).first(),
        key="x",
        description_en="Elsewhere",
        baseline=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.save_contribution(
            item,
            filled(MilestoneInput(other.pk, D(2025, 2, 1), None, "x")),
            user=focal_a,
            version=0,
        )


def test_rebaselining_is_logged_and_needs_a_reason(english, milestone, coordinator):
    with pytest.raises(ValidationError):
        rebaseline_milestone(milestone, user=coordinator, baseline=D(2026, 1, 1), reason=" ")
    change = rebaseline_milestone(
        milestone, user=coordinator, baseline=D(2026, 1, 1), reason="New law needed."
    )
    milestone.refresh_from_db()
    assert milestone.baseline == D(2026, 1, 1)
    assert (change.old_baseline, change.reason) == (D(2025, 1, 1), "New law needed.")
    event = Event.objects.get(action="milestones.milestone.rebaselined")
    assert event.reason == "New law needed."
    assert event.data["baseline"] == ["2025-01-01", "2026-01-01"]


def test_summary_as_of_a_round(item, milestone, focal_a, coordinator, round_):
    moved = MilestoneInput(milestone.pk, D(2025, 9, 1), None, "Later")
    services.save_contribution(item, filled(moved), user=focal_a, version=0, submit=True)
    item.refresh_from_db()
    services.validate_contribution(item, user=coordinator, version=item.version)
    now = milestone_summary(round_.plan, round=round_)
    assert now.measures[milestone.measure_id] == 243
    earlier = round_.plan.rounds.exclude(pk=round_.pk).order_by("end").first()
    if earlier is not None:
        assert milestone_summary(round_.plan, round=earlier).measures[milestone.measure_id] == 0


def test_a_user_without_role_cannot_rebaseline(db, milestone):
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        rebaseline_milestone(milestone, user=stranger, baseline=D(2026, 1, 1), reason="x")


def test_contribution_form_and_review_page(client, item, milestone, focal_a, coordinator):
    client.force_login(focal_a)
    url = f"/en/work/contributions/{item.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "milestones-0-forecast" in page.content.decode()
    post = {
        "version": 0,
        "proposed_status": "in_progress",
        "narrative_nl": "Gedaan.",
        "evidence": "",
        "budget-TOTAL_FORMS": 0,
        "budget-INITIAL_FORMS": 0,
        "milestones-TOTAL_FORMS": 1,
        "milestones-INITIAL_FORMS": 1,
        "milestones-0-milestone": milestone.pk,
        "milestones-0-forecast": "2025-06-30",
        "milestones-0-completed": "",
        "milestones-0-reason": "",
        "submit": "1",
    }
    refused = client.post(url, post)
    assert refused.status_code == 200 and not item.milestone_updates.exists()
    assert "2025" in refused.content.decode()
    post["milestones-0-forecast"] = "31/13/2025"
    assert client.post(url, post).status_code == 200
    post["milestones-0-forecast"] = "30/06/2025"
    post["milestones-0-reason"] = "Vertraging"
    assert client.post(url, post).status_code == 302
    assert item.milestone_updates.get().forecast == D(2025, 6, 30)
    client.force_login(coordinator)
    review = client.get(f"/en/work/rounds/{item.round_id}/measures/{item.measure.number}/")
    assert "Vertraging" in review.content.decode()


def test_public_measure_and_plan_pages(client, db):
    plan = make_plan(measures=8, pillars=2)
    made = make_milestones(plan)
    measure = made["slipped"].measure
    page = client.get(f"/en/plans/{plan.slug}/measures/{measure.number}/").content.decode()
    assert "<svg" in page and "Milestone slipped" in page and ">181<" in re.sub(r"\s+", "", page)
    assert "slipped" in page
    rebased = made["rebaselined"].measure
    page = client.get(f"/en/plans/{plan.slug}/measures/{rebased.number}/").content.decode()
    assert "The law was split in two." in page and "re-baselined" in page
    page = client.get(f"/en/plans/{plan.slug}/").content.decode()
    assert "Most slipped milestones" in page and "Milestones per actor" in page


def test_api_and_export_agree(client, db, tmp_path):
    import json

    from django.core.management import call_command

    plan = make_plan(measures=8, pillars=2)
    make_milestones(plan)
    answer = client.get(f"/api/v1/plans/{plan.slug}/milestones/")
    assert answer.status_code == 200
    items = answer.json()
    items = items.get("results", items) if isinstance(items, dict) else items
    by_key = {item["key"]: item for item in items}
    assert by_key["slipped"]["slippage_days"] == 181 and by_key["slipped"]["state"] == SLIPPED
    assert by_key["rebaselined"]["rebaselined"] and by_key["rebaselined"]["rebaselinings"]
    out = tmp_path / "m.json"
    call_command("export", "milestones", "--plan", plan.slug, "--format", "json", "-o", str(out))
    rows = json.loads(out.read_text())
    rows = rows.get("rows", rows) if isinstance(rows, dict) else rows
    exported = {row["key"]: row for row in rows}
    for key, item in by_key.items():
        for column in ("baseline", "forecast", "completed", "slippage_days", "state"):
            assert exported[key][column] == item[column], (key, column)
    assert client.get("/api/v1/plans/nobody/milestones/").status_code == 404
    assert client.get(f"/api/v1/plans/{plan.slug}/milestones/?x=1").status_code == 400


def test_confidence_with_the_status(english, client, round_, item, coordinator, focal_a):
    from planwatch.milestones.models import ConfidenceLevel
    from planwatch.reporting.models import Round

    plan, measure = round_.plan, item.measure
    with pytest.raises(ValidationError):
        services.decide_status(
            round_,
            measure,
            user=coordinator,
            status="in_progress",
            narrative={},
            reason="x",
            confidence=9,
        )
    with pytest.raises(PermissionDenied):
        services.decide_status(
            round_, measure, user=focal_a, status="in_progress", narrative={}, confidence=2
        )
    decided = services.decide_status(
        round_,
        measure,
        user=coordinator,
        status="not_started",
        narrative={},
        reason="x",
        confidence=2,
        version=0,
    )
    assert decided.confidence == 2
    again = services.decide_status(
        round_, measure, user=coordinator, status="not_started", narrative={}, reason="x"
    )
    assert again.confidence == 2  # kept when not given
    ConfidenceLevel.objects.create(plan=plan, level=2, name_en="Fairly sure", criteria_en="Funded.")
    page = client.get(f"/en/plans/{plan.slug}/confidence/").content.decode()
    assert "Fairly sure" in page and "Funded." in page and "Very low" in page
    client.force_login(coordinator)
    review = client.get(f"/en/work/rounds/{round_.pk}/measures/{measure.number}/")
    assert 'name="confidence"' in review.content.decode()
    client.logout()
    Round.objects.filter(pk=round_.pk).update(state=Round.State.PUBLISHED)
    page = client.get(f"/en/plans/{plan.slug}/measures/{measure.number}/").content.decode()
    assert "2. Fairly sure" in page


def test_interim_report_has_the_milestones_section(nap):
    from planwatch.documents.reports.interim import build_interim
    from planwatch.reporting.models import Round

    round_ = Round.objects.latest_published(nap)
    doc = build_interim(nap, round_, "fr", D(2024, 1, 1))
    section = next(s for s in doc.sections if s.anchor == "milestones")
    assert section.title == "Jalons"
    counts = dict(section.blocks[0].rows)
    assert counts["Réalisé"] == str(Milestone.objects.filter(measure__plan=nap).count())


def test_rebaseline_command(english, milestone, coordinator, focal_a):
    from django.core.management import CommandError, call_command

    args = ["rebaseline", "--plan", milestone.measure.plan.slug, "--measure"]
    args += [str(milestone.measure.number), "--key", "law", "--reason", "Split law"]
    with pytest.raises(CommandError, match="Refused"):
        call_command(*args, "--baseline", "2026-01-01", "--user", focal_a.email)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command(*args, "--baseline", "1/1/2026", "--user", coordinator.email)
    call_command(*args, "--baseline", "2026-01-01", "--user", coordinator.email)
    milestone.refresh_from_db()
    assert milestone.baseline == D(2026, 1, 1) and milestone.rebaselinings.count() == 1
