"""The final evaluation report of a plan, on the round its coordinator marked final
(``reporting/final_round.py``): per measure, the status at the end, the path through every
published round (a row of status marks, with their legend), civil society's last assessment
beside the official status; the budgets of each measure over the whole period; the indicators
against their targets; the milestones kept and slipped (``reports.milestones``); the changes of
the commitments and what became of each measure in the published successor
(``reports.lineage``).

Every figure comes from ``reporting/stats.py``.
"""

from datetime import date

from django.utils.text import capfirst

from planwatch.plans.models import Plan, Status
from planwatch.reporting import stats
from planwatch.reporting.models import Assessment, Round

from . import model
from .budget import _amounts
from .common import (
    content,
    coverage,
    document,
    measures_with_statuses,
    paragraph,
    plain,
    status_label,
)
from .indicators import indicators_section
from .interim import headline_sentence
from .lineage import changes_section, successor_section
from .milestones import milestones_section
from .model import Document, Run, Table
from .text import colon, day, label, t

# One mark per status: shapes that read in every format (the legend names each).
MARKS = {
    Status.NOT_STARTED: "○",
    Status.IN_PROGRESS: "◐",
    Status.IMPLEMENTED: "●",
    Status.ONGOING: "↻",
    Status.ABANDONED: "✕",
    "": "–",
}
RATINGS = dict(Assessment.RATINGS)


def mark(code: str) -> str:
    return MARKS.get(code, "?")


def round_name(round_: Round, lang: str) -> str:
    return plain(round_, "name", lang) or round_.slug


def legend(plan: Plan, through: stats.RoundsThrough, lang: str) -> list[model.Block]:
    """What each mark and each round column means."""
    codes = plan.status_codes()
    used = {code for measure in through.statuses.values() for code in measure.values()}
    codes += [code for code in used if code not in codes]
    marks = Table(
        caption=t("Legend of the status marks", lang),
        header=[t("Mark", lang), t("Status", lang)],
        rows=[[mark(code), capfirst(status_label(code, lang))] for code in [*codes, ""]],
        widths=(1, 6),
    )
    rounds = Table(
        caption=t("The rounds, in order", lang),
        header=[t("Column", lang), t("Reporting round", lang), t("Period", lang)],
        rows=[
            [
                str(i),
                round_name(r, lang)
                + (f" ({t('final evaluation round', lang)})" if r.is_final else ""),
                t("%(start)s – %(end)s", lang, start=day(r.start, lang), end=day(r.end, lang)),
            ]
            for i, r in enumerate(through.rounds, start=1)
        ],
        widths=(1, 6, 5),
        nowrap=frozenset({0}),
    )
    return [marks, rounds]


def introduction(plan: Plan, final: Round, through: stats.RoundsThrough, lang: str):
    section = model.Section(t("Introduction", lang), "introduction")
    section.add(
        paragraph(
            t(
                "This report takes stock of every measure of the plan at its end: the status "
                "decided in the final evaluation round (%(round)s, %(start)s to %(end)s), the "
                "path of each measure through the published rounds, its budget over the whole "
                "period and the last assessment of civil society beside the official status.",
                lang,
                round=round_name(final, lang),
                start=day(final.start, lang),
                end=day(final.end, lang),
            )
        )
    )
    split = stats.status_split(plan, final)
    section.add(
        paragraph(t("Computed from the statuses recorded for the final round", lang), "label"),
        paragraph(headline_sentence(split, lang)),
        paragraph(coverage(split, lang), "note"),
    )
    return section.add(*legend(plan, through, lang))


def assessment_text(items: list[stats.LastAssessment], lang: str) -> str:
    """ "Platform: in progress (Round 2023)"; one line per organisation."""
    lines = []
    for item in items:
        name = plain(item.organisation, "short", lang) or plain(item.organisation, "name", lang)
        rating = label(RATINGS.get(item.rating, item.rating), lang)
        lines.append(f"{colon(name, rating, lang)} ({round_name(item.round, lang)})")
    return "; ".join(lines) or "–"


def measures_section(plan, final, through, measures, lang: str) -> model.Section:
    assessments = stats.last_assessments(plan, through.rounds)
    columns = [str(i) for i in range(1, len(through.rounds) + 1)]
    rows: list[list[str | Run]] = []
    for measure in measures:
        status = measure.status_in.get(final.pk)
        rows.append(
            [
                str(measure.number),
                content(measure, "title", lang),
                *[mark(code) for code in through.path(measure.pk)],
                capfirst(status_label(status.status if status else "", lang)),
                assessment_text(assessments.get(measure.pk, []), lang),
            ]
        )
    first = 2 + len(columns)
    return model.Section(
        t("Every measure at the end of the plan", lang), "measures", new_page=True
    ).add(
        paragraph(
            t(
                "The marks give the measure's status in each round, from the first to the final "
                "one (see the legend). Civil society's assessments are the organisations' own: "
                "shown beside the official status, never merged into it.",
                lang,
            ),
            "note",
        ),
        Table(
            header=[
                t("No.", lang),
                t("Measure", lang),
                *columns,
                t("Status at the end", lang),
                t("Last assessment by civil society", lang),
            ],
            rows=rows,
            widths=(2, 9, *(1 for _c in columns), 3, 5),
            nowrap=frozenset(range(2, first)),
        ),
    )


def budgets_section(plan: Plan, measures, lang: str) -> model.Section:
    cells = stats.budgets_per_measure(plan)
    section = model.Section(t("Budgets over the whole period", lang), "budgets", new_page=True)
    if not cells:
        return section.add(paragraph(t("No budget lines are recorded for this plan.", lang)))
    total = stats.BudgetCell()
    rows: list[list[str | Run]] = []
    for measure in measures:
        if cell := cells.get(measure.pk):
            total.specific += cell.specific
            total.broader += cell.broader
            title = content(measure, "title", lang)
            rows.append([str(measure.number), title, *_amounts(cell, lang)])
    return section.add(
        paragraph(
            t(
                "Per measure, the budget lines counted in the totals, added up over every "
                "round: the plan's own lines and those of the validated contributions. Lines "
                "not attributed to a measure are in the budget report.",
                lang,
            ),
            "note",
        ),
        Table(
            header=[
                t("No.", lang),
                t("Measure", lang),
                t("Specific", lang),
                t("Broader", lang),
                t("Total", lang),
            ],
            rows=rows,
            footer=[[t("Total", lang), "", *_amounts(total, lang)]],
            numeric=frozenset({2, 3, 4}),
            widths=(1, 8, 3, 3, 3),
        ),
    )


def build_final(plan: Plan, round_: Round | None, lang: str, today: date) -> Document:
    if round_ is None or not round_.is_final:
        raise ValueError(
            f"Plan {plan.slug!r} has no final evaluation round: mark one with "
            "`planwatch round mark-final`."
        )
    doc = document("final", t("Final evaluation report", lang), plan, round_, lang, today)
    through = stats.rounds_through(plan, round_)
    measures = measures_with_statuses(plan, [round_])
    doc.sections = [
        introduction(plan, round_, through, lang),
        measures_section(plan, round_, through, measures, lang),
    ]
    # Milestones kept and slipped, counted as of the final round (the interim report's section).
    if milestones := milestones_section(plan, round_, lang):
        doc.sections.append(milestones)
    doc.sections += [budgets_section(plan, measures, lang), indicators_section(plan, lang)]
    # The plan's life across editions: its commitment changes, what became of each measure.
    doc.sections += [
        section
        for section in (changes_section(plan, lang), successor_section(plan, lang))
        if section is not None
    ]
    return doc
