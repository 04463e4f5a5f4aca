"""The plan import, checking half: a workbook of the plan, its sections, actors, tags and
measures, compared with the database row by row.

:func:`preview_plan_import` reads and checks the file and says what applying it would do;
nothing is written. Everything is compared in the workbook's own terms (codes, slugs, numbers,
one value per column): see ``snapshot.py``.

Rows are never deleted: a measure, section, actor or tag missing from the workbook stays as it is.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from planwatch.actors.models import Actor
from planwatch.datasets.reader import LANGUAGES
from planwatch.plans.models import MeasureActor, Plan, Section, Tag

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
    def __init__(self, data: PlanData, progress: Progress | None = None):
        self.data = data
        self.db = Database(data.plan_slug)
        self.errors: list[RowError] = []
        self.planned: list[Planned] = []
        self.progress = progress
        self.total = sum(len(rows) for rows in data.rows.values())

    def rows(self, sheet: str) -> list[Row]:
        return self.data.rows.get(sheet, [])

    def error(self, row: Row, column: str, message: str) -> None:
        row.error(self.errors, column, message)

    def unique(self, sheet: str, column: str, what: str) -> list[Row]:
        """The rows with a key, each key once; a repeated key is an error on the later row."""
        seen: dict[Any, Row] = {}
        for row in self.rows(sheet):
            key = row.values.get(column)
            if key is None:
                if column in row.values:
                    self.error(row, column, _("The %(what)s is missing.") % {"what": what})
                continue
            if key in seen:
                self.error(
                    row,
                    column,
                    _("%(what)s %(key)s is already on row %(row)s.")
                    % {"what": what.capitalize(), "key": key, "row": seen[key].number},
                )
                continue
            seen[key] = row
        return list(seen.values())

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
        if values.get("start") and values.get("end") and values["end"] < values["start"]:
            self.error(row, "end", _("The plan ends before it starts."))
        statuses = values.get("statuses") or ()
        for message in Plan(statuses=list(statuses)).status_problems():
            self.error(row, "statuses", message)
        coordinator = values.get("coordinator")
        if coordinator and coordinator not in self.actor_slugs:
            self.error(row, "coordinator", _("Unknown actor %(slug)r.") % {"slug": coordinator})
        wanted = {
            **values,
            "slug": self.data.plan_slug,
            "declared_measures": values.get("declared_measures") or 0,
            "statuses": tuple(statuses),
        }
        self.plan_row(row, self.db.plan, self.data.plan_slug, wanted)

    def check_actors(self) -> None:
        for row in self.unique(ACTORS.name, "slug", _("actor")):
            values = row.values
            self.needs_text(row, "name")
            kind = values.get("kind") or Actor.Kind.OTHER
            if kind not in Actor.Kind.values:
                self.error(
                    row,
                    "kind",
                    _("Unknown kind; known: %(known)s.") % {"known": ", ".join(Actor.Kind.values)},
                )
            government = values.get("government")
            if government and government not in self.db.governments:
                self.error(
                    row,
                    "government",
                    _("Unknown government; known: %(known)s.")
                    % {"known": ", ".join(sorted(self.db.governments))},
                )
            slug = values["slug"]
            self.plan_row(row, self.db.actors.get(slug), slug, {**values, "kind": kind})

    def check_tags(self) -> None:
        for row in self.unique(TAGS.name, "slug", _("tag")):
            values = row.values
            self.needs_text(row, "name")
            if "kind" in values and values["kind"] not in Tag.Kind.values:
                self.error(
                    row,
                    "kind",
                    _("The kind is 'form' (form of violence) or 'group' (target group)."),
                )
            self.plan_row(row, self.db.tags.get(values["slug"]), values["slug"], values)

    def check_sections(self) -> None:
        rows = self.unique(SECTIONS.name, "code", _("section"))
        sheet = {row.values["code"]: row for row in rows}
        # Code → parent code as it will be: the database, overlaid by the workbook.
        parents = {
            code: (s.parent.code if s.parent_id else None) for code, s in self.db.sections.items()
        }
        parents.update({code: row.values.get("parent") for code, row in sheet.items()})

        pillars = {code: s.pillar for code, s in self.db.sections.items()}
        pillars.update({code: row.values.get("pillar") for code, row in sheet.items()})

        def root(code: str) -> str | None:
            return Section.root_of(code, parents)

        def pillar_of(code: str) -> int | None:
            return Section.pillar_of(code, parents, pillars)

        orders = [s.order for s in self.db.sections.values()]
        orders += [r.values["order"] for r in rows if r.values.get("order") is not None]
        next_order = max(orders, default=0) + 1
        for code, row in sheet.items():
            values = row.values
            self.needs_text(row, "title")
            parent = values.get("parent")
            pillar = pillar_of(code)
            if parent is None:
                if "pillar" in values and values["pillar"] is None:
                    self.error(
                        row,
                        "pillar",
                        _("A pillar (a section without parent) needs its pillar number."),
                    )
            elif problem := Section.parent_problem(code, parents):
                self.error(row, "parent", problem)
            elif values.get("pillar") not in (None, pillar) and pillar is not None:
                self.error(
                    row,
                    "pillar",
                    _("Its pillar %(parent)s has pillar number %(pillar)s.")
                    % {"parent": root(code), "pillar": pillar},
                )
            existing = self.db.sections.get(code)
            order = values.get("order")
            if order is None:
                if existing is not None:
                    order = existing.order
                else:
                    order, next_order = next_order, next_order + 1
            self.plan_row(row, existing, code, {**values, "pillar": pillar, "order": order})
        for code, section in self.db.sections.items():
            if code in sheet or root(code) not in sheet:
                continue
            if pillar_of(code) not in (None, section.pillar):
                self.error(
                    sheet[root(code)],
                    "pillar",
                    _(
                        "Section %(code)s, which is not in this file, belongs to this pillar "
                        "and has pillar number %(pillar)s: add it with the new number."
                    )
                    % {"code": code, "pillar": section.pillar},
                )
        self.section_codes = set(parents)

    def check_measures(self) -> None:
        declared = self.db.plan.declared_measures if self.db.plan else 0
        plan_rows = [p for p in self.planned if p.row.sheet is PLAN]
        if plan_rows:
            declared = plan_rows[0].wanted["declared_measures"]
        tag_kinds = {slug: tag.kind for slug, tag in self.db.tags.items()}
        tag_kinds.update(
            {
                r.values["slug"]: r.values.get("kind")
                for r in self.rows(TAGS.name)
                if r.values.get("slug")
            }
        )
        numbering = Plan(declared_measures=declared)  # once: a model instance costs time
        for row in self.unique(MEASURES.name, "number", _("measure")):
            values = row.values
            number = values["number"]
            if problem := numbering.number_problem(number):
                self.error(row, "number", problem)
            section = values.get("section")
            if "section" in values:
                if section is None:
                    self.error(row, "section", _("Every measure belongs to a section."))
                elif section not in self.section_codes:
                    self.error(row, "section", _("Unknown section %(code)r.") % {"code": section})
            self.needs_text(row, "title")
            lead, partners = values.get("lead") or (), values.get("partners") or ()
            for column, message in MeasureActor.problems(
                list(lead), list(partners), self.actor_slugs
            ):
                self.error(row, column, message)
            for kind, column in Tag.COLUMNS.items():
                for slug in values.get(column) or ():
                    if problem := Tag.kind_problem(slug, kind, tag_kinds):
                        self.error(row, column, problem)
            for code in values.get("articles") or ():
                if code not in self.db.articles:
                    self.error(
                        row,
                        "articles",
                        _("Unknown Istanbul Convention article %(code)r.") % {"code": code},
                    )
            wanted = {
                **values,
                "lead": tuple(lead),
                "partners": tuple(partners),
                "forms": tuple(sorted(set(values.get("forms") or ()))),
                "groups": tuple(sorted(set(values.get("groups") or ()))),
                "articles": tuple(sorted(set(values.get("articles") or ()), key=article_order)),
            }
            self.plan_row(row, self.db.measures.get(number), number, wanted)

    def run(self) -> None:
        self.actor_slugs = set(self.db.actors) | {
            r.values["slug"] for r in self.rows(ACTORS.name) if r.values.get("slug")
        }
        self.check_actors()
        self.check_plan_sheet()
        self.check_tags()
        self.check_sections()
        self.check_measures()
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
