"""A reporting round from opening to publication, through the services every entry point uses."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planwatch.plans.models import MeasureActor
from planwatch.reporting import services
from planwatch.reporting.models import Assessment, Contribution, Event, MeasureStatus, Round
from planwatch.reporting.services import BudgetInput, Conflict

from .factories import make_user
from .workspace_helpers import filled


def test_opening_creates_one_contribution_per_measure_and_actor(nap, round_):
    assert round_.state == Round.State.OPEN
    pairs = set(
        MeasureActor.objects.filter(measure__plan=nap).values_list("measure_id", "actor_id")
    )
    assert set(round_.contributions.values_list("measure_id", "actor_id")) == pairs
    assert set(round_.contributions.values_list("state", flat=True)) == {"todo"}


def test_a_whole_round(nap, round_, item, focal_a, coordinator, assessor):
    measure = item.measure
    services.save_contribution(
        item,
        filled(
            evidence=[("https://example.org/a", "Report")],
            budget=[BudgetInput(2024, Decimal("1234.56"), "specific", "spent")],
        ),
        user=focal_a,
        version=0,
    )
    assert item.state == "draft"
    services.save_contribution(item, filled(), user=focal_a, version=item.version, submit=True)
    assert item.state == "submitted"
    services.return_contribution(
        item, user=coordinator, version=item.version, comment="Add the figures."
    )
    assert (item.state, item.review_comment) == ("returned", "Add the figures.")
    services.save_contribution(
        item,
        filled("implemented", "Done, 3 sessions."),
        user=focal_a,
        version=item.version,
        submit=True,
    )
    services.validate_contribution(item, user=coordinator, version=item.version)
    assert item.state == "validated"
    # The proposal reads validated contributions only: the one validated says implemented.
    assert services.proposed_status_for(round_, measure) == "implemented"
    decided = services.decide_status(
        round_,
        measure,
        user=coordinator,
        status="implemented",
        narrative={"en": "Done."},
    )
    services.publish_round(round_, user=coordinator)
    round_.refresh_from_db()
    assert round_.state == "published" and round_.published_on
    correction = services.correct_status(
        decided,
        user=coordinator,
        status="in_progress",
        reason="One part is still running.",
        version=decided.version,
    )
    assert correction.old_status == "implemented"
    assessment = services.save_assessment(
        round_,
        measure,
        assessor.roles.get().actor_id,
        user=assessor,
        rating="not_started",
        commentary={"en": "We saw nothing."},
        publish=True,
        version=None,
    )
    assert assessment.is_published
    actions = list(
        Event.objects.filter(round=round_, measure=measure).values_list("action", flat=True)
    )
    for action in (
        "reporting.contribution.saved",
        "reporting.contribution.submitted",
        "reporting.contribution.returned",
        "reporting.contribution.validated",
        "reporting.status.decided",
        "reporting.status.corrected",
        "reporting.assessment.published",
    ):
        assert action in actions
    assert Event.objects.filter(round=round_, action="reporting.round.published").exists()


@pytest.mark.parametrize(
    ("proposals", "expected"),
    [
        (["implemented", "implemented"], "implemented"),
        (["implemented", "in_progress"], "in_progress"),
        (["implemented", "not_started"], "in_progress"),
        (["not_started", ""], "not_started"),
        ([], "not_started"),
    ],
)
def test_proposed_status(proposals, expected):
    assert services.propose_status(proposals) == expected


def test_overriding_the_proposal_needs_a_reason(round_, item, coordinator):
    with pytest.raises(ValidationError) as error:
        services.decide_status(
            round_, item.measure, user=coordinator, status="implemented", narrative={"en": "x"}
        )
    assert "reason" in error.value.message_dict
    assert not MeasureStatus.objects.filter(round=round_).exists()
    services.decide_status(
        round_,
        item.measure,
        user=coordinator,
        status="implemented",
        narrative={"en": "x"},
        reason="Confirmed by the minister's office.",
    )


def test_two_people_saving_the_same_contribution_conflict(item, focal_a, nap):
    colleague = make_user("colleague@example.org", role="focal_point", actor="fod-justitie")
    services.save_contribution(item, filled(text="Mine"), user=focal_a, version=0)
    stale = Contribution.objects.get(pk=item.pk)
    stale_version = 0
    with pytest.raises(Conflict) as error:
        services.save_contribution(
            stale, filled(text="Theirs"), user=colleague, version=stale_version
        )
    assert error.value.current.narrative_en == "Mine"
    item.refresh_from_db()
    assert item.narrative_en == "Mine"


def test_two_coordinators_deciding_the_same_status_conflict(round_, item, coordinator, nap):
    other = make_user("other@example.org", role="coordinator", plan=nap)
    first = services.decide_status(
        round_, item.measure, user=coordinator, status="not_started", narrative={"en": "A"}
    )
    version = first.version
    services.decide_status(
        round_,
        item.measure,
        user=other,
        status="not_started",
        narrative={"en": "B"},
        version=version,
    )
    with pytest.raises(Conflict):
        services.decide_status(
            round_,
            item.measure,
            user=coordinator,
            status="not_started",
            narrative={"en": "C"},
            version=version,
        )
    assert MeasureStatus.objects.get(round=round_, measure=item.measure).narrative_en == "B"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (filled(status="abandoned"), "proposed_status"),
        (filled(status=""), "proposed_status"),
        (filled(text=""), "narrative"),
        (filled(budget=[BudgetInput(2024, Decimal(-1), "specific", "spent")]), "budget"),
        (filled(budget=[BudgetInput(2024, Decimal("1e12"), "specific", "spent")]), "budget"),
        (filled(budget=[BudgetInput(2019, Decimal(5), "specific", "spent")]), "budget"),
        (filled(evidence=[("javascript:alert(1)", "x")]), "evidence"),
    ],
)
def test_invalid_contributions_change_nothing(item, focal_a, data, field):
    with pytest.raises(ValidationError) as error:
        services.save_contribution(item, data, user=focal_a, version=0, submit=True)
    assert field in error.value.message_dict
    item.refresh_from_db()
    assert (item.state, item.version, item.narrative_en) == ("todo", 0, None)
    assert not item.budget_lines.exists() and not item.evidence.exists()


def test_focal_points_edit_only_their_own_editable_contributions(
    round_, item, focal_a, focal_b, coordinator, assessor
):
    for user in (focal_b, coordinator, assessor):
        with pytest.raises(PermissionDenied):
            services.save_contribution(item, filled(), user=user, version=0)
    services.save_contribution(item, filled(), user=focal_a, version=0, submit=True)
    with pytest.raises(PermissionDenied):  # submitted: no longer editable
        services.save_contribution(item, filled(), user=focal_a, version=item.version)


def test_only_coordinators_review_and_decide(round_, item, focal_a, focal_b, assessor):
    services.save_contribution(item, filled(), user=focal_a, version=0, submit=True)
    for user in (focal_a, focal_b, assessor):
        with pytest.raises(PermissionDenied):
            services.validate_contribution(item, user=user, version=item.version)
        with pytest.raises(PermissionDenied):
            services.decide_status(
                round_, item.measure, user=user, status="not_started", narrative={}
            )
        with pytest.raises(PermissionDenied):
            services.publish_round(round_, user=user)


def test_a_published_round_is_frozen(round_, item, focal_a, coordinator):
    services.decide_status(
        round_, item.measure, user=coordinator, status="not_started", narrative={"en": "x"}
    )
    services.publish_round(round_, user=coordinator)
    item.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.save_contribution(item, filled(), user=focal_a, version=item.version)
    with pytest.raises(ValidationError):
        services.decide_status(
            round_, item.measure, user=coordinator, status="implemented", narrative={}, reason="x"
        )
    status = MeasureStatus.objects.get(round=round_, measure=item.measure)
    with pytest.raises(ValidationError):
        services.correct_status(
            status, user=coordinator, status="implemented", reason=" ", version=status.version
        )


def test_assessors_assess_published_rounds_for_their_own_organisation(
    nap, round_, item, assessor, coordinator, focal_a
):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    platform = assessor.roles.get().actor_id
    with pytest.raises(PermissionDenied):  # the round is not published
        services.save_assessment(
            round_,
            item.measure,
            platform,
            user=assessor,
            rating="not_started",
            commentary={},
            publish=True,
            version=None,
        )
    for user in (coordinator, focal_a):
        with pytest.raises(PermissionDenied):
            services.save_assessment(
                interim,
                item.measure,
                platform,
                user=user,
                rating="not_started",
                commentary={},
                publish=True,
                version=None,
            )
    other_org = item.actor_id
    with pytest.raises(PermissionDenied):
        services.save_assessment(
            interim,
            item.measure,
            other_org,
            user=assessor,
            rating="not_started",
            commentary={},
            publish=True,
            version=None,
        )
    with pytest.raises(ValidationError):
        services.save_assessment(
            interim,
            item.measure,
            platform,
            user=assessor,
            rating="great",
            commentary={},
            publish=True,
            version=None,
        )
    services.save_assessment(
        interim,
        item.measure,
        platform,
        user=assessor,
        rating="insufficient_information",
        commentary={"en": "?"},
        publish=True,
        version=None,
    )


def _first_status(round_, measure, user, text, version):
    return services.decide_status(
        round_, measure, user=user, status="not_started", narrative={"en": text}, version=version
    )


def _first_assessment(round_, measure, organisation, user, text, version):
    return services.save_assessment(
        round_,
        measure,
        organisation,
        user=user,
        rating="in_progress",
        commentary={"en": text},
        publish=True,
        version=version,
    )


def test_two_first_status_decisions_the_second_is_refused(round_, item, coordinator, nap):
    other = make_user("other@example.org", role="coordinator", plan=nap)
    # Both opened the review page before anyone decided: both forms hold version 0.
    first = _first_status(round_, item.measure, coordinator, "Mine", 0)
    assert first.version == 1
    with pytest.raises(Conflict) as error:
        _first_status(round_, item.measure, other, "Theirs", 0)
    assert error.value.current.narrative_en == "Mine"
    assert MeasureStatus.objects.get(round=round_, measure=item.measure).narrative_en == "Mine"
    assert Event.objects.filter(round=round_, action="reporting.status.decided").count() == 1


def test_two_first_assessments_the_second_is_refused(nap, item, assessor):
    interim = Round.objects.get(plan=nap, slug="interim-2023")
    colleague = make_user("colleague@example.org", role="assessor", actor="national-platform")
    platform = assessor.roles.get().actor_id
    _first_assessment(interim, item.measure, platform, assessor, "Published first", 0)
    with pytest.raises(Conflict) as error:
        _first_assessment(interim, item.measure, platform, colleague, "Overwrite", 0)
    assert error.value.current.commentary_en == "Published first"
    saved = interim.assessments.get(measure=item.measure, organisation_id=platform)
    assert (saved.commentary_en, saved.version) == ("Published first", 1)


@pytest.mark.parametrize("kind", ["status", "assessment"])
def test_a_first_save_that_loses_the_unique_key_is_a_conflict(
    nap, round_, item, coordinator, assessor, monkeypatch, kind
):
    """Another first save committed between the look-up and the insert (what PostgreSQL does
    under load): the unique constraint refuses the insert, and the save is a Conflict with the
    other version, inside a savepoint, so the caller's transaction stays usable."""
    from django.db.models.query import QuerySet

    if kind == "status":
        _first_status(round_, item.measure, coordinator, "Theirs", 0)

        def again():
            return _first_status(round_, item.measure, coordinator, "Mine", 0)
    else:
        interim = Round.objects.get(plan=nap, slug="interim-2023")
        platform = assessor.roles.get().actor_id
        _first_assessment(interim, item.measure, platform, assessor, "Theirs", 0)

        def again():
            return _first_assessment(interim, item.measure, platform, assessor, "Mine", 0)

    real_first = QuerySet.first
    calls = []

    def first_misses_once(queryset):
        if queryset.model is MeasureStatus or queryset.model is Assessment:
            calls.append(queryset.model)
            if len(calls) == 1:
                return None
        return real_first(queryset)

    monkeypatch.setattr(QuerySet, "first", first_misses_once)
    with pytest.raises(Conflict) as error:
        again()
    monkeypatch.undo()
    assert calls, "the look-up was not made"
    text = (
        error.value.current.narrative_en if kind == "status" else error.value.current.commentary_en
    )
    assert text == "Theirs"


def test_a_status_saved_with_a_version_that_saw_a_row_now_gone_is_a_conflict(
    round_, item, coordinator
):
    with pytest.raises(Conflict):
        _first_status(round_, item.measure, coordinator, "Mine", 3)
    assert not MeasureStatus.objects.filter(round=round_, measure=item.measure).exists()
