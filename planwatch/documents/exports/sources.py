"""Row sources: each yields plain dicts of published data, in a fixed number of queries.

A row's value is a string, a number, a boolean, None, a list of strings, or a mapping (one text
per language; one value per dimension). Field declarations say how each flattens. This module
holds the plan's own records (measures, rounds, statuses); ``figures`` holds budgets and
indicators.
"""

from collections.abc import Iterator
from typing import Any

from planwatch.lib.i18n import all_translations
from planwatch.milestones.confidence import DEFAULTS as CONFIDENCE_LEVELS
from planwatch.milestones.confidence import names_per_language as confidence_names
from planwatch.plans.models import Measure, MeasureActor, Plan, Tag
from planwatch.reporting.models import Assessment, EvidenceLink, MeasureStatus, Round
from planwatch.reporting.permissions import public_assessments, public_contributions

from .changes import CHANGES
from .figures import BUDGET_TOTALS, BUDGETS, INDICATORS, OBSERVATIONS
from .milestones import MILESTONES
from .schema import Field, ForeignKey, Row, Source, narrowed, only_measures
from .values import grouped, iso, per_language, plan_statuses, text, texts, translations


def measure_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """One row per measure, with its status in ``round_`` (empty when it has none).

    Read as plain values in five queries: building model instances would cost most of the time
    on a plan of thousands of measures.
    """
    chosen = only_measures(Measure.objects.for_plan(plan), measures, "pk")
    ids = chosen.values("pk")
    roles = grouped(
        MeasureActor.objects.filter(measure__in=ids)
        .order_by("measure_id", "order", "id")
        .values(
            "measure_id",
            "role",
            "actor__slug",
            "actor__government__code",
            *[f"actor__{name}" for name in per_language("name")],
        ),
        "measure_id",
    )
    tags = grouped(
        Measure.tags.through.objects.filter(measure__in=ids)
        .order_by("tag__kind", "tag__slug")
        .values("measure_id", "tag__kind", "tag__slug"),
        "measure_id",
    )
    articles = grouped(
        Measure.provisions.through.objects.filter(
            measure__in=ids, provision__framework__slug="istanbul-convention"
        )
        .order_by("provision__order", "provision__id")
        .values("measure_id", "provision__code"),
        "measure_id",
    )
    statuses = dict(
        MeasureStatus.objects.in_round(round_)
        .filter(measure__in=ids)
        .values_list("measure_id", "status")
    )
    rows = chosen.order_by("number").values(
        "pk",
        "number",
        "section__pillar",
        "section__code",
        "note",
        "deadline",
        "budget",
        "dropped",
        *per_language("title", "description"),
    )
    for values in rows:
        pk = values["pk"]
        its_roles = roles.get(pk, [])
        governments: list[str] = []
        for role in its_roles:
            code = role["actor__government__code"]
            if code and code not in governments:
                governments.append(code)
        its_tags = tags.get(pk, [])
        yield {
            "number": values["number"],
            "pillar": values["section__pillar"],
            "section": values["section__code"],
            "title": texts(values, "title"),
            "description": texts(values, "description"),
            "actors": [text(role, "actor__name", "en") for role in its_roles],
            "actor_slugs": [role["actor__slug"] for role in its_roles],
            "lead_actors": [
                role["actor__slug"] for role in its_roles if role["role"] == MeasureActor.Role.LEAD
            ],
            "governments": governments,
            "forms": [t["tag__slug"] for t in its_tags if t["tag__kind"] == Tag.Kind.FORM],
            "groups": [t["tag__slug"] for t in its_tags if t["tag__kind"] == Tag.Kind.GROUP],
            "articles": [a["provision__code"] for a in articles.get(pk, [])],
            "round": round_.slug if round_ else "",
            "status": statuses.get(pk, ""),
            "note": values["note"],
            "deadline": iso(values["deadline"]),
            "budget": values["budget"],
            "dropped": values["dropped"],
        }


MEASURES = Source(
    name="measures",
    title="Measures",
    description="One row per measure of the plan, with its status in one published round.",
    rows=measure_rows,
    uses_round=True,
    primary_key=("number",),
    foreign_keys=(ForeignKey("round", "rounds", "slug"),),
    fields=(
        Field("number", "integer", "The measure's number in the plan.", required=True),
        Field("pillar", "integer", "The pillar (1, 2, ...).", required=True),
        Field("section", description="The objective's code, such as 1.4.5.", required=True),
        translations("title", "The measure's title"),
        translations("description", "What the measure is about"),
        Field(
            "actors", description="Responsible actors (English names), '; '-separated.", many=True
        ),
        Field("actor_slugs", description="Responsible actors' identifiers.", many=True),
        Field("lead_actors", description="Identifiers of the lead actors.", many=True),
        Field("governments", description="Codes of the actors' governments.", many=True),
        Field("forms", description="Forms of violence (tag identifiers).", many=True),
        Field("groups", description="Target groups (tag identifiers).", many=True),
        Field("articles", description="Istanbul Convention articles.", many=True),
        Field("round", description="The reporting round the status is from."),
        Field("status", description="The status in that round.", enum=plan_statuses),
        Field("note", description="The editors' note: how the source was read (English)."),
        Field("deadline", "date", "The measure's deadline, if it has one."),
        Field("budget", "number", "The budget committed to the measure, in euro, if given."),
        Field(
            "dropped",
            "boolean",
            "Whether the measure was dropped during the plan (see the changes).",
            required=True,
        ),
    ),
)


# ------------------------------------------------------------------------------------- rounds


def round_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    for item in Round.objects.published().filter(plan=plan).order_by("end", "id"):
        yield {
            "slug": item.slug,
            "name": all_translations(item, "name"),
            "start": iso(item.start),
            "end": iso(item.end),
            "published_on": iso(item.published_on),
            "headline_measures": item.headline_measures,
        }


ROUNDS = Source(
    name="rounds",
    title="Reporting rounds",
    description="The plan's published reporting rounds.",
    rows=round_rows,
    filterable=False,
    primary_key=("slug",),
    fields=(
        Field("slug", description="The round's identifier.", required=True),
        translations("name", "The round's name"),
        Field("start", "date", "First day of the period reported on.", required=True),
        Field("end", "date", "Last day of the period reported on.", required=True),
        Field("published_on", "date", "When the round's report was published."),
        Field("headline_measures", "integer", "How many measures the published headline counts."),
    ),
)


# ----------------------------------------------------------------------------------- statuses

# The first columns and the keys of every row about one measure in one round.
ROUND_AND_MEASURE = (
    Field("round", description="The reporting round.", required=True),
    Field("measure", "integer", "The measure's number.", required=True),
)
ROUND_AND_MEASURE_KEYS = (
    ForeignKey("round", "rounds", "slug"),
    ForeignKey("measure", "measures", "number"),
)


def status_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """The status of each measure in each published round (only ``round_`` when given)."""
    queryset = (
        narrowed(MeasureStatus.objects.published().filter(measure__plan=plan), round_, measures)
        .order_by("round__end", "round__id", "measure__number")
        .values(
            "round__slug",
            "measure__number",
            "status",
            "confidence",
            "source",
            *per_language("narrative"),
        )
    )
    labels = confidence_names(plan)
    for values in queryset:
        yield {
            "round": values["round__slug"],
            "measure": values["measure__number"],
            "status": values["status"],
            "confidence": values["confidence"],
            "confidence_label": labels.get(values["confidence"], {}),
            "narrative": texts(values, "narrative"),
            "source": values["source"],
        }


STATUSES = Source(
    name="statuses",
    title="Statuses per round",
    description="The coordinator's status of each measure in each published reporting round.",
    rows=status_rows,
    uses_round=True,
    primary_key=("round", "measure"),
    foreign_keys=ROUND_AND_MEASURE_KEYS,
    fields=(
        *ROUND_AND_MEASURE,
        Field("status", description="The measure's status.", required=True, enum=plan_statuses),
        Field(
            "confidence",
            "integer",
            "The delivery confidence the coordinator gave, 1 (highest) to 5 (lowest); empty: none.",
            enum=lambda plan: list(CONFIDENCE_LEVELS),
        ),
        translations("confidence_label", "The confidence level's name as the plan names it"),
        translations("narrative", "What was done"),
        Field("source", description="Where in the round's report this comes from."),
    ),
)


# ------------------------------------------------------------------------------ contributions


def contribution_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """What each responsible actor reported, once the coordinator validated it and the round
    was published (only ``round_`` when given). Review comments stay internal."""
    queryset = narrowed(public_contributions().filter(round__plan=plan), round_, measures)
    evidence = grouped(
        EvidenceLink.objects.filter(contribution__in=queryset.values("pk"))
        .order_by("contribution_id", "id")
        .values("contribution_id", "url"),
        "contribution_id",
    )
    rows = queryset.order_by("round__end", "round__id", "measure__number", "actor__slug").values(
        "pk",
        "round__slug",
        "measure__number",
        "actor__slug",
        "actor__government__code",
        "proposed_status",
        *per_language("narrative"),
    )
    for values in rows:
        yield {
            "round": values["round__slug"],
            "measure": values["measure__number"],
            "actor": values["actor__slug"],
            "government": values["actor__government__code"],
            "proposed_status": values["proposed_status"],
            "narrative": texts(values, "narrative"),
            "evidence": [link["url"] for link in evidence.get(values["pk"], [])],
        }


CONTRIBUTIONS = Source(
    name="contributions",
    title="Contributions",
    description=(
        "What each responsible actor reported on a measure in a published round, as validated "
        "by the coordinator. The official status is in statuses."
    ),
    rows=contribution_rows,
    uses_round=True,
    primary_key=("round", "measure", "actor"),
    foreign_keys=ROUND_AND_MEASURE_KEYS,
    fields=(
        *ROUND_AND_MEASURE,
        Field("actor", description="The reporting actor's identifier.", required=True),
        Field("government", description="The code of the actor's government."),
        Field(
            "proposed_status",
            description="The status the actor proposed (the coordinator decides).",
            enum=plan_statuses,
        ),
        translations("narrative", "What the actor reports was done"),
        Field(
            "evidence", description="Addresses of the evidence given, '; '-separated.", many=True
        ),
    ),
)


# -------------------------------------------------------------------------------- assessments


def assessment_rows(plan: Plan, round_: Round | None, measures: Any = None) -> Iterator[Row]:
    """The independent organisations' published ratings (only ``round_`` when given)."""
    rows = (
        narrowed(public_assessments().filter(round__plan=plan), round_, measures)
        .order_by("round__end", "round__id", "measure__number", "organisation__slug")
        .values(
            "round__slug",
            "measure__number",
            "organisation__slug",
            "rating",
            *per_language("commentary"),
        )
    )
    for values in rows:
        yield {
            "round": values["round__slug"],
            "measure": values["measure__number"],
            "organisation": values["organisation__slug"],
            "rating": values["rating"],
            "commentary": texts(values, "commentary"),
        }


def assessment_ratings(plan: Plan) -> list[str]:
    return [*plan_statuses(plan), Assessment.INSUFFICIENT_INFORMATION]


ASSESSMENTS = Source(
    name="assessments",
    title="Independent assessments",
    description=(
        "Civil-society organisations' own ratings of measures in published rounds, published "
        "beside the official status and never merged into it."
    ),
    rows=assessment_rows,
    uses_round=True,
    primary_key=("round", "measure", "organisation"),
    foreign_keys=ROUND_AND_MEASURE_KEYS,
    fields=(
        *ROUND_AND_MEASURE,
        Field(
            "organisation", description="The assessing organisation's identifier.", required=True
        ),
        Field(
            "rating",
            description="The organisation's rating.",
            required=True,
            enum=assessment_ratings,
        ),
        translations("commentary", "The organisation's commentary"),
    ),
)


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        MEASURES,
        ROUNDS,
        STATUSES,
        CONTRIBUTIONS,
        ASSESSMENTS,
        BUDGETS,
        BUDGET_TOTALS,
        INDICATORS,
        OBSERVATIONS,
        MILESTONES,
        CHANGES,
    )
}
