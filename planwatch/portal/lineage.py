"""A plan's life across editions: what became of each measure in the successor plan (both
measure pages link), the comparison page of a plan with its predecessor, and the public changes
of a measure during its plan. Public plans only: a draft successor shows nowhere."""

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from planwatch.core.page_cache import cached_page
from planwatch.plans.models import Measure, MeasureChange, MeasureMapping, Plan, Section
from planwatch.reporting.permissions import public_plans

Kind = MeasureMapping.Kind


def measure_prefetches() -> list[Prefetch]:
    """What the measure page reads of a measure's lineage and changes (two queries)."""
    return [
        Prefetch(
            "continues",
            queryset=MeasureMapping.objects.filter(successor__is_public=True)
            .select_related("measure__plan")
            .order_by("measure__number"),
            to_attr="lineage_from",
        ),
        Prefetch(
            "changes",
            queryset=MeasureChange.objects.order_by("on", "id"),
            to_attr="public_changes",
        ),
    ]


def measure_lineage(measure: Measure) -> MeasureMapping | None:
    """What became of ``measure`` in its plan's published successor, with its new measures
    (one query, two when there is a mapping)."""
    return (
        MeasureMapping.objects.filter(measure=measure, successor__is_public=True)
        .select_related("successor")
        .prefetch_related(Prefetch("targets", queryset=Measure.objects.order_by("number")))
        .first()
    )


def plan_lineage(plan: Plan) -> dict:
    """The plan's public predecessor and successors and how many of its measures were dropped
    during the plan, for the plan page (two queries)."""
    related = list(
        public_plans().filter(pk=plan.predecessor_id) | public_plans().filter(predecessor=plan)
    )
    return {
        "predecessor": next((p for p in related if p.pk == plan.predecessor_id), None),
        "successors": [p for p in related if p.predecessor_id == plan.pk],
        "dropped_count": plan.measures.filter(dropped=True).count(),
    }


@cached_page()
def comparison(request: HttpRequest, plan: str) -> HttpResponse:
    """Per pillar of the new plan: what was dropped (with reasons), completed, merged, what
    carried over, and what is new."""
    new = get_object_or_404(
        public_plans().select_related("predecessor").filter(predecessor__is_public=True),
        slug=plan,
    )
    old = new.predecessor
    mappings = list(
        MeasureMapping.objects.filter(successor=new)
        .select_related("measure__plan", "measure__section__parent")
        .prefetch_related(Prefetch("targets", queryset=Measure.objects.order_by("number")))
        .order_by("measure__number")
    )
    continued = {t.pk for m in mappings for t in m.targets.all()}
    measures = list(
        Measure.objects.filter(plan=new).select_related("section__parent").order_by("number")
    )
    # The new plan's wording of each pillar; a pillar only the old plan had keeps its own.
    titles = {s.pillar: s for s in Section.objects.filter(plan=new, parent=None)}
    pillars: dict[int, dict] = {}

    def pillar(section) -> dict:
        top = section.parent or section
        return pillars.setdefault(
            top.pillar,
            {
                "pillar": titles.get(top.pillar, top),
                **{key: [] for key in ("carried", "merged", "completed", "dropped", "new")},
            },
        )

    for m in measures:
        if m.pk not in continued:
            pillar(m.section)["new"].append(m)
    for mapping in mappings:
        key = {Kind.CONTINUED: "carried", Kind.MERGED: "merged"}.get(mapping.kind, mapping.kind)
        if key in ("carried", "merged", "completed", "dropped"):
            pillar(mapping.measure.section)[key].append(mapping)
    rows = [pillars[number] for number in sorted(pillars)]
    totals = {
        key: sum(len(row[key]) for row in rows)
        for key in ("carried", "merged", "completed", "dropped", "new")
    }
    return render(
        request,
        "portal/comparison.html",
        {"plan": new, "old": old, "pillars": rows, "totals": totals},
    )
