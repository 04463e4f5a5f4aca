"""Slippage, computed from a milestone's dates: the days between the baseline and the forecast
(or the completion, once done). Pages, exports, the API and the reports all read it here.

States: *on time* (not done, expected on or before its baseline), *slipped* (not done, expected
later), *done late* (completed after its baseline), *done* (completed on or before it)."""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from planwatch.plans.models import Measure, MeasureActor, Plan
from planwatch.reporting.models import Round

from .models import Milestone, MilestoneUpdate

ON_TIME, SLIPPED, DONE_LATE, DONE = "on_time", "slipped", "done_late", "done"
STATES = [ON_TIME, SLIPPED, DONE_LATE, DONE]
STATE_LABELS = {
    ON_TIME: _("on time"),
    SLIPPED: _("slipped"),
    DONE_LATE: _("done late"),
    DONE: _("done"),
}
MOST_SLIPPED = 10


def slippage_days(baseline: dt.date, forecast: dt.date | None, completed: dt.date | None) -> int:
    """Days from the baseline to the completion, or else to the forecast (0 without one);
    negative when ahead of plan."""
    end = completed or forecast or baseline
    return (end - baseline).days


def state_of(baseline: dt.date, forecast: dt.date | None, completed: dt.date | None) -> str:
    late = slippage_days(baseline, forecast, completed) > 0
    if completed:
        return DONE_LATE if late else DONE
    return SLIPPED if late else ON_TIME


def median(values: list[int]) -> float | None:
    return statistics.median(values) if values else None


@dataclass
class Dates:
    """One milestone as it stands (now, or at the end of a round)."""

    milestone: Milestone
    forecast: dt.date | None
    completed: dt.date | None
    reason: str = ""

    @property
    def baseline(self) -> dt.date:
        return self.milestone.baseline

    @property
    def slippage(self) -> int:
        return slippage_days(self.baseline, self.forecast, self.completed)

    @property
    def state(self) -> str:
        return state_of(self.baseline, self.forecast, self.completed)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def rebaselined(self) -> bool:
        return bool(self.milestone.rebaselinings.all())


def as_of(milestone: Milestone, round_: Round | None) -> Dates:
    """The milestone's public dates now, or as the validated updates of rounds ending by the
    end of ``round_`` left them (needs ``updates`` prefetched with their round, applied only)."""
    if round_ is None:
        return Dates(milestone, milestone.forecast, milestone.completed, milestone.forecast_reason)
    updates = [u for u in milestone.updates.all() if u.contribution.round.end <= round_.end]
    if updates:
        last = max(updates, key=lambda u: (u.contribution.round.end, u.pk))
        return Dates(milestone, last.forecast, last.completed, last.reason)
    if milestone.updates.all():  # moved only later: as planned then
        return Dates(milestone, None, None)
    return Dates(milestone, milestone.forecast, milestone.completed, milestone.forecast_reason)


def milestones_of(plan: Plan, measure: Measure | None = None, *, updates: bool = True):
    """The plan's (or one measure's) milestones with what slippage needs, in three queries
    (two without the validated ``updates``, which only a summary as of a round reads)."""
    queryset = (
        Milestone.objects.filter(measure__plan=plan) if measure is None else measure.milestones
    )
    return (
        queryset.select_related("measure__section__parent")
        .prefetch_related(
            "rebaselinings",
            Prefetch(
                "updates",
                queryset=MilestoneUpdate.objects.filter(applied=True).select_related(
                    "contribution__round"
                ),
            ),
        )
        .order_by("measure__number", "position", "baseline", "pk")
    )


@dataclass
class Group:
    """Milestones of a pillar or an actor: how many, how many slipped (or done late), and the
    median slippage in days."""

    label: str
    slippages: list[int] = field(default_factory=list)
    late: int = 0

    @property
    def count(self) -> int:
        return len(self.slippages)

    @property
    def median(self) -> float | None:
        return median(self.slippages)


@dataclass
class Summary:
    counts: dict[str, int]
    most_slipped: list[Dates]
    pillars: list[Group]
    actors: list[Group]
    measures: dict[int, int]  # measure id → worst slippage

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def groupings(self) -> list[tuple[str, str, list[Group]]]:
        """The per-pillar and per-actor tables: caption, first column's header, groups."""
        return [
            (_("Milestones per pillar"), _("Pillar"), self.pillars),
            (_("Milestones per actor"), _("Actor"), self.actors),
        ]

    def rows(self) -> list[tuple[str, str, int]]:
        return [(state, STATE_LABELS[state], self.counts[state]) for state in STATES]


def milestone_summary(plan: Plan, round=None) -> Summary:  # noqa: A002 - the brief's name
    """Counts per state, the most slipped milestones, and per pillar and actor the count and
    median slippage; with ``round``, as that round left them."""
    dates = [as_of(m, round) for m in milestones_of(plan, updates=round is not None)]
    counts = dict.fromkeys(STATES, 0)
    pillars: dict[int, Group] = {}
    worst: dict[int, int] = {}
    for item in dates:
        counts[item.state] += 1
        measure = item.milestone.measure
        worst[measure.pk] = max(worst.get(measure.pk, item.slippage), item.slippage)
        pillar = measure.section.parent or measure.section
        group = pillars.setdefault(pillar.pk, Group(str(pillar)))
        group.slippages.append(item.slippage)
        group.late += item.slippage > 0
    actors: dict[int, Group] = {}
    links = MeasureActor.objects.filter(measure_id__in=worst).select_related("actor")
    by_measure: dict[int, list] = {}
    for link in links:
        by_measure.setdefault(link.measure_id, []).append(link.actor)
    for item in dates:
        for actor in by_measure.get(item.milestone.measure_id, []):
            group = actors.setdefault(actor.pk, Group(actor.label))
            group.slippages.append(item.slippage)
            group.late += item.slippage > 0
    late = sorted((d for d in dates if d.slippage > 0), key=lambda d: -d.slippage)
    return Summary(
        counts=counts,
        most_slipped=late[:MOST_SLIPPED],
        pillars=[pillars[k] for k in sorted(pillars, key=lambda k: pillars[k].label)],
        actors=sorted(actors.values(), key=lambda g: (-g.late, g.label)),
        measures=worst,
    )
