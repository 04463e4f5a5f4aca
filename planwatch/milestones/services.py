"""Milestones in a round: focal points propose new forecast and completion dates in their
contribution (saved with it, under its version check), the coordinator's validation makes them
public, and a changed baseline is an explicit, logged, public re-baselining."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.reporting import permissions
from planwatch.reporting.models import Contribution
from planwatch.reporting.services.base import _require, record

from .models import Milestone, MilestoneUpdate, Rebaselining

EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


@dataclass
class MilestoneInput:
    milestone_id: int
    forecast: dt.date | None
    completed: dt.date | None
    reason: str = ""

    def plain(self) -> str:
        return f"{self.milestone_id} {self.forecast or '-'} {self.completed or '-'} {self.reason}"


def _plausible(day: dt.date | None) -> bool:
    return day is None or EARLIEST <= day <= LATEST


def check_milestones(
    contribution: Contribution, inputs: list[MilestoneInput], errors: dict[str, list]
) -> None:
    """Add the problems of ``inputs`` to ``errors`` (under "milestones"). Each problem is a
    ValidationError whose ``code`` names the field it is about (``milestone``, ``forecast``,
    ``completed``, ``reason``), so the round import can point at the cell; the form and the API
    read the messages."""
    own = {m.pk: m for m in Milestone.objects.filter(measure_id=contribution.measure_id)}
    today = timezone.localdate()
    problems = errors.setdefault("milestones", [])

    def problem(message: str, field: str) -> None:
        problems.append(ValidationError(message, code=field))

    for item in inputs:
        milestone = own.get(item.milestone_id)
        if milestone is None:
            problem(_("This milestone does not belong to this measure."), "milestone")
            continue
        name = milestone.description[:60]
        implausible = [
            field
            for field, day in (("forecast", item.forecast), ("completed", item.completed))
            if not _plausible(day)
        ]
        if implausible:
            problem(
                _("“%(name)s”: give a date between %(first)s and %(last)s.")
                % {"name": name, "first": EARLIEST.year, "last": LATEST.year},
                implausible[0],
            )
            continue
        if item.completed and item.completed > today:
            problem(
                _("“%(name)s”: a completion date cannot be in the future.") % {"name": name},
                "completed",
            )
        moved = item.forecast is not None and item.forecast != milestone.expected
        if moved and not item.reason.strip():
            problem(
                _("“%(name)s”: say why the forecast moves from %(old)s to %(new)s.")
                % {
                    "name": name,
                    "old": date_format(milestone.expected),
                    "new": date_format(item.forecast),
                },
                "reason",
            )
    if not problems:
        del errors["milestones"]


def _proposal(milestone: Milestone, item: MilestoneInput) -> tuple | None:
    """What a proposal stores for ``item``: (forecast, completed, reason), or None when it
    changes nothing."""
    forecast = item.forecast if item.forecast != milestone.expected else None
    completed = item.completed if item.completed != milestone.completed else None
    if forecast is None and completed is None:
        return None
    return (forecast or milestone.forecast, completed or milestone.completed, item.reason.strip())


def proposals(contribution: Contribution, inputs: list[MilestoneInput]) -> dict[int, tuple]:
    """The proposals ``inputs`` would leave on the contribution, by milestone id: what an
    import compares to tell a change from a file that only repeats what is there."""
    own = {m.pk: m for m in Milestone.objects.filter(measure_id=contribution.measure_id)}
    found = {}
    for item in inputs:
        milestone = own.get(item.milestone_id)
        proposal = _proposal(milestone, item) if milestone else None
        if proposal is not None:
            found[item.milestone_id] = proposal
    return found


def pending_inputs(contribution: Contribution) -> list[MilestoneInput]:
    """The contribution's proposals not yet validated, as the input that would keep them."""
    return [
        MilestoneInput(u.milestone_id, u.forecast, u.completed, u.reason)
        for u in contribution.milestone_updates.filter(applied=False).order_by("milestone_id")
    ]


def save_milestone_updates(contribution: Contribution, inputs: list[MilestoneInput]) -> None:
    """Inside the contribution's save: keep one proposal per milestone that changes something."""
    contribution.milestone_updates.filter(applied=False).delete()
    for milestone_id, (forecast, completed, reason) in proposals(contribution, inputs).items():
        MilestoneUpdate.objects.update_or_create(
            contribution=contribution,
            milestone_id=milestone_id,
            defaults={
                "forecast": forecast,
                "completed": completed,
                "reason": reason,
                "applied": False,
            },
        )


def milestone_snapshot(contribution: Contribution) -> list[str]:
    return sorted(
        MilestoneInput(u.milestone_id, u.forecast, u.completed, u.reason).plain()
        for u in contribution.milestone_updates.all()
    )


def apply_milestone_updates(contribution: Contribution, *, user: User) -> None:
    """Inside the validation: the proposals become the milestones' public dates."""
    updates = contribution.milestone_updates.filter(applied=False).select_related("milestone")
    for update in updates:
        milestone = update.milestone
        before = [str(milestone.forecast or ""), str(milestone.completed or "")]
        milestone.forecast = update.forecast
        milestone.completed = update.completed
        milestone.forecast_reason = update.reason
        milestone.save(update_fields=["forecast", "completed", "forecast_reason"])
        update.applied = True
        update.save(update_fields=["applied"])
        record(
            "milestones.milestone.updated",
            user=user,
            plan=contribution.round.plan,
            round_=contribution.round,
            measure=contribution.measure,
            actor_id=contribution.actor_id,
            data={
                "milestone": milestone.pk,
                "forecast": [before[0], str(update.forecast or "")],
                "completed": [before[1], str(update.completed or "")],
            },
            reason=update.reason,
        )


def rebaseline_milestone(
    milestone: Milestone, *, user: User, baseline: dt.date, reason: str
) -> Rebaselining:
    """Change what was planned: only the coordinator, only with a reason; public."""
    plan = milestone.measure.plan
    _require(permissions.can_manage_milestones(user, plan))
    if not reason.strip():
        raise ValidationError({"reason": [_("A re-baselining needs a reason.")]})
    if not _plausible(baseline):
        raise ValidationError(
            {
                "baseline": [
                    _("Give a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST.year, "last": LATEST.year}
                ]
            }
        )
    if baseline == milestone.baseline:
        raise ValidationError({"baseline": [_("This is already the baseline.")]})
    with transaction.atomic():
        change = Rebaselining.objects.create(
            milestone=milestone,
            old_baseline=milestone.baseline,
            new_baseline=baseline,
            reason=reason.strip(),
            made_on=timezone.localdate(),
            made_by=user,
        )
        milestone.baseline = baseline
        milestone.save(update_fields=["baseline"])
        record(
            "milestones.milestone.rebaselined",
            user=user,
            plan=plan,
            measure=milestone.measure,
            data={"milestone": milestone.pk, "baseline": [str(change.old_baseline), str(baseline)]},
            reason=reason.strip(),
        )
    return change


class MilestonePart:
    """The milestones' part of a contribution, registered with ``reporting.services`` (see
    ``base.CONTRIBUTION_PARTS``): checked, saved and snapshotted with the contribution, under its
    version check, and made public when the coordinator validates it."""

    key = "milestones"

    def check(self, contribution: Contribution, data, errors: dict[str, list[str]]) -> None:
        if data.milestones:
            check_milestones(contribution, data.milestones, errors)

    def save(self, contribution: Contribution, data) -> None:
        if data.milestones is not None:
            save_milestone_updates(contribution, data.milestones)

    def snapshot(self, contribution: Contribution) -> list[str]:
        return milestone_snapshot(contribution)

    def apply(self, contribution: Contribution, *, user: User) -> None:
        apply_milestone_updates(contribution, user=user)
