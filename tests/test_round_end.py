"""The end of a round through the services: close, reopen for one actor (expiring by itself),
withdraw, the publication check and publishing; who may and who may not; bad input changes
nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from planwatch.actors.models import Actor
from planwatch.reporting import permissions, services
from planwatch.reporting.models import Contribution, Event, Round, RoundExtension
from planwatch.reporting.services import Conflict, ContributionInput

TODAY = dt.date(2025, 2, 10)


def justice_item(round_) -> Contribution:
    return round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[0]


def opgroeien_item(round_) -> Contribution:
    return round_.contributions.filter(actor__slug="opgroeien").order_by("measure__number")[0]


def filled(text="Work has started.") -> ContributionInput:
    return ContributionInput(proposed_status="in_progress", narrative={"en": text})


def actions(round_) -> list[str]:
    return list(Event.objects.filter(round=round_).order_by("id").values_list("action", flat=True))


# Close ------------------------------------------------------------------------------------------


def test_closing_stops_the_focal_points_and_keeps_drafts(round_, coordinator, focal_a):
    draft, submitted = round_.contributions.filter(actor__slug="fod-justitie")[:2]
    services.save_contribution(draft, filled(), user=focal_a, version=0)
    services.save_contribution(submitted, filled(), user=focal_a, version=0, submit=True)
    services.close_round(round_, user=coordinator)
    round_.refresh_from_db()
    draft.refresh_from_db()
    assert round_.state == "closed"
    assert draft.state == "draft" and draft.narrative_en == "Work has started."
    assert not permissions.can_edit_contribution(focal_a, draft)
    with pytest.raises(PermissionDenied):
        services.save_contribution(draft, filled("late"), user=focal_a, version=draft.version)
    # The coordinator still reviews and decides.
    submitted.refresh_from_db()
    services.validate_contribution(submitted, user=coordinator, version=submitted.version)
    services.decide_status(
        round_, submitted.measure, user=coordinator, status="in_progress", narrative={}
    )
    closed = Event.objects.get(round=round_, action="reporting.round.closed")
    assert closed.user == coordinator and closed.data["draft"] == 1


def test_only_a_coordinator_closes_only_an_open_round(round_, coordinator, focal_a, english):
    with pytest.raises(PermissionDenied):
        services.close_round(round_, user=focal_a)
    assert Round.objects.get(pk=round_.pk).state == "open"
    services.close_round(round_, user=coordinator)
    with pytest.raises(ValidationError, match="Only an open round can be closed."):
        services.close_round(round_, user=coordinator)
    assert actions(round_).count("reporting.round.closed") == 1


# Reopen for one actor ----------------------------------------------------------------------------


def test_reopening_for_one_actor_lets_only_that_actor_work_until_the_date(
    round_, coordinator, focal_a, focal_b
):
    justice, opgroeien = justice_item(round_), opgroeien_item(round_)
    services.close_round(round_, user=coordinator)
    until = dt.date.today() + dt.timedelta(days=3)
    services.reopen_for_actor(
        round_, justice.actor, user=coordinator, until=until, reason="Minister changed."
    )
    justice.refresh_from_db()
    assert permissions.can_edit_contribution(focal_a, justice)
    assert not permissions.can_edit_contribution(focal_b, opgroeien)
    services.save_contribution(justice, filled(), user=focal_a, version=0, submit=True)
    with pytest.raises(PermissionDenied):
        services.save_contribution(opgroeien, filled(), user=focal_b, version=0)
    event = Event.objects.get(round=round_, action="reporting.round.reopened")
    assert (event.actor_id, event.data["until"], event.reason) == (
        justice.actor_id,
        until.isoformat(),
        "Minister changed.",
    )
    # The round itself stays closed.
    assert Round.objects.get(pk=round_.pk).state == "closed"


def test_a_reopening_ends_by_itself(round_, coordinator, focal_a):
    item = justice_item(round_)
    services.close_round(round_, user=coordinator)
    services.reopen_for_actor(
        round_, item.actor, user=coordinator, until=TODAY, today=TODAY - dt.timedelta(days=1)
    )
    assert round_.accepts_from(item.actor_id, today=TODAY)
    assert not round_.accepts_from(item.actor_id, today=TODAY + dt.timedelta(days=1))
    # Past its date (the real today is after 2025), nothing can be saved.
    item.refresh_from_db()
    assert not permissions.can_edit_contribution(focal_a, item)
    with pytest.raises(PermissionDenied):
        services.save_contribution(item, filled(), user=focal_a, version=0)


def test_reopening_again_moves_the_date(round_, coordinator):
    actor = justice_item(round_).actor
    services.close_round(round_, user=coordinator)
    today = dt.date.today()
    services.reopen_for_actor(round_, actor, user=coordinator, until=today)
    services.reopen_for_actor(round_, actor, user=coordinator, until=today + dt.timedelta(7))
    assert RoundExtension.objects.get(round=round_).until == today + dt.timedelta(7)
    assert actions(round_).count("reporting.round.reopened") == 2


@pytest.mark.parametrize(
    "case, message",
    [
        ("open round", "Only a closed round can be reopened for one actor."),
        ("past date", "Choose today or a later date."),
        ("foreign actor", "This actor has no contributions in this round."),
    ],
)
def test_reopening_refuses_bad_input_and_changes_nothing(
    round_, coordinator, case, message, english
):
    actor = justice_item(round_).actor
    until = dt.date.today() + dt.timedelta(days=2)
    if case != "open round":
        services.close_round(round_, user=coordinator)
    if case == "past date":
        until = dt.date.today() - dt.timedelta(days=1)
    if case == "foreign actor":
        actor = Actor.objects.exclude(contributions__round=round_).first()
    before = actions(round_)
    with pytest.raises(ValidationError, match=message):
        services.reopen_for_actor(round_, actor, user=coordinator, until=until)
    assert not RoundExtension.objects.exists()
    assert actions(round_) == before


def test_focal_points_may_not_reopen(round_, coordinator, focal_a):
    services.close_round(round_, user=coordinator)
    with pytest.raises(PermissionDenied):
        services.reopen_for_actor(
            round_, justice_item(round_).actor, user=focal_a, until=dt.date.today()
        )
    assert not RoundExtension.objects.exists()


# Withdraw ---------------------------------------------------------------------------------------


def test_a_focal_point_withdraws_a_submission_not_yet_reviewed(round_, focal_a):
    item = justice_item(round_)
    services.save_contribution(item, filled(), user=focal_a, version=0, submit=True)
    services.withdraw_contribution(item, user=focal_a, version=item.version)
    assert item.state == "draft" and item.narrative_en == "Work has started."
    event = Event.objects.filter(round=round_).first()
    assert (event.action, event.user, event.actor_id) == (
        "reporting.contribution.withdrawn",
        focal_a,
        item.actor_id,
    )
    services.save_contribution(item, filled("Again."), user=focal_a, version=item.version, submit=1)
    assert item.state == "submitted"


def test_withdrawing_is_refused_once_reviewed_or_for_others(round_, focal_a, focal_b, coordinator):
    item = justice_item(round_)
    with pytest.raises(PermissionDenied):  # nothing submitted yet
        services.withdraw_contribution(item, user=focal_a, version=0)
    services.save_contribution(item, filled(), user=focal_a, version=0, submit=True)
    for someone in (focal_b, coordinator):
        with pytest.raises(PermissionDenied):
            services.withdraw_contribution(item, user=someone, version=item.version)
    with pytest.raises(Conflict):
        services.withdraw_contribution(item, user=focal_a, version=item.version - 1)
    services.validate_contribution(item, user=coordinator, version=item.version)
    with pytest.raises(PermissionDenied):
        services.withdraw_contribution(item, user=focal_a, version=item.version)
    assert Contribution.objects.get(pk=item.pk).state == "validated"
    assert "reporting.contribution.withdrawn" not in actions(round_)


def test_withdrawing_needs_the_round_to_take_the_actors_work(round_, focal_a, coordinator):
    item = justice_item(round_)
    services.save_contribution(item, filled(), user=focal_a, version=0, submit=True)
    services.close_round(round_, user=coordinator)
    item = Contribution.objects.get(pk=item.pk)
    with pytest.raises(PermissionDenied):
        services.withdraw_contribution(item, user=focal_a, version=item.version)
    services.reopen_for_actor(round_, item.actor, user=coordinator, until=dt.date.today())
    services.withdraw_contribution(item, user=focal_a, version=item.version)
    assert item.state == "draft"


# Publish ----------------------------------------------------------------------------------------


def test_the_publication_check_says_what_is_incomplete(nap, round_, focal_a, coordinator):
    first, second, third = round_.contributions.filter(actor__slug="fod-justitie")[:3]
    services.save_contribution(first, filled(), user=focal_a, version=0)
    services.save_contribution(second, filled(), user=focal_a, version=0, submit=True)
    services.save_contribution(third, filled(), user=focal_a, version=0, submit=True)
    third.refresh_from_db()
    services.validate_contribution(third, user=coordinator, version=third.version)
    services.decide_status(
        round_, third.measure, user=coordinator, status="in_progress", narrative={}
    )
    check = services.publication_check(round_)
    total = round_.contributions.count()
    assert (check.measures, check.decided, check.undecided) == (
        nap.measures.count(),
        1,
        nap.measures.count() - 1,
    )
    assert (check.drafts, check.waiting, check.returned) == (1, 1, 0)
    assert check.todo == total - 3
    justice = next(gap for gap in check.actors if gap.actor.slug == "fod-justitie")
    assert justice.missing == justice.total - 2
    assert sum(gap.missing for gap in check.actors) == total - 2
    assert not check.complete


def test_the_publication_check_runs_in_four_queries(round_, django_assert_num_queries):
    with django_assert_num_queries(4):
        services.publication_check(round_)


def test_publishing_a_closed_round(round_, coordinator, focal_a, english):
    with pytest.raises(PermissionDenied):
        services.publish_round(round_, user=focal_a)
    services.close_round(round_, user=coordinator)
    services.publish_round(round_, user=coordinator)
    assert Round.objects.get(pk=round_.pk).state == "published"
    with pytest.raises(ValidationError, match="Only an open or closed round can be published."):
        services.publish_round(round_, user=coordinator)
    with pytest.raises(ValidationError):
        services.close_round(round_, user=coordinator)
