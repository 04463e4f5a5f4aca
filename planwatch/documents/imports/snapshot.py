"""The database in the workbook's terms: one value per column, codes and slugs instead of ids.

The import compares a workbook with :func:`current_values` and the template writes
:func:`current_values`, so a workbook written by ``planwatch template plan`` and imported
unchanged compares equal everywhere.
"""

from typing import Any

from django.db.models import Prefetch

from planwatch.actors.models import Actor, Government
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.models import Measure, MeasureActor, Plan, Provision, Tag

from .sheets import ACTORS, PLAN, SECTIONS, TAGS

ISTANBUL = "istanbul-convention"


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
    roles = sorted(obj.measure_actors.all(), key=lambda r: r.order)
    tags = sorted(obj.tags.all(), key=lambda t: t.slug)
    return {
        "number": obj.number,
        "section": obj.section.code,
        **_texts(obj, "title"),
        **_texts(obj, "description"),
        "lead": tuple(r.actor.slug for r in roles if r.role == MeasureActor.Role.LEAD),
        "partners": tuple(r.actor.slug for r in roles if r.role == MeasureActor.Role.PARTNER),
        "forms": tuple(t.slug for t in tags if t.kind == Tag.Kind.FORM),
        "groups": tuple(t.slug for t in tags if t.kind == Tag.Kind.GROUP),
        "articles": tuple(sorted((p.code for p in obj.articles), key=article_order)),
    }


def article_order(code: str) -> tuple:
    return (0, int(code), "") if code.isdigit() else (1, 0, code)


def measures_of(plan: Plan | None) -> list[Measure]:
    if plan is None:
        return []
    return list(
        plan.measures.select_related("section")
        .prefetch_related(
            Prefetch("measure_actors", queryset=MeasureActor.objects.select_related("actor")),
            "tags",
            Prefetch(
                "provisions",
                queryset=Provision.objects.filter(framework__slug=ISTANBUL),
                to_attr="articles",
            ),
        )
        .order_by("number")
    )


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
        self.measures = {m.number: m for m in measures_of(self.plan)}
