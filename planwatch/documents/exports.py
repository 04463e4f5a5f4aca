"""Exports are written once: a source yields rows (plain dicts), and each format writes rows.

A row's value is a string, a number, a list of strings, or a mapping of language to text; the
CSV writer flattens lists (``; ``) and translations (one column per language).
"""

import csv
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.db.models import Prefetch

from planwatch.lib.i18n import all_translations, languages, translated
from planwatch.plans.models import Measure, Plan, Provision
from planwatch.reporting.models import MeasureStatus, Round

Row = dict[str, Any]


def measure_rows(plan: Plan, round_: Round | None) -> Iterator[Row]:
    """One row per measure, with its status in ``round_`` (empty when it has none)."""
    measures = (
        Measure.objects.for_plan(plan)
        .with_listing_data()
        .prefetch_related(
            "tags",
            Prefetch(
                "provisions",
                queryset=Provision.objects.filter(framework__slug="istanbul-convention"),
                to_attr="articles",
            ),
            Prefetch(
                "statuses", queryset=MeasureStatus.objects.filter(round=round_), to_attr="current"
            ),
        )
        .order_by("number")
    )
    for measure in measures:
        roles = list(measure.measure_actors.all())
        governments: list[str] = []
        for role in roles:
            if role.actor.government and role.actor.government.code not in governments:
                governments.append(role.actor.government.code)
        status = measure.current[0] if measure.current else None
        yield {
            "number": measure.number,
            "pillar": measure.section.pillar,
            "section": measure.section.code,
            "title": all_translations(measure, "title"),
            "description": all_translations(measure, "description"),
            "actors": [translated(role.actor, "name", "en").text for role in roles],
            "actor_slugs": [role.actor.slug for role in roles],
            "lead_actors": [role.actor.slug for role in roles if role.role == role.Role.LEAD],
            "governments": governments,
            "forms": [t.slug for t in measure.tags.all() if t.kind == t.Kind.FORM],
            "groups": [t.slug for t in measure.tags.all() if t.kind == t.Kind.GROUP],
            "articles": [p.code for p in measure.articles],
            "round": round_.slug if round_ else "",
            "status": status.status if status else "",
        }


def write_json(rows: Iterable[Row], out: IO[str]) -> None:
    json.dump(list(rows), out, ensure_ascii=False, indent=2)
    out.write("\n")


TRANSLATED = {"title", "description"}


def _flatten(row: Row) -> Row:
    flat: Row = {}
    for key, value in row.items():
        if key in TRANSLATED:
            for lang in languages():
                flat[f"{key}_{lang}"] = value.get(lang, "")
        elif isinstance(value, list):
            flat[key] = "; ".join(str(item) for item in value)
        else:
            flat[key] = value
    return flat


def _neutralise(value: Any) -> Any:
    """A spreadsheet must never run a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(rows: Iterable[Row], out: IO[str]) -> None:
    writer: csv.DictWriter | None = None
    for row in rows:
        flat = _flatten(row)
        if writer is None:
            writer = csv.DictWriter(out, fieldnames=list(flat), lineterminator="\n")
            writer.writeheader()
        writer.writerow({key: _neutralise(value) for key, value in flat.items()})


WRITERS = {"json": write_json, "csv": write_csv}
