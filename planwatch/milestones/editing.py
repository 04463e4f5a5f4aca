"""A plan's milestones as its coordinators set them: add one (a description in one language at
least, a baseline, an optional forecast), change its description, delete one that has no history.
The baseline changes only by a re-baselining (``services.rebaseline_milestone``). Each operation
checks ``permissions.can_manage_milestones`` and records an ``Event``."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.lib.i18n import languages
from planwatch.plans.models import Measure
from planwatch.reporting import permissions
from planwatch.reporting.services.base import _require, _translations, record

from .models import Milestone
from .services import EARLIEST, LATEST, _plausible

DESCRIPTION_LIMIT = 500


def _description_problems(description: dict[str, str]) -> list[str]:
    texts = {lang: (description.get(lang) or "").strip() for lang in languages()}
    if not any(texts.values()):
        return [_("Describe the milestone in one language at least.")]
    if any(len(text) > DESCRIPTION_LIMIT for text in texts.values()):
        return [_("A description has at most %(limit)s characters.") % {"limit": DESCRIPTION_LIMIT}]
    return []


def _date_problems(day: dt.date | None) -> list[str]:
    if _plausible(day):
        return []
    return [
        _("Give a date between %(first)s and %(last)s.")
        % {"first": EARLIEST.year, "last": LATEST.year}
    ]


def _key_for(measure: Measure, description: dict[str, str]) -> str:
    """A key unique within the measure, from the description's first words (in English when
    there is one, as the dataset's keys are)."""
    order = ["en", *languages()]
    text = next((description.get(lang) for lang in order if description.get(lang)), "")
    base = slugify(text)[:32].strip("-") or "milestone"
    taken = set(measure.milestones.values_list("key", flat=True))
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def create_milestone(
    measure: Measure,
    *,
    user: User,
    description: dict[str, str],
    baseline: dt.date,
    forecast: dt.date | None = None,
) -> Milestone:
    """Add a milestone to ``measure``: only its plan's coordinators."""
    _require(permissions.can_manage_milestones(user, measure.plan))
    errors = {
        name: problems
        for name, problems in (
            ("description", _description_problems(description)),
            ("baseline", _date_problems(baseline)),
            ("forecast", _date_problems(forecast)),
        )
        if problems
    }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        position = measure.milestones.aggregate(last=Max("position"))["last"]
        milestone = Milestone.objects.create(
            measure=measure,
            key=_key_for(measure, description),
            position=0 if position is None else position + 1,
            baseline=baseline,
            forecast=forecast if forecast != baseline else None,
            **_translations("description", description),
        )
        record(
            "milestones.milestone.created",
            user=user,
            plan=measure.plan,
            measure=measure,
            data={
                "milestone": milestone.pk,
                "key": milestone.key,
                "baseline": str(baseline),
                "forecast": str(milestone.forecast or ""),
            },
        )
    return milestone


def edit_milestone(milestone: Milestone, *, user: User, description: dict[str, str]) -> Milestone:
    """Change a milestone's description (its dates move by proposals and re-baselinings)."""
    plan = milestone.measure.plan
    _require(permissions.can_manage_milestones(user, plan))
    problems = _description_problems(description)
    if problems:
        raise ValidationError({"description": problems})
    values = _translations("description", description)
    before = {name: getattr(milestone, name) or "" for name in values}
    changed = {
        name: [before[name], value] for name, value in values.items() if before[name] != value
    }
    if not changed:
        return milestone
    with transaction.atomic():
        for name, value in values.items():
            setattr(milestone, name, value)
        milestone.save(update_fields=list(values))
        record(
            "milestones.milestone.edited",
            user=user,
            plan=plan,
            measure=milestone.measure,
            data={"milestone": milestone.pk, **changed},
        )
    return milestone


def delete_problem(milestone: Milestone) -> str:
    """Why the milestone may not be deleted ("" when it may): its history is public."""
    if milestone.updates.exists():
        return _(
            "This milestone has proposals in contributions; it stays, so that its history "
            "does. Re-baseline it instead."
        )
    if milestone.rebaselinings.exists():
        return _("This milestone was re-baselined; it stays, so that its history does.")
    return ""


def delete_milestone(milestone: Milestone, *, user: User) -> None:
    """Delete a milestone nobody proposed dates for and that was never re-baselined."""
    plan = milestone.measure.plan
    _require(permissions.can_manage_milestones(user, plan))
    problem = delete_problem(milestone)
    if problem:
        raise ValidationError(problem)
    with transaction.atomic():
        record(
            "milestones.milestone.deleted",
            user=user,
            plan=plan,
            measure=milestone.measure,
            data={
                "milestone": milestone.pk,
                "key": milestone.key,
                "baseline": str(milestone.baseline),
                "description": milestone.description,
            },
        )
        milestone.delete()
