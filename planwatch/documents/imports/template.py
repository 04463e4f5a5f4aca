"""The plan workbook, filled with the plan as it stands: what ``planwatch template plan`` writes
and the coordinator downloads. Imported unchanged, it changes nothing: every value is written
from :func:`planwatch.documents.imports.snapshot.current_values`, the same function the import
compares with.

Sheets: instructions, plan, actors, tags, sections, measures, and a ``lists`` sheet holding the
values the drop-down lists offer (governments, kinds, statuses, tags, articles).
"""

import io
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from planwatch.actors.models import Actor, Government
from planwatch.lib.i18n import translated
from planwatch.plans.models import Plan, Provision, Status, Tag

from .sheets import ACTORS, MEASURES, PLAN, SECTIONS, SHEETS, TAGS, Sheet
from .snapshot import ISTANBUL, current_values, measure_values

SPARE_ROWS = 500  # rows below the data that still get the drop-down lists
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")


def plan_workbook(plan_slug: str, language: str | None = None) -> bytes:
    """The plan workbook as XLSX bytes. For a plan that does not exist yet, the workbook to
    create it: the plan sheet holds only the slug, the shared actors and tags are filled in."""
    plan = Plan.objects.filter(slug=plan_slug).select_related("coordinator").first()
    with translation.override(language or translation.get_language()):
        return _workbook(plan, plan_slug)


def _workbook(plan: Plan | None, plan_slug: str) -> bytes:
    book = Workbook()
    instructions = book.active
    instructions.title = "instructions"

    actors = list(Actor.objects.select_related("government").order_by("slug"))
    tags = list(Tag.objects.order_by("kind", "slug"))
    sections = (
        list(plan.sections.select_related("parent").order_by("order", "code")) if plan else []
    )
    plan_rows = [current_values(PLAN.name, plan)] if plan is not None else [{"slug": plan_slug}]
    content = {
        PLAN.name: plan_rows,
        ACTORS.name: [current_values(ACTORS.name, a) for a in actors],
        TAGS.name: [current_values(TAGS.name, t) for t in tags],
        SECTIONS.name: [current_values(SECTIONS.name, s) for s in sections],
        MEASURES.name: list(measure_values(plan).values()),
    }
    sheets = {spec.name: _data_sheet(book, spec, content[spec.name]) for spec in SHEETS}
    lists = _lists_sheet(book, tags)
    _validations(sheets, lists, content)
    _instructions(instructions, plan_slug)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return "; ".join(value) if value else None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _data_sheet(book: Workbook, spec: Sheet, rows: list[dict[str, Any]]) -> Worksheet:
    sheet = book.create_sheet(spec.name)
    for index, column in enumerate(spec.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.comment = Comment(str(column.help), "Planwatch", width=300, height=110)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in ("code", "slug", "list", "choice"):
            # Typed codes stay text: 1.4 must not become a number, 12 not a date.
            sheet.column_dimensions[letter].number_format = "@"
    for number, values in enumerate(rows, start=2):
        for index, column in enumerate(spec.columns, start=1):
            value = _cell_value(values.get(column.name))
            if value is None:
                continue
            cell = sheet.cell(row=number, column=index)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it starts with '='
                if column.kind != "text":
                    cell.number_format = "@"
            elif column.kind == "date":
                cell.number_format = "DD/MM/YYYY"
            if column.kind == "text" and column.max_length is None:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "B2"
    return sheet


def _lists_sheet(book: Workbook, tags: list[Tag]) -> dict[str, str]:
    """The lists drop-downs offer, one column each; returns list name → cell range."""
    sheet = book.create_sheet("lists")
    governments = list(Government.objects.order_by("order", "code"))
    articles = list(Provision.objects.filter(framework__slug=ISTANBUL).order_by("order"))
    columns = {
        "government": [g.code for g in governments],
        "government_name": [g.display_name for g in governments],
        "actor_kind": list(Actor.Kind.values),
        "actor_kind_name": [str(label) for label in Actor.Kind.labels],
        "tag_kind": list(Tag.Kind.values),
        "status": list(Status.values),
        "form": [t.slug for t in tags if t.kind == Tag.Kind.FORM],
        "group": [t.slug for t in tags if t.kind == Tag.Kind.GROUP],
        "article": [p.code for p in articles],
        "article_title": [translated(p, "title").text for p in articles],
    }
    ranges = {}
    for index, (name, values) in enumerate(columns.items(), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=name)
        header.font = Font(bold=True)
        header.fill = HEADER_FILL
        for number, value in enumerate(values, start=2):
            sheet.cell(row=number, column=index, value=value).data_type = "s"
        sheet.column_dimensions[letter].width = 40 if name.endswith(("_name", "_title")) else 18
        last = max(len(values) + 1, 2)
        ranges[name] = f"{quote_sheetname('lists')}!${letter}$2:${letter}${last}"
    sheet.freeze_panes = "A2"
    return ranges


def _validations(
    sheets: dict[str, Worksheet], lists: dict[str, str], content: dict[str, list]
) -> None:
    """Drop-down lists. A list that comes from a data sheet (section codes, actor slugs) reaches
    past its last row, so that rows a person adds are offered too."""

    def last_row(spec: Sheet) -> int:
        return max(len(content[spec.name]), 1) + 1 + SPARE_ROWS

    def column_range(spec: Sheet, column: str) -> str:
        letter = get_column_letter(spec.names.index(column) + 1)
        return f"{quote_sheetname(spec.name)}!${letter}$2:${letter}${last_row(spec)}"

    def add(spec: Sheet, column: str, source: str, strict: bool = True) -> None:
        # A formula in the file format has no leading '=' (Excel writes "lists!$A$2:$A$9").
        rule = DataValidation(type="list", formula1=source, allow_blank=True)
        rule.showErrorMessage = strict
        rule.errorTitle = _("Not in the list")
        rule.error = _("Pick a value from the list.")
        if not strict:
            rule.promptTitle = column
            rule.prompt = _("Pick one, or type several separated by ';'.")
            rule.showInputMessage = True
        letter = get_column_letter(spec.names.index(column) + 1)
        rule.add(f"{letter}2:{letter}{last_row(spec)}")
        sheets[spec.name].add_data_validation(rule)

    add(PLAN, "coordinator", column_range(ACTORS, "slug"))
    add(ACTORS, "kind", lists["actor_kind"])
    add(ACTORS, "government", lists["government"])
    add(TAGS, "kind", lists["tag_kind"])
    add(SECTIONS, "parent", column_range(SECTIONS, "code"))
    add(MEASURES, "section", column_range(SECTIONS, "code"))
    # Several values are allowed in these: the list helps pick one, typing more is accepted.
    add(MEASURES, "lead", column_range(ACTORS, "slug"), strict=False)
    add(MEASURES, "partners", column_range(ACTORS, "slug"), strict=False)
    add(MEASURES, "forms", lists["form"], strict=False)
    add(MEASURES, "groups", lists["group"], strict=False)
    add(MEASURES, "articles", lists["article"], strict=False)


def _instructions(sheet: Worksheet, plan_slug: str) -> None:
    lines = [
        (_("Plan workbook: %(slug)s") % {"slug": plan_slug}, True),
        (
            _(
                "Fill in or change the sheets plan, actors, tags, sections and measures, then "
                "import the file: planwatch import plan FILE --plan %(slug)s, or the import "
                "page of the plan."
            )
            % {"slug": plan_slug},
            False,
        ),
        (
            _(
                "The first row of each sheet names its columns: do not rename, remove or add "
                "columns. Hover over a column name to read what it holds."
            ),
            False,
        ),
        (
            _(
                "Rows are matched on their first column (slug, code or number): a new value "
                "creates a row, an existing one is updated. Rows you delete from the workbook "
                "are not deleted from the plan."
            ),
            False,
        ),
        (
            _(
                "Type values, not formulas. Several slugs go in one cell separated by ';'. "
                "Dates are day/month/year (31/12/2023)."
            ),
            False,
        ),
        (
            _(
                "Every row is checked before anything is saved: a file with any error changes "
                "nothing, and the error report lists each error by sheet, row and column."
            ),
            False,
        ),
        (_("The lists sheet shows the values the drop-down lists offer."), False),
        ("", False),
    ]
    for spec in SHEETS:
        lines.append((spec.name, True))
        lines.append((str(spec.help), False))
        lines.extend((f"{column.name}: {column.help}", False) for column in spec.columns)
        lines.append(("", False))
    for number, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=number, column=1, value=text or None)
        if text:
            cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=13 if number == 1 else 11)
    sheet.column_dimensions["A"].width = 110
