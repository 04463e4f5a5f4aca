"""The translation workflow: what is translated, missing or outdated; the one write path for a
translated text (form, file and command line all end in :func:`save_translation` or
:func:`import_file`); and the record of where each translation came from.

A text is **missing** in a language when it is empty there, **outdated** when the source text
changed after the translation was made (the record's fingerprint no longer matches the source),
and **translated** otherwise. The source language of a text is the plan's source language
(``settings.MODELTRANSLATION_DEFAULT_LANGUAGE`` unless asked otherwise) when it holds the text,
else the first language that does. A translation never writes a text's source language.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planwatch.documents.imports.files import UnreadableFile, read_upload
from planwatch.lib.i18n import languages
from planwatch.plans.models import Plan
from planwatch.reporting import permissions
from planwatch.reporting.models import Event

from .exchange import ExchangeError, OutUnit, read_exchange, write_xliff, write_xlsx
from .models import TranslationRecord, fingerprint
from .texts import GROUPS, Unit, collect, find

Records = dict[tuple[str, str], TranslationRecord]


class State(models.TextChoices):
    TRANSLATED = "translated", gettext_lazy("translated")
    MISSING = "missing", gettext_lazy("missing")
    OUTDATED = "outdated", gettext_lazy("outdated")


class TranslationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def default_source() -> str:
    return settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def records_of(plan: Plan) -> Records:
    """The records of the plan's texts, with those of the frameworks it shares with other
    plans (a provision's record belongs to whichever plan translated it last)."""
    shared = Q(unit__startswith="framework.") | Q(unit__startswith="provision.")
    return {
        (r.unit, r.language): r
        for r in TranslationRecord.objects.filter(Q(plan=plan) | shared).select_related("user")
    }


def origin_language(unit: Unit, records: Records, source: str) -> str:
    """The language the unit was written in: ``source`` when it holds the text, unless that text
    is itself a translation (a narrative written in French and translated into Dutch)."""
    language = unit.source_language(source)
    record = records.get((unit.key, language))
    if record is not None and unit.texts.get(record.source_language):
        return record.source_language
    return language


def state_of(unit: Unit, language: str, records: Records, source: str) -> str | None:
    """The unit's state in ``language``; None for its source language and empty units."""
    origin = origin_language(unit, records, source)
    if not origin or language == origin:
        return None
    if not unit.texts.get(language, "").strip():
        return State.MISSING
    record = records.get((unit.key, language))
    if record is not None and record.source_fingerprint != fingerprint(
        unit.texts.get(record.source_language, "")
    ):
        return State.OUTDATED
    return State.TRANSLATED


@dataclass
class Row:
    unit: Unit
    language: str
    state: str
    record: TranslationRecord | None
    source: str  # the language the unit is translated from


@dataclass
class Overview:
    """The status page's figures: per language, per group, how many texts are in each state;
    and the rows the filters keep."""

    source: str
    counts: dict[str, dict[str, Counter]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    published_gaps: list[tuple[Unit, list[str]]] = field(default_factory=list)


def overview(
    plan: Plan,
    *,
    source: str | None = None,
    language: str | None = None,
    group: str | None = None,
    state: str | None = None,
) -> Overview:
    """Counts of every language and group, the rows matching the filters, and the published
    texts that lack a language (for the coordinator)."""
    source = source or default_source()
    units = collect(plan)
    records = records_of(plan)
    result = Overview(source)
    codes = languages()
    for code in codes:
        result.counts[code] = {key: Counter() for key in GROUPS}
    for unit in units:
        lacking = []
        for code in codes:
            unit_state = state_of(unit, code, records, source)
            if unit_state is None:
                continue
            result.counts[code][unit.group][unit_state] += 1
            if unit_state == State.MISSING:
                lacking.append(code)
            if (
                (language is None or code == language)
                and (group is None or unit.group == group)
                and (state is None or unit_state == state)
            ):
                record = records.get((unit.key, code))
                result.rows.append(
                    Row(unit, code, unit_state, record, origin_language(unit, records, source))
                )
        if lacking and unit.published:
            result.published_gaps.append((unit, lacking))
    return result


def to_export(plan: Plan, source: str, target: str, only: str = "all") -> list[Row]:
    """The units to send to a translation office: those holding a text in ``source``, in the
    state ``only`` asks for (``missing``, ``outdated`` or ``all``)."""
    _check_languages(source, target)
    records = records_of(plan)
    rows = []
    for unit in collect(plan):
        if not unit.texts.get(source, "").strip():
            continue
        unit_state = state_of(unit, target, records, source)
        if unit_state is None:  # the target is this unit's own language
            continue
        if only != "all" and unit_state != only:
            continue
        rows.append(Row(unit, target, unit_state, records.get((unit.key, target)), source))
    return rows


FORMATS = ("xliff", "xlsx")
ONLY = ("all", "missing", "outdated")


def export_file(
    plan: Plan, source: str, target: str, only: str = "all", fmt: str = "xliff"
) -> bytes:
    """The translation file of ``plan`` from ``source`` into ``target``."""
    if fmt not in FORMATS:
        raise TranslationRefused(_("Unknown format %(format)s.") % {"format": fmt})
    if only not in ONLY:
        raise TranslationRefused(_("Unknown choice %(only)s.") % {"only": only})
    units = [
        OutUnit(
            key=row.unit.key,
            name=f"{row.unit.name} · {row.unit.field_label}",
            source=row.unit.texts[source],
            target=row.unit.texts.get(target, ""),
            state=row.state,
        )
        for row in to_export(plan, source, target, only)
    ]
    writer = write_xliff if fmt == "xliff" else write_xlsx
    return writer(plan.slug, source, target, units)


def _check_languages(source: str, target: str) -> None:
    codes = languages()
    for code in (source, target):
        if code not in codes:
            raise TranslationRefused(
                _("Unknown language %(code)s; known: %(known)s.")
                % {"code": code, "known": ", ".join(codes)}
            )
    if source == target:
        raise TranslationRefused(_("The source and the target language are the same."))


# Writing ---------------------------------------------------------------------------------------


def _write(unit: Unit, language: str, text: str, reason: str) -> None:
    """Store one language of one text. Records people edit concurrently get a new version, so
    a focal point's form opened before the translation cannot silently overwrite it."""
    obj = unit.kind.model._default_manager.get(pk=unit.pk)
    column = f"{unit.field}_{language}"
    setattr(obj, column, text)
    columns = [column]
    if hasattr(obj, "version"):
        obj.version += 1
        columns.append("version")
    obj._change_reason = reason
    obj.save(update_fields=columns)


def _record(
    plan: Plan, unit: Unit, language: str, source: str, origin: str, user: Any
) -> TranslationRecord:
    record, _created = TranslationRecord.objects.update_or_create(
        unit=unit.key,
        language=language,
        defaults={
            "plan": plan,
            "source_language": source,
            "source_fingerprint": fingerprint(unit.texts.get(source, "")),
            "origin": origin,
            "user": user if user is not None and user.is_authenticated else None,
            "at": timezone.now(),
        },
    )
    return record


def _check_may_translate(user: Any, plan: Plan, language: str) -> None:
    if user is not None and not permissions.can_translate(user, plan, language):
        raise TranslationRefused(
            _("You may not translate this plan's texts into %(language)s.") % {"language": language}
        )


def save_translation(
    plan: Plan,
    key: str,
    language: str,
    text: str,
    *,
    user: Any,
    source: str | None = None,
) -> bool:
    """A person writes one text in one language (the edit form). Saving the text unchanged
    confirms an outdated translation against the current source. Returns whether anything was
    recorded. ``user`` None is the command line's operator."""
    _check_may_translate(user, plan, language)
    unit = find(plan, key)
    if unit is None:
        raise TranslationRefused(_("This text is not one of this plan's texts."))
    records = records_of_unit(unit)
    written_in = origin_language(unit, records, source or default_source())
    if language == written_in or language not in languages():
        raise TranslationRefused(
            _("This is the text's source language: it is changed where the text is written.")
        )
    text = text.strip()
    old = unit.texts.get(language, "")
    if text == old.strip() and state_of(unit, language, records, written_in) != (State.OUTDATED):
        return False
    source_text = unit.texts[written_in].strip()
    origin = (
        TranslationRecord.Origin.COPIED if text == source_text else TranslationRecord.Origin.FORM
    )
    with transaction.atomic():
        if text != old:
            _write(unit, language, text, "translations.form")
        if text:
            _record(plan, unit, language, written_in, origin, user)
        else:
            TranslationRecord.objects.filter(unit=unit.key, language=language).delete()
        Event.objects.create(
            action="translations.text.saved",
            user=user if user is not None and user.is_authenticated else None,
            plan=plan,
            measure_id=unit.measure_id,
            data={"text": unit.key, "language": language, "old": old, "new": text},
        )
    return True


def records_of_unit(unit: Unit) -> Records:
    return {(r.unit, r.language): r for r in TranslationRecord.objects.filter(unit=unit.key)}


# Translation files ----------------------------------------------------------------------------


@dataclass
class Change:
    unit: Unit
    old: str
    new: str
    origin: str


@dataclass
class ImportPreview:
    plan: Plan
    file_name: str = ""
    source: str = ""
    target: str = ""
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    stale: list[tuple[str, str]] = field(default_factory=list)  # (key, name)
    errors: list[str] = field(default_factory=list)
    applied: bool = False


def preview_import(file: Any, plan: Plan, user: Any = None) -> ImportPreview:
    """What importing ``file`` (a path, bytes or an upload) would change, refuse, or find
    wrong. Nothing is written."""
    preview = ImportPreview(plan)
    try:
        data, preview.file_name = read_upload(file)
        exchange = read_exchange(data)
    except (UnreadableFile, ExchangeError) as exc:
        preview.errors.append(exc.message)
        return preview
    preview.source, preview.target = exchange.source, exchange.target
    if exchange.plan != plan.slug:
        preview.errors.append(
            _("This file holds texts of the plan %(file)s, not of %(plan)s.")
            % {"file": exchange.plan, "plan": plan.slug}
        )
        return preview
    try:
        _check_languages(exchange.source, exchange.target)
        _check_may_translate(user, plan, exchange.target)
    except TranslationRefused as exc:
        preview.errors.append(exc.message)
        return preview
    units = {unit.key: unit for unit in collect(plan)}
    records = records_of(plan)
    seen: set[str] = set()
    for item in exchange.units:
        unit = units.get(item.key)
        if item.key in seen:
            preview.errors.append(
                _("%(where)s: the text %(key)s appears twice.")
                % {"where": item.where, "key": item.key}
            )
            continue
        seen.add(item.key)
        if unit is None:
            preview.errors.append(
                _("%(where)s: %(key)s is not a text of this plan.")
                % {"where": item.where, "key": item.key}
            )
            continue
        source_text = unit.texts.get(exchange.source, "")
        if fingerprint(source_text) != (item.fingerprint or fingerprint(item.source)):
            preview.stale.append((unit.key, unit.name))
            continue
        if exchange.target == origin_language(unit, records, exchange.source):
            preview.errors.append(
                _("%(where)s: %(key)s was written in %(language)s; a translation never changes it.")
                % {"where": item.where, "key": item.key, "language": exchange.target}
            )
            continue
        new, old = (item.target or "").strip(), unit.texts.get(exchange.target, "")
        if not new or new == old.strip():
            preview.unchanged += 1
            continue
        origin = (
            TranslationRecord.Origin.COPIED
            if new == source_text.strip()
            else TranslationRecord.Origin.IMPORT
        )
        preview.changes.append(Change(unit, old, new, origin))
    return preview


def import_file(file: Any, plan: Plan, user: Any = None, *, dry_run: bool = False) -> ImportPreview:
    """Preview ``file`` and, unless it has errors or ``dry_run`` is set, apply every change in
    one transaction. Units whose source changed since the export are reported and left alone;
    the source language is never written."""
    with transaction.atomic():
        preview = preview_import(file, plan, user)
        if preview.errors or dry_run or not preview.changes:
            return preview
        for change in preview.changes:
            _write(change.unit, preview.target, change.new, "translations.import")
            _record(plan, change.unit, preview.target, preview.source, change.origin, user)
        Event.objects.create(
            action="translations.file.imported",
            user=user if user is not None and user.is_authenticated else None,
            plan=plan,
            data={
                "file": preview.file_name,
                "source": preview.source,
                "language": preview.target,
                "changed": [change.unit.key for change in preview.changes],
                "refused": [key for key, _name in preview.stale],
            },
        )
        preview.applied = True
    return preview


# The dataset ----------------------------------------------------------------------------------


def record_dataset(plan: Plan) -> int:
    """After a dataset load: every translated text without a record, or whose record no longer
    matches its source, now comes from the dataset (the loader wrote source and translation
    together). Returns how many records were written."""
    source = default_source()
    records = records_of(plan)
    now = timezone.now()
    new, changed = [], []
    for unit in collect(plan):
        written_in = unit.source_language(source)
        if not written_in:
            continue
        digest = fingerprint(unit.texts[written_in])
        for code in languages():
            if code == written_in or not unit.texts.get(code):
                continue
            record = records.get((unit.key, code))
            if record is None:
                new.append(
                    TranslationRecord(
                        plan=plan,
                        unit=unit.key,
                        language=code,
                        source_language=written_in,
                        source_fingerprint=digest,
                        origin=TranslationRecord.Origin.DATASET,
                        at=now,
                    )
                )
            elif record.source_fingerprint != fingerprint(
                unit.texts.get(record.source_language, "")
            ):
                record.source_language = written_in
                record.source_fingerprint = digest
                record.origin = TranslationRecord.Origin.DATASET
                record.user = None
                record.at = now
                changed.append(record)
    TranslationRecord.objects.bulk_create(new, batch_size=500)
    TranslationRecord.objects.bulk_update(
        changed,
        ["source_language", "source_fingerprint", "origin", "user", "at"],
        batch_size=500,
    )
    return len(new) + len(changed)
