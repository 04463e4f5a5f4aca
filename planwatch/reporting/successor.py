"""A plan's successor: a draft copy of the plan (pillars, objectives, every measure), the mapping
of each old measure to what became of it, and the publication of both. Pages and the command
line call these functions; each checks ``permissions`` and records an ``Event``."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from planwatch.accounts.models import Role, User
from planwatch.lib.i18n import current_language, languages
from planwatch.plans.models import Measure, MeasureActor, MeasureMapping, Plan, Section

from . import permissions
from .services import _require, record

Kind = MeasureMapping.Kind
# How many new measures each kind names: (at least, at most); None is "no limit".
TARGETS = {
    Kind.UNDECIDED: (0, 0),
    Kind.CONTINUED: (1, None),
    Kind.MERGED: (1, 1),
    Kind.COMPLETED: (0, 0),
    Kind.DROPPED: (0, 0),
}


def _per_language(obj, field: str) -> dict[str, str]:
    return {f"{field}_{lang}": getattr(obj, f"{field}_{lang}") for lang in languages()}


def create_successor(
    user: User | None,
    old: Plan,
    *,
    slug: str,
    title: str,
    lang: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Plan:
    """A new draft plan with the old plan's pillars, objectives and a copy of each measure
    (texts in every language, actors, tags, provisions, related measures), and a mapping of
    each old measure: "continued as" its copy, or "dropped" for a measure dropped during the
    old plan (with the reason of its drop)."""
    _require(permissions.can_prepare_successor(user, old))
    slug, title = (slug or "").strip(), (title or "").strip()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        raise ValidationError(
            _("The short name (slug) may hold letters, digits, - and _ only.")
        ) from exc
    if Plan.objects.filter(slug=slug).exists():
        raise ValidationError(_("A plan named %(slug)r already exists.") % {"slug": slug})
    if not title:
        raise ValidationError(_("Give the new plan a title."))
    start = start or old.end + dt.timedelta(days=1)
    end = end or start + (old.end - old.start)
    if end < start:
        raise ValidationError(_("The plan cannot end before it starts."))
    with transaction.atomic():
        new = Plan(
            slug=slug,
            start=start,
            end=end,
            coordinator=old.coordinator,
            declared_measures=old.declared_measures,
            statuses=old.statuses,
            is_public=False,
            predecessor=old,
            **_per_language(old, "description"),
        )
        setattr(new, f"title_{lang or current_language()}", title)
        new.save()
        sections = _copy_sections(old, new)
        copies = _copy_measures(old, new, sections)
        _map_defaults(old, new, copies)
        Role.objects.bulk_create(
            Role(user_id=role.user_id, kind=Role.Kind.COORDINATOR, plan=new)
            for role in Role.objects.filter(kind=Role.Kind.COORDINATOR, plan=old)
        )
        record(
            "plans.successor.created",
            user=user,
            plan=old,
            data={"successor": new.slug, "measures": len(copies)},
        )
    return new


def _copy_sections(old: Plan, new: Plan) -> dict[int, Section]:
    copies: dict[int, Section] = {}
    # Pillars first, so that each objective finds its pillar's copy.
    for section in sorted(old.sections.all(), key=lambda s: s.parent_id is not None):
        copy = Section(
            plan=new,
            parent=copies.get(section.parent_id),
            code=section.code,
            pillar=section.pillar,
            order=section.order,
            **_per_language(section, "title"),
        )
        copy.save()
        copies[section.pk] = copy
    return copies


def _copy_measures(old: Plan, new: Plan, sections: dict[int, Section]) -> dict[int, Measure]:
    """The copies of the old plan's measures (dropped ones left out), by old measure id."""
    measures = list(
        old.measures.filter(dropped=False).prefetch_related(
            "measure_actors", "tags", "provisions", "related"
        )
    )
    copies = bulk_create_with_history(
        [
            Measure(
                plan=new,
                number=m.number,
                section=sections[m.section_id],
                note=m.note,
                deadline=m.deadline,
                budget=m.budget,
                **_per_language(m, "title"),
                **_per_language(m, "description"),
            )
            for m in measures
        ],
        Measure,
        default_change_reason="plans.successor",
    )
    by_old = {m.pk: copy for m, copy in zip(measures, copies, strict=True)}
    bulk_create_with_history(
        [
            MeasureActor(measure=by_old[m.pk], actor_id=r.actor_id, role=r.role, order=r.order)
            for m in measures
            for r in m.measure_actors.all()
        ],
        MeasureActor,
        default_change_reason="plans.successor",
    )
    Measure.tags.through.objects.bulk_create(
        Measure.tags.through(measure_id=by_old[m.pk].pk, tag_id=t.pk)
        for m in measures
        for t in m.tags.all()
    )
    Measure.provisions.through.objects.bulk_create(
        Measure.provisions.through(measure_id=by_old[m.pk].pk, provision_id=p.pk)
        for m in measures
        for p in m.provisions.all()
    )
    related = {
        (by_old[m.pk].pk, by_old[r.pk].pk)
        for m in measures
        for r in m.related.all()
        if r.pk in by_old
    }
    Measure.related.through.objects.bulk_create(
        Measure.related.through(from_measure_id=a, to_measure_id=b) for a, b in related
    )
    return by_old


def _map_defaults(old: Plan, new: Plan, copies: dict[int, Measure]) -> None:
    from planwatch.plans.models import MeasureChange

    drops = {
        change.measure_id: change
        for change in MeasureChange.objects.filter(
            measure__plan=old, field=MeasureChange.Field.DROPPED
        ).order_by("on", "id")
    }
    mappings = []
    for measure in old.measures.all():
        mapping = MeasureMapping(measure=measure, successor=new, kind=Kind.CONTINUED)
        if measure.pk not in copies:
            mapping.kind = Kind.DROPPED
            if change := drops.get(measure.pk):
                for lang in languages():
                    setattr(mapping, f"reason_{lang}", getattr(change, f"reason_{lang}"))
        mappings.append(mapping)
    MeasureMapping.objects.bulk_create(mappings)
    MeasureMapping.targets.through.objects.bulk_create(
        MeasureMapping.targets.through(measuremapping_id=m.pk, measure_id=copies[m.measure_id].pk)
        for m in mappings
        if m.measure_id in copies
    )


def set_mapping(
    user: User | None,
    mapping: MeasureMapping,
    *,
    kind: str,
    targets: Iterable[int] = (),
    reason: str = "",
    lang: str | None = None,
) -> MeasureMapping:
    """Say what became of one old measure. ``targets`` are numbers of the new plan's measures."""
    successor = mapping.successor
    _require(permissions.can_map_successor(user, successor))
    if successor.is_public:
        raise ValidationError(_("This plan is published: its mapping can no longer change."))
    numbers = sorted(set(targets))
    if TARGETS.get(kind) == (0, 0):
        numbers = []  # completed, dropped, undecided: the new measures named before are let go
    errors = mapping_problems(successor, kind, numbers, reason)
    if errors:
        raise ValidationError(errors)
    found = list(Measure.objects.filter(plan=successor, number__in=numbers))
    before = {
        "kind": mapping.kind,
        "targets": sorted(mapping.targets.values_list("number", flat=True)),
    }
    with transaction.atomic():
        mapping.kind = kind
        setattr(mapping, f"reason_{lang or current_language()}", reason.strip())
        mapping.save()
        mapping.targets.set(found)
        record(
            "plans.successor.mapped",
            user=user,
            plan=successor,
            measure=mapping.measure,
            data={"before": before, "after": {"kind": kind, "targets": numbers}},
            reason=reason.strip(),
        )
    return mapping


def mapping_problems(successor: Plan, kind: str, numbers: list[int], reason: str) -> dict:
    """What is wrong with a mapping, by form field: ``kind``, ``targets``, ``reason``."""
    if kind not in TARGETS:
        return {"kind": [_("Choose what became of the measure.")]}
    errors: dict[str, list[str]] = {}
    least, most = TARGETS[kind]
    if least and len(numbers) < least:
        errors["targets"] = [_("Name the new measure (its number) this measure continues as.")]
    elif most is not None and len(numbers) > most:
        errors["targets"] = [
            _("A merged measure goes into one new measure.")
            if most
            else _("A completed or dropped measure has no new measure.")
        ]
    elif numbers:
        known = set(
            Measure.objects.filter(plan=successor, number__in=numbers).values_list(
                "number", flat=True
            )
        )
        if missing := [str(n) for n in numbers if n not in known]:
            errors["targets"] = [
                _("The new plan has no measure %(numbers)s.") % {"numbers": ", ".join(missing)}
            ]
    if kind == Kind.DROPPED and not reason.strip():
        errors["reason"] = [_("Give the public reason why the measure is dropped.")]
    return errors


@dataclass
class Unmapped:
    number: int
    message: str


def publication_problems(successor: Plan) -> list[Unmapped]:
    """Each old measure whose fate is not decided yet; publication waits for none."""
    old = successor.predecessor
    if old is None:
        return []
    mappings = {
        m.measure_id: m
        for m in MeasureMapping.objects.filter(successor=successor).prefetch_related("targets")
    }
    problems = []
    for measure in old.measures.order_by("number"):
        mapping = mappings.get(measure.pk)
        if mapping is None or mapping.kind == Kind.UNDECIDED:
            problems.append(
                Unmapped(
                    measure.number,
                    _("Measure %(number)s: say what became of it.") % {"number": measure.number},
                )
            )
        elif mapping.kind in (Kind.CONTINUED, Kind.MERGED) and not mapping.targets.all():
            problems.append(
                Unmapped(
                    measure.number,
                    _("Measure %(number)s: name the new measure it continues as.")
                    % {"number": measure.number},
                )
            )
        elif mapping.kind == Kind.DROPPED and not any(
            getattr(mapping, f"reason_{lang}") for lang in languages()
        ):
            problems.append(
                Unmapped(
                    measure.number,
                    _("Measure %(number)s: give the public reason for dropping it.")
                    % {"number": measure.number},
                )
            )
    return problems


def publish_successor(user: User | None, successor: Plan) -> Plan:
    """Make the successor plan and its mapping public, once every old measure is decided."""
    _require(permissions.can_publish_successor(user, successor))
    if successor.is_public:
        raise ValidationError(_("This plan is already published."))
    problems = publication_problems(successor)
    if problems:
        count = len(problems)
        summary = ngettext(
            "The plan cannot be published while %(count)s measure of the old plan is not mapped.",
            "The plan cannot be published while %(count)s measures of the old plan are not mapped.",
            count,
        ) % {"count": count}
        raise ValidationError([summary] + [p.message for p in problems[:20]])
    with transaction.atomic():
        successor.is_public = True
        successor.save(update_fields=["is_public"])
        record("plans.successor.published", user=user, plan=successor)
    return successor
