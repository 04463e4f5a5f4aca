"""Figures about a plan's progress and budgets, each computed in a fixed number of queries.

Pages, exports and reports all take their figures from here, so that they always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum

from planwatch.actors.models import Government
from planwatch.plans.models import Plan, Section, Status

from .models import BudgetLine, HeadlineFigure, MeasureStatus, PublishedBudgetTotal, Round


@dataclass
class StatusCount:
    status: str
    count: int
    total: int

    @property
    def label(self) -> str:
        return str(dict(Status.choices)[self.status])

    @property
    def percent(self) -> int:
        """Whole percent, as the plan's reports give them."""
        return round(100 * self.count / self.total) if self.total else 0


@dataclass
class Split:
    """How many measures have each status."""

    counts: list[StatusCount]
    total: int

    @classmethod
    def from_counts(cls, plan: Plan, counts: dict[str, int]) -> "Split":
        total = sum(counts.values())
        codes = plan.status_codes()
        codes += [code for code in counts if code not in codes]
        return cls([StatusCount(code, counts.get(code, 0), total) for code in codes], total)


def status_split(plan: Plan, round_: Round | None) -> Split:
    if round_ is None:
        return Split.from_counts(plan, {})
    rows = (
        MeasureStatus.objects.filter(round=round_, measure__plan=plan)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Split.from_counts(plan, {row["status"]: row["n"] for row in rows})


@dataclass
class PillarSplit:
    section: Section
    split: Split


def split_by_pillar(plan: Plan, round_: Round | None) -> list[PillarSplit]:
    pillars = list(Section.objects.filter(plan=plan, parent__isnull=True).order_by("order"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if round_ is not None:
        rows = (
            MeasureStatus.objects.filter(round=round_, measure__plan=plan)
            .values("measure__section__pillar", "status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts[row["measure__section__pillar"]][row["status"]] = row["n"]
    return [PillarSplit(p, Split.from_counts(plan, counts[p.pillar])) for p in pillars]


def headline_figures(round_: Round | None) -> list[HeadlineFigure]:
    if round_ is None:
        return []
    return list(HeadlineFigure.objects.filter(round=round_).order_by("order"))


@dataclass
class BudgetCell:
    specific: Decimal = Decimal(0)
    broader: Decimal = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.specific + self.broader


@dataclass
class BudgetRow:
    level: str
    level_label: str
    period: str
    cell: BudgetCell


@dataclass
class BudgetTotals:
    rows: list[BudgetRow] = field(default_factory=list)
    total: BudgetCell = field(default_factory=BudgetCell)


def budget_totals(plan: Plan) -> BudgetTotals:
    """Totals per government level and period, specific vs broader, of lines counted in totals."""
    rows = (
        BudgetLine.objects.public()
        .filter(plan=plan, in_totals=True)
        .values("government__level", "year", "to_year", "nature")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    cells: dict[tuple[str, int, int | None], BudgetCell] = defaultdict(BudgetCell)
    result = BudgetTotals()
    for row in rows:
        cell = cells[row["government__level"], row["year"], row["to_year"]]
        setattr(cell, row["nature"], getattr(cell, row["nature"]) + row["amount"])
        setattr(result.total, row["nature"], getattr(result.total, row["nature"]) + row["amount"])
    levels = [code for code, _label in Government.Level.choices]
    labels = dict(Government.Level.choices)
    for (level, year, to_year), cell in sorted(
        cells.items(), key=lambda item: (levels.index(item[0][0]), item[0][1], item[0][2] or 0)
    ):
        period = f"{year}-{to_year}" if to_year and to_year != year else str(year)
        result.rows.append(BudgetRow(level, str(labels[level]), period, cell))
    return result


def published_budget_totals(plan: Plan) -> list[PublishedBudgetTotal]:
    """The totals as the plan's reports printed them, to show beside the computed ones."""
    return list(PublishedBudgetTotal.objects.filter(plan=plan).order_by("order"))


@dataclass
class GroupSplit:
    label: str
    split: Split


def _split_by(plan: Plan, round_: Round | None, field: str, labels: dict) -> list[GroupSplit]:
    """Status counts per value of ``field`` (reached through the measure's actors). A measure
    counts once under each value it involves."""
    counts: dict[object, dict[str, int]] = defaultdict(dict)
    if round_ is not None:
        rows = (
            MeasureStatus.objects.filter(round=round_, measure__plan=plan)
            .values(f"measure__measure_actors__actor__{field}", "status")
            .annotate(n=Count("measure", distinct=True))
            .order_by()
        )
        for row in rows:
            key = row[f"measure__measure_actors__actor__{field}"]
            if key is not None:
                counts[key][row["status"]] = row["n"]
    ordered = [key for key in labels if key in counts]
    return [GroupSplit(str(labels[key]), Split.from_counts(plan, counts[key])) for key in ordered]


def split_by_government_level(plan: Plan, round_: Round | None) -> list[GroupSplit]:
    return _split_by(plan, round_, "government__level", dict(Government.Level.choices))


def split_by_actor(plan: Plan, round_: Round | None) -> list[GroupSplit]:
    from planwatch.actors.models import Actor

    actors = Actor.objects.filter(measures__plan=plan).distinct().order_by("slug")
    return _split_by(plan, round_, "id", {a.pk: a.label for a in actors})


def split_per_round(plan: Plan) -> list[tuple[Round, Split]]:
    """How the split moved between published rounds, oldest first."""
    rounds = list(Round.objects.published().filter(plan=plan).order_by("end"))
    rows = (
        MeasureStatus.objects.filter(round__in=rounds)
        .values("round_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row["round_id"]][row["status"]] = row["n"]
    return [(r, Split.from_counts(plan, counts[r.pk])) for r in rounds]
