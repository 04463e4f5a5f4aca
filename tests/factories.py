"""Small factory functions with keyword defaults, for tests and benchmarks."""

import datetime as dt
import itertools
from decimal import Decimal

from planwatch.actors.models import Actor, Government
from planwatch.indicators.models import Indicator, Observation
from planwatch.plans.models import Measure, MeasureActor, Plan, Section, Status, Tag
from planwatch.reporting.models import BudgetLine, MeasureStatus, Round

_seq = itertools.count(1)


def make_government(code: str | None = None, level: str = "federal") -> Government:
    code = code or f"gov-{next(_seq)}"
    return Government.objects.create(code=code, name_en=f"Government {code}", level=level)


def make_actor(slug: str | None = None, government: Government | None = None) -> Actor:
    slug = slug or f"actor-{next(_seq)}"
    return Actor.objects.create(
        slug=slug, name_en=f"Actor {slug}", name_nl=f"Actor {slug}", government=government
    )


def make_plan(
    slug: str | None = None, measures: int = 10, pillars: int = 7, observations: int = 5
) -> Plan:
    """A complete plan: pillars with one objective each, measures spread over them, actors,
    tags, a published round with a status per measure, budget lines and an indicator."""
    n = next(_seq)
    slug = slug or f"plan-{n}"
    plan = Plan.objects.create(
        slug=slug,
        title_nl=f"Plan {n}",
        title_en=f"Plan {n}",
        start=dt.date(2021, 1, 1),
        end=dt.date(2025, 12, 31),
        declared_measures=measures,
        statuses=["not_started", "in_progress", "implemented"],
    )
    government = make_government(f"{slug}-gov")
    actors = [make_actor(f"{slug}-a{i}", government) for i in range(3)]
    tag = Tag.objects.create(slug=f"{slug}-tag", kind=Tag.Kind.FORM, name_en="Tag")
    objectives = []
    for p in range(1, pillars + 1):
        pillar = Section.objects.create(
            plan=plan, code=f"1.{p}", pillar=p, title_en=f"P{p}", order=p * 10
        )
        objectives.append(
            Section.objects.create(
                plan=plan,
                parent=pillar,
                code=f"1.{p}.1",
                pillar=p,
                title_en=f"O{p}",
                order=p * 10 + 1,
            )
        )
    rows = Measure.objects.bulk_create(
        Measure(
            plan=plan,
            number=i,
            section=objectives[i % pillars],
            title_en=f"Measure {i}",
            title_nl=f"Maatregel {i}",
            description_en="Text",
        )
        for i in range(1, measures + 1)
    )
    MeasureActor.objects.bulk_create(
        MeasureActor(measure=m, actor=actors[m.number % 3], role="lead") for m in rows
    )
    Measure.tags.through.objects.bulk_create(
        Measure.tags.through(measure_id=m.pk, tag_id=tag.pk) for m in rows
    )
    round_ = Round.objects.create(
        plan=plan,
        slug="r1",
        name_en="Round 1",
        start=dt.date(2021, 1, 1),
        end=dt.date(2023, 11, 1),
        state=Round.State.PUBLISHED,
    )
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.IMPLEMENTED]
    MeasureStatus.objects.bulk_create(
        MeasureStatus(
            round=round_, measure=m, status=statuses[m.number % 3], narrative_en="Done so far."
        )
        for m in rows
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(
            plan=plan,
            government=government,
            measure=m,
            year=2022,
            amount=Decimal(1000),
            nature="specific",
        )
        for m in rows[:50]
    )
    indicator = Indicator.objects.create(
        plan=plan, code="ind", name_en="Indicator", unit="count", dimensions=["city"]
    )
    Observation.objects.bulk_create(
        Observation(
            indicator=indicator,
            period=str(2000 + i),
            start=dt.date(2000 + i, 1, 1),
            end=dt.date(2000 + i, 12, 31),
            value=Decimal(i),
            dims={"city": "Gent"},
        )
        for i in range(observations)
    )
    return plan


def make_user(
    email: str | None = None,
    *,
    role: str | None = None,
    plan: Plan | None = None,
    actor: Actor | str | None = None,
    password: str = "pw",
    **fields,
):
    """A user, optionally with one role (coordinator of ``plan``, or focal point / assessor of
    ``actor``)."""
    from planwatch.accounts.models import Role, User

    user = User.objects.create_user(email or f"user{next(_seq)}@example.org", password, **fields)
    if role:
        if isinstance(actor, str):
            actor = Actor.objects.get(slug=actor)
        Role.objects.create(
            user=user,
            kind=role,
            plan=plan if role == "coordinator" else None,
            actor=actor if role != "coordinator" else None,
        )
    return user


def _period(label: str) -> dict:
    """``"2020"`` → the year's period fields (observations and targets of the factories)."""
    year = int(label)
    return {"period": label, "start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31)}


def make_progress_plan(slug: str | None = None) -> Plan:
    """A plan whose indicators fall into every progress category, one indicator each (the code
    is the category, with dashes): level indicators moving from 2015 to 2020 towards a 2030
    target, a running total, a kept level, one with a single observation and one without a
    target."""
    from planwatch.indicators.models import Direction, Kind, Target

    plan = make_plan(slug, measures=3, pillars=1, observations=0)
    cases = [
        # code, kind, observations (year, value), target (year, value, direction)
        ("target-achieved", Kind.LEVEL, [(2015, 100), (2020, 160)], (2030, 150, "increase")),
        ("on-track", Kind.LEVEL, [(2015, 100), (2020, 120)], (2030, 150, "increase")),
        ("moderate", Kind.LEVEL, [(2015, 100), (2020, 110)], (2030, 150, "increase")),
        ("limited", Kind.LEVEL, [(2015, 50), (2020, 45)], (2030, 25, "decrease")),
        ("deterioration", Kind.LEVEL, [(2015, 100), (2020, 90)], (2030, 150, "reach")),
        ("insufficient-data", Kind.LEVEL, [(2020, 100)], (2030, 150, "increase")),
        ("no-target", Kind.PER_PERIOD, [(2015, 5), (2020, 8)], None),
        ("kept", Kind.LEVEL, [(2015, 100), (2020, 102)], (2030, 100, Direction.KEEP)),
        ("running-total", Kind.RUNNING_TOTAL, [], (2030, 1000, "increase")),
    ]
    for order, (code, kind, points, target) in enumerate(cases):
        indicator = Indicator.objects.create(
            plan=plan, code=code, name_en=code, unit="count", kind=kind, order=order + 1
        )
        for year, value in points:
            Observation.objects.create(
                indicator=indicator, value=Decimal(value), **_period(str(year))
            )
        if target:
            year, value, direction = target
            Target.objects.create(
                indicator=indicator, value=Decimal(value), direction=direction, **_period(str(year))
            )
    # The running total counts from 2021: 300 by the end of 2022 (150 a year; the target needs
    # 1000 over ten years, 100 a year): on track.
    Observation.objects.create(
        indicator=Indicator.objects.get(plan=plan, code="running-total"),
        period="2021/2022",
        start=dt.date(2021, 1, 1),
        end=dt.date(2022, 12, 31),
        value=Decimal(300),
    )
    return plan


def add_round(
    plan: Plan,
    slug: str,
    start: dt.date,
    end: dt.date,
    statuses: dict[int, str] | None = None,
    state: str = Round.State.PUBLISHED,
) -> Round:
    """Another round of ``plan`` with a status per measure number in ``statuses`` (measures not
    named get none)."""
    round_ = Round.objects.create(
        plan=plan, slug=slug, name_en=f"Round {slug}", start=start, end=end, state=state
    )
    measures = {m.number: m for m in Measure.objects.filter(plan=plan)}
    MeasureStatus.objects.bulk_create(
        MeasureStatus(round=round_, measure=measures[number], status=status)
        for number, status in (statuses or {}).items()
    )
    return round_


def make_milestones(plan: Plan) -> dict[str, "Milestone"]:  # noqa: F821
    """One milestone of each kind on the plan's first measures: on time, slipped, re-baselined
    (by its coordinator, with a reason), done late and done."""
    from planwatch.milestones.models import Milestone, Rebaselining

    measures = list(plan.measures.order_by("number")[:4])

    def make(measure, key, baseline, forecast=None, completed=None, reason=""):
        return Milestone.objects.create(
            measure=measure,
            key=key,
            description_en=f"Milestone {key}",
            description_nl=f"Mijlpaal {key}",
            baseline=baseline,
            forecast=forecast,
            completed=completed,
            forecast_reason=reason,
        )

    made = {
        "on_time": make(measures[0], "on-time", dt.date(2025, 6, 30), dt.date(2025, 6, 1)),
        "slipped": make(
            measures[1], "slipped", dt.date(2023, 1, 1), dt.date(2023, 7, 1), reason="Tender"
        ),
        "rebaselined": make(measures[2], "rebaselined", dt.date(2024, 3, 1)),
        "done_late": make(
            measures[3], "done-late", dt.date(2022, 9, 1), completed=dt.date(2022, 10, 1)
        ),
        "done": make(measures[3], "done", dt.date(2022, 1, 31), completed=dt.date(2022, 1, 15)),
    }
    Rebaselining.objects.create(
        milestone=made["rebaselined"],
        old_baseline=dt.date(2023, 3, 1),
        new_baseline=dt.date(2024, 3, 1),
        reason="The law was split in two.",
        made_on=dt.date(2023, 2, 1),
    )
    return made
