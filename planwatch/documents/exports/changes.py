"""The public changes of measures' commitments during the plan (``plans.MeasureChange``)."""

from collections.abc import Iterator
from typing import Any

from planwatch.plans.models import MeasureChange, Plan
from planwatch.reporting.models import Round

from .schema import Field, ForeignKey, Row, Source, only_measures
from .values import iso, per_language, texts, translations


def change_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """One row per changed part of a measure, oldest first, in one query."""
    changes = only_measures(MeasureChange.objects.filter(measure__plan=plan), measures)
    for values in changes.order_by("on", "measure__number", "id").values(
        "measure__number", "on", "field", "language", "before", "after", *per_language("reason")
    ):
        yield {
            "measure": values["measure__number"],
            "date": iso(values["on"]),
            "field": values["field"],
            "language": values["language"],
            "before": values["before"],
            "after": values["after"],
            "reason": texts(values, "reason"),
        }


def fields_changed(plan: Plan) -> list[str]:
    return list(MeasureChange.Field.values)


CHANGES = Source(
    name="changes",
    title="Changes of commitments",
    description=(
        "Each change of a measure's wording, responsible actors, deadline or budget during the "
        "plan, and each drop, with its date, reason, and the value before and after."
    ),
    rows=change_rows,
    foreign_keys=(ForeignKey("measure", "measures", "number"),),
    fields=(
        Field("measure", "integer", "The number of the measure that changed.", required=True),
        Field("date", "date", "The date of the change.", required=True),
        Field("field", description="What changed.", required=True, enum=fields_changed),
        Field("language", description="The language of a changed text (title, description)."),
        Field("before", description="The value before the change (dates and amounts as ISO)."),
        Field("after", description="The value after the change; for a drop 'yes'."),
        translations("reason", "The public reason for the change", required=True),
    ),
)
