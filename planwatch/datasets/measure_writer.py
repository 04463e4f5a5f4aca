"""Writing a plan's measures, for both doors (``plan_writer.write_plan``): the measures, their
responsible actors, tags, Istanbul Convention articles, related measures and the measures each
provision names. Each step reads what it needs for all rows at once and writes in bulk
(``bulk.py``), so the number of statements does not grow with the rows.

Every created or changed measure gets one historical record, written after its links, with its
tags and provisions as they are then (simple-history's many-to-many history): one record covers
all of a measure's changes. Responsible actors are compared per actor: a role or position that
changes is updated, an actor that goes is deleted, a new one is created, each with its own
record.
"""

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.db import models

from planwatch.plans.models import ISTANBUL, Measure, MeasureActor, Plan, Provision, Tag

from . import bulk
from .writer import Writer, differ, name_of


@dataclass
class MeasureWrite:
    """A measure's values (texts, note…) and its section's code; a list left ``None`` is left
    as it is."""

    number: int
    section: str
    values: dict[str, Any]
    roles: list[tuple[str, str]] | None = None  # (actor slug, "lead" or "partner"), in order
    tags: list[str] | None = None
    articles: list[str] | None = None
    related: list[int] | None = None  # numbers; a link counts both ways


def _linked_column(through: type[models.Model]) -> str:
    """The column of a measure's many-to-many table that names the linked row (tag_id)."""
    return next(
        f.attname for f in through._meta.fields if f.is_relation and f.related_model is not Measure
    )


class MeasureWriter:
    def __init__(self, writer: Writer, plan: Plan, actors: dict[str, int]):
        self.w = writer
        self.plan = plan
        self.actors = actors

    def write(
        self, rows: list[MeasureWrite], provision_links: dict[int, list[int]]
    ) -> dict[int, int]:
        """Write ``rows`` and the measures each provision names (provision id → numbers);
        returns number → id of every measure of the plan."""
        w, plan = self.w, self.plan
        if not rows and not provision_links:
            return dict(plan.measures.values_list("number", "pk"))
        sections = dict(plan.sections.values_list("code", "pk"))
        existing: dict[int, Measure] = {}
        for chunk in bulk.chunks((row.number for row in rows), 500):
            existing.update({m.number: m for m in plan.measures.filter(number__in=chunk)})
        new, changed, fields = [], [], set()
        measures: list[tuple[MeasureWrite, Measure]] = []
        for row in rows:
            values = {**row.values, "section_id": sections[row.section]}
            measure = existing.get(row.number)
            if measure is None:
                measure = Measure(plan=plan, number=row.number, **values)
                new.append(measure)
            elif names := differ(measure, values):
                changed.append(measure)
                fields.update(names)
            else:
                w.summary.unchanged[name_of(Measure)] += 1
            measures.append((row, measure))
        bulk.insert_objects(Measure, new)
        ids = dict(plan.measures.values_list("number", "pk"))
        for measure in new:
            measure.pk = ids[measure.number]
        bulk.update(Measure, changed, fields)
        w.summary.created[name_of(Measure)] += len(new)
        w.summary.updated[name_of(Measure)] += len(changed)

        self.write_roles(measures, {m.pk for m in new})
        linked = self.write_links(measures, ids, provision_links, {m.pk for m in new})
        # One record per created or changed measure, with its links as they are now.
        updated = {m.pk: m for m in changed}
        more = linked - {m.pk for m in new} - set(updated)
        written = {m.pk: m for _, m in measures}
        updated.update({pk: written[pk] for pk in more if pk in written})
        for chunk in bulk.chunks(more - set(written), 500):  # named only by a provision
            updated.update({m.pk: m for m in Measure.objects.filter(pk__in=chunk)})
        self.write_history(new, list(updated.values()))
        w.step(len(rows))
        return ids

    def write_roles(self, measures: list[tuple[MeasureWrite, Measure]], new: set[int]) -> None:
        """Responsible actors, compared per actor (those of ``new`` measures are not read: they
        have none). They are handled as plain rows (the columns of ``MeasureActor``): tens of
        thousands of model instances would cost seconds."""
        todo = [(row, m) for row, m in measures if row.roles is not None]
        if not todo:
            return
        columns = ("measure_id", "actor_id", "role", "order")
        current: dict[int, dict[int, SimpleNamespace]] = defaultdict(dict)
        for chunk in bulk.chunks((m.pk for _, m in todo if m.pk not in new), 500):
            for values in MeasureActor.objects.filter(measure_id__in=chunk).values("id", *columns):
                current[values["measure_id"]][values["actor_id"]] = SimpleNamespace(
                    pk=values["id"], **values
                )
        create, update, delete = [], [], []
        for row, measure in todo:
            roles = current.pop(measure.pk, {})
            for order, (slug, kind) in enumerate(row.roles or ()):
                role = roles.pop(self.actors[slug], None)
                if role is None:
                    create.append(
                        SimpleNamespace(
                            id=None,
                            pk=None,
                            measure_id=measure.pk,
                            actor_id=self.actors[slug],
                            role=kind,
                            order=order,
                        )
                    )
                elif (role.role, role.order) != (kind, order):
                    role.role, role.order = kind, order
                    update.append(role)
            delete.extend(roles.values())
        self.w.delete(MeasureActor, delete)
        self.w.update(MeasureActor, update, {"role", "order"})
        if create:
            bulk.insert(MeasureActor, columns, ([getattr(r, c) for c in columns] for r in create))
            ids = {
                (measure_id, actor_id): pk
                for measure_id, actor_id, pk in MeasureActor.objects.filter(
                    measure__plan=self.plan
                ).values_list("measure_id", "actor_id", "pk")
            }
            for role in create:
                role.id = role.pk = ids[(role.measure_id, role.actor_id)]
            self.w.history(MeasureActor, create, "+")
            self.w.summary.created[name_of(MeasureActor)] += len(create)

    def write_links(
        self,
        measures: list[tuple[MeasureWrite, Measure]],
        ids: dict[int, int],
        provision_links: dict[int, list[int]],
        new: set[int],
    ) -> set[int]:
        """Tags, related measures, the measures each provision names, then Istanbul Convention
        articles (a measure's other provisions stay); returns the ids of the measures whose
        tags or provisions changed. ``new`` measures have no links yet."""
        w = self.w
        tags = dict(Tag.objects.values_list("slug", "pk"))
        articles = dict(
            Provision.objects.filter(framework__slug=ISTANBUL).values_list("code", "pk")
        )
        owners = [(row, m.pk) for row, m in measures]
        touched = w.set_links(
            Measure.tags.through,
            "measure_id",
            "tag_id",
            {pk: [tags[s] for s in row.tags] for row, pk in owners if row.tags is not None},
            "measure tags",
            unlinked=new,
            scope={"measure__plan": self.plan},
        )
        changed = {measure for measure, _ in touched}
        w.set_links(
            Measure.related.through,
            "from_measure_id",
            "to_measure_id",
            {pk: [ids[n] for n in row.related] for row, pk in owners if row.related is not None},
            "related measures",
            symmetrical=True,
            scope={"from_measure__plan": self.plan},
        )
        through = Measure.provisions.through
        touched = w.set_links(
            through,
            "provision_id",
            "measure_id",
            {pk: [ids[n] for n in numbers] for pk, numbers in provision_links.items()},
            "provision links",
        )
        named = {measure for _, measure in touched}  # by a provision
        changed |= named
        touched = w.set_links(
            through,
            "measure_id",
            "provision_id",
            {
                pk: [articles[code] for code in row.articles]
                for row, pk in owners
                if row.articles is not None
            },
            "measure articles",
            among=articles.values(),
            unlinked=new - named,
            scope={"measure__plan": self.plan},
        )
        return changed | {measure for measure, _ in touched}

    def write_history(self, created: list[Measure], updated: list[Measure]) -> None:
        self.w.history(Measure, created, "+")
        self.w.history(Measure, updated, "~")
        if not created and not updated:
            return
        manager = Measure.history
        records = dict(
            manager.filter(history_date=self.w.now, plan_id=self.plan.pk).values_list(
                "id", "history_id"
            )
        )
        # The many-to-many history simple-history keeps with each record of a measure.
        for field in ("tags", "provisions"):
            through = getattr(Measure, field).through
            other = _linked_column(through)
            bulk.insert(
                getattr(manager.model, field).model,
                ["history_id", "id", "measure_id", other],
                (
                    (records[measure_id], pk, measure_id, linked)
                    for pk, measure_id, linked in through.objects.filter(measure__plan=self.plan)
                    .order_by("measure_id", other)
                    .values_list("pk", "measure_id", other)
                    if measure_id in records
                ),
            )
