"""The plan import, writing half: apply a preview in one transaction, or nothing.

The rows are checked again inside the transaction against the database as it is then. When that
check finds errors, or would do something other than what the preview showed (someone edited the
plan in between), nothing is written and the person previews again: no edit made meanwhile is
overwritten unseen.

Writes are set-based, so that a workbook of 10,000 measures applies in seconds and the number of
statements does not grow with the number of rows (only the batches of the bulk statements do):

- plan, actors, tags and sections (tens of rows) through django-simple-history's own bulk API,
  ``bulk_create_with_history`` and ``bulk_update_with_history``;
- measures, their responsible actors and links, and the history of each, through ``bulk.py``
  (one ``executemany`` or COPY per statement), which writes the same historical records as
  simple-history's ``bulk_history_create`` (``tests/test_bulk_history.py`` compares them) and,
  for deletions, which that API has no form for, the record a ``delete()`` writes.

Every created, changed or deleted row gets one historical record with the importing user and the
change reason ``documents.import.plan``, as a save or delete would write it. A measure's record
also keeps its tags and provisions as they are after the import (simple-history's many-to-many
history); one record covers all of a measure's changes. Responsible actors are compared per
actor: a role or position that changes is updated, an actor that goes is deleted, a new one is
created. Bulk statements send no signals, so the cached public pages are dropped explicitly
(``DataVersion.bump``) once anything changed.
"""

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from planwatch.actors.models import Actor, Government
from planwatch.core.models import DataVersion
from planwatch.datasets.loader import Summary
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.models import Measure, MeasureActor, Plan, Provision, Section, Tag

from . import bulk
from .files import Progress
from .plan import PlanData, Planned, check_plan, fingerprint
from .preview import UNCHANGED, ImportRefused, Preview, RowError
from .sheets import ACTORS, MEASURES, PLAN, SECTIONS, TAGS
from .snapshot import ISTANBUL

CHANGE_REASON = "documents.import.plan"
BATCH = 500  # rows per bulk_create statement (Django lowers it where SQLite needs)


def apply_plan_import(
    preview: Preview, user: Any = None, progress: Progress | None = None
) -> Summary:
    """Write what ``preview`` showed, in one transaction; raise :class:`ImportRefused` (and write
    nothing) when it has errors or the database changed since."""
    if preview.kind != "plan" or not isinstance(preview.data, PlanData):
        raise ImportRefused(
            preview.errors or [RowError("", None, "", "", _("This is not a plan import."))]
        )
    if preview.errors:
        raise ImportRefused(preview.errors)
    data: PlanData = preview.data
    with transaction.atomic(), translation.override("en"):
        # Two imports of the same plan wait for each other instead of interleaving.
        list(Plan.objects.select_for_update().filter(slug=data.plan_slug).values("pk"))
        planned, errors = check_plan(data, progress)
        if errors:
            raise ImportRefused(errors)
        if fingerprint(planned) != preview.fingerprint:
            raise ImportRefused(
                [
                    RowError(
                        "",
                        None,
                        "",
                        "",
                        _(
                            "The plan was changed by someone else since this preview was "
                            "made. Nothing was imported: preview the file again."
                        ),
                    )
                ]
            )
        writer = BulkWriter(user, progress)
        writer.write(data.plan_slug, planned)
        if writer.summary.changed:
            # Bulk statements send no post_save signal: drop the cached public pages here.
            DataVersion.bump()
    return writer.summary


def _texts(wanted: dict[str, Any], name: str) -> dict[str, Any]:
    return {f"{name}_{lang}": wanted.get(f"{name}_{lang}") for lang in LANGUAGES}


def _name(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def _differ(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on ``obj``; return their names."""
    names = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in names:
        setattr(obj, name, values[name])
    return names


class BulkWriter:
    """Writes checked rows in bulk, with one historical record per written row."""

    def __init__(self, user: Any = None, progress: Progress | None = None):
        self.user = user
        self.progress = progress
        self.now = timezone.now()
        self.summary = Summary()
        self.done = 0
        self.total = 0

    def step(self, count: int) -> None:
        self.done += count
        if self.progress and count:
            self.progress("apply", self.done, self.total)

    def history(self, model: type[models.Model], objs: list[models.Model], kind: str) -> None:
        bulk.history(model, objs, kind, self.user, CHANGE_REASON, self.now)

    # -- writes with history ----------------------------------------------------------------

    def update(self, model: type[models.Model], objs: list[models.Model], fields: set[str]) -> None:
        """What simple-history's ``bulk_update_with_history`` does, with a faster UPDATE (Django's
        ``bulk_update`` builds a CASE per row and field: seconds for thousands of rows)."""
        if objs:
            bulk.update(model, objs, fields)
            self.history(model, objs, "~")
            self.summary.updated[_name(model)] += len(objs)

    def delete(self, model: type[models.Model], objs: list[models.Model]) -> None:
        """Delete rows with a "-" record each, as ``delete()`` would write (but without the
        post_delete signal per row, which would write a second record without user and
        reason)."""
        if objs:
            self.history(model, objs, "-")
            bulk.delete(model, [obj.pk for obj in objs])
            self.summary.deleted[_name(model)] += len(objs)

    def upsert(
        self,
        model: type[models.Model],
        existing: dict[Any, models.Model],
        rows: list[tuple[Any, dict[str, Any], dict[str, Any]]],
    ) -> dict[Any, models.Model]:
        """Create or update a few ``(key, lookup, values)`` rows; ``existing`` maps keys to the
        rows as they are. Only rows whose values differ are updated. Returns key → row."""
        new, changed, fields = [], [], set()
        result = {}
        for key, lookup, values in rows:
            obj = existing.get(key)
            if obj is None:
                obj = model(**lookup, **values)
                new.append(obj)
            elif differ := _differ(obj, values):
                changed.append(obj)
                fields.update(differ)
            else:
                self.summary.unchanged[_name(model)] += 1
            result[key] = obj
        if new:
            bulk_create_with_history(
                new,
                model,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=CHANGE_REASON,
                default_date=self.now,
            )
            self.summary.created[_name(model)] += len(new)
        if changed:
            bulk_update_with_history(
                changed,
                model,
                sorted(bulk.with_originals(model, fields)),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=CHANGE_REASON,
                default_date=self.now,
            )
            self.summary.updated[_name(model)] += len(changed)
        self.step(len(rows))
        return result

    # -- sheets -----------------------------------------------------------------------------

    def write(self, plan_slug: str, planned: list[Planned]) -> None:
        by_sheet: dict[str, list[Planned]] = defaultdict(list)
        for p in planned:
            if p.action != UNCHANGED:
                by_sheet[p.row.sheet.name].append(p)
        self.total = sum(len(rows) for rows in by_sheet.values())

        governments = dict(Government.objects.values_list("code", "pk"))
        self.upsert(
            Actor,
            {
                a.slug: a
                for a in Actor.objects.filter(slug__in=[p.key for p in by_sheet[ACTORS.name]])
            },
            [
                (
                    p.key,
                    {"slug": p.key},
                    {
                        **_texts(p.wanted, "name"),
                        **_texts(p.wanted, "short"),
                        "kind": p.wanted["kind"],
                        "government_id": governments.get(p.wanted["government"]),
                    },
                )
                for p in by_sheet[ACTORS.name]
            ],
        )
        actors = dict(Actor.objects.values_list("slug", "pk"))
        self.upsert(
            Plan,
            {plan.slug: plan for plan in Plan.objects.filter(slug=plan_slug)},
            [
                (
                    plan_slug,
                    {"slug": plan_slug},
                    {
                        **_texts(p.wanted, "title"),
                        **_texts(p.wanted, "description"),
                        "start": p.wanted["start"],
                        "end": p.wanted["end"],
                        "adopted": p.wanted["adopted"],
                        "declared_measures": p.wanted["declared_measures"],
                        "statuses": list(p.wanted["statuses"]),
                        "coordinator_id": actors.get(p.wanted["coordinator"]),
                    },
                )
                for p in by_sheet[PLAN.name]
            ],
        )
        plan = Plan.objects.get(slug=plan_slug)
        self.upsert(
            Tag,
            {t.slug: t for t in Tag.objects.filter(slug__in=[p.key for p in by_sheet[TAGS.name]])},
            [
                (p.key, {"slug": p.key}, {"kind": p.wanted["kind"], **_texts(p.wanted, "name")})
                for p in by_sheet[TAGS.name]
            ],
        )
        self.write_sections(plan, by_sheet[SECTIONS.name])
        MeasureWriter(self, plan, actors).write(by_sheet[MEASURES.name])

    def write_sections(self, plan: Plan, planned: list[Planned]) -> None:
        """Parents before their children: a section waits until its parent exists."""
        existing = {s.code: s for s in plan.sections.all()}
        ids = {code: s.pk for code, s in existing.items()}
        waiting = list(planned)
        while waiting:
            ready = [p for p in waiting if p.wanted["parent"] is None or p.wanted["parent"] in ids]
            if not ready:  # the check refuses circles; this only guards against a loop
                raise ImportRefused(
                    [RowError("", None, "", "", _("Sections refer to each other."))]
                )
            written = self.upsert(
                Section,
                existing,
                [
                    (
                        p.key,
                        {"plan": plan, "code": p.key},
                        {
                            **_texts(p.wanted, "title"),
                            "pillar": p.wanted["pillar"],
                            "order": p.wanted["order"],
                            "parent_id": ids.get(p.wanted["parent"]),
                        },
                    )
                    for p in ready
                ],
            )
            ids.update({code: s.pk for code, s in written.items()})
            waiting = [p for p in waiting if p.key not in written]


def _linked_column(through: type[models.Model]) -> str:
    """The column of a measure's many-to-many table that names the linked row (tag_id)."""
    return next(
        f.attname for f in through._meta.fields if f.is_relation and f.related_model is not Measure
    )


class MeasureWriter:
    """The measures sheet: measures, their responsible actors, tags and articles. Each step
    reads what it needs for all rows at once and writes with ``bulk``."""

    def __init__(self, writer: BulkWriter, plan: Plan, actors: dict[str, int]):
        self.w = writer
        self.plan = plan
        self.actors = actors

    def write(self, planned: list[Planned]) -> None:
        if not planned:
            return
        w, plan = self.w, self.plan
        sections = dict(plan.sections.values_list("code", "pk"))
        existing: dict[int, Measure] = {}
        for chunk in bulk.chunks((p.key for p in planned), 500):
            existing.update({m.number: m for m in plan.measures.filter(number__in=chunk)})
        new, changed, fields = [], [], set()
        rows: list[tuple[Planned, Measure, bool]] = []
        for p in planned:
            values = {
                **_texts(p.wanted, "title"),
                **_texts(p.wanted, "description"),
                "section_id": sections[p.wanted["section"]],
            }
            measure = existing.get(p.key)
            if measure is None:
                measure = Measure(plan=plan, number=p.key, **values)
                new.append(measure)
            elif differ := _differ(measure, values):
                changed.append(measure)
                fields.update(differ)
            else:
                w.summary.unchanged[_name(Measure)] += 1
            rows.append((p, measure, p.key not in existing))
        bulk.insert_objects(Measure, new)
        if new:
            ids = dict(plan.measures.values_list("number", "pk"))
            for measure in new:
                measure.pk = ids[measure.number]
        bulk.update(Measure, changed, fields)
        w.summary.created[_name(Measure)] += len(new)
        w.summary.updated[_name(Measure)] += len(changed)

        self.write_roles(rows)
        linked = self.write_links(rows)
        # One record per created or changed measure, with its links as they are now.
        updated = {m.pk: m for m in changed}
        updated.update({m.pk: m for m in existing.values() if m.pk in linked})
        self.write_history(new, list(updated.values()))
        w.step(len(planned))

    def write_roles(self, rows: list[tuple[Planned, Measure, bool]]) -> None:
        """Responsible actors, compared per actor. They are handled as plain rows (the columns
        of ``MeasureActor``): tens of thousands of model instances would cost seconds."""
        todo = [
            (p, m, is_new)
            for p, m, is_new in rows
            if is_new or {"lead", "partners"} & set(p.changed)
        ]
        if not todo:
            return
        columns = ("measure_id", "actor_id", "role", "order")
        current: dict[int, dict[int, SimpleNamespace]] = defaultdict(dict)
        for chunk in bulk.chunks((m.pk for p, m, is_new in todo if not is_new), 500):
            for values in MeasureActor.objects.filter(measure_id__in=chunk).values("id", *columns):
                current[values["measure_id"]][values["actor_id"]] = SimpleNamespace(
                    pk=values["id"], **values
                )
        create, update, delete = [], [], []
        for p, measure, _is_new in todo:
            people = [(s, MeasureActor.Role.LEAD) for s in p.wanted["lead"]]
            people += [(s, MeasureActor.Role.PARTNER) for s in p.wanted["partners"]]
            roles = current.pop(measure.pk, {})
            for order, (slug, kind) in enumerate(people):
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
            self.w.summary.created[_name(MeasureActor)] += len(create)

    def write_links(self, rows: list[tuple[Planned, Measure, bool]]) -> set[int]:
        """Tags and Istanbul Convention articles (a measure's other provisions stay); returns the
        ids of the measures whose links changed."""
        tags = dict(Tag.objects.values_list("slug", "pk"))
        articles = dict(
            Provision.objects.filter(framework__slug=ISTANBUL).values_list("code", "pk")
        )
        changed: set[int] = set()
        for field, columns, ids, name in (
            ("tags", ("forms", "groups"), tags, "measure tags"),
            ("provisions", ("articles",), articles, "measure articles"),
        ):
            through = getattr(Measure, field).through
            other = _linked_column(through)
            todo = {
                m.pk: {ids[code] for column in columns for code in p.wanted[column]}
                for p, m, is_new in rows
                if is_new or set(columns) & set(p.changed)
            }
            if not todo:
                continue
            current: dict[int, dict[int, int]] = defaultdict(dict)  # measure → linked → row id
            for pk, measure_id, linked in through.objects.filter(
                measure__plan=self.plan, **{f"{other}__in": list(ids.values())}
            ).values_list("pk", "measure_id", other):
                if measure_id in todo:
                    current[measure_id][linked] = pk
            create, delete = [], []
            for measure_id, links in todo.items():
                have = current.get(measure_id, {})
                if set(have) == links:
                    continue
                changed.add(measure_id)
                self.w.summary.updated[name] += 1
                delete.extend(pk for linked, pk in have.items() if linked not in links)
                create.extend((measure_id, linked) for linked in sorted(links - set(have)))
            bulk.delete(through, delete)
            bulk.insert(through, ["measure_id", other], create)
        return changed

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
                    for pk, measure_id, linked in through.objects.filter(
                        measure__plan=self.plan
                    ).values_list("pk", "measure_id", other)
                    if measure_id in records
                ),
            )
