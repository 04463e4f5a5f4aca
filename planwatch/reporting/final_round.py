"""The plan's final evaluation round: a published round the coordinator marks as the one that
closes the plan. Its report is ``planwatch report final`` (documents/reports/final.py).

One operation, called by the round's work page and ``planwatch round mark-final`` alike; it
checks the permission itself and records an event. A plan has at most one final round (a
database constraint, ``one_final_round_per_plan``, also against two coordinators at once).
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan

from . import permissions
from .models import Round
from .services import _require, record


def final_round(plan: Plan) -> Round | None:
    """The plan's final evaluation round, if one is marked."""
    return Round.objects.filter(plan=plan, is_final=True).first()


def _name(round_: Round) -> str:
    return translated(round_, "name").text or round_.slug


def mark_final(round_: Round, *, user: User, plan: Plan | None = None) -> None:
    """Mark ``round_`` as its plan's final evaluation round. ``plan``, when given, is the plan
    the caller means: a round of another plan is refused. Nothing changes on a refusal."""
    _require(permissions.can_mark_final_round(user, round_))
    if plan is not None and round_.plan_id != plan.pk:
        raise ValidationError(
            _("The round %(round)s is not a round of this plan.") % {"round": round_.slug}
        )
    if round_.is_final:
        raise ValidationError(_("This round is already the plan's final evaluation round."))
    if round_.state != Round.State.PUBLISHED:
        raise ValidationError(
            _("Only a published round can be marked as the final evaluation round.")
        )
    other = Round.objects.filter(plan_id=round_.plan_id, is_final=True).first()
    if other is not None:
        raise ValidationError(
            _("The plan already has a final evaluation round: %(round)s.") % {"round": _name(other)}
        )
    try:
        with transaction.atomic():
            round_.is_final = True
            round_.save(update_fields=["is_final"])
            record("reporting.round.marked_final", user=user, plan=round_.plan, round_=round_)
    except IntegrityError:  # another coordinator marked a round at the same moment
        round_.is_final = False
        other = Round.objects.filter(plan_id=round_.plan_id, is_final=True).first()
        raise ValidationError(
            _("The plan already has a final evaluation round: %(round)s.")
            % {"round": _name(other) if other else ""}
        ) from None
