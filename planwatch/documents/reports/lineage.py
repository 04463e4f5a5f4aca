"""The final report's sections on a plan's life across editions: what became of each measure in
the plan's published successor (``reporting/successor.py``), and the public changes of the
plan's commitments during the plan (``reporting/commitments.py``). Published records only: a
draft successor shows nowhere."""

from django.db.models import Prefetch

from planwatch.plans.models import Measure, MeasureChange, MeasureMapping, Plan

from . import model
from .common import content, paragraph, plain
from .model import Run, Table
from .text import colon, day, is_singular, join, label, t

Kind = MeasureMapping.Kind


def fate(mapping: MeasureMapping, lang: str) -> str:
    """ "continued as measures 4 and 5", "merged into measure 7", "dropped: reason"."""
    numbers = [str(target.number) for target in mapping.targets.all()]
    if mapping.kind == Kind.CONTINUED and numbers:
        if is_singular(len(numbers), lang):
            return t("continued as measure %(numbers)s", lang, numbers=numbers[0])
        return t("continued as measures %(numbers)s", lang, numbers=join(numbers, lang))
    if mapping.kind == Kind.MERGED and numbers:
        return t("merged into measure %(number)s", lang, number=numbers[0])
    if mapping.kind == Kind.COMPLETED:
        return t("completed", lang)
    if mapping.kind == Kind.DROPPED:
        reason = mapping.reason.strip()
        return colon(t("dropped", lang), reason, lang) if reason else t("dropped", lang)
    return label(Kind(mapping.kind).label, lang)


def successor_section(plan: Plan, lang: str) -> model.Section | None:
    """Per measure of ``plan``, what became of it in the published successor; ``None`` when the
    plan has no published successor with a mapping (two queries, three with one)."""
    successor = Plan.objects.filter(predecessor=plan, is_public=True).order_by("start").first()
    if successor is None:
        return None
    mappings = list(
        MeasureMapping.objects.filter(successor=successor, measure__plan=plan)
        .exclude(kind=Kind.UNDECIDED)
        .select_related("measure")
        .prefetch_related(Prefetch("targets", queryset=Measure.objects.order_by("number")))
        .order_by("measure__number")
    )
    if not mappings:
        return None
    rows: list[list[str | Run]] = [
        [str(m.measure.number), content(m.measure, "title", lang), fate(m, lang)] for m in mappings
    ]
    return model.Section(t("What became of each measure", lang), "successor", new_page=True).add(
        paragraph(
            t(
                "How each measure of this plan carries over into the next plan, %(plan)s: "
                "continued (under the new plan's numbers), merged into another measure, "
                "completed, or dropped with the reason given.",
                lang,
                plan=plain(successor, "title", lang) or successor.slug,
            ),
            "note",
        ),
        Table(
            header=[t("No.", lang), t("Measure", lang), t("In the next plan", lang)],
            rows=rows,
            widths=(2, 9, 6),
        ),
    )


def changes_section(plan: Plan, lang: str) -> model.Section | None:
    """The public changes of the plan's commitments, oldest first; ``None`` when there are
    none (one query)."""
    changes = list(
        MeasureChange.objects.filter(measure__plan=plan)
        .select_related("measure")
        .order_by("on", "measure__number", "id")
    )
    if not changes:
        return None
    rows: list[list[str | Run]] = [
        [
            day(change.on, lang),
            str(change.measure.number),
            label(MeasureChange.Field(change.field).label, lang),
            change.reason,
        ]
        for change in changes
    ]
    return model.Section(
        t("Changes of the commitments during the plan", lang), "commitment-changes"
    ).add(
        paragraph(
            t(
                "Each change to a measure's commitment made public during the plan (its title, "
                "description, responsible actors, deadline or budget, or its drop), with the "
                "reason given.",
                lang,
            ),
            "note",
        ),
        Table(
            header=[t("Date", lang), t("No.", lang), t("What changed", lang), t("Reason", lang)],
            rows=rows,
            widths=(3, 1, 3, 9),
            nowrap=frozenset({0}),
        ),
    )
