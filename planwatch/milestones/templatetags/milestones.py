"""What the public pages show of milestones: ``{% measure_milestones measure as m %}`` (the rows,
the timeline, the re-baselinings) and ``{% plan_milestones plan as s %}`` (the summary)."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from planwatch.lib.i18n import translated

from .. import timeline
from ..slippage import Dates, as_of, milestone_summary, milestones_of

register = template.Library()


@register.simple_tag
def measure_milestones(measure) -> dict:
    rows = [as_of(m, None) for m in milestones_of(measure.plan, measure, updates=False)]
    if not rows:
        return {"rows": []}
    labels = [str(index) for index, _row in enumerate(rows, start=1)]
    late = sum(row.slippage > 0 for row in rows)
    drawing = timeline.svg(
        rows,
        title=_("Milestones: planned and expected dates"),
        description=_(
            "%(count)s milestones, %(late)s later than planned; the table below gives the dates."
        )
        % {"count": len(rows), "late": late},
        labels=labels,
    )
    return {
        "rows": [
            {"label": label, "dates": row, "text": translated(row.milestone, "description")}
            for label, row in zip(labels, rows, strict=True)
        ],
        "svg": mark_safe(drawing),  # noqa: S308 - every text in it is escaped by timeline.svg
        "rebaselinings": [
            (label, change)
            for label, row in zip(labels, rows, strict=True)
            for change in row.milestone.rebaselinings.all()
        ],
    }


@register.simple_tag
def plan_milestones(plan, round_=None):
    return milestone_summary(plan, round_)


@register.filter
def state_class(dates: Dates) -> str:
    return f"milestone-{dates.state}"


@register.filter
def confidence_label(status, plan) -> str:
    """A status's delivery confidence in words, as its plan names the level."""
    from ..confidence import levels

    for item in levels(plan):
        if item.level == status.confidence:
            return f"{item.level}. {item.name}"
    return ""
