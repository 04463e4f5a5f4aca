"""The coordinator's review of a submitted contribution (return, validate) and the focal
point's withdrawal of one nobody has reviewed yet."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User

from .. import permissions
from ..models import Contribution
from .base import CONTRIBUTION_PARTS, Conflict, _bump, _require, record


def _check_review(contribution: Contribution, user: User, version: int) -> None:
    """Coordinators review submissions. A review that comes after another one (the version
    read is no longer current) is a Conflict showing the contribution as it is now, rather than
    a refusal because it is no longer submitted."""
    _require(permissions.coordinates(user, contribution.round.plan_id))
    current = Contribution.objects.get(pk=contribution.pk)
    if version < current.version:
        raise Conflict(current)
    _require(permissions.can_review_contribution(user, current))


def return_contribution(
    contribution: Contribution, *, user: User, version: int, comment: str
) -> None:
    _check_review(contribution, user, version)
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what needs fixing.")]})
    with transaction.atomic():
        _bump(
            Contribution,
            contribution,
            version,
            state=Contribution.State.RETURNED,
            review_comment=comment.strip(),
        )
        record(
            "reporting.contribution.returned",
            user=user,
            plan=contribution.round.plan,
            round_=contribution.round,
            measure=contribution.measure,
            actor_id=contribution.actor_id,
            reason=comment.strip(),
        )


def validate_contribution(contribution: Contribution, *, user: User, version: int) -> None:
    _check_review(contribution, user, version)
    with transaction.atomic():
        _bump(
            Contribution,
            contribution,
            version,
            state=Contribution.State.VALIDATED,
            review_comment="",
        )
        for part in CONTRIBUTION_PARTS:
            part.apply(contribution, user=user)
        record(
            "reporting.contribution.validated",
            user=user,
            plan=contribution.round.plan,
            round_=contribution.round,
            measure=contribution.measure,
            actor_id=contribution.actor_id,
        )


def withdraw_contribution(contribution: Contribution, *, user: User, version: int) -> None:
    """The focal point takes back a submission nobody has reviewed yet: a draft again."""
    _require(permissions.can_withdraw_contribution(user, contribution))
    with transaction.atomic():
        _bump(
            Contribution,
            contribution,
            version,
            state=Contribution.State.DRAFT,
            updated_at=timezone.now(),
            updated_by=user,
        )
        record(
            "reporting.contribution.withdrawn",
            user=user,
            plan=contribution.round.plan,
            round_=contribution.round,
            measure=contribution.measure,
            actor_id=contribution.actor_id,
        )
