"""A round's life: create, open, close, reopen for one actor, the publication check, publish."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.actors.models import Actor
from planwatch.plans.models import Measure, MeasureActor, Plan

from .. import permissions, signals
from ..models import Contribution, Round, RoundExtension
from .base import _require, _translations, record


def create_round(
    plan: Plan,
    *,
    user: User,
    slug: str,
    name: dict[str, str],
    start: dt.date,
    end: dt.date,
    deadline: dt.date | None,
) -> Round:
    _require(permissions.can_manage_rounds(user, plan))
    if end < start:
        raise ValidationError({"end": _("The period ends before it starts.")})
    if deadline and deadline < start:
        raise ValidationError({"deadline": _("The deadline is before the period starts.")})
    if Round.objects.filter(plan=plan, slug=slug).exists():
        raise ValidationError({"slug": _("This plan already has a round with this short name.")})
    with transaction.atomic():
        round_ = Round.objects.create(
            plan=plan,
            slug=slug,
            start=start,
            end=end,
            deadline=deadline,
            **_translations("name", name),
        )
        record(
            "reporting.round.created",
            user=user,
            plan=plan,
            round_=round_,
            data={"slug": slug, "start": str(start), "end": str(end)},
        )
    return round_


def open_round(round_: Round, *, user: User) -> int:
    """Open a draft round: every (measure, responsible actor) pair gets a contribution to do."""
    _require(permissions.can_manage_rounds(user, round_.plan))
    if round_.state != Round.State.DRAFT:
        raise ValidationError(_("Only a draft round can be opened."))
    with transaction.atomic():
        pairs = MeasureActor.objects.filter(measure__plan=round_.plan).values_list(
            "measure_id", "actor_id"
        )
        existing = set(round_.contributions.values_list("measure_id", "actor_id"))
        Contribution.objects.bulk_create(
            Contribution(round=round_, measure_id=m, actor_id=a)
            for m, a in pairs
            if (m, a) not in existing
        )
        round_.state = Round.State.OPEN
        round_.save(update_fields=["state"])
        count = round_.contributions.count()
        record(
            "reporting.round.opened",
            user=user,
            plan=round_.plan,
            round_=round_,
            data={"contributions": count},
        )
    return count


def close_round(round_: Round, *, user: User) -> None:
    """No more saves or submissions by focal points; drafts stay as they are. Coordinators go on
    reviewing, deciding statuses and publishing."""
    _require(permissions.can_close_round(user, round_))
    if round_.state != Round.State.OPEN:
        raise ValidationError(_("Only an open round can be closed."))
    with transaction.atomic():
        round_.state = Round.State.CLOSED
        round_.save(update_fields=["state"])
        counts = dict(round_.contributions.values_list("state").annotate(n=Count("id")).order_by())
        record("reporting.round.closed", user=user, plan=round_.plan, round_=round_, data=counts)


def reopen_for_actor(
    round_: Round,
    actor: Actor,
    *,
    user: User,
    until: dt.date,
    reason: str = "",
    today: dt.date | None = None,
) -> RoundExtension:
    """Let one actor's focal points save and submit in a closed round until ``until`` (that day
    included). The exception ends by itself: ``Round.accepts_from`` compares the date. Reopening
    again for the same actor moves the date."""
    _require(permissions.can_reopen_round_for_actor(user, round_))
    today = today or timezone.localdate()
    if round_.state != Round.State.CLOSED:
        raise ValidationError(_("Only a closed round can be reopened for one actor."))
    if not round_.contributions.filter(actor=actor).exists():
        raise ValidationError({"actor": [_("This actor has no contributions in this round.")]})
    if until < today:
        raise ValidationError({"until": [_("Choose today or a later date.")]})
    with transaction.atomic():
        extension, created = RoundExtension.objects.update_or_create(
            round=round_,
            actor=actor,
            defaults={"until": until, "reason": reason.strip(), "granted_by": user},
        )
        record(
            "reporting.round.reopened",
            user=user,
            plan=round_.plan,
            round_=round_,
            actor_id=actor.pk,
            data={"until": until.isoformat(), "renewed": not created},
            reason=reason.strip(),
        )
    return extension


@dataclass
class ActorGap:
    """An actor with contributions not yet handed in (to do, draft or returned)."""

    actor: Actor
    missing: int
    total: int


@dataclass
class PublicationCheck:
    """What is incomplete in a round, shown before it is published."""

    measures: int  # the plan's measures
    decided: int  # measures with a status decided in this round
    states: dict[str, int]  # contributions per state
    actors: list[ActorGap]

    @property
    def undecided(self) -> int:
        return self.measures - self.decided

    def _count(self, state: str) -> int:
        return self.states.get(state, 0)

    @property
    def todo(self) -> int:
        return self._count(Contribution.State.TODO)

    @property
    def drafts(self) -> int:
        return self._count(Contribution.State.DRAFT)

    @property
    def returned(self) -> int:
        return self._count(Contribution.State.RETURNED)

    @property
    def waiting(self) -> int:
        """Submitted, not reviewed yet."""
        return self._count(Contribution.State.SUBMITTED)

    @property
    def complete(self) -> bool:
        return not (self.undecided or self.waiting or self.actors)


def publication_check(round_: Round) -> PublicationCheck:
    """In four queries, whatever the plan's size."""
    by_actor: dict[int, list[int]] = {}
    states: dict[str, int] = {}
    rows = round_.contributions.values("actor_id", "state").annotate(n=Count("id")).order_by()
    for row in rows:
        missing_total = by_actor.setdefault(row["actor_id"], [0, 0])
        missing_total[1] += row["n"]
        if row["state"] in Contribution.EDITABLE:
            missing_total[0] += row["n"]
        states[row["state"]] = states.get(row["state"], 0) + row["n"]
    late = {pk: counts for pk, counts in by_actor.items() if counts[0]}
    actors = Actor.objects.in_bulk(late)
    gaps = sorted(
        (ActorGap(actors[pk], *counts) for pk, counts in late.items()),
        key=lambda gap: (-gap.missing, gap.actor.label),
    )
    return PublicationCheck(
        measures=Measure.objects.filter(plan_id=round_.plan_id).count(),
        decided=round_.statuses.count(),
        states=states,
        actors=gaps,
    )


def publish_round(round_: Round, *, user: User) -> None:
    """From now on the round is frozen and public; later changes are explicit corrections.
    People reach this through the confirmation page, which shows ``publication_check``."""
    _require(permissions.can_publish_round(user, round_))
    if round_.state not in (Round.State.OPEN, Round.State.CLOSED):
        raise ValidationError(_("Only an open or closed round can be published."))
    with transaction.atomic():
        round_.state = Round.State.PUBLISHED
        round_.published_on = timezone.localdate()
        round_.save(update_fields=["state", "published_on"])
        record(
            "reporting.round.published",
            user=user,
            plan=round_.plan,
            round_=round_,
            data={"statuses": round_.statuses.count()},
        )
        signals.round_published.send(sender=Round, round=round_)
