"""Delivery confidence: five levels (1 the highest), named and explained per plan, given by the
coordinator with a round's status. The defaults below serve a plan that names none."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import languages, translated
from planwatch.plans.models import Plan

DEFAULTS = {
    1: (
        _("very high"),
        _("Delivery as planned is very likely: the work is funded, staffed and on schedule."),
    ),
    2: (_("high"), _("Delivery is likely; the risks known are being handled.")),
    3: (_("medium"), _("Delivery is feasible but some risks need attention now.")),
    4: (_("low"), _("Delivery as planned is in doubt: major risks are not under control.")),
    5: (
        _("very low"),
        _("Delivery as planned appears unachievable without a change of scope, time or means."),
    ),
}


@dataclass
class Level:
    level: int
    name: str
    criteria: str


def levels(plan: Plan) -> list[Level]:
    """The plan's five levels, its own names where it set them (one query)."""
    own = {item.level: item for item in plan.confidence_levels.all()}
    result = []
    for level, (name, criteria) in DEFAULTS.items():
        item = own.get(level)
        result.append(
            Level(
                level,
                translated(item, "name").text if item else str(name),
                translated(item, "criteria").text if item else str(criteria),
            )
        )
    return result


def choices(plan: Plan) -> list[tuple[str, str]]:
    return [(str(item.level), f"{item.level}. {item.name}") for item in levels(plan)]


def names_per_language(plan: Plan) -> dict[int, dict[str, str]]:
    """Each level's name in every language (the exports' labels), in one query."""
    own = {item.level: item for item in plan.confidence_levels.all()}
    names: dict[int, dict[str, str]] = {level: {} for level in DEFAULTS}
    for code in languages():
        with translation.override(code):
            for level, (name, _criteria) in DEFAULTS.items():
                item = own.get(level)
                names[level][code] = translated(item, "name").text if item else str(name)
    return names
