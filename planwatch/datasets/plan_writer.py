"""Writing a plan's own parts, for both front doors of the intake: ``planwatch load-dataset``
(``dataset_writer.py``: every row of the folder) and ``planwatch import plan``
(``documents/imports/apply.py``: the rows the preview showed as new or changed).

Each door turns its checked rows into a :class:`PlanWrite` (model values, with other rows named
by their natural keys: an actor's government by code, a measure's section by code, its actors
and tags by slug) and calls :func:`write_plan`, which writes them through the one writer's
primitives (``writer.Writer``) in the order later rows refer to earlier ones: governments,
actors, the plan, tags, frameworks and provisions, sections (a parent before its children),
measures (``measure_writer.py``). A part a door leaves out (``None``, or an empty list) is left
as it is.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from planwatch.actors.models import Actor, Government
from planwatch.plans.models import Framework, Plan, Provision, Section, Tag

from .measure_writer import MeasureWrite, MeasureWriter
from .writer import Writer

Keyed = tuple[Any, dict[str, Any]]  # (natural key, values)


@dataclass
class ProvisionWrite:
    code: str
    values: dict[str, Any]
    measures: list[int] | None = None  # the measures it names (by number); None: leave them


@dataclass
class FrameworkWrite:
    slug: str
    values: dict[str, Any]
    provisions: list[ProvisionWrite] = field(default_factory=list)


@dataclass
class PlanWrite:
    """A plan's parts as the writer takes them; ``plan`` holds the plan's values with its
    ``coordinator`` as an actor's slug (None: the plan exists and is left as it is)."""

    slug: str
    plan: dict[str, Any] | None = None
    governments: list[Keyed] = field(default_factory=list)
    actors: list[Keyed] = field(default_factory=list)  # values with "government": a code
    tags: list[Keyed] = field(default_factory=list)
    frameworks: list[FrameworkWrite] = field(default_factory=list)
    sections: list[Keyed] = field(default_factory=list)  # values with "parent": a code
    measures: list[MeasureWrite] = field(default_factory=list)


@dataclass
class Written:
    """What the rest of a door's writing refers to: ids by natural key."""

    plan: Plan
    governments: dict[str, int]
    actors: dict[str, int]
    measures: dict[int, int]


def write_plan(writer: Writer, rows: PlanWrite) -> Written:
    """Write a plan's parts (see the module's docstring); the one writing function of a plan,
    whichever door it came through."""
    codes = [code for code, _ in rows.governments]
    writer.upsert(
        Government,
        {g.code: g for g in Government.objects.filter(code__in=codes)},
        [(code, {"code": code}, values) for code, values in rows.governments],
    )
    governments = dict(Government.objects.values_list("code", "pk"))
    slugs = [slug for slug, _ in rows.actors]
    writer.upsert(
        Actor,
        {a.slug: a for a in Actor.objects.filter(slug__in=slugs)},
        [
            (slug, {"slug": slug}, _resolve(values, "government", governments))
            for slug, values in rows.actors
        ],
    )
    actors = dict(Actor.objects.values_list("slug", "pk"))
    if rows.plan is not None:
        writer.upsert(
            Plan,
            {plan.slug: plan for plan in Plan.objects.filter(slug=rows.slug)},
            [(rows.slug, {"slug": rows.slug}, _resolve(rows.plan, "coordinator", actors))],
        )
    plan = Plan.objects.get(slug=rows.slug)
    writer.upsert(
        Tag,
        {t.slug: t for t in Tag.objects.filter(slug__in=[slug for slug, _ in rows.tags])},
        [(slug, {"slug": slug}, values) for slug, values in rows.tags],
    )
    provisions = write_frameworks(writer, rows.frameworks)
    write_sections(writer, plan, rows.sections)
    measures = MeasureWriter(writer, plan, actors).write(
        rows.measures,
        {
            provisions[f.slug, p.code]: p.measures
            for f in rows.frameworks
            for p in f.provisions
            if p.measures
        },
    )
    return Written(plan, governments, actors, measures)


def _resolve(values: dict[str, Any], name: str, ids: dict[str, int]) -> dict[str, Any]:
    """``{"government": "federal"}`` → ``{"government_id": 3}``."""
    values = dict(values)
    key = values.pop(name)
    return {**values, f"{name}_id": ids.get(key) if key else None}


def write_frameworks(writer: Writer, frameworks: list[FrameworkWrite]) -> dict[tuple, int]:
    """Frameworks and their provisions; returns (framework slug, code) → provision id."""
    if not frameworks:
        return {}
    slugs = [f.slug for f in frameworks]
    written = writer.upsert(
        Framework,
        {f.slug: f for f in Framework.objects.filter(slug__in=slugs)},
        [(f.slug, {"slug": f.slug}, f.values) for f in frameworks],
    )
    existing = Provision.objects.filter(framework__slug__in=slugs).select_related("framework")
    provisions = writer.upsert(
        Provision,
        {(p.framework.slug, p.code): p for p in existing},
        [
            ((f.slug, p.code), {"framework_id": written[f.slug].pk, "code": p.code}, p.values)
            for f in frameworks
            for p in f.provisions
        ],
    )
    return {key: p.pk for key, p in provisions.items()}


def write_sections(writer: Writer, plan: Plan, rows: list[Keyed]) -> None:
    """In the rows' order, but a parent before its children (it may come later); a run of rows
    whose parents are written is one statement."""
    given = dict(rows)
    existing = {s.code: s for s in plan.sections.all()}
    ids = {code: s.pk for code, s in existing.items()}
    order: list[str] = []
    _parents_first(given, order)
    batch: list[str] = []

    def flush() -> None:
        written = writer.upsert(
            Section,
            existing,
            [
                (code, {"plan": plan, "code": code}, _resolve(given[code], "parent", ids))
                for code in batch
            ],
        )
        ids.update({code: s.pk for code, s in written.items()})
        batch.clear()

    for code in order:
        if given[code]["parent"] in batch:
            flush()
        batch.append(code)
    if batch:
        flush()


def _parents_first(given: dict[str, dict[str, Any]], order: list[str]) -> None:
    placed: set[str] = set()

    def visit(code: str, path: set[str]) -> None:
        if code in placed or code not in given:
            return
        if code in path:  # the checker refuses circles; this only guards against a loop
            raise ValueError(_("Sections refer to each other."))
        parent = given[code]["parent"]
        if parent:
            visit(parent, path | {code})
        placed.add(code)
        order.append(code)

    for code in given:
        visit(code, set())
