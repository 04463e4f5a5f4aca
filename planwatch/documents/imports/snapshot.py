"""The database in the workbook's terms: one value per column, codes and slugs instead of ids.

The import compares a workbook with :func:`current_values` (:func:`measure_values` for the
measures) and the template writes the same values, so a workbook written by ``planwatch template
plan`` and imported unchanged compares equal everywhere.
"""

from collections import defaultdict
from typing import Any

from planwatch.actors.models import Actor, Government
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.models import ISTANBUL, Measure, MeasureActor, Plan, Provision, Tag

from .sheets import ACTORS, PLAN, SECTIONS, TAGS


def normal(value: Any) -> Any:
    """Blank is blank (None, ""), and line endings do not count as a change."""
    if value is None or value == "":
        return None
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _texts(obj: Any, field_name: str) -> dict[str, str | None]:
    return {
        f"{field_name}_{lang}": normal(getattr(obj, f"{field_name}_{lang}")) for lang in LANGUAGES
    }


def current_values(sheet: str, obj: Any) -> dict[str, Any]:
    """A database row as the workbook writes it: one value per column."""
    if sheet == PLAN.name:
        return {
            "slug": obj.slug,
            **_texts(obj, "title"),
            **_texts(obj, "description"),
            "start": obj.start,
            "end": obj.end,
            "adopted": obj.adopted,
            "declared_measures": obj.declared_measures,
            "statuses": tuple(obj.statuses or ()),
            "coordinator": obj.coordinator.slug if obj.coordinator_id else None,
        }
    if sheet == ACTORS.name:
        return {
            "slug": obj.slug,
            **_texts(obj, "name"),
            **_texts(obj, "short"),
            "kind": obj.kind,
            "government": obj.government.code if obj.government_id else None,
        }
    if sheet == TAGS.name:
        return {"slug": obj.slug, "kind": obj.kind, **_texts(obj, "name")}
    if sheet == SECTIONS.name:
        return {
            "code": obj.code,
            "parent": obj.parent.code if obj.parent_id else None,
            "pillar": obj.pillar,
            "order": obj.order,
            **_texts(obj, "title"),
        }
    raise ValueError(f"No single-row values for sheet {sheet!r}: see measure_values().")


def article_order(code: str) -> tuple:
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def measure_values(plan: Plan | None) -> dict[int, dict[str, Any]]:
    """Every measure of the plan as the workbook writes it, by number, in number order.

    Read as plain values in four queries: building model instances (and their actors, tags and
    provisions) costs most of the time on a plan of thousands of measures."""
    if plan is None:
        return {}
    roles: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for measure_id, role, slug in (
        MeasureActor.objects.filter(measure__plan=plan)
        .order_by("measure_id", "order", "pk")
        .values_list("measure_id", "role", "actor__slug")
    ):
        roles[measure_id].append((role, slug))
    tags: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for measure_id, kind, slug in (
        Measure.tags.through.objects.filter(measure__plan=plan)
        .order_by("tag__slug")
        .values_list("measure_id", "tag__kind", "tag__slug")
    ):
        tags[measure_id].append((kind, slug))
    articles: dict[int, list[str]] = defaultdict(list)
    for measure_id, code in Measure.provisions.through.objects.filter(
        measure__plan=plan, provision__framework__slug=ISTANBUL
    ).values_list("measure_id", "provision__code"):
        articles[measure_id].append(code)
    texts = [f"{name}_{lang}" for name in ("title", "description") for lang in LANGUAGES]
    result = {}
    for values in plan.measures.order_by("number").values("pk", "number", "section__code", *texts):
        pk = values["pk"]
        its_roles, its_tags = roles.get(pk, ()), tags.get(pk, ())
        result[values["number"]] = {
            "number": values["number"],
            "section": values["section__code"],
            **{name: normal(values[name]) for name in texts},
            "lead": tuple(s for r, s in its_roles if r == MeasureActor.Role.LEAD),
            "partners": tuple(s for r, s in its_roles if r == MeasureActor.Role.PARTNER),
            "forms": tuple(s for k, s in its_tags if k == Tag.Kind.FORM),
            "groups": tuple(s for k, s in its_tags if k == Tag.Kind.GROUP),
            "articles": tuple(sorted(articles.get(pk, ()), key=article_order)),
        }
    return result


class Database:
    """What the checks need, read in a fixed number of queries."""

    def __init__(self, plan_slug: str):
        self.plan = Plan.objects.filter(slug=plan_slug).select_related("coordinator").first()
        self.actors = {a.slug: a for a in Actor.objects.select_related("government")}
        self.tags = {t.slug: t for t in Tag.objects.all()}
        self.governments = set(Government.objects.values_list("code", flat=True))
        self.articles = set(
            Provision.objects.filter(framework__slug=ISTANBUL).values_list("code", flat=True)
        )
        self.sections = (
            {s.code: s for s in self.plan.sections.select_related("parent")} if self.plan else {}
        )
        self.measures = measure_values(self.plan)
