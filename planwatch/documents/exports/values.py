"""Small helpers that turn database values into export values."""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from planwatch.lib.i18n import fallback_chain, languages
from planwatch.plans.models import Plan

from .schema import Field


def number(value: Decimal | None) -> int | float | None:
    """A decimal as JSON and spreadsheets want it: whole numbers without ".00"."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def plan_statuses(plan: Plan) -> list[str]:
    return plan.status_codes()


def translations(name: str, description: str, required: bool = False) -> Field:
    return Field(name, description=description, keys=languages, required=required)


def texts(values: dict[str, Any], field: str) -> dict[str, str]:
    """Every language that has a value, from a ``.values()`` row (like ``all_translations``)."""
    return {code: text for code in languages() if (text := values.get(f"{field}_{code}"))}


def text(values: dict[str, Any], field: str, lang: str) -> str:
    """One language with the usual fallback, from a ``.values()`` row (like ``translated``)."""
    return next((t for code in fallback_chain(lang) if (t := values.get(f"{field}_{code}"))), "")


def per_language(*fields: str) -> list[str]:
    return [f"{field}_{code}" for field in fields for code in languages()]


def grouped(queryset: Any, key: str) -> dict[Any, list[dict[str, Any]]]:
    groups: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for values in queryset:
        groups[values[key]].append(values)
    return groups


def choice_values(choices: type) -> Any:
    """An enum for a field: every value of a TextChoices class."""
    return lambda plan: list(choices.values)
