"""The budget report, and the budget summary the interim report shares with it.

Totals come from ``stats.budget_totals`` (the dashboard's figures); the breakdowns per stage,
actor and measure add up the very lines those totals count (public lines, ``in_totals``).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext_noop

from planwatch.actors.models import Government
from planwatch.lib import charts, figures
from planwatch.plans.models import Plan
from planwatch.reporting import stats
from planwatch.reporting.models import BudgetLine, Round

from .common import content, document, paragraph, plain
from .model import Document, Figure, Paragraph, Run, Section, Table
from .text import euro, label, t

LEVELS = [code for code, _label in Government.Level.choices]
LEVEL_LABELS = dict(Government.Level.choices)
AMOUNT_COLUMNS = frozenset({1, 2, 3})


def level_label(level: str, lang: str) -> str:
    return capfirst(label(LEVEL_LABELS.get(level, level), lang))


def qualified(qualifier: str, text: str, lang: str) -> str:
    """ "more than €181,000,000": a figure with its qualifier (``lib/figures.py``)."""
    return figures.qualified(text, qualifier, lang)


def totals_sentence(totals: stats.BudgetTotals, lang: str) -> Paragraph:
    if not totals.rows:
        return paragraph(t("No budget lines are recorded for this plan.", lang))
    return paragraph(
        t(
            "The budget lines counted in the totals add up to %(total)s: %(specific)s specific "
            "to gender-based violence and %(broader)s for broader activities that also serve it.",
            lang,
            total=cell_amount(totals.total, "", lang),
            specific=cell_amount(totals.total, "specific", lang),
            broader=cell_amount(totals.total, "broader", lang),
        )
    )


def cell_amount(cell: stats.BudgetCell, nature: str, lang: str) -> str:
    """A computed amount with its qualifier ("at least €180,000,000"), or "not reported" when
    no counted line makes it up."""
    qualifier = getattr(cell, f"{nature}_qualifier" if nature else "qualifier")
    if not qualifier:
        return t("not counted" if nature in cell.left_out else "not reported", lang)
    return qualified(qualifier, euro(getattr(cell, nature or "total"), lang), lang)


def totals_notes(totals: stats.BudgetTotals, plan: Plan, lang: str) -> list[Paragraph]:
    """What the computed totals are: lower bounds or not, beside the printed total, and what
    they leave out (each reason with its sum; the annex lists the lines)."""
    notes = []
    if totals.total.is_lower_bound:
        notes.append(
            paragraph(
                t(
                    "Some amounts counted are lower bounds (“more than”), so the "
                    "totals are lower bounds too.",
                    lang,
                ),
                "note",
            )
        )
    sentence = stats.budget_reconciliation(totals, stats.published_budget_totals(plan), lang)
    if sentence:
        notes.append(paragraph(sentence))
    for group in totals.excluded:
        notes.append(
            paragraph(
                t(
                    "Left out of the totals, %(reason)s: %(amount)s.",
                    lang,
                    reason=label(group.label, lang),
                    amount=cell_amount(group.cell, "", lang),
                ),
                "note",
            )
        )
    return notes


def totals_table(totals: stats.BudgetTotals, lang: str) -> Table:
    return Table(
        caption=t("Totals computed from the budget lines", lang),
        header=[
            t("Government level", lang),
            t("Period", lang),
            t("Specific", lang),
            t("Broader", lang),
            t("Total", lang),
        ],
        rows=[
            [
                level_label(row.level, lang),
                row.period,
                cell_amount(row.cell, "specific", lang),
                cell_amount(row.cell, "broader", lang),
                cell_amount(row.cell, "", lang),
            ]
            for row in totals.rows
        ],
        footer=[
            [
                t("All levels", lang),
                "",
                cell_amount(totals.total, "specific", lang),
                cell_amount(totals.total, "broader", lang),
                cell_amount(totals.total, "", lang),
            ]
        ],
        numeric=frozenset({2, 3, 4}),
    )


def published_table(plan: Plan, lang: str) -> list[Paragraph | Table]:
    published = stats.published_budget_totals(plan)
    if not published:
        return []
    return [
        Paragraph([Run(t("Totals as published in the plan's reports", lang))], style="label"),
        Table(
            header=[
                t("Description", lang),
                t("Government level", lang),
                t("Period", lang),
                t("Amount", lang),
            ],
            rows=[
                [
                    content(total, "label", lang),
                    level_label(total.level, lang) if total.level else t("All levels", lang),
                    total.period,
                    qualified(total.qualifier, euro(total.amount, lang), lang),
                ]
                for total in published
            ],
            numeric=frozenset({3}),
        ),
        paragraph(
            t(
                "These figures are shown as printed and are never added to the computed totals.",
                lang,
            ),
            style="note",
        ),
    ]


def totals_chart(totals: stats.BudgetTotals, lang: str, id: str) -> Figure:
    # The totals table beside it already holds the figures.
    return Figure(
        data_table=False,
        chart=charts.Chart(
            id=id,
            title=t("Budget per government level and period", lang),
            series=[
                charts.Series("specific", t("Specific", lang), charts.PALETTE[0]),
                charts.Series("broader", t("Broader", lang), charts.PALETTE[1]),
            ],
            categories=[
                charts.Category(
                    f"{level_label(row.level, lang)} {row.period}",
                    (float(row.cell.specific), float(row.cell.broader)),
                    tuple(
                        cell_amount(row.cell, nature, lang)
                        if getattr(row.cell, f"{nature}_qualifier") not in ("", "exact")
                        else ""
                        for nature in ("specific", "broader")
                    ),
                )
                for row in totals.rows
            ],
            category_header=t("Government level", lang),
            total_header=t("Total", lang),
            value_format=lambda value: euro(round(value), lang),
        ),
    )


def budget_summary(plan: Plan, lang: str, anchor: str, number: str = "") -> Section:
    """The budget chapter of the interim report: computed totals, then the published ones."""
    totals = stats.budget_totals(plan)
    section = Section(t("Budget summary", lang), anchor, number=number, new_page=True)
    section.add(totals_sentence(totals, lang))
    if totals.rows:
        section.add(totals_table(totals, lang), totals_chart(totals, lang, f"{anchor}-chart"))
        section.add(*totals_notes(totals, plan, lang))
    section.add(*published_table(plan, lang))
    return section


# The budget report ---------------------------------------------------------------------------


def _cells(lines: Iterable[BudgetLine], key) -> dict:
    cells: dict = defaultdict(stats.BudgetCell)
    for line in lines:
        cell = cells[key(line)]
        setattr(cell, line.nature, getattr(cell, line.nature) + line.amount)
    return cells


def _amounts(cell: stats.BudgetCell, lang: str) -> list[str]:
    return [euro(cell.specific, lang), euro(cell.broader, lang), euro(cell.total, lang)]


def stage_section(counted: list[BudgetLine], lang: str) -> Section:
    by_level: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for line in counted:
        by_level[line.government.level][line.stage] += line.amount
    overall: dict[str, Decimal] = defaultdict(Decimal)
    rows = []
    for level in sorted(by_level, key=LEVELS.index):
        stages = by_level[level]
        for stage, amount in stages.items():
            overall[stage] += amount
        rows.append(
            [
                level_label(level, lang),
                euro(stages["allocated"], lang),
                euro(stages["spent"], lang),
                euro(sum(stages.values(), Decimal(0)), lang),
            ]
        )
    header = [t("Government level", lang), t("Allocated", lang), t("Spent", lang)]
    return Section(t("Allocated and spent", lang), "stages", number="2").add(
        Table(
            header=[*header, t("Total", lang)],
            rows=rows,
            footer=[
                [
                    t("All levels", lang),
                    euro(overall["allocated"], lang),
                    euro(overall["spent"], lang),
                    euro(sum(overall.values(), Decimal(0)), lang),
                ]
            ],
            numeric=AMOUNT_COLUMNS,
        ),
        paragraph(t("Only lines counted in the totals are added up here.", lang), "note"),
    )


def lines_section(lines: list[BudgetLine], lang: str) -> Section:
    section = Section(t("Budget lines per government level", lang), "lines", number="3")
    by_level: dict[str, dict[Government, list[BudgetLine]]] = defaultdict(dict)
    for line in lines:
        by_level[line.government.level].setdefault(line.government, []).append(line)
    for i, level in enumerate(sorted(by_level, key=LEVELS.index), start=1):
        level_section = Section(level_label(level, lang), f"lines-{level}", number=f"3.{i}")
        governments = sorted(by_level[level], key=lambda g: (g.order, g.code))
        for j, government in enumerate(governments, start=1):
            rows: list[list[str | Run]] = []
            subtotal = stats.BudgetCell()
            uncounted = False
            for line in by_level[level][government]:
                amount = qualified(line.qualifier, euro(line.amount, lang), lang)
                if line.in_totals:
                    subtotal.add(line.nature, line.amount, line.qualifier)
                else:
                    amount, uncounted = f"({amount}) *", True
                actor = ""
                if line.actor:
                    actor = plain(line.actor, "short", lang) or plain(line.actor, "name", lang)
                rows.append(
                    [
                        line.period,
                        actor,
                        str(line.measure.number) if line.measure else "",
                        content(line, "label", lang),
                        t("Specific" if line.nature == "specific" else "Broader", lang),
                        t("Allocated" if line.stage == "allocated" else "Spent", lang),
                        amount,
                    ]
                )
            subtotal_text = cell_amount(subtotal, "", lang)
            if not subtotal.qualifier:
                subtotal_text = t("none counted", lang)
            table = Table(
                header=[
                    t("Period", lang),
                    t("Actor", lang),
                    t("No.", lang),
                    t("Description", lang),
                    t("Nature", lang),
                    t("Stage", lang),
                    t("Amount", lang),
                ],
                rows=rows,
                footer=[[t("Subtotal", lang), "", "", "", "", "", subtotal_text]],
                numeric=frozenset({2, 6}),
                nowrap=frozenset({0}),
                widths=(4, 4, 2, 7, 3, 4, 5),
            )
            name = content(government, "name", lang)
            sub = Section(
                name.text or government.code,
                f"government-{government.code}",
                number=f"3.{i}.{j}",
                title_run=name if name.note else None,
            ).add(table)
            if uncounted:
                note = gettext_noop(
                    "* Not counted in the totals; the annex gives the reason for each line."
                )
                sub.add(paragraph(t(note, lang), "note"))
            level_section.children.append(sub)
        section.children.append(level_section)
    return section


def actor_section(counted: list[BudgetLine], lang: str) -> Section:
    cells = _cells(counted, lambda line: line.actor)
    known = sorted((a for a in cells if a is not None), key=lambda a: plain(a, "name", lang))
    rows = [
        [plain(a, "short", lang) or plain(a, "name", lang), *_amounts(cells[a], lang)]
        for a in known
    ]
    if None in cells:
        rows.append([t("not attributed to an actor", lang), *_amounts(cells[None], lang)])
    total = stats.BudgetCell()
    for cell in cells.values():
        total.specific += cell.specific
        total.broader += cell.broader
    return Section(t("Per actor", lang), "actors", number="4").add(
        Table(
            header=[t("Actor", lang), t("Specific", lang), t("Broader", lang), t("Total", lang)],
            rows=rows,
            footer=[[t("Total", lang), *_amounts(total, lang)]],
            numeric=AMOUNT_COLUMNS,
        )
    )


def measure_section(counted: list[BudgetLine], lang: str) -> Section:
    cells = _cells(counted, lambda line: line.measure)
    known = sorted((m for m in cells if m is not None), key=lambda m: m.number)
    rows: list[list[str | Run]] = [
        [str(m.number), content(m, "title", lang), *_amounts(cells[m], lang)] for m in known
    ]
    if None in cells:
        rows.append(["", t("not attributed to a measure", lang), *_amounts(cells[None], lang)])
    total = stats.BudgetCell()
    for cell in cells.values():
        total.specific += cell.specific
        total.broader += cell.broader
    return Section(t("Per measure", lang), "measures", number="5").add(
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
        )
    )


def build_budget(plan: Plan, round_: Round | None, lang: str, today: date) -> Document:
    doc = document("budget", t("Budget report", lang), plan, round_, lang, today)
    totals = stats.budget_totals(plan)
    lines = list(
        BudgetLine.objects.public()
        .filter(plan=plan)
        .select_related("government", "actor", "measure")
        .order_by("government__order", "government__code", "year", "to_year", "id")
    )
    counted = [line for line in lines if line.in_totals]
    intro = Section(t("Introduction", lang), "introduction")
    intro.add(
        paragraph(
            t(
                "This report gives the plan's budget lines per government level, period, actor "
                "and measure where they are known: specific to gender-based violence or for "
                "broader activities, allocated or spent. Its totals are those of the plan's "
                "dashboard.",
                lang,
            )
        ),
        totals_sentence(totals, lang),
    )
    chapter = Section(t("Totals per government level and period", lang), "totals", number="1")
    if totals.rows:
        chapter.add(totals_table(totals, lang), totals_chart(totals, lang, "totals-chart"))
        chapter.add(*totals_notes(totals, plan, lang))
    else:
        chapter.add(paragraph(t("No budget lines are recorded for this plan.", lang)))
    chapter.add(*published_table(plan, lang))
    doc.sections = [intro, chapter]
    if lines:
        doc.sections += [
            stage_section(counted, lang),
            lines_section(lines, lang),
            actor_section(counted, lang),
            measure_section(counted, lang),
        ]
    if totals.excluded:
        doc.sections.append(excluded_section(totals, lang))
    return doc


def excluded_section(totals: stats.BudgetTotals, lang: str) -> Section:
    """The annex: every line left out of the totals, with the one reason it is left out."""
    rows: list[list[str | Run]] = []
    for group in totals.excluded:
        for line in group.lines:
            rows.append(
                [
                    line.period,
                    content(line.government, "short", lang).text or line.government.code,
                    content(line, "label", lang),
                    capfirst(label(group.label, lang)),
                    qualified(line.qualifier, euro(line.amount, lang), lang),
                ]
            )
    return Section(t("Annex: lines left out of the totals", lang), "excluded", number="6").add(
        Table(
            header=[
                t("Period", lang),
                t("Government", lang),
                t("Description", lang),
                t("Why it is not counted", lang),
                t("Amount", lang),
            ],
            rows=rows,
            numeric=frozenset({4}),
            nowrap=frozenset({0}),
            widths=(3, 3, 8, 5, 4),
        )
    )
