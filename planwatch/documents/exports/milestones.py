"""The milestones source: one row per milestone, with its dates as public now and the slippage
computed by ``planwatch.milestones.slippage`` (the same figures as the pages and the API)."""

from collections.abc import Iterator
from typing import Any

from planwatch.lib.i18n import languages
from planwatch.milestones.slippage import STATES, as_of, milestones_of
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from .schema import Field, ForeignKey, Row, Source
from .values import iso, translations


def milestone_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    queryset = milestones_of(plan, updates=False)
    if measures is not None:
        queryset = queryset.filter(measure__in=measures.values("pk"))
    for milestone in queryset:
        dates = as_of(milestone, None)
        yield {
            "measure": milestone.measure.number,
            "key": milestone.key,
            "description": {
                code: text
                for code in languages()
                if (text := getattr(milestone, f"description_{code}", None))
            },
            "baseline": iso(dates.baseline),
            "forecast": iso(dates.forecast),
            "completed": iso(dates.completed),
            "slippage_days": dates.slippage,
            "state": dates.state,
            "rebaselined": dates.rebaselined,
            "forecast_reason": milestone.forecast_reason,
        }


MILESTONES = Source(
    name="milestones",
    title="Milestones",
    description=(
        "One row per milestone of a measure: the baseline date as planned, the forecast and the "
        "completion date as validated by the coordinator, and the slippage computed from them."
    ),
    rows=milestone_rows,
    primary_key=("measure", "key"),
    foreign_keys=(ForeignKey("measure", "measures", "number"),),
    fields=(
        Field("measure", "integer", "The measure's number in the plan.", required=True),
        Field("key", description="The milestone's identifier within the measure.", required=True),
        translations("description", "What the milestone is"),
        Field("baseline", "date", "The date as planned (after any re-baselining).", required=True),
        Field("forecast", "date", "The date expected now (empty: as planned)."),
        Field("completed", "date", "The date it was done."),
        Field(
            "slippage_days",
            "integer",
            "Days from the baseline to the completion, or else to the forecast.",
            required=True,
        ),
        Field(
            "state",
            description="on_time, slipped, done_late or done.",
            required=True,
            enum=lambda plan: STATES,
        ),
        Field(
            "rebaselined", "boolean", "Whether the baseline was changed (publicly, with a reason)."
        ),
        Field("forecast_reason", description="Why the forecast moved, as validated."),
    ),
)
