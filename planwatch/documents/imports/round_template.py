"""An actor's round workbook: their contributions to one round, to fill in offline and import
again (``round.py``). Key columns are locked by sheet protection (a guard against slips, not a
security measure: the import checks every key again); the status, nature and stage columns
offer drop-down lists; the instructions are in the person's language. Imported unchanged, it
changes nothing: each value is written from the contribution as it stands.
"""

import datetime as dt
import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planwatch.actors.models import Actor
from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import translated
from planwatch.milestones.models import Milestone
from planwatch.milestones.services import EARLIEST, LATEST
from planwatch.reporting.models import BudgetLine, Contribution, Round

from .round import BUDGET_SHEET, KEY_COLUMNS, contributions_sheet
from .round_milestones import EDITABLE, MILESTONES_SHEET
from .sheets import Sheet

SPARE_ROWS = 300  # empty budget rows that stay editable and keep their drop-down lists
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
LOCKED_FILL = PatternFill("solid", fgColor="EEEEEE")
UNLOCKED = Protection(locked=False)


def round_workbook(round_: Round, actor: Actor, language: str) -> bytes:
    """The workbook of ``actor``'s contributions to ``round_`` as XLSX bytes, with the narrative
    column and instructions in ``language``."""
    with translation.override(language):
        return _workbook(round_, actor, language)


def _text(value: str | None) -> str | None:
    return ILLEGAL_CHARACTERS_RE.sub("", value) if value else None


def _workbook(round_: Round, actor: Actor, language: str) -> bytes:
    items = list(
        Contribution.objects.filter(round=round_, actor=actor)
        .select_related("measure")
        .prefetch_related("evidence", "budget_lines", "milestone_updates")
        .order_by("measure__number")
    )
    book = Workbook()
    _instructions(book.active, round_, actor)
    spec = contributions_sheet([language])
    sheet = _sheet(book, spec)
    locked = {c.name for c in KEY_COLUMNS} | {"title", "state"}
    for number, item in enumerate(items, start=2):
        values = {
            "measure": item.measure.number,
            "actor": actor.slug,
            "round": round_.slug,
            "title": translated(item.measure, "title", language).text,
            "state": str(item.get_state_display()),
            "proposed_status": item.proposed_status or None,
            f"narrative_{language}": getattr(item, f"narrative_{language}"),
            "evidence": "\n".join(
                f"{link.url} {link.label}".strip() for link in item.evidence.all()
            ),
        }
        for index, column in enumerate(spec.columns, start=1):
            value = values.get(column.name)
            cell = sheet.cell(
                row=number, column=index, value=_text(value) if isinstance(value, str) else value
            )
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it starts with '='
            if column.name in locked:
                cell.fill = LOCKED_FILL
            else:
                cell.protection = UNLOCKED
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = len(items) + 1
    status = _list(book, round_)
    _validation(sheet, spec, "proposed_status", status["status"], 2, max(last, 2))
    sheet.protection.sheet = True

    budget = _sheet(book, BUDGET_SHEET)
    lines = [(item.measure.number, line) for item in items for line in item.budget_lines.all()]
    lines.sort(key=lambda pair: (pair[0], pair[1].year, pair[1].nature, pair[1].stage))
    for number, (measure, line) in enumerate(lines, start=2):
        row = [measure, actor.slug, line.year, line.amount, line.nature, line.stage, line.qualifier]
        for index, value in enumerate(row, start=1):
            budget.cell(row=number, column=index, value=value)
    end = len(lines) + 1 + SPARE_ROWS
    for row in budget.iter_rows(min_row=2, max_row=end, max_col=len(BUDGET_SHEET.columns)):
        for cell in row:
            cell.protection = UNLOCKED
        row[3].number_format = "#,##0.00"
    measures = f"{quote_sheetname(spec.name)}!$A$2:$A${max(last, 2)}"
    _validation(budget, BUDGET_SHEET, "measure", measures, 2, end)
    years = ",".join(str(y) for y in range(round_.start.year, round_.end.year + 1))
    _validation(budget, BUDGET_SHEET, "year", f'"{years}"', 2, end)
    _validation(budget, BUDGET_SHEET, "nature", status["nature"], 2, end)
    _validation(budget, BUDGET_SHEET, "stage", status["stage"], 2, end)
    _validation(budget, BUDGET_SHEET, "qualifier", status["qualifier"], 2, end)
    budget.protection.sheet = True
    _milestones(book, items, actor, language)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _milestones(book: Workbook, items: list[Contribution], actor: Actor, language: str) -> None:
    """One row per milestone of the contributions' measures: the published dates locked, the
    pending proposal (if any) in the editable columns."""
    sheet = _sheet(book, MILESTONES_SHEET)
    proposals = {
        (update.contribution_id, update.milestone_id): update
        for item in items
        for update in item.milestone_updates.all()
        if not update.applied
    }
    by_measure = {item.measure_id: item for item in items}
    milestones = Milestone.objects.filter(measure_id__in=by_measure).order_by(
        "measure__number", "position", "baseline", "pk"
    )
    number = 1
    for number, milestone in enumerate(milestones, start=2):
        item = by_measure[milestone.measure_id]
        proposal = proposals.get((item.pk, milestone.pk))
        values = {
            "measure": item.measure.number,
            "actor": actor.slug,
            "milestone": milestone.pk,
            "key": milestone.key,
            "description": _text(translated(milestone, "description", language).text),
            "baseline": milestone.baseline,
            "forecast": milestone.forecast,
            "completed": milestone.completed,
            "new_forecast": proposal.forecast if proposal else None,
            "new_completed": proposal.completed if proposal else None,
            "reason": _text(proposal.reason) if proposal else None,
        }
        for index, column in enumerate(MILESTONES_SHEET.columns, start=1):
            cell = sheet.cell(row=number, column=index, value=values[column.name])
            if isinstance(cell.value, str):
                cell.data_type = "s"
            if column.kind == "date":
                cell.number_format = "DD/MM/YYYY"
            if column.name in EDITABLE:
                cell.protection = UNLOCKED
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.fill = LOCKED_FILL
    # The service's range of plausible dates, as the spreadsheet's day numbers.
    first, last = ((day - dt.date(1899, 12, 30)).days for day in (EARLIEST, LATEST))
    rule = DataValidation(type="date", operator="between", formula1=str(first), formula2=str(last))
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = _("Not a date")
    rule.error = _("Type a date: day/month/year, such as 31/12/2025.")
    for name in ("new_forecast", "new_completed"):
        letter = get_column_letter(MILESTONES_SHEET.names.index(name) + 1)
        rule.add(f"{letter}2:{letter}{max(number, 2)}")
    sheet.add_data_validation(rule)
    sheet.protection.sheet = True


def _sheet(book: Workbook, spec: Sheet) -> Worksheet:
    sheet = book.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.comment = Comment(str(column.help), "Planwatch", width=300, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in ("slug", "choice"):
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "B2"
    return sheet


def _list(book: Workbook, round_: Round) -> dict[str, str]:
    """The values the drop-downs offer, with their labels in the person's language."""
    sheet = book.create_sheet("lists")
    columns = {
        "status": round_.plan.status_choices(),
        "nature": BudgetLine.Nature.choices,
        "stage": BudgetLine.Stage.choices,
        "qualifier": Qualifier.choices,
    }
    ranges = {}
    for index, (name, choices) in enumerate(columns.items()):
        code_letter, label_letter = (
            get_column_letter(2 * index + 1),
            get_column_letter(2 * index + 2),
        )
        sheet[f"{code_letter}1"] = name
        sheet[f"{label_letter}1"] = _("meaning")
        for number, (code, label) in enumerate(choices, start=2):
            sheet[f"{code_letter}{number}"] = code
            sheet[f"{label_letter}{number}"] = str(label)
        sheet.column_dimensions[label_letter].width = 28
        ranges[name] = (
            f"{quote_sheetname('lists')}!${code_letter}$2:${code_letter}${len(choices) + 1}"
        )
    return ranges


def _validation(sheet: Worksheet, spec: Sheet, column: str, source: str, first: int, last: int):
    rule = DataValidation(type="list", formula1=source, allow_blank=True)
    rule.showErrorMessage = True
    rule.errorTitle = _("Not in the list")
    rule.error = _("Pick a value from the list.")
    letter = get_column_letter(spec.names.index(column) + 1)
    rule.add(f"{letter}{first}:{letter}{last}")
    sheet.add_data_validation(rule)


def _instructions(sheet: Worksheet, round_: Round, actor: Actor) -> None:
    sheet.title = "instructions"
    lines = [
        (
            _("%(actor)s: contributions to %(round)s")
            % {
                "actor": translated(actor, "name").text,
                "round": translated(round_, "name").text,
            },
            True,
        ),
        (
            _(
                "For each measure, pick the status you propose, write what was done and add "
                "evidence links (one per line: the address, a space, a label)."
            ),
            False,
        ),
        (
            _(
                "The grey columns (measure, actor, round, title, state) identify the "
                "contribution: they are locked, do not change them."
            ),
            False,
        ),
        (
            _(
                "The budget sheet holds your budget lines for the round's years: one row per "
                "line (measure, year, amount in euro such as 1.234,56, nature, stage). It "
                "replaces the contribution's lines; a contribution without rows has none."
            ),
            False,
        ),
        (
            _(
                "The milestones sheet lists the milestones of your measures: type a new forecast "
                "date or the completion date (day/month/year) and, when the forecast moves, the "
                "reason. The coordinator validates them with your contribution."
            ),
            False,
        ),
        (
            _(
                "Type values, not formulas. Then import the file on your contributions page, "
                "or: planwatch import round FILE --plan %(plan)s --round %(round)s."
            )
            % {"plan": round_.plan.slug, "round": round_.slug},
            False,
        ),
        (
            _(
                "Every row is checked before anything is saved: a file with any error changes "
                "nothing. Rows you did not change are left as they are; importing the same "
                "file twice changes nothing."
            ),
            False,
        ),
        (
            _("Contributions already submitted or validated cannot be changed by an import."),
            False,
        ),
    ]
    if round_.deadline:
        lines.append(
            (_("Deadline: %(date)s") % {"date": round_.deadline.strftime("%d/%m/%Y")}, True)
        )
    for number, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text)
        cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 110
