"""The plan import, checking half: a workbook of the plan, its sections, actors, tags and
measures, compared with the database row by row.

:func:`preview_plan_import` reads and checks the file and says what applying it would do;
nothing is written. Everything is compared in the workbook's own terms (codes, slugs, numbers,
one value per column): see ``snapshot.py``.

Rows are never deleted: a measure, section, actor or tag missing from the workbook stays as it is.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from planwatch.actors.models import Actor
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.intake import (
    ActorRow,
    Known,
    MeasureRow,
    PlanRow,
    PlanRules,
    SectionRow,
    TagRow,
)
from planwatch.plans.models import Section

from .files import Progress
from .parsing import Row, read_file, read_rows, sheet_tables
from .preview import CREATE, UNCHANGED, UPDATE, Preview, RowChange, RowError, display
from .sheets import ACTORS, MEASURES, PLAN, SECTIONS, SHEETS, TAGS
from .snapshot import Database, article_order, current_values, normal


@dataclass
class PlanData:
    """The rows of a plan workbook, converted: what apply needs, free of the file."""

    plan_slug: str
    rows: dict[str, list[Row]] = field(default_factory=dict)  # sheet name → rows


@dataclass
class Planned:
    """One row checked against the database: what it becomes, in column terms."""

    row: Row
    key: Any
    action: str
    wanted: dict[str, Any]  # column → value, for every column that could be read
    current: dict[str, Any]  # column → value in the database (empty for a new row)
    changed: tuple[str, ...]  # the columns that change, in the sheet's order


def preview_plan_import(file: Any, plan_slug: str, progress: Progress | None = None) -> Preview:
    """Read and check a plan workbook (XLSX or CSV; a path, bytes or an uploaded file) for the
    plan ``plan_slug``; write nothing."""
    preview = Preview(kind="plan", target=plan_slug)
    tables = read_file(preview, file, progress)
    if tables is None:
        return preview
    data = PlanData(plan_slug)
    readable = True
    for name, table in sheet_tables(tables, preview.errors).items():
        rows = read_rows(next(s for s in SHEETS if s.name == name), table, preview.errors)
        if rows is None:
            readable = False
        else:
            data.rows[name] = rows
    if not readable or not data.rows:
        # Wrong sheets or columns: every row would be misread, so none is checked.
        return preview
    preview.data = data
    planned, errors = check_plan(data, progress)
    preview.errors.extend(errors)
    preview.rows = row_changes(planned)
    preview.fingerprint = fingerprint(planned)
    return preview


def row_changes(planned: list["Planned"]) -> list[RowChange]:
    """What a person reads in the preview: for an update the changed columns with their current
    and new values, for a new row its filled columns."""
    return [
        RowChange(
            p.row.label,
            p.row.number,
            str(p.key),
            p.action,
            tuple(
                (column, display(p.current.get(column)), display(p.wanted[column]))
                for column in p.changed
                if p.action == UPDATE or p.wanted[column] not in (None, ())
            ),
        )
        for p in planned
    ]


def fingerprint(planned: list["Planned"]) -> str:
    """Every change a check plans, with the full current and new values: equal fingerprints
    mean applying does exactly what the preview showed."""
    changes = [
        (p.row.sheet.name, p.key, p.action, [(c, p.current.get(c), p.wanted[c]) for c in p.changed])
        for p in planned
        if p.action != UNCHANGED
    ]
    return hashlib.sha256(repr(changes).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Checking


class PlanCheck:
    """The workbook door of the intake: each sheet's rows become the plain rows of
    ``plans.intake``, checked by :class:`PlanRules` against the database overlaid by the
    workbook; what each row would change is planned here."""

    def __init__(self, data: PlanData, progress: Progress | None = None):
        self.data = data
        self.db = Database(data.plan_slug)
        self.errors: list[RowError] = []
        self.planned: list[Planned] = []
        self.progress = progress
        self.total = sum(len(rows) for rows in data.rows.values())
        self.rules = PlanRules(
            Known(
                actors=self.db.actors,
                governments=self.db.governments,
                tags={slug: tag.kind for slug, tag in self.db.tags.items()},
                articles=self.db.articles,
                section_parents={
                    code: (s.parent.code if s.parent_id else None)
                    for code, s in self.db.sections.items()
                },
                section_pillars={code: s.pillar for code, s in self.db.sections.items()},
            )
        )

    def rows(self, sheet: str) -> list[Row]:
        return self.data.rows.get(sheet, [])

    def error(self, row: Row, column: str, message: str) -> None:
        row.error(self.errors, column, message)

    def keyed(self, sheet: str, column: str, what: str, plain: Callable[[Row], Any]) -> list[Any]:
        """The sheet's rows as plain rows, each key once: a missing key is an error here, a
        repeated one the rules' (``PlanRules.unique``)."""
        rows = []
        for row in self.rows(sheet):
            if row.values.get(column) is None:
                if column in row.values:
                    self.error(row, column, _("The %(what)s is missing.") % {"what": what})
                continue
            rows.append(plain(row))
        return self.rules.unique(rows, column, what.capitalize())

    def needs_text(self, row: Row, field_name: str) -> None:
        columns = [f"{field_name}_{lang}" for lang in LANGUAGES]
        if all(row.values.get(c) is None for c in columns) and all(
            c in row.values for c in columns
        ):
            self.error(
                row,
                columns[0],
                _("Give the %(field)s in at least one language.") % {"field": field_name},
            )

    def plan_row(self, row: Row, obj: Any, key: Any, wanted: dict[str, Any]) -> None:
        """``obj`` is the database row, or its values in the workbook's terms (measures)."""
        if obj is None:
            current: dict[str, Any] = {}
        else:
            current = obj if isinstance(obj, dict) else current_values(row.sheet.name, obj)
        changed = tuple(
            c
            for c in row.sheet.names
            if c in wanted and (obj is None or normal(wanted[c]) != normal(current.get(c)))
        )
        action = CREATE if obj is None else UPDATE if changed else UNCHANGED
        self.planned.append(Planned(row, key, action, wanted, current, changed))
        if self.progress and len(self.planned) % 200 == 0:
            self.progress("check", len(self.planned), self.total)

    # -- sheets -----------------------------------------------------------------------------

    def check_plan_sheet(self) -> None:
        rows = self.rows(PLAN.name)
        if len(rows) > 1:
            for row in rows[1:]:
                self.error(row, "slug", _("The plan sheet holds one row only."))
        if not rows:
            if self.db.plan is None:
                self.errors.append(
                    RowError(
                        "",
                        None,
                        "",
                        self.data.plan_slug,
                        _(
                            "There is no plan %(slug)r. To create it, the file needs a 'plan' "
                            "sheet (planwatch template plan --plan %(slug)s --blank writes one)."
                        )
                        % {"slug": self.data.plan_slug},
                    )
                )
            else:
                self.rules.numbering = self.db.plan
            return
        row = rows[0]
        values = row.values
        if values.get("slug") not in (None, self.data.plan_slug) and "slug" in values:
            self.error(
                row,
                "slug",
                _("This workbook is for the plan %(theirs)r, not %(ours)r.")
                % {"theirs": values["slug"], "ours": self.data.plan_slug},
            )
        try:
            validate_slug(self.data.plan_slug)
        except ValidationError:
            self.error(row, "slug", _("The plan's slug may hold letters, digits and '-' only."))
        self.needs_text(row, "title")
        for column in ("start", "end"):
            if column in values and values[column] is None:
                self.error(row, column, _("A date is needed here."))
        statuses = tuple(values.get("statuses") or ())
        wanted = {
            **values,
            "slug": self.data.plan_slug,
            "declared_measures": values.get("declared_measures") or 0,
            "statuses": statuses,
        }
        self.rules.plan(
            PlanRow(
                row,
                self.data.plan_slug,
                statuses,
                wanted["declared_measures"],
                values.get("coordinator"),
                values.get("start"),
                values.get("end"),
            )
        )
        self.plan_row(row, self.db.plan, self.data.plan_slug, wanted)

    def check_actors(self) -> None:
        rows = self.keyed(
            ACTORS.name,
            "slug",
            _("actor"),
            lambda r: ActorRow(
                r, r.values["slug"], r.values.get("kind"), r.values.get("government")
            ),
        )
        self.rules.actors_known(rows)
        for actor in rows:
            row = actor.source
            self.needs_text(row, "name")
            self.rules.actor(actor)
            kind = actor.kind or Actor.Kind.OTHER
            self.plan_row(
                row, self.db.actors.get(actor.slug), actor.slug, {**row.values, "kind": kind}
            )

    def check_tags(self) -> None:
        rows = self.keyed(
            TAGS.name, "slug", _("tag"), lambda r: TagRow(r, r.values["slug"], r.values.get("kind"))
        )
        for tag in rows:
            row = tag.source
            self.needs_text(row, "name")
            if "kind" in row.values:  # else the cell's own error says what is wrong
                self.rules.tag(tag)
            else:
                self.rules.tags[tag.slug] = None
            self.plan_row(row, self.db.tags.get(tag.slug), tag.slug, row.values)

    def check_sections(self) -> None:
        rows = self.keyed(
            SECTIONS.name,
            "code",
            _("section"),
            lambda r: SectionRow(
                r,
                r.values["code"],
                r.values.get("parent"),
                r.values.get("pillar"),
                "pillar" in r.values,
            ),
        )
        sheet = {section.code: section.source for section in rows}
        pillars = self.rules.sections(rows)
        orders = [s.order for s in self.db.sections.values()]
        orders += [r.values["order"] for r in sheet.values() if r.values.get("order") is not None]
        next_order = max(orders, default=0) + 1
        for code, row in sheet.items():
            self.needs_text(row, "title")
            existing = self.db.sections.get(code)
            order = row.values.get("order")
            if order is None:
                if existing is not None:
                    order = existing.order
                else:
                    order, next_order = next_order, next_order + 1
            wanted = {**row.values, "pillar": pillars[code], "order": order}
            self.plan_row(row, existing, code, wanted)
        parents, all_pillars = self.rules.parents, self.rules.pillars
        for code, section in self.db.sections.items():
            root = Section.root_of(code, parents)
            if code in sheet or root not in sheet:
                continue
            if Section.pillar_of(code, parents, all_pillars) not in (None, section.pillar):
                self.error(
                    sheet[root],
                    "pillar",
                    _(
                        "Section %(code)s, which is not in this file, belongs to this pillar "
                        "and has pillar number %(pillar)s: add it with the new number."
                    )
                    % {"code": code, "pillar": section.pillar},
                )

    def check_measures(self) -> None:
        rows = self.keyed(MEASURES.name, "number", _("measure"), self.measure_row)
        for measure in rows:
            row, values = measure.source, measure.source.values
            self.rules.measure(measure)
            self.needs_text(row, "title")
            wanted = {
                **values,
                "lead": measure.lead,
                "partners": measure.partners,
                "forms": tuple(sorted(set(measure.forms))),
                "groups": tuple(sorted(set(measure.groups))),
                "articles": tuple(sorted(set(measure.articles), key=article_order)),
            }
            number = measure.number
            self.plan_row(row, self.db.measures.get(number), number, wanted)

    @staticmethod
    def measure_row(row: Row) -> MeasureRow:
        values = row.values
        return MeasureRow(
            row,
            values["number"],
            values.get("section", ""),  # a section that could not be read: its own error
            tuple(values.get("lead") or ()),
            tuple(values.get("partners") or ()),
            tuple(values.get("forms") or ()),
            tuple(values.get("groups") or ()),
            tuple(values.get("articles") or ()),
        )

    def run(self) -> None:
        self.check_actors()
        self.check_plan_sheet()
        self.check_tags()
        self.check_sections()
        self.check_measures()
        for finding in self.rules.findings:
            self.error(finding.source, finding.column, finding.message)
        order = {sheet.name: index for index, sheet in enumerate(SHEETS)}
        self.planned.sort(key=lambda p: (order[p.row.sheet.name], p.row.number))


def check_plan(
    data: PlanData, progress: Progress | None = None
) -> tuple[list[Planned], list[RowError]]:
    """Every row of ``data`` against the database as it is now: what each would become, and
    every error."""
    check = PlanCheck(data, progress)
    check.run()
    if progress:
        progress("check", check.total, check.total)
    # Errors in the order of the sheets, then of the rows (the file's own errors first).
    sheet_order = {
        rows[0].label: SHEETS.index(rows[0].sheet) for rows in data.rows.values() if rows
    }
    check.errors.sort(key=lambda e: (sheet_order.get(e.sheet, -1), e.row or 0))
    return check.planned, check.errors
