"""What each person has to do next: the task lists of "My work" and the review queue's order.

Each function answers with a fixed number of queries whatever the number of contributions
(tests/test_pages.py counts them), so the pages built on them stay fast in a round of thousands.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from planwatch.actors.models import Actor
from planwatch.plans.models import Measure

from . import permissions
from .models import Assessment, Contribution, Round, RoundExtension
from .queries import status_of_outer_measure

State = Contribution.State
# The order in which a coordinator's progress bar and counts list the states: done first.
PROGRESS = [State.VALIDATED, State.SUBMITTED, State.RETURNED, State.DRAFT, State.TODO]
# The order in which a focal point's list shows them: what needs their action first.
FOCAL_ORDER = [State.RETURNED, State.TODO, State.DRAFT, State.SUBMITTED, State.VALIDATED]


@dataclass
class Progress:
    """Counts of contributions per state, with the share of each for a progress bar."""

    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def parts(self, order: list[str]) -> list[dict]:
        total = self.total or 1
        return [
            {
                "state": state,
                "label": State(state).label,
                "count": self.counts.get(state, 0),
                # A CSS width, written the same in every language ("12.5", never "12,5").
                "percent": f"{100 * self.counts.get(state, 0) / total:.1f}",
                # The bar's width in whole percents, as a class: the policy allows no inline style.
                "width": round(100 * self.counts.get(state, 0) / total),
            }
            for state in order
        ]

    @property
    def bar(self) -> list[dict]:
        return self.parts(PROGRESS)

    @property
    def tasks(self) -> list[dict]:
        return self.parts(FOCAL_ORDER)

    def add(self, state: str, n: int) -> None:
        self.counts[state] = self.counts.get(state, 0) + n


def accepting(today: dt.date) -> Q:
    """Contributions whose round still takes their actor's work: an open round, or a closed one
    reopened for the actor until today or later (``Round.accepts_from``, for many at once)."""
    reopened = RoundExtension.objects.filter(
        round=OuterRef("round"), actor=OuterRef("actor"), until__gte=today
    )
    return Q(round__state=Round.State.OPEN) | Q(Exists(reopened), round__state=Round.State.CLOSED)


@dataclass
class FocalRound:
    round: Round
    progress: Progress
    returned: list[Contribution]
    overdue: bool


def focal_point_rounds(user, today: dt.date) -> list[FocalRound]:
    """A focal point's rounds that take their work (open, or reopened for their actor), each with
    their actors' contributions per state and the returned ones (with the coordinator's
    comment); overdue rounds first, then by deadline. Other rounds never show work to do."""
    actors = permissions.focal_actor_ids(user)
    if not actors:
        return []
    mine = Contribution.objects.filter(accepting(today), actor_id__in=actors)
    progress: dict[int, Progress] = {}
    for row in mine.values("round_id", "state").annotate(n=Count("id")).order_by():
        progress.setdefault(row["round_id"], Progress()).add(row["state"], row["n"])
    if not progress:
        return []
    returned: dict[int, list[Contribution]] = {}
    for item in (
        mine.filter(state=State.RETURNED)
        .select_related("measure", "actor")
        .order_by("measure__number", "actor__slug")
    ):
        returned.setdefault(item.round_id, []).append(item)
    result = []
    for round_ in Round.objects.filter(pk__in=progress).select_related("plan"):
        counts = progress[round_.pk]
        open_work = sum(counts.counts.get(s, 0) for s in Contribution.EDITABLE)
        overdue = bool(round_.deadline and round_.deadline < today and open_work)
        result.append(FocalRound(round_, counts, returned.get(round_.pk, []), overdue))
    result.sort(key=lambda r: (not r.overdue, r.round.deadline or dt.date.max, r.round.pk))
    return result


@dataclass
class CoordinatorRound:
    round: Round
    progress: Progress
    actors: list[tuple[Actor, Progress]]
    waiting: list[Contribution]

    @property
    def waiting_count(self) -> int:
        return self.progress.counts.get(State.SUBMITTED, 0)


WAITING_SHOWN = 10


def coordinator_rounds(user) -> list[CoordinatorRound]:
    """The rounds of the plans a person coordinates that are not published yet, those with
    contributions waiting for review first; per round the progress overall and per actor, and
    the first contributions waiting for review."""
    plans = permissions.coordinated_plan_ids(user)
    rounds = Round.objects.exclude(state=Round.State.PUBLISHED).select_related("plan")
    if plans is not None:
        rounds = rounds.filter(plan_id__in=plans)
    rounds = list(rounds.order_by("-end", "pk"))
    if not rounds:
        return []
    ids = [r.pk for r in rounds]
    overall: dict[int, Progress] = {pk: Progress() for pk in ids}
    per_actor: dict[int, dict[int, Progress]] = {pk: {} for pk in ids}
    rows = (
        Contribution.objects.filter(round_id__in=ids)
        .values("round_id", "actor_id", "state")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        overall[row["round_id"]].add(row["state"], row["n"])
        per_actor[row["round_id"]].setdefault(row["actor_id"], Progress()).add(
            row["state"], row["n"]
        )
    actor_ids = {a for actors in per_actor.values() for a in actors}
    actors = {a.pk: a for a in Actor.objects.filter(pk__in=actor_ids)}
    waiting: dict[int, list[Contribution]] = {pk: [] for pk in ids}
    submitted = (
        Contribution.objects.filter(round_id__in=ids, state=State.SUBMITTED)
        .select_related("measure", "actor")
        .order_by("updated_at", "pk")
    )
    # One query for every round; a round shows its first few (the queue has the rest).
    for item in submitted[: WAITING_SHOWN * len(ids)]:
        if len(waiting[item.round_id]) < WAITING_SHOWN:
            waiting[item.round_id].append(item)
    result = [
        CoordinatorRound(
            round_,
            overall[round_.pk],
            sorted(
                ((actors[a], p) for a, p in per_actor[round_.pk].items()),
                key=lambda pair: (-pair[1].counts.get(State.SUBMITTED, 0), pair[0].slug),
            ),
            waiting[round_.pk],
        )
        for round_ in rounds
    ]
    result.sort(key=lambda r: r.waiting_count == 0)
    return result


@dataclass
class AssessorRound:
    round: Round
    organisation: Actor
    assessed: int
    measures: int

    @property
    def remaining(self) -> int:
        return self.measures - self.assessed


def assessor_rounds(user) -> list[AssessorRound]:
    """Per published round and organisation: how many measures are assessed, how many not."""
    organisations = permissions.assessor_organisation_ids(user)
    if not organisations:
        return []
    rounds = list(Round.objects.published().select_related("plan").order_by("-end", "pk"))
    if not rounds:
        return []
    orgs = list(Actor.objects.filter(pk__in=organisations).order_by("slug"))
    sizes = dict(
        Measure.objects.filter(plan_id__in={r.plan_id for r in rounds})
        .values_list("plan_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    done = {
        (row["round_id"], row["organisation_id"]): row["n"]
        for row in Assessment.objects.filter(round__in=rounds, organisation_id__in=organisations)
        .values("round_id", "organisation_id")
        .annotate(n=Count("id"))
        .order_by()
    }
    return [
        AssessorRound(r, org, done.get((r.pk, org.pk), 0), sizes.get(r.plan_id, 0))
        for r in rounds
        for org in orgs
    ]


# The review queue -----------------------------------------------------------------------------


def review_queue(
    round_: Round,
    *,
    state: str = "",
    actor: int | None = None,
    pillar: int | None = None,
    needs_decision: bool = False,
) -> QuerySet[Measure]:
    """The round's measures with their contributions counted per state and whether a status is
    decided, filtered, in the order of what needs action: contributions waiting for review
    first, then measures without a decided status, then the rest."""
    in_round = Q(contributions__round=round_)
    counts = {
        s.value: Count("contributions", filter=in_round & Q(contributions__state=s.value))
        for s in State
    }
    decided = status_of_outer_measure(round_)
    measures = Measure.objects.filter(plan_id=round_.plan_id).annotate(
        **{f"n_{code}": expression for code, expression in counts.items()},
        total=Count("contributions", filter=in_round),
        is_decided=Exists(decided),
    )
    contributions = Contribution.objects.filter(round=round_, measure=OuterRef("pk"))
    if state:
        measures = measures.filter(Exists(contributions.filter(state=state)))
    if actor:
        measures = measures.filter(Exists(contributions.filter(actor_id=actor)))
    if pillar:
        measures = measures.filter(section__pillar=pillar)
    if needs_decision:
        measures = measures.filter(is_decided=False)
    return measures.annotate(
        priority=Case(
            When(n_submitted__gt=0, then=Value(0)),
            When(is_decided=False, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("priority", "number")


def round_actors(round_: Round) -> QuerySet[Actor]:
    """The actors with contributions in a round (the queue's actor filter)."""
    return Actor.objects.filter(
        Exists(Contribution.objects.filter(round=round_, actor=OuterRef("pk")))
    ).order_by("slug")
