"""Set-based writes for plans of thousands of rows, with their history: the statements under
the one writer of a plan (``writer.py``).

Django's ``bulk_create`` and django-simple-history's bulk tools write one statement per batch,
but spend most of their time preparing each value through the field's full save path: for the
~200,000 rows a 10,000-measure workbook means (measures, responsible actors, links, and a
historical record of each, with simple-history's many-to-many snapshots) that is most of the
time the import takes. Here each statement is written once and run for all rows (SQLite:
``executemany``; PostgreSQL: COPY); values of plain types (text, whole numbers, ids) go as they
are and every other value is prepared by its field as a save prepares it (a repeated value, such
as the one history date of an import, once). Nothing here sends signals: the caller writes the
history (``history``) and drops the page cache.

The historical records written here are the ones simple-history's ``bulk_history_create`` writes:
every tracked field, the date, the type (+ ~ -), the user and the change reason.
"""

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, models, router
from modeltranslation.translator import NotRegistered, translator

CHUNK = 2000  # rows per statement run: bounds the memory the prepared values take

_PLAIN_FIELDS = (models.CharField, models.TextField, models.IntegerField, models.AutoField)


def chunks(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _connection(model: type[models.Model]) -> Any:
    return connections[router.db_for_write(model)]


def _plain(field: models.Field) -> bool:
    """Whether a value of the field is stored as it is when it is a str or an int."""
    if field.is_relation:
        return isinstance(field.target_field, _PLAIN_FIELDS)
    return isinstance(field, _PLAIN_FIELDS)


class _Preparer:
    """A column's values as the database takes them."""

    def __init__(self, field: models.Field, connection: Any):
        self.field = field
        self.connection = connection
        self.plain = _plain(field)
        self.last: tuple[Any, Any] = (object(), None)

    def __call__(self, value: Any) -> Any:
        if value is None or (self.plain and type(value) in (str, int)):
            return value
        if value is self.last[0]:
            return self.last[1]
        prepared = self.field.get_db_prep_save(value, self.connection)
        self.last = (value, prepared)
        return prepared


def insert(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT ``rows`` (one value per column, by attribute name: ``measure_id``); returns how
    many. Ids are not read back: read the rows by their natural key where they are needed.

    SQLite runs one prepared statement for every row (``executemany``, in process). PostgreSQL
    gets the rows through COPY, its bulk-loading path: ``executemany`` would cost a round trip
    per row."""
    connection = _connection(model)
    fields = [model._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    prepare = [_Preparer(field, connection) for field in fields]
    count = 0
    with connection.cursor() as cursor:
        for chunk in chunks(rows):
            values = [[p(value) for p, value in zip(prepare, row, strict=True)] for row in chunk]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", values)
            count += len(chunk)
    return count


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """INSERT unsaved model instances (every concrete field but the automatic id)."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField))
    ]
    return insert(model, names, ([getattr(obj, name) for name in names] for obj in objs))


def update(model: type[models.Model], objs: Sequence[models.Model], fields: set[str]) -> None:
    """Write ``fields`` of each row by primary key (Django's ``bulk_update`` builds a CASE
    expression per row and field, which costs seconds for thousands of rows). A translated
    field's original column (``title`` beside ``title_nl``…) is written with it, as a save writes
    it: from the active language, with modeltranslation's fallback.

    SQLite runs one parameterised UPDATE for every row (``executemany``); PostgreSQL gets the new
    values through COPY into a temporary table and one UPDATE … FROM it."""
    if not objs or not fields:
        return
    connection = _connection(model)
    columns = [model._meta.get_field(name) for name in sorted(with_originals(model, fields))]
    quote = connection.ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    prepare = [_Preparer(field, connection) for field in columns]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [quote(field.column) for field in columns]
            temporary = quote(f"import_{model._meta.db_table}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temporary} AS SELECT {pk}, {', '.join(names)} "
                f"FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(
                f"COPY {temporary} ({pk}, {', '.join(names)}) FROM STDIN"
            ) as copy:
                for obj in objs:
                    copy.write_row([obj.pk] + [p(getattr(obj, p.field.attname)) for p in prepare])
            assignments = ", ".join(f"{name} = new.{name}" for name in names)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM {temporary} AS new "
                f"WHERE {table}.{pk} = new.{pk}"
            )
            cursor.execute(f"DROP TABLE {temporary}")
            return
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
        for chunk in chunks(objs):
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE {pk} = %s",
                [[p(getattr(obj, p.field.attname)) for p in prepare] + [obj.pk] for obj in chunk],
            )


def with_originals(model: type[models.Model], fields: set[str]) -> set[str]:
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return set(fields)
    originals = {
        name
        for name, translations in options.all_fields.items()
        if any(field.attname in fields for field in translations)
    }
    return set(fields) | originals


def delete(model: type[models.Model], pks: Iterable[Any]) -> None:
    """DELETE rows by id without signals (the caller writes their history), in chunks."""
    for chunk in chunks(pks, 500):
        rows = model._base_manager.filter(pk__in=chunk)
        rows._raw_delete(rows.db)


def history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    kind: str,
    user: Any,
    reason: str,
    date: Any,
) -> int:
    """One historical record per object, as simple-history writes it: ``kind`` is "+" (created),
    "~" (changed) or "-" (deleted)."""
    if not objs:
        return 0
    historical = model.history.model
    if user is None:
        # As bulk_history_create does: the person of the request, when there is one.
        user = historical.get_default_history_user(objs[0])
    tracked = [f.attname for f in historical.tracked_fields]
    columns = [*tracked, "history_date", "history_type", "history_change_reason"]
    columns.append("history_user_id")
    extra = (date, kind, reason, user.pk if user is not None else None)
    return insert(
        historical,
        columns,
        ([*(getattr(obj, name) for name in tracked), *extra] for obj in objs),
    )
