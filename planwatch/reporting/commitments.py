"""Versioned commitments: a measure's wording, responsible actors, deadline and budget may
change during its plan, and a measure may be dropped. ``change_measure`` is the one way to do
it (the work page and ``planwatch plan change`` call it): each changed part becomes a public
``MeasureChange`` with its date, reason, before and after."""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.actors.models import Actor
from planwatch.lib.i18n import current_language
from planwatch.plans.models import Measure, MeasureActor, MeasureChange

from . import permissions
from .services import _require, record

Field = MeasureChange.Field
MAX_BUDGET = Decimal("1e12")


def actors_text(measure: Measure) -> str:
    """The responsible actors as one comparable line: ``lead: a, b; partners: c``."""
    roles = list(measure.measure_actors.select_related("actor").order_by("order", "id"))
    return _actors_line(
        [r.actor.slug for r in roles if r.role == MeasureActor.Role.LEAD],
        [r.actor.slug for r in roles if r.role == MeasureActor.Role.PARTNER],
    )


def _actors_line(lead: list[str], partners: list[str]) -> str:
    line = "lead: " + ", ".join(lead)
    return line + ("; partners: " + ", ".join(partners) if partners else "")


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def change_measure(
    user: User | None,
    measure: Measure,
    *,
    reason: str,
    on: dt.date | None = None,
    lang: str | None = None,
    **values: Any,
) -> list[MeasureChange]:
    """Change what ``values`` names (``title``, ``description`` in ``lang``; ``lead`` and
    ``partners`` as lists of actor slugs; ``deadline``; ``budget``; ``dropped``) and record
    each change publicly. Nothing is written when anything is wrong or nothing changes."""
    _require(permissions.can_change_measure(user, measure))
    lang = lang or current_language()
    on = on or timezone.localdate()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Give the public reason for the change.")]
    if on > timezone.localdate():
        errors["on"] = [_("The date of a change cannot be in the future.")]
    unknown = set(values) - {
        "title",
        "description",
        "lead",
        "partners",
        "deadline",
        "budget",
        "dropped",
    }
    if unknown:
        raise ValueError(f"Unknown parts of a measure: {sorted(unknown)}")
    changes: list[tuple[str, str, str]] = []  # (field, before, after)
    for field in ("title", "description"):
        if field in values:
            before, after = getattr(measure, f"{field}_{lang}") or "", (values[field] or "").strip()
            if field == "title" and not after:
                errors["title"] = [_("A measure needs a title.")]
            elif after != before:
                changes.append((field, before, after))
    if "lead" in values or "partners" in values:
        _check_actors(measure, values, errors, changes)
    if "deadline" in values and values["deadline"] != measure.deadline:
        changes.append((Field.DEADLINE, _plain(measure.deadline), _plain(values["deadline"])))
    if "budget" in values:
        _check_budget(measure, values, errors, changes)
    if values.get("dropped") is not None and bool(values["dropped"]) != measure.dropped:
        changes.append((Field.DROPPED, _plain(measure.dropped), _plain(bool(values["dropped"]))))
    if errors:
        raise ValidationError(errors)
    if not changes:
        raise ValidationError(_("Nothing changed: the measure already reads like this."))
    return _write(user, measure, changes, values, reason, on, lang)


def _check_actors(measure: Measure, values: dict, errors: dict, changes: list) -> None:
    roles = list(measure.measure_actors.select_related("actor").order_by("order", "id"))
    lead = values.get("lead")
    partners = values.get("partners")
    if lead is None:
        lead = [r.actor.slug for r in roles if r.role == MeasureActor.Role.LEAD]
    if partners is None:
        partners = [r.actor.slug for r in roles if r.role == MeasureActor.Role.PARTNER]
    known = set(Actor.objects.filter(slug__in=[*lead, *partners]).values_list("slug", flat=True))
    problems = MeasureActor.problems(list(lead), list(partners), known)
    if not lead:
        problems.append(("lead", _("A measure needs at least one lead actor.")))
    for column, message in problems:
        errors.setdefault(column, []).append(message)
    before = actors_text(measure)
    after = _actors_line(list(lead), list(partners))
    values["lead"], values["partners"] = list(lead), list(partners)
    if after != before:
        changes.append((Field.ACTORS, before, after))


def _check_budget(measure: Measure, values: dict, errors: dict, changes: list) -> None:
    budget = values["budget"]
    if budget is not None and not isinstance(budget, Decimal):
        try:
            budget = Decimal(str(budget))
        except InvalidOperation:
            errors["budget"] = [_("Enter an amount in euro.")]
            return
    if budget is not None and not (Decimal(0) <= budget < MAX_BUDGET):
        errors["budget"] = [_("Enter an amount between 0 and 999,999,999,999 euro.")]
        return
    values["budget"] = budget
    if budget != measure.budget:
        changes.append((Field.BUDGET, _plain(measure.budget), _plain(budget)))


def _write(
    user: User | None,
    measure: Measure,
    changes: list[tuple[str, str, str]],
    values: dict,
    reason: str,
    on: dt.date,
    lang: str,
) -> list[MeasureChange]:
    fields = {field for field, _before, _after in changes}
    with transaction.atomic():
        for field in ("title", "description"):
            if field in fields:
                setattr(measure, f"{field}_{lang}", values[field].strip())
        if Field.DEADLINE in fields:
            measure.deadline = values["deadline"]
        if Field.BUDGET in fields:
            measure.budget = values["budget"]
        if Field.DROPPED in fields:
            measure.dropped = bool(values["dropped"])
        measure._change_reason = "plans.change"
        measure.save()
        if Field.ACTORS in fields:
            _write_actors(measure, values["lead"], values["partners"])
        records = []
        for field, before, after in changes:
            change = MeasureChange(
                measure=measure,
                on=on,
                field=field,
                language=lang if field in ("title", "description") else "",
                before=before,
                after=after,
                by=user if user and user.is_authenticated else None,
            )
            setattr(change, f"reason_{lang}", reason)
            change.save()
            records.append(change)
        record(
            "plans.measure.changed",
            user=user,
            plan=measure.plan,
            measure=measure,
            data={field: {"before": before, "after": after} for field, before, after in changes},
            reason=reason,
        )
    return records


def _write_actors(measure: Measure, lead: list[str], partners: list[str]) -> None:
    actors = {a.slug: a for a in Actor.objects.filter(slug__in=[*lead, *partners])}
    for role in measure.measure_actors.all():
        role.delete()
    order = 0
    for role, slugs in ((MeasureActor.Role.LEAD, lead), (MeasureActor.Role.PARTNER, partners)):
        for slug in slugs:
            MeasureActor.objects.create(measure=measure, actor=actors[slug], role=role, order=order)
            order += 1


def drop_reason(measure: Measure) -> MeasureChange | None:
    """The public record of the measure's drop (the latest), if it was dropped."""
    if not measure.dropped:
        return None
    return measure.changes.filter(field=Field.DROPPED, after="yes").order_by("-on", "-id").first()
