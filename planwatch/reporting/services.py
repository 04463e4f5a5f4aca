"""The reporting round, from opening to publication: every operation that touches several
records. Pages, the API, imports, the command line and tests all call these functions, which
check permissions themselves (planwatch.reporting.permissions) and record every change.

Saves are optimistic: the caller passes the version it read; when someone saved in between, the
save raises :class:`Conflict` and nothing is written. A status or an assessment that does not exist
yet is read as version 0 (rows start at 1): creating it is part of the same check, so of two first
saves exactly one wins.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.actors.models import Actor
from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import languages
from planwatch.plans.models import Measure, MeasureActor, Plan, Status

from . import notifications, permissions, signals
from .models import (
    Assessment,
    BudgetLine,
    Contribution,
    Event,
    EvidenceLink,
    MeasureStatus,
    Round,
    RoundExtension,
    StatusCorrection,
)


class Conflict(Exception):
    """Someone saved the same record after the caller read it. Nothing was written."""

    def __init__(self, current: Any):
        self.current = current
        super().__init__(_("Someone else saved this in the meantime."))


def record(
    action: str,
    *,
    user: User | None,
    plan: Plan,
    round_: Round | None = None,
    measure: Measure | None = None,
    actor_id: int | None = None,
    data: dict | None = None,
    reason: str = "",
) -> Event:
    event = Event.objects.create(
        action=action,
        user=user if user and user.is_authenticated else None,
        plan=plan,
        round=round_,
        measure=measure,
        actor_id=actor_id,
        data=data or {},
        reason=reason,
    )
    if action in notifications.ON_EVENT:
        # E-mails leave only once the change is stored (never for a rolled-back change).
        transaction.on_commit(lambda: notifications.notify(event.pk))
    return event


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def _bump(model, obj, version: int, **values) -> None:
    """Write ``values`` only if the row still has ``version``; raise Conflict otherwise."""
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise Conflict(model.objects.get(pk=obj.pk))
    obj.refresh_from_db()


def _create_or_bump(model, lookup: dict[str, Any], version: int | None, values: dict[str, Any]):
    """Save the row ``lookup`` names: version 0 says the caller saw no row (create it), another
    number the version it read (``_bump``); ``None`` skips the check (a script saving whatever is
    there). Return the row and its values before the save (``None`` when it was created)."""
    current = model.objects.filter(**lookup).first()
    if current is None:
        if version:  # the caller saw a row that is no longer there
            raise Conflict(None)
        try:
            # A savepoint: of two first saves at once, the unique constraint lets one in (on
            # PostgreSQL the other waits for it to commit, then fails here).
            with transaction.atomic():
                return model.objects.create(**lookup, **values, version=1), None
        except IntegrityError:
            raise Conflict(model.objects.filter(**lookup).first()) from None
    if version == 0:  # the caller saw no row, but someone created it since
        raise Conflict(current)
    before = {key: getattr(current, key) for key in values}
    _bump(model, current, current.version if version is None else version, **values)
    return current, before


def _translations(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{lang}": (texts.get(lang) or "").strip() for lang in languages()}


# Rounds ---------------------------------------------------------------------------------------


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


# Contributions --------------------------------------------------------------------------------


@dataclass
class BudgetInput:
    year: int
    amount: Decimal
    nature: str
    stage: str
    qualifier: str = Qualifier.EXACT  # how exact the amount is (``lib/figures.py``)


@dataclass
class ContributionInput:
    proposed_status: str
    narrative: dict[str, str]
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (url, label)
    budget: list[BudgetInput] = field(default_factory=list)

    @classmethod
    def of(cls, contribution: Contribution) -> "ContributionInput":
        """What the contribution holds now, as the input that would save it unchanged."""
        return cls(
            proposed_status=contribution.proposed_status,
            narrative={
                lang: getattr(contribution, f"narrative_{lang}") or "" for lang in languages()
            },
            evidence=[(link.url, link.label) for link in contribution.evidence.all()],
            budget=[
                BudgetInput(line.year, line.amount, line.nature, line.stage, line.qualifier)
                for line in contribution.budget_lines.all()
            ],
        )

    def plain(self) -> dict[str, Any]:
        """Plain, comparable data (JSON-ready): the audit event's before and after, and what an
        import compares to tell a changed row from an unchanged one."""
        return {
            "proposed_status": self.proposed_status,
            **{
                f"narrative_{lang}": (self.narrative.get(lang) or "").strip()
                for lang in languages()
            },
            "evidence": [f"{url} {label}".strip() for url, label in self.evidence],
            "budget": sorted(
                f"{line.year} {Decimal(line.amount).quantize(Decimal('0.01'))} "
                f"{line.nature} {line.stage}"
                + ("" if line.qualifier == Qualifier.EXACT else f" {line.qualifier}")
                for line in self.budget
            ),
        }


def parse_evidence(text: str) -> list[tuple[str, str]]:
    """Evidence links as people write them, one per line: the address, then optionally a space
    and a label. Raises ValidationError naming the first line that is not an http(s) address."""
    links = []
    validate = URLValidator(schemes=["http", "https"])
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        url, _space, label = line.strip().partition(" ")
        try:
            validate(url)
        except ValidationError as error:
            raise ValidationError(
                _("Line %(number)s: “%(url)s” is not a web address (http or https).")
                % {"number": number, "url": url}
            ) from error
        links.append((url, label.strip()[:200]))
    return links


def format_evidence(links: Iterable[tuple[str, str]]) -> str:
    """The text :func:`parse_evidence` reads back as ``links``."""
    return "\n".join(f"{url} {label}".strip() for url, label in links)


def check_contribution(
    contribution: Contribution, data: ContributionInput, *, submit: bool
) -> None:
    """Every rule of a contribution's content. The form shows them at its fields, the API and
    the round import per field or cell; this service enforces them for every caller."""
    errors: dict[str, list[str]] = {}
    plan = contribution.round.plan
    if data.proposed_status and not plan.uses_status(data.proposed_status):
        errors.setdefault("proposed_status", []).append(
            _("This plan does not use the status “%(status)s”.") % {"status": data.proposed_status}
        )
    if submit and not data.proposed_status:
        errors.setdefault("proposed_status", []).append(_("Choose a status before submitting."))
    if submit and not any(text.strip() for text in data.narrative.values()):
        errors.setdefault("narrative", []).append(_("Write what was done before submitting."))
    years = range(contribution.round.start.year, contribution.round.end.year + 1)
    for line in data.budget:
        if line.year not in years:
            errors.setdefault("budget", []).append(
                _("%(year)s is outside the round (%(first)s–%(last)s).")
                % {"year": line.year, "first": years.start, "last": years.stop - 1}
            )
        if line.amount < 0 or line.amount > BudgetLine.MAX_AMOUNT:
            errors.setdefault("budget", []).append(
                _("%(amount)s is not a plausible amount in euro.") % {"amount": line.amount}
            )
        if line.qualifier not in Qualifier.values:
            errors.setdefault("budget", []).append(
                _("“%(qualifier)s” is not a qualifier; use one of: %(allowed)s.")
                % {"qualifier": line.qualifier, "allowed": ", ".join(Qualifier.values)}
            )
    if data.budget and contribution.actor.government_id is None:
        errors.setdefault("budget", []).append(
            _("This actor belongs to no government; ask the coordinator.")
        )
    for url, _label in data.evidence:
        if not url.lower().startswith(("http://", "https://")):
            errors.setdefault("evidence", []).append(
                _("“%(url)s” is not a web address (http or https).") % {"url": url}
            )
    if errors:
        raise ValidationError(errors)


def save_contribution(
    contribution: Contribution,
    data: ContributionInput,
    *,
    user: User,
    version: int,
    submit: bool = False,
    imported: bool = False,
) -> Contribution:
    # An import may also come from a coordinator on the focal point's behalf (documents.imports).
    rule = permissions.can_import_contribution if imported else permissions.can_edit_contribution
    _require(rule(user, contribution))
    check_contribution(contribution, data, submit=submit)
    state = Contribution.State.SUBMITTED if submit else Contribution.State.DRAFT
    # Read before the transaction, which holds SQLite's write lock: the snapshot is of the
    # version the caller read whenever the save goes through (a later save bumps the version).
    before = _contribution_snapshot(contribution)
    plan, round_, measure = contribution.round.plan, contribution.round, contribution.measure
    with transaction.atomic():
        _bump(
            Contribution,
            contribution,
            version,
            state=state,
            proposed_status=data.proposed_status,
            updated_at=timezone.now(),
            updated_by=user,
            **_translations("narrative", data.narrative),
        )
        contribution.evidence.all().delete()
        EvidenceLink.objects.bulk_create(
            EvidenceLink(contribution=contribution, url=url, label=label)
            for url, label in data.evidence
        )
        contribution.budget_lines.all().delete()
        BudgetLine.objects.bulk_create(
            BudgetLine(
                plan=plan,
                government_id=contribution.actor.government_id,
                actor_id=contribution.actor_id,
                measure=measure,
                contribution=contribution,
                year=line.year,
                amount=line.amount,
                qualifier=line.qualifier,
                nature=line.nature,
                stage=line.stage,
                source=round_.slug,
            )
            for line in data.budget
        )
        after = _contribution_snapshot(contribution)
        record(
            "reporting.contribution.submitted" if submit else "reporting.contribution.saved",
            user=user,
            plan=plan,
            round_=round_,
            measure=measure,
            actor_id=contribution.actor_id,
            data=_changes(before, after),
        )
    return contribution


def _contribution_snapshot(contribution: Contribution) -> dict[str, Any]:
    return {"state": contribution.state, **ContributionInput.of(contribution).plain()}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }


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


# Statuses -------------------------------------------------------------------------------------

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
) -> MeasureStatus:
    """The coordinator sets a measure's status for an open or closed round. Departing from the
    status Planwatch proposes needs a written reason."""
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
            data={"status": [before.get("status"), status], "proposed": proposed},
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


# Assessments ----------------------------------------------------------------------------------


def save_assessment(
    round_: Round,
    measure: Measure,
    organisation_id: int,
    *,
    user: User,
    rating: str,
    commentary: dict[str, str],
    publish: bool,
    version: int | None,
) -> Assessment:
    _require(permissions.can_assess(user, round_, organisation_id))
    ratings = [code for code, _label in Assessment.RATINGS]
    if rating not in ratings:
        raise ValidationError({"rating": [_("Choose a rating from the list.")]})
    values = {
        "rating": rating,
        "is_published": publish,
        "updated_at": timezone.now(),
        "updated_by": user,
        **_translations("commentary", commentary),
    }
    with transaction.atomic():
        assessment, _before = _create_or_bump(
            Assessment,
            {"round": round_, "measure": measure, "organisation_id": organisation_id},
            version,
            values,
        )
        record(
            "reporting.assessment.published" if publish else "reporting.assessment.saved",
            user=user,
            plan=round_.plan,
            round_=round_,
            measure=measure,
            actor_id=organisation_id,
            data={"rating": rating},
        )
    return assessment
