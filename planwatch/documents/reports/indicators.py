"""The reports' section on indicators and their targets: how many indicators fall in each
progress category and, per indicator with a target, where it stands. The categories come from
``planwatch.indicators.progress``, the same function the pages, exports and API ask."""

from django.utils.text import capfirst

from planwatch.indicators.models import Direction, Indicator, Kind
from planwatch.indicators.progress import METHOD_URL, Category, counts, plan_progress
from planwatch.plans.models import Plan

from . import model
from .common import content, paragraph
from .model import Run, Table
from .text import integer, label, percent, t


def indicators_section(plan: Plan, lang: str) -> model.Section:
    indicators = list(Indicator.objects.filter(plan=plan).order_by("order", "code"))
    progress = plan_progress(plan, indicators)
    section = model.Section(t("Indicators and their targets", lang), "indicators")
    section.add(
        paragraph(
            t(
                "Progress towards each target is assessed with the progress measure of "
                "Statistics Canada as published by Open SDG (%(url)s): the growth observed "
                "since the baseline is compared with the growth needed to reach the target "
                "on time.",
                lang,
                url=METHOD_URL,
            )
        ),
        Table(
            header=[t("Progress", lang), t("Indicators", lang)],
            rows=[
                [capfirst(label(Category(code).label, lang)), integer(count, lang)]
                for code, _label, count in counts(progress.values())
            ],
            caption=t("Indicators per progress category", lang),
            numeric=frozenset({1}),
        ),
    )
    rows: list[list[str | Run]] = []
    for indicator in indicators:
        found = progress[indicator.pk]
        if found.target is None:
            continue
        current = found.current
        rows.append(
            [
                content(indicator, "name", lang),
                label(Kind(indicator.kind).label, lang),
                f"{indicator.value_text(found.target.value, lang)} ({found.target.period}), "
                f"{label(Direction(found.direction).label, lang)}",
                f"{indicator.value_text(current.value, lang)} ({current.period})"
                if current
                else "–",
                percent(found.share_percent, lang) if found.share_percent is not None else "–",
                capfirst(label(Category(found.category).label, lang)),
            ]
        )
    if rows:
        section.add(
            Table(
                header=[
                    t("Indicator", lang),
                    t("Kind of series", lang),
                    t("Target", lang),
                    t("Latest value", lang),
                    t("Share of the required change achieved", lang),
                    t("Progress", lang),
                ],
                rows=rows,
                widths=(7, 3, 4, 3, 3, 3),
            )
        )
    return section
