"""Figures about a plan's progress and budgets, each computed in a fixed number of queries.

Pages, exports and reports all take their figures from here, so that they always agree.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, FilteredRelation, Q, QuerySet, Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override

from planwatch.actors.models import Government
from planwatch.lib import figures, money
from planwatch.lib.i18n import current_language
from planwatch.plans.models import Measure, Plan, Section, Status

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
    """How many measures have each status. ``total`` counts the measures with a status in the
    round (the percentages rest on it), ``measures`` every measure of the plan (or of the
    group) the split is about, so a thin round cannot pass for a complete one."""

    counts: list[StatusCount]
    total: int
    measures: int = 0

    @classmethod
    def from_counts(cls, plan: Plan, counts: dict, without: int = 0) -> "Split":
        """``counts`` per status code; the measures without a status come as ``without`` or
        under the key None (as the queries below give them)."""
        without += counts.get(None, 0)
        counts = {code: n for code, n in counts.items() if code is not None}
        total = sum(counts.values())
        codes = plan.status_codes()
        codes += [code for code in counts if code not in codes]
        return cls(
            [StatusCount(code, counts.get(code, 0), total) for code in codes],
            total,
            total + without,
        )

    @property
    def without_status(self) -> int:
        return self.measures - self.total

    @property
    def coverage(self) -> str:
        """ "Status known for 1 of 116 measures; 115 without a status in this round." in the
        active language."""
        values = {
            "known": number_format(self.total, force_grouping=True),
            "count": number_format(self.measures, force_grouping=True),
            "without": number_format(self.without_status, force_grouping=True),
        }
        if not self.without_status:
            return (
                ngettext(
                    "Status known for the %(count)s measure.",
                    "Status known for all %(count)s measures.",
                    self.measures,
                )
                % values
            )
        return (
            ngettext(
                "Status known for %(known)s of %(count)s measure; %(without)s without a status in "
                "this round.",
                "Status known for %(known)s of %(count)s measures; %(without)s without a status in "
                "this round.",
                self.measures,
            )
            % values
        )


def _with_status(plan: Plan, round_: Round) -> QuerySet[Measure]:
    """The plan's measures, each joined to its status in ``round_`` (``decided__status`` is
    None for a measure without one), so every count also says what it rests on."""
    return Measure.objects.filter(plan=plan).annotate(
        decided=FilteredRelation("statuses", condition=Q(statuses__round=round_))
    )


def status_split(plan: Plan, round_: Round | None) -> Split:
    if round_ is None:
        return Split.from_counts(plan, {})
    rows = _with_status(plan, round_).values("decided__status").annotate(n=Count("id")).order_by()
    return Split.from_counts(plan, {row["decided__status"]: row["n"] for row in rows})


@dataclass
class PillarSplit:
    section: Section
    split: Split


def split_by_pillar(plan: Plan, round_: Round | None) -> list[PillarSplit]:
    pillars = list(Section.objects.filter(plan=plan, parent__isnull=True).order_by("order"))
    counts: dict[int, dict[str | None, int]] = defaultdict(dict)
    if round_ is not None:
        rows = (
            _with_status(plan, round_)
            .values("section__pillar", "decided__status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in rows:
            counts[row["section__pillar"]][row["decided__status"]] = row["n"]
    return [PillarSplit(p, Split.from_counts(plan, counts[p.pillar])) for p in pillars]


def headline_figures(round_: Round | None) -> list[HeadlineFigure]:
    if round_ is None:
        return []
    return list(HeadlineFigure.objects.filter(round=round_).order_by("order"))


@dataclass
class BudgetCell:
    """Amounts per nature, and the qualifiers of the lines they add up (``lib/figures.py``):
    a nature without a counted line has no qualifier and reads "not reported"."""

    specific: Decimal = Decimal(0)
    broader: Decimal = Decimal(0)
    marks: dict[str, set[str]] = field(
        default_factory=lambda: {"specific": set(), "broader": set()}
    )
    # Natures with no counted line but lines left out of the totals: "not counted", not "not
    # reported" (the federal money for broader activities, reported on top of the total).
    left_out: set[str] = field(default_factory=set)

    def add(self, nature: str, amount: Decimal, qualifier: str = "exact") -> None:
        setattr(self, nature, getattr(self, nature) + amount)
        self.marks[nature].add(qualifier)

    @property
    def total(self) -> Decimal:
        return self.specific + self.broader

    @property
    def specific_qualifier(self) -> str:
        return figures.of_sum(self.marks["specific"]) if self.marks["specific"] else ""

    @property
    def broader_qualifier(self) -> str:
        return figures.of_sum(self.marks["broader"]) if self.marks["broader"] else ""

    @property
    def qualifier(self) -> str:
        both = self.marks["specific"] | self.marks["broader"]
        return figures.of_sum(both) if both else ""

    @property
    def is_lower_bound(self) -> bool:
        return figures.is_lower_bound(self.qualifier)


@dataclass
class BudgetRow:
    level: str
    level_label: str
    period: str
    cell: BudgetCell


@dataclass
class Exclusion:
    """The lines left out of the totals for one reason."""

    reason: str
    label: object  # a lazy text, so that each language reads it in its own words
    lines: list[BudgetLine]
    cell: BudgetCell


@dataclass
class GovernmentBudget:
    """What a government reported: ``counted`` (lines in the totals), ``not_counted`` (lines,
    none in the totals) or ``not_reported`` (no line at all)."""

    government: Government
    state: str
    cell: BudgetCell


@dataclass
class BudgetTotals:
    rows: list[BudgetRow] = field(default_factory=list)
    total: BudgetCell = field(default_factory=BudgetCell)
    counted: list[BudgetLine] = field(default_factory=list)
    excluded: list[Exclusion] = field(default_factory=list)
    governments: list[GovernmentBudget] = field(default_factory=list)


def budget_totals(plan: Plan) -> BudgetTotals:
    """Totals per government level and period, specific vs broader, of the public lines counted
    in totals; the lines left out, grouped by their reason; and what each government reported.
    Two queries: the plan's public lines and the governments."""
    lines = list(
        BudgetLine.objects.public()
        .filter(plan=plan)
        .select_related("government")
        .order_by("government__order", "year", "to_year", "id")
    )
    cells: dict[tuple[str, int, int | None], BudgetCell] = defaultdict(BudgetCell)
    result = BudgetTotals()
    reasons: dict[str, list[BudgetLine]] = defaultdict(list)
    per_government: dict[int, BudgetCell] = defaultdict(BudgetCell)
    reported: set[int] = set()
    for line in lines:
        reported.add(line.government_id)
        if not line.in_totals:
            reasons[line.excluded_reason].append(line)
            continue
        result.counted.append(line)
        key = (line.government.level, line.year, line.to_year)
        cells[key].add(line.nature, line.amount, line.qualifier)
        result.total.add(line.nature, line.amount, line.qualifier)
        per_government[line.government_id].add(line.nature, line.amount, line.qualifier)
    levels = [code for code, _label in Government.Level.choices]
    labels = dict(Government.Level.choices)
    left_out = {
        (line.government.level, line.nature) for lines in reasons.values() for line in lines
    }
    for (level, year, to_year), cell in sorted(
        cells.items(), key=lambda item: (levels.index(item[0][0]), item[0][1], item[0][2] or 0)
    ):
        period = f"{year}-{to_year}" if to_year and to_year != year else str(year)
        cell.left_out = {n for lv, n in left_out if lv == level and not cell.marks[n]}
        result.rows.append(BudgetRow(level, str(labels[level]), period, cell))
    result.total.left_out = {n for _lv, n in left_out if not result.total.marks[n]}
    reason_labels = dict(BudgetLine.Excluded.choices)
    for reason in [*BudgetLine.Excluded.values, ""]:
        if reasons.get(reason):
            cell = BudgetCell()
            for line in reasons[reason]:
                cell.add(line.nature, line.amount, line.qualifier)
            label = reason_labels.get(reason) or gettext_lazy("no reason recorded")
            result.excluded.append(Exclusion(reason, label, reasons[reason], cell))
    governments = (
        Government.objects.filter(Q(actors__measures__plan=plan) | Q(pk__in=reported))
        .exclude(level=Government.Level.INTERNATIONAL)
        .distinct()
        .order_by("order", "code")
    )
    for government in governments:
        if government.pk in per_government:
            state = "counted"
        elif government.pk in reported:
            state = "not_counted"
        else:
            state = "not_reported"
        result.governments.append(
            GovernmentBudget(government, state, per_government.get(government.pk, BudgetCell()))
        )
    return result


def budget_reconciliation(
    totals: BudgetTotals, published: list[PublishedBudgetTotal], lang: str | None = None
) -> str:
    """One sentence setting the computed total beside the printed total of all levels, or ""."""
    printed = next((p for p in published if not p.level and not p.nature), None)
    if printed is None or not totals.rows:
        return ""
    with override(lang or current_language()):
        return _reconciliation(totals, printed, lang or current_language())


def _reconciliation(totals: BudgetTotals, printed: PublishedBudgetTotal, lang: str) -> str:
    values = {
        "computed": figures.qualified(
            money.euro(totals.total.total, lang), totals.total.qualifier, lang
        ),
        "printed": figures.qualified(money.euro(printed.amount, lang), printed.qualifier, lang),
        "difference": money.euro(abs(printed.amount - totals.total.total), lang),
    }
    if printed.amount == totals.total.total:
        return _("The lines counted here add up to %(computed)s, as the report prints.") % values
    if totals.total.qualifier != figures.Qualifier.EXACT or printed.qualifier != "exact":
        return (
            _(
                "The lines counted here add up to %(computed)s; the report prints %(printed)s. The "
                "%(difference)s between them comes from amounts the report gives only as bounds "
                "(such as “more than” or “almost”)."
            )
            % values
        )
    return (
        _(
            "The lines counted here add up to %(computed)s; the report prints %(printed)s, "
            "%(difference)s apart."
        )
        % values
    )


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
    counts: dict[object, dict[str | None, int]] = defaultdict(dict)
    if round_ is not None:
        rows = (
            _with_status(plan, round_)
            .values(f"measure_actors__actor__{field}", "decided__status")
            .annotate(n=Count("id", distinct=True))
            .order_by()
        )
        for row in rows:
            key = row[f"measure_actors__actor__{field}"]
            if key is not None:
                counts[key][row["decided__status"]] = row["n"]
    ordered = [key for key in labels if key in counts]
    return [GroupSplit(str(labels[key]), Split.from_counts(plan, counts[key])) for key in ordered]


def split_by_government_level(plan: Plan, round_: Round | None) -> list[GroupSplit]:
    return _split_by(plan, round_, "government__level", dict(Government.Level.choices))


def split_by_actor(plan: Plan, round_: Round | None) -> list[GroupSplit]:
    from planwatch.actors.models import Actor

    actors = Actor.objects.filter(measures__plan=plan).distinct().order_by("slug")
    return _split_by(plan, round_, "id", {a.pk: a.label for a in actors})


def split_per_round(plan: Plan) -> list[tuple[Round, Split]]:
    """How the split moved between published rounds, oldest first. Each split counts only the
    measures with a status in its round (``measures`` equals ``total``); the plan's measure
    count is in ``status_split``."""
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


# The final evaluation (documents/reports/final.py) ---------------------------------------------


@dataclass
class RoundsThrough:
    """The published rounds up to the final one, oldest first, and each measure's status in
    each (``statuses[measure_id][round_id]``; a measure without one in a round has no key)."""

    rounds: list[Round]
    statuses: dict[int, dict[int, str]]

    def path(self, measure_id: int) -> list[str]:
        """The measure's status in each round, "" where it has none."""
        mine = self.statuses.get(measure_id, {})
        return [mine.get(r.pk, "") for r in self.rounds]


def rounds_through(plan: Plan, final: Round) -> RoundsThrough:
    """Every published round of the plan that ended by the final round's end, and the final
    round itself, with the statuses recorded in them: two queries."""
    rounds = list(
        Round.objects.filter(plan=plan)
        .filter(Q(state=Round.State.PUBLISHED, end__lte=final.end) | Q(pk=final.pk))
        .order_by("end", "id")
    )
    rows = MeasureStatus.objects.filter(round__in=rounds).values_list(
        "measure_id", "round_id", "status"
    )
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for measure_id, round_id, status in rows:
        statuses[measure_id][round_id] = status
    return RoundsThrough(rounds, dict(statuses))


def budgets_per_measure(plan: Plan) -> dict[int, BudgetCell]:
    """Per measure, the public budget lines counted in the totals over the whole period: the
    plan's own lines and those of every published round's validated contributions."""
    rows = (
        BudgetLine.objects.public()
        .filter(plan=plan, in_totals=True, measure__isnull=False)
        .values("measure_id", "nature")
        .annotate(amount=Sum("amount"))
        .order_by()
    )
    cells: dict[int, BudgetCell] = defaultdict(BudgetCell)
    for row in rows:
        cell = cells[row["measure_id"]]
        setattr(cell, row["nature"], getattr(cell, row["nature"]) + row["amount"])
    return dict(cells)


@dataclass
class LastAssessment:
    organisation: object  # planwatch.actors.models.Actor
    rating: str
    round: Round
    commentary: object  # the Assessment, for its translated commentary


def last_assessments(plan: Plan, rounds: list[Round]) -> dict[int, list[LastAssessment]]:
    """Per measure, each organisation's latest published assessment in ``rounds``: one query."""
    from .permissions import public_assessments

    order = {r.pk: i for i, r in enumerate(rounds)}
    found: dict[tuple[int, int], LastAssessment] = {}
    assessments = (
        public_assessments()
        .filter(round__in=rounds, measure__plan=plan)
        .select_related("organisation")
        .order_by("measure_id", "organisation_id")
    )
    for a in assessments:
        key = (a.measure_id, a.organisation_id)
        if key not in found or order[found[key].round.pk] < order[a.round_id]:
            round_ = next(r for r in rounds if r.pk == a.round_id)
            found[key] = LastAssessment(a.organisation, a.rating, round_, a)
    result: dict[int, list[LastAssessment]] = defaultdict(list)
    for (measure_id, _organisation), item in sorted(found.items()):
        result[measure_id].append(item)
    return dict(result)
