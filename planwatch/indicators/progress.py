"""Progress of an indicator towards its target: one computation for the indicator page, the plan
page, the exports, the API and the reports, so that they cannot disagree.

The method is Statistics Canada's progress measure as Open SDG implements it ("Progress
Measurement Methodology for the Sustainable Development Goals", open-sdg.readthedocs.io,
progress-methodology; sdg-build's ``ProgressMeasure``). The growth observed between the baseline
and the latest observation is a compound annual growth rate (CAGR); it is divided by the
growth rate required to go from the baseline to the target by the target's date:

    R = s · d · CAGR_observed / |CAGR_required|,   CAGR(a → b over t years) = (b / a)^(1/t) − 1

where d is +1 when the target asks for an increase and −1 for a decrease, and s is −1 when the
baseline is negative. R ≥ 0.95 is "on track", 0.6 ≤ R < 0.95 "progress made, acceleration
needed", 0 ≤ R < 0.6 "limited progress" and R < 0 "deterioration"; a value at or beyond the
target is "target achieved" whatever the pace. A baseline or target of 0 is replaced by 0.001,
as the method does (a current value of 0 is kept). The thresholds are the plan's
(``Plan.progress_settings``). ``tests/test_progress_reference.py`` checks this against the rules
of sdg-build's ``ProgressMeasure`` and the example indicator of its tests; the choices below
where Planwatch departs from it are listed on the methods page.

Decisions of Planwatch (published on the methods page):

- The **baseline** is the earliest observation of the series, the **current value** the latest;
  with fewer than two points in time the progress cannot be assessed.
- The **series** depends on the indicator's kind: a level compares levels (several breakdowns:
  each one's latest level added up), a running total compares totals, a count per period
  compares periods as long as the target's (a year with a year). Observations with the
  target's breakdown are used; when there are none, the observations of one period are added.
- A **running total** starts at 0 the day before its first period: that is its baseline, and
  since 0 has no growth rate its pace is linear: R compares the total's average change a year
  with the change a year the target needs.
- A target's **direction**: ``increase`` (at least the value), ``decrease`` (at most),
  ``reach`` (the direction from the baseline to the value) or ``keep`` (stay within the plan's
  ``keep_tolerance``, a share of the value: within it the target is achieved, outside it the
  indicator has deteriorated).
- The target used is the first one due on or after the current value's date, else the last one.
- The **share achieved** is (current − baseline) / (target − baseline).
"""

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from planwatch.plans.progress_settings import DEFAULTS, settings_of

from .models import Direction, Indicator, Kind, Observation, Target

ZERO_REPLACEMENT = 0.001
METHOD_URL = "https://open-sdg.readthedocs.io/en/latest/progress-methodology/"


class Category(models.TextChoices):
    TARGET_ACHIEVED = "target_achieved", _("target achieved")
    ON_TRACK = "on_track", _("on track")
    MODERATE = "moderate", _("progress made, acceleration needed")
    LIMITED = "limited", _("limited or no progress")
    DETERIORATION = "deterioration", _("deterioration")
    INSUFFICIENT_DATA = "insufficient_data", _("unable to assess")
    NO_TARGET = "no_target", _("no target")


@dataclass(frozen=True)
class Point:
    when: dt.date
    value: float
    period: str = ""


@dataclass(frozen=True)
class Progress:
    category: str
    baseline: Point | None = None
    current: Point | None = None
    target: Point | None = None
    direction: str = ""
    ratio: float | None = None
    share: float | None = None

    @property
    def label(self) -> str:
        return str(Category(self.category).label)

    @property
    def share_percent(self) -> Decimal | None:
        """The share achieved in per cent, to one decimal (None when there is none)."""
        if self.share is None or not math.isfinite(self.share):
            return None
        return Decimal(str(round(self.share * 100, 1))).normalize()


def _years(day: dt.date) -> float:
    """A date as a year with a fraction, counted at the end of the day (a period ending on
    31 December 2020 ends at 2021.0)."""
    after = day + dt.timedelta(days=1)
    start = dt.date(after.year, 1, 1)
    length = (dt.date(after.year + 1, 1, 1) - start).days
    return after.year + (after - start).days / length


def _cagr(start: float, end: float, years: float) -> float:
    return (end / start) ** (1 / years) - 1


def _nonzero(value: float) -> float:
    return ZERO_REPLACEMENT if value == 0 else value


def category_of(ratio: float, settings: Mapping[str, float]) -> str:
    """The category of a ratio R of observed to required growth."""
    if ratio >= settings["on_track"]:
        return Category.ON_TRACK
    if ratio >= settings["moderate"]:
        return Category.MODERATE
    if ratio >= settings["limited"]:
        return Category.LIMITED
    return Category.DETERIORATION


def assess(
    baseline: Point | None,
    current: Point | None,
    target: Point | None,
    direction: str = Direction.REACH,
    settings: Mapping[str, float] | None = None,
    linear: bool = False,
) -> Progress:
    """The progress from ``baseline`` to ``current`` towards ``target`` (the method above).
    ``linear`` compares paces (change a year) instead of compound growth rates: a running total
    starts from 0, which has no growth rate."""
    settings = {**DEFAULTS, **(settings or {})}
    if target is None:
        return Progress(Category.NO_TARGET, baseline, current)
    if baseline is None or current is None or current.when <= baseline.when:
        # At least two points in time are needed, as the method requires.
        return Progress(Category.INSUFFICIENT_DATA, baseline, current, target, direction)
    parts = {"baseline": baseline, "current": current, "target": target, "direction": direction}
    gap = target.value - baseline.value
    share = (current.value - baseline.value) / gap if gap else None
    if direction == Direction.KEEP:
        room = settings["keep_tolerance"] * abs(target.value)
        kept = abs(current.value - target.value) <= room
        category = Category.TARGET_ACHIEVED if kept else Category.DETERIORATION
        return Progress(category, **parts)
    if direction == Direction.INCREASE:
        sense = 1
    elif direction == Direction.DECREASE:
        sense = -1
    else:
        sense = 1 if target.value >= baseline.value else -1
    if sense * (current.value - target.value) >= 0:
        return Progress(Category.TARGET_ACHIEVED, share=share, **parts)
    # Only the baseline and the target are replaced when 0, as the method (and sdg-build's
    # ProgressMeasure) does: a current value of 0 has a growth rate, −100 %.
    base_value, current_value = _nonzero(baseline.value), current.value
    elapsed = _years(current.when) - _years(baseline.when)
    remaining = _years(target.when) - _years(baseline.when)
    if elapsed <= 0 or remaining <= 0 or (not linear and base_value * current_value < 0):
        return Progress(Category.INSUFFICIENT_DATA, share=share, **parts)
    if linear:
        required = (target.value - baseline.value) / remaining
        observed = (current.value - baseline.value) / elapsed
        sign = 1
    else:
        required = _cagr(base_value, _nonzero(target.value), remaining)
        observed = _cagr(base_value, current_value, elapsed)
        sign = -1 if base_value < 0 else 1
    if required == 0:
        moved = sign * sense * observed
        category = Category.DETERIORATION if moved < 0 else Category.LIMITED
        return Progress(category, share=share, **parts)
    ratio = sign * sense * observed / abs(required)
    return Progress(category_of(ratio, settings), ratio=ratio, share=share, **parts)


# -- from the database ------------------------------------------------------------------------


def _grain(start: dt.date, end: dt.date) -> str:
    if start == end:
        return "day"
    if (start.year, start.month) == (end.year, end.month):
        return "month"
    if start.year == end.year:
        return "year"
    return "range"


def series(kind: str, observations: Iterable[Any], target: Any | None) -> list[Point]:
    """The points progress is measured on, oldest first (see the module's decisions)."""
    wanted = dict(getattr(target, "dims", None) or {})
    observations = list(observations)
    if kind == Kind.PER_PERIOD and target is not None:
        grain = _grain(target.start, target.end)
        observations = [o for o in observations if _grain(o.start, o.end) == grain]
    matching = [o for o in observations if (o.dims or {}) == wanted]
    chosen = sorted(matching or observations, key=lambda o: (o.end, o.start))
    if kind == Kind.LEVEL:
        # A level of several breakdowns at a date: each breakdown's latest level added up.
        latest: dict[str, float] = {}
        levels: dict[tuple[dt.date, str], float] = {}
        for obs in chosen:
            latest[repr(sorted((obs.dims or {}).items()))] = float(obs.value)
            levels[(obs.end, obs.period)] = sum(latest.values())
        return [Point(end, value, period) for (end, period), value in sorted(levels.items())]
    totals: dict[tuple[dt.date, str], float] = {}
    for obs in chosen:
        key = (obs.end, obs.period)
        totals[key] = totals.get(key, 0.0) + float(obs.value)
    points = [Point(end, value, period) for (end, period), value in sorted(totals.items())]
    if kind == Kind.RUNNING_TOTAL and chosen:
        # A running total is 0 the day before it starts counting: that is its baseline.
        start = min(obs.start for obs in chosen) - dt.timedelta(days=1)
        points.insert(0, Point(start, 0.0, ""))
    return points


def pick_target(targets: Iterable[Any], current: Point | None) -> Any | None:
    """The first target due on or after the current value, else the last one."""
    targets = sorted(targets, key=lambda t: (t.end, t.start))
    if not targets:
        return None
    if current is not None:
        for target in targets:
            if target.end >= current.when:
                return target
    return targets[-1]


def indicator_progress(
    indicator: Indicator,
    observations: Iterable[Any] | None = None,
    targets: Iterable[Any] | None = None,
    settings: Mapping[str, float] | None = None,
) -> Progress:
    """The indicator's progress: the one function every page, export, API answer and report
    asks. Pass the observations and targets when they are already loaded."""
    targets = list(indicator.targets.all() if targets is None else targets)
    if not targets:
        return Progress(Category.NO_TARGET)
    observations = list(indicator.observations.all() if observations is None else observations)
    if settings is None:
        settings = settings_of(indicator.plan)
    latest = series(indicator.kind, observations, None)
    target = pick_target(targets, latest[-1] if latest else None)
    points = series(indicator.kind, observations, target)
    goal = Point(target.end, float(target.value), target.period)
    baseline, current = (points[0], points[-1]) if points else (None, None)
    linear = indicator.kind == Kind.RUNNING_TOTAL
    return assess(baseline, current, goal, target.direction, settings, linear=linear)


def plan_progress(plan: Any, indicators: Iterable[Indicator] | None = None) -> dict[int, Progress]:
    """Every indicator's progress, by indicator id: the targets in one query, and the
    observations of the indicators that have one in another (none without targets)."""
    if indicators is None:
        indicators = Indicator.objects.filter(plan=plan)
    indicators = list(indicators)
    targets: dict[int, list[Target]] = {indicator.pk: [] for indicator in indicators}
    for target in Target.objects.filter(indicator__in=list(targets)):
        targets[target.indicator_id].append(target)
    observations: dict[int, list[Observation]] = {pk: [] for pk, found in targets.items() if found}
    if observations:
        for obs in Observation.objects.filter(indicator__in=list(observations)).only(
            "indicator_id", "period", "start", "end", "value", "dims"
        ):
            observations[obs.indicator_id].append(obs)
    settings = settings_of(plan)
    return {
        indicator.pk: indicator_progress(
            indicator, observations.get(indicator.pk, []), targets[indicator.pk], settings
        )
        for indicator in indicators
    }


def counts(progresses: Iterable[Progress]) -> list[tuple[str, str, int]]:
    """How many indicators fall in each category: (code, label, count), every category."""
    tally = {code: 0 for code in Category.values}
    for progress in progresses:
        tally[progress.category] += 1
    return [(code, str(Category(code).label), tally[code]) for code in Category.values]


def share_text(progress: Progress) -> str:
    """The share of the required change achieved as a plain percentage ("40"), or ""."""
    percent = progress.share_percent
    return "" if percent is None else f"{percent:f}"


def changes(kind: str, observations: Iterable[Any]) -> dict[int, Decimal]:
    """Each observation's change from the previous one of the same breakdown (for counts per
    period, of the same length of period too), by observation id. A running total has none:
    the difference of two totals is not a count per period."""
    if kind == Kind.RUNNING_TOTAL:
        return {}
    previous: dict[tuple[str, str], Any] = {}
    result = {}
    for obs in sorted(observations, key=lambda o: (o.start, o.end, o.pk or 0)):
        grain = _grain(obs.start, obs.end) if kind == Kind.PER_PERIOD else ""
        key = (repr(sorted((obs.dims or {}).items())), grain)
        if key in previous:
            result[obs.pk] = obs.value - previous[key].value
        previous[key] = obs
    return result
