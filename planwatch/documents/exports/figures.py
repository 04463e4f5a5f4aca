"""Row sources of money and numbers: budget lines, published budget totals, indicators and
their observations (small counts suppressed)."""

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch

from planwatch.actors.models import Government
from planwatch.indicators.models import Dimension, Indicator, Kind, Observation
from planwatch.indicators.progress import Category, plan_progress
from planwatch.lib.figures import Printed, Qualifier
from planwatch.lib.i18n import all_translations
from planwatch.plans.models import Measure, Plan
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, Round

from .schema import Field, ForeignKey, Row, Source, only_measures
from .values import choice_values, iso, number, translations

# ------------------------------------------------------------------------------------ budgets


def qualifier_field(what: str) -> Field:
    """The ``qualifier`` column of a figure (``lib/figures.py``)."""
    return Field(
        "qualifier",
        description=(
            f"How exact the {what} is: exact, or a lower bound (more_than, at_least), an upper "
            "bound (less_than, at_most) or an estimate (about)."
        ),
        required=True,
        enum=choice_values(Qualifier),
    )


def budget_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    queryset = only_measures(BudgetLine.objects.public().filter(plan=plan), measures)
    queryset = queryset.select_related("government", "actor", "measure").order_by(
        "government__order", "year", "id"
    )
    for line in queryset:
        yield {
            "id": line.pk,
            "government": line.government.code,
            "level": line.government.level,
            "actor": line.actor.slug if line.actor else None,
            "measure": line.measure.number if line.measure else None,
            "year": line.year,
            "to_year": line.to_year,
            "period": line.period,
            "amount": number(line.amount),
            "qualifier": line.qualifier,
            "nature": line.nature,
            "stage": line.stage,
            "in_totals": line.in_totals,
            "excluded_reason": line.excluded_reason or None,
            "label": all_translations(line, "label"),
            "source": line.source,
            "note": line.note,
        }


BUDGETS = Source(
    name="budgets",
    title="Budget lines",
    description=(
        "Amounts in euro per government, year and measure, specific to gender-based violence "
        "or broader, each with its qualifier ('more_than': the amount is a lower bound). Only "
        "lines with in_totals true count in the totals; excluded_reason says why a line does not."
    ),
    rows=budget_rows,
    primary_key=("id",),
    foreign_keys=(ForeignKey("measure", "measures", "number"),),
    fields=(
        Field("id", "integer", "The line's identifier.", required=True),
        Field("government", description="The government's code.", required=True),
        Field(
            "level",
            description="The government's level.",
            required=True,
            enum=choice_values(Government.Level),
        ),
        Field("actor", description="The actor's identifier, if any."),
        Field("measure", "integer", "The measure's number, if any."),
        Field("year", "integer", "The (first) year.", required=True),
        Field("to_year", "integer", "The last year, when the amount covers several."),
        Field("period", description="The year or years, as 2021 or 2021-2023.", required=True),
        Field("amount", "number", "The amount in euro.", required=True),
        qualifier_field("amount"),
        Field(
            "nature",
            description="Specific to gender-based violence, or broader activities.",
            required=True,
            enum=choice_values(BudgetLine.Nature),
        ),
        Field(
            "stage",
            description="Allocated or spent.",
            required=True,
            enum=choice_values(BudgetLine.Stage),
        ),
        Field("in_totals", "boolean", "Whether the line counts in the totals.", required=True),
        Field(
            "excluded_reason",
            description="Why a line with in_totals false is left out of the totals.",
            enum=choice_values(BudgetLine.Excluded),
        ),
        translations("label", "What the amount is for"),
        Field("source", description="Where in the report this comes from."),
        Field("note", description="The editors' note: how the source was read (English)."),
    ),
)


def budget_total_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    for order, total in enumerate(stats.published_budget_totals(plan), start=1):
        yield {
            "order": order,
            "level": total.level or None,
            "year": total.year,
            "to_year": total.to_year,
            "period": total.period,
            "nature": total.nature or None,
            "qualifier": total.qualifier,
            "amount": number(total.amount),
            "label": all_translations(total, "label"),
            "source": total.source,
        }


BUDGET_TOTALS = Source(
    name="budget-totals",
    title="Published budget totals",
    description=(
        "Budget totals exactly as the plan's reports printed them ('more than 181 million'); "
        "they are shown beside the totals of the budget lines, never added to them."
    ),
    rows=budget_total_rows,
    filterable=False,
    primary_key=("order",),
    fields=(
        Field("order", "integer", "Position in the report's list.", required=True),
        Field(
            "level",
            description="Government level; empty for all levels together.",
            enum=choice_values(Government.Level),
        ),
        Field("year", "integer", "The (first) year.", required=True),
        Field("to_year", "integer", "The last year, when the total covers several."),
        Field("period", description="The year or years, as 2021 or 2021-2023.", required=True),
        Field(
            "nature",
            description="Specific or broader; empty for both together.",
            enum=choice_values(BudgetLine.Nature),
        ),
        Field(
            "qualifier",
            description="How the report qualified the amount (exact, more_than, almost, ...).",
            required=True,
            enum=choice_values(Printed),
        ),
        Field("amount", "number", "The amount in euro, as printed.", required=True),
        translations("label", "What the total covers"),
        Field("source", description="Where in the report this comes from."),
    ),
)


# --------------------------------------------------------------------------------- indicators


def _indicators(plan: Plan, measures: Any) -> Any:
    queryset = Indicator.objects.filter(plan=plan)
    if measures is not None:
        queryset = queryset.filter(
            pk__in=only_measures(queryset, measures, "measures").values("pk")
        )
    return queryset


def indicator_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    queryset = _indicators(plan, measures).prefetch_related(
        Prefetch("measures", queryset=Measure.objects.order_by("number"))
    )
    indicators = list(queryset.order_by("order", "code"))
    progress = plan_progress(plan, indicators)
    for indicator in indicators:
        yield {
            "code": indicator.code,
            "name": all_translations(indicator, "name"),
            "description": all_translations(indicator, "description"),
            "unit": indicator.unit,
            "kind": indicator.kind,
            "source": all_translations(indicator, "source"),
            "dimensions": list(indicator.dimensions),
            "measures": [m.number for m in indicator.measures.all()],
            "suppress_below": indicator.suppress_below,
            "progress": progress[indicator.pk].category,
            "progress_share": number(progress[indicator.pk].share_percent),
        }


INDICATORS = Source(
    name="indicators",
    title="Indicators",
    description="What the plan measures, in which unit, from which source.",
    rows=indicator_rows,
    primary_key=("code",),
    fields=(
        Field("code", description="The indicator's identifier.", required=True),
        translations("name", "The indicator's name"),
        translations("description", "What is counted"),
        Field("unit", description="The unit.", required=True, enum=choice_values(Indicator.Unit)),
        Field(
            "kind",
            description="A count per period, a running total since a date, or a level at a date.",
            required=True,
            enum=choice_values(Kind),
        ),
        translations("source", "Where the figures come from"),
        Field("dimensions", description="How observations are broken down.", many=True),
        Field("measures", description="Numbers of the measures it follows.", many=True),
        Field(
            "suppress_below",
            "integer",
            'Counts under this number are published as "< N" (0: never).',
            required=True,
        ),
        Field(
            "progress",
            description="Progress towards the target (see the plan's progress-method page).",
            required=True,
            enum=choice_values(Category),
        ),
        Field(
            "progress_share",
            "number",
            "Per cent of the change from the baseline to the target achieved (empty: none).",
        ),
    ),
)


def observation_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """Observations as the public sees them: small counts suppressed as "< N"."""
    indicators = {i.pk: i for i in _indicators(plan, measures)}
    queryset = (
        Observation.objects.filter(indicator__in=list(indicators))
        .order_by("indicator__order", "indicator__code", "start", "id")
        .values("indicator_id", "period", "start", "end", "value", "qualifier", "dims", "source")
    )
    # Streamed in chunks: a plan may hold a million observations.
    for values in queryset.iterator(chunk_size=5000):
        indicator = indicators[values["indicator_id"]]
        value = values["value"]
        suppressed = indicator.is_suppressed(value)
        yield {
            "indicator": indicator.code,
            "period": values["period"],
            "start": iso(values["start"]),
            "end": iso(values["end"]),
            "value": f"< {indicator.suppress_below}" if suppressed else number(value),
            "qualifier": values["qualifier"],
            "suppressed": suppressed,
            "dims": dict(values["dims"] or {}),
            "breakdown": indicator.breakdowns(values["dims"]) if values["dims"] else {},
            "source": values["source"],
        }


def suppression_markers(plan: Plan) -> list[str]:
    """The "< N" texts that stand for a suppressed value: missing values to a data reader."""
    thresholds = Indicator.objects.filter(plan=plan, suppress_below__gt=0).values_list(
        "suppress_below", flat=True
    )
    return [f"< {n}" for n in sorted(set(thresholds))]


OBSERVATIONS = Source(
    name="observations",
    title="Indicator observations",
    description=(
        "Values of the indicators over time. Counts under an indicator's suppress_below are "
        'published as "< N" (suppressed true), so that few people cannot be singled out.'
    ),
    rows=observation_rows,
    foreign_keys=(ForeignKey("indicator", "indicators", "code"),),
    missing_values=suppression_markers,
    fields=(
        Field("indicator", description="The indicator's code.", required=True),
        Field(
            "period", description="The period as written: 2022, 2022-06, 2021/2023.", required=True
        ),
        Field("start", "date", "First day of the period.", required=True),
        Field("end", "date", "Last day of the period.", required=True),
        Field("value", "number", 'The value, or "< N" when suppressed.'),
        qualifier_field("value"),
        Field(
            "suppressed",
            "boolean",
            "Whether the value is withheld as a small count.",
            required=True,
        ),
        Field(
            "dims",
            description="The value's breakdown by dimension",
            keys=lambda: list(Dimension.values),
        ),
        translations("breakdown", "The breakdown values (dims) as words, in each language."),
        Field("source", description="Where in the report this comes from."),
    ),
)
