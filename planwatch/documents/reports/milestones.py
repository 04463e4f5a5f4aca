"""The reports' milestones section: counts per state and the most slipped milestones, as the
round left them (``planwatch.milestones.slippage.milestone_summary``)."""

from planwatch.lib.i18n import translated
from planwatch.milestones.slippage import STATE_LABELS, milestone_summary
from planwatch.plans.models import Plan
from planwatch.reporting.models import Round

from . import model
from .text import label, t


def milestones_section(plan: Plan, round_: Round | None, lang: str) -> model.Section | None:
    summary = milestone_summary(plan, round=round_)
    if not summary.total:
        return None
    section = model.Section(t("Milestones", lang), "milestones")
    section.add(
        model.Table(
            header=[t("State", lang), t("Milestones", lang)],
            rows=[
                [label(STATE_LABELS[state], lang).capitalize(), str(count)]
                for state, count in summary.counts.items()
            ],
            caption=t("Milestones per state", lang),
            numeric=frozenset({1}),
        )
    )
    if summary.most_slipped:
        section.add(
            model.Table(
                header=[
                    t("Measure", lang),
                    t("Milestone", lang),
                    t("Slippage (days)", lang),
                    t("State", lang),
                ],
                rows=[
                    [
                        str(item.milestone.measure.number),
                        translated(item.milestone, "description", lang).text,
                        str(item.slippage),
                        label(item.state_label, lang),
                    ]
                    for item in summary.most_slipped
                ],
                caption=t("Most slipped milestones", lang),
                numeric=frozenset({0, 2}),
            )
        )
    return section
