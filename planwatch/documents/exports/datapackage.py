"""A plan's published data as a Frictionless Data Package (v1): one CSV per export source and a
``datapackage.json`` whose Table Schemas are derived from the sources' field declarations.

Spec: https://specs.frictionlessdata.io/data-package/ and /table-schema/.
"""

import json
from pathlib import Path
from typing import Any

from django.utils import timezone

from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from . import SOURCES, Source, write_to

LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}

# In the order a reader meets them: referenced resources come before those that refer to them.
RESOURCES = (
    "rounds",
    "measures",
    "statuses",
    "contributions",
    "assessments",
    "budgets",
    "budget-totals",
    "indicators",
    "observations",
    "milestones",
    "changes",
)


def write_datapackage(plan: Plan, folder: Path) -> dict[str, Any]:
    """Write every resource's CSV and ``datapackage.json`` into ``folder``; return the
    descriptor. Public data only: published rounds, public budget lines, suppressed counts."""
    latest = Round.objects.latest_published(plan)
    resources = []
    for name in RESOURCES:
        source = SOURCES[name]
        path = folder / f"{name}.csv"
        # Measures carry their status in the latest published round; statuses every round.
        round_ = latest if name == "measures" else None
        with path.open("wb") as handle:
            write_to(handle, "csv", source(plan, round_), source.fields, title=name)
        resources.append(resource_descriptor(source, plan))
    descriptor = package_descriptor(plan, resources)
    with (folder / "datapackage.json").open("w", encoding="utf-8") as handle:
        json.dump(descriptor, handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    return descriptor


def package_descriptor(plan: Plan, resources: list[dict[str, Any]]) -> dict[str, Any]:
    title = translated(plan, "title", "en").text
    descriptor: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": plan.slug,
        "title": title,
        "description": translated(plan, "description", "en").text
        or f"The published monitoring data of {title}.",
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [LICENSE],
        "sources": sources(plan),
        "keywords": ["action plan", "monitoring", "open data"],
        "resources": resources,
    }
    if plan.coordinator:
        descriptor["contributors"] = [
            {"title": translated(plan.coordinator, "name", "en").text, "role": "publisher"}
        ]
    return descriptor


def sources(plan: Plan) -> list[dict[str, str]]:
    """The published reports the data was taken from: one per published round."""
    plan_title = translated(plan, "title", "en").text
    result = []
    for round_ in Round.objects.published().filter(plan=plan).order_by("end", "id"):
        title = f"{plan_title}: {translated(round_, 'name', 'en').text} (report"
        title += f", published {round_.published_on.isoformat()})" if round_.published_on else ")"
        result.append({"title": title})
    return result


def resource_descriptor(source: Source, plan: Plan) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [column for field in source.fields for column in field_descriptors(field, plan)],
        "missingValues": [""] + list(source.missing_values(plan) if source.missing_values else []),
    }
    if source.primary_key:
        schema["primaryKey"] = list(source.primary_key)
    if source.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": fk.field, "reference": {"resource": fk.resource, "fields": fk.reference}}
            for fk in source.foreign_keys
        ]
    return {
        "name": source.name,
        "path": f"{source.name}.csv",
        "profile": "tabular-data-resource",
        "title": source.title,
        "description": source.description,
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "licenses": [LICENSE],
        "schema": schema,
    }


def field_descriptors(field: Any, plan: Plan) -> list[dict[str, Any]]:
    constraints: dict[str, Any] = {}
    if field.required:
        constraints["required"] = True
    if field.enum is not None:
        constraints["enum"] = list(field.enum(plan))
    result = []
    keys = list(field.keys()) if field.keys else [None]
    for column, key in zip(field.columns(), keys, strict=True):
        descriptor: dict[str, Any] = {"name": column, "type": field.type}
        description = field.description
        if key is not None:
            # One column per language (or dimension): "The measure's title (nl)." A text may be
            # missing in one language even when the field is required, so no constraints here.
            description = f"{description.rstrip('.')} ({key})."
        elif constraints:
            descriptor["constraints"] = dict(constraints)
        if field.many:
            description += " Several values are separated by '; '."
        if description:
            descriptor["description"] = description
        result.append(descriptor)
    return result
