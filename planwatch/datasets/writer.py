"""The one writer of a plan: both front doors of the intake, ``planwatch load-dataset``
(``loader.py`` → ``dataset_writer.py``) and ``planwatch import plan`` (``documents/imports/
apply.py``), write through the primitives of :class:`Writer`, and the plan's own parts through
``plan_writer.write_plan``.

Every primitive is set-based and writes one historical record per created, changed or deleted
row, with the writer's user and change reason (``datasets.load``, ``documents.import.plan``):

- :meth:`Writer.upsert`: rows with a natural key (a slug, a code, a number), created or updated
  only where a value differs, through django-simple-history's own bulk API
  (``bulk_create_with_history`` / ``bulk_update_with_history``);
- :meth:`Writer.replace`: keyless child rows (budget lines, observations, headline figures),
  each parent's rows replaced whole when they differ;
- :meth:`Writer.set_links`: many-to-many links, each owner's links made what is wanted;
- :meth:`Writer.update`, :meth:`Writer.delete`, :meth:`Writer.history`: the same for thousands
  of rows through ``bulk.py`` (its ``history`` writes the records ``bulk_history_create`` writes,
  ``tests/test_bulk_history.py``; for a deletion the one ``delete()`` writes).

A row whose values are what is wanted is not written, so writing the same rows twice changes
nothing and adds no history. Bulk statements send no signals: the door drops the cached public
pages (``DataVersion.bump``) once anything changed.
"""

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import bulk
from .reader import LANGUAGES

BATCH = 500  # rows per bulk_create statement (Django lowers it where SQLite needs)


def languages(name: str, texts: dict[str, str]) -> dict[str, str | None]:
    """``{"nl": "x"}`` → ``{"title_nl": "x", "title_fr": None, …}``: a language without a text
    is left empty (pages fall back to another language when they show it)."""
    values: dict[str, str | None] = {f"{name}_{lang}": texts.get(lang) for lang in LANGUAGES}
    return values


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged, {self.deleted[name]} deleted"
            for name in names
        ]

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)


def name_of(model: type[models.Model]) -> str:
    return str(model._meta.verbose_name_plural)


def differ(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on ``obj``; return their names."""
    names = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in names:
        setattr(obj, name, values[name])
    return names


def in_add_order(ids: Iterable[Any]) -> list[Any]:
    """``ids`` in the order Django's ``RelatedManager.add()`` inserts them: it gathers them in a
    set and inserts what ``set.difference()`` of it returns. Links written here so get the ids a
    row-by-row ``set()`` gives them (``scripts/compare-load`` compares ids)."""
    gathered = set()
    for pk in ids:
        gathered.add(pk)
    return list(gathered.difference(()))


class Writer:
    """Writes rows in bulk, with one historical record per written row; counts what it did in
    :attr:`summary`. ``progress(step, done, total)`` hears of each written part."""

    def __init__(self, reason: str, user: Any = None, progress: Any = None):
        self.reason = reason
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

    def history(self, model: type[models.Model], objs: list[Any], kind: str) -> None:
        bulk.history(model, objs, kind, self.user, self.reason, self.now)

    def create(self, model: type[models.Model], objs: list[models.Model]) -> None:
        """Insert new rows (their ids are set) with a "+" record each."""
        if objs:
            bulk_create_with_history(
                objs,
                model,
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason,
                default_date=self.now,
            )
            self.summary.created[name_of(model)] += len(objs)

    def update(self, model: type[models.Model], objs: list[Any], fields: set[str]) -> None:
        """What simple-history's ``bulk_update_with_history`` does, with a faster UPDATE (Django's
        ``bulk_update`` builds a CASE per row and field: seconds for thousands of rows)."""
        if objs:
            bulk.update(model, objs, fields)
            self.history(model, objs, "~")
            self.summary.updated[name_of(model)] += len(objs)

    def delete(self, model: type[models.Model], objs: list[Any]) -> None:
        """Delete rows with a "-" record each, as ``delete()`` would write (but without the
        post_delete signal per row, which would write a second record without user and
        reason). Only for rows nothing refers to: nothing cascades."""
        if objs:
            self.history(model, objs, "-")
            bulk.delete(model, [obj.pk for obj in objs])
            self.summary.deleted[name_of(model)] += len(objs)

    def upsert(
        self,
        model: type[models.Model],
        existing: dict[Any, models.Model],
        rows: list[tuple[Any, dict[str, Any], dict[str, Any]]],
    ) -> dict[Any, models.Model]:
        """Create or update ``(key, lookup, values)`` rows, in their order; ``existing`` maps keys
        to the rows as they are. Only rows whose values differ are updated. Returns key → row."""
        new, changed, fields = [], [], set()
        result = {}
        for key, lookup, values in rows:
            obj = existing.get(key)
            if obj is None:
                obj = model(**lookup, **values)
                new.append(obj)
            elif names := differ(obj, values):
                changed.append(obj)
                fields.update(names)
            else:
                self.summary.unchanged[name_of(model)] += 1
            result[key] = obj
        self.create(model, new)
        if changed:
            bulk_update_with_history(
                changed,
                model,
                sorted(bulk.with_originals(model, fields)),
                batch_size=BATCH,
                default_user=self.user,
                default_change_reason=self.reason,
                default_date=self.now,
            )
            self.summary.updated[name_of(model)] += len(changed)
        self.step(len(rows))
        return result

    def replace(
        self,
        model: type[models.Model],
        parent: str,
        wanted: dict[Any, list[dict[str, Any]]],
        fields: list[str],
    ) -> None:
        """Keyless child rows (budget lines, observations): the rows of each parent in
        ``wanted`` (``parent`` is the column naming it: ``plan_id``) are deleted and written
        again when they differ from the wanted ones, compared as a bag; else left alone."""
        name = name_of(model)
        current: dict[Any, list[models.Model]] = defaultdict(list)
        for chunk in bulk.chunks(wanted, 500):
            for obj in model.objects.filter(**{f"{parent}__in": chunk}).order_by("pk"):
                current[getattr(obj, parent)].append(obj)
        drop, new = [], []
        for parent_id, rows in wanted.items():
            have = current.get(parent_id, [])
            rows = [{key: row.get(key) for key in fields} for row in rows]
            if _as_bag([{key: getattr(o, key) for key in fields} for o in have]) == _as_bag(rows):
                self.summary.unchanged[name] += len(rows)
                continue
            drop.extend(have)
            new.extend(model(**{parent: parent_id}, **row) for row in rows)
        self.delete(model, drop)
        self.create(model, new)

    def set_links(
        self,
        through: type[models.Model],
        owner: str,
        linked: str,
        wanted: dict[Any, list[Any]],
        name: str,
        *,
        among: Iterable[Any] | None = None,
        symmetrical: bool = False,
        unlinked: Collection[Any] = (),
        scope: dict[str, Any] | None = None,
    ) -> set[tuple[Any, Any]]:
        """Many-to-many links: the links of each owner in ``wanted`` (``owner`` and ``linked``
        are the columns of the ``through`` table: ``measure_id``, ``tag_id``) become the wanted
        ones, among the ``among`` linked rows only when given (a measure's other provisions
        stay). ``symmetrical``: a link is two rows, one each way (related measures). New links
        are added in the order ``RelatedManager.set()`` adds them. The links of ``unlinked``
        owners (rows created by this writer) are not read: they have none. ``scope``: a filter
        that holds every owner's links (``{"measure__plan": plan}``), to read them in one
        statement rather than by owner. Returns the (owner, linked) pairs added or removed."""
        among = None if among is None else list(among)
        current: dict[Any, dict[Any, Any]] = defaultdict(dict)  # owner → linked → row id
        read = [one for one in wanted if one not in unlinked]
        for chunk in [None] if scope is not None and read else bulk.chunks(read, 500):
            if chunk is None:
                rows = through.objects.filter(**scope)
            else:
                rows = through.objects.filter(**{f"{owner}__in": chunk})
                if symmetrical:  # and the other way: the rows back to these owners
                    rows |= through.objects.filter(**{f"{linked}__in": chunk})
            if among is not None:
                rows = rows.filter(**{f"{linked}__in": among})
            for pk, one, other in rows.order_by("pk").values_list("pk", owner, linked):
                current[one][other] = pk
        create: list[tuple[Any, Any]] = []
        drop: list[Any] = []
        touched: set[tuple[Any, Any]] = set()
        for one, links in wanted.items():
            have = current[one]
            if set(have) == set(links):
                continue
            self.summary.updated[name] += 1
            gone = [other for other in have if other not in links]
            added = in_add_order(other for other in links if other not in have)
            pairs = [(one, other) for other in gone]
            pairs += [(other, one) for other in gone] if symmetrical else []
            touched.update((one, other) for other in [*gone, *added])
            for a, b in pairs:
                pk = current[a].pop(b, None)
                if pk is not None:
                    drop.append(pk)
                elif (a, b) in create:
                    create.remove((a, b))
            for a, b in [(one, other) for other in added] + (
                [(other, one) for other in added] if symmetrical else []
            ):
                if b not in current[a]:
                    current[a][b] = None
                    create.append((a, b))
        bulk.delete(through, drop)
        bulk.insert(through, [owner, linked], create)
        return touched


def _as_bag(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(repr(sorted((k, _plain(v)) for k, v in row.items())) for row in rows)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, dict):
        return sorted(value.items())
    return value
