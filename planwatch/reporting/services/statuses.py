"""A measure's status in a round: the proposal from validated contributions, the coordinator's
decision and the correction of a published status."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.plans.models import Measure, Status

from .. import permissions
from ..models import Contribution, MeasureStatus, Round, StatusCorrection
from .base import _bump, _create_or_bump, _require, _translations, record

STARTED = {Status.IN_PROGRESS, Status.IMPLEMENTED, Status.ONGOING}


def propose_status(proposals: Iterable[str]) -> str:
    """All implemented → implemented; any started → in progress; none → not started."""
    proposals = [p for p in proposals if p]
    if proposals and all(p == Status.IMPLEMENTED for p in proposals):
        return Status.IMPLEMENTED
    if any(p in STARTED for p in proposals):
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def proposed_status_for(round_: Round, measure: Measure) -> str:
    return propose_status(
        round_.contributions.filter(
            measure=measure, state=Contribution.State.VALIDATED
        ).values_list("proposed_status", flat=True)
    )


def decide_status(
    round_: Round,
    measure: Measure,
    *,
    user: User,
    status: str,
    narrative: dict[str, str],
    reason: str = "",
    version: int | None = None,
    confidence: int | None | str = "keep",
) -> MeasureStatus:
    """The coordinator sets a measure's status for an open or closed round. Departing from the
    status Planwatch proposes needs a written reason. ``confidence``: the delivery confidence
    (1 to 5, or None for none given); left as it is by default."""
    _require(permissions.can_manage_rounds(user, round_.plan))
    if round_.state not in (Round.State.OPEN, Round.State.CLOSED):
        raise ValidationError(
            _(
                "Statuses are decided while the round is open; "
                "a published round is changed by a correction."
            )
        )
    if not round_.plan.uses_status(status):
        raise ValidationError({"status": [_("This plan does not use this status.")]})
    proposed = proposed_status_for(round_, measure)
    if status != proposed and not reason.strip():
        raise ValidationError(
            {
                "reason": [
                    _("Planwatch proposes “%(status)s”; explain why you choose otherwise.")
                    % {"status": Status(proposed).label}
                ]
            }
        )
    values = {
        "status": status,
        "reason": reason.strip() if status != proposed else "",
        "decided_by": user,
        **_translations("narrative", narrative),
    }
    if confidence != "keep":
        if confidence is not None and confidence not in range(1, 6):
            raise ValidationError({"confidence": [_("Choose a confidence level from the list.")]})
        values["confidence"] = confidence
    with transaction.atomic():
        current, before = _create_or_bump(
            MeasureStatus, {"round": round_, "measure": measure}, version, values
        )
        before = before or {}
        record(
            "reporting.status.decided",
            user=user,
            plan=round_.plan,
            round_=round_,
            measure=measure,
            data={
                "status": [before.get("status"), status],
                "proposed": proposed,
                **(
                    {"confidence": [before.get("confidence"), values["confidence"]]}
                    if "confidence" in values
                    else {}
                ),
            },
            reason=values["reason"],
        )
    return current


def correct_status(
    measure_status: MeasureStatus,
    *,
    user: User,
    status: str,
    reason: str,
    version: int,
) -> StatusCorrection:
    """Change a published status: explicit, logged, and shown on the public page."""
    round_ = measure_status.round
    _require(permissions.can_manage_rounds(user, round_.plan))
    if round_.state != Round.State.PUBLISHED:
        raise ValidationError(_("Only the statuses of a published round are corrected."))
    if not reason.strip():
        raise ValidationError({"reason": [_("A correction needs a reason.")]})
    if not round_.plan.uses_status(status):
        raise ValidationError({"status": [_("This plan does not use this status.")]})
    with transaction.atomic():
        old = measure_status.status
        _bump(MeasureStatus, measure_status, version, status=status)
        correction = StatusCorrection.objects.create(
            status=measure_status,
            old_status=old,
            new_status=status,
            reason=reason.strip(),
            corrected_by=user,
        )
        record(
            "reporting.status.corrected",
            user=user,
            plan=round_.plan,
            round_=round_,
            measure=measure_status.measure,
            data={"status": [old, status]},
            reason=reason.strip(),
        )
    return correction
