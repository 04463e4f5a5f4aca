"""The round import: an actor's round workbook (``round_template.py``), filled in offline, read
back into their contributions through ``reporting.services.save_contribution`` — the same rules,
permissions and history as the contribution form.

The file reading, cell conversion, Preview and error report are the plan import's; only the
sheets and the checks are the round's. Rows are matched on (measure, actor); a row whose content
equals the contribution's is left unchanged, so importing a file twice changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from planwatch.datasets.reader import LANGUAGES
from planwatch.lib.figures import Qualifier
from planwatch.reporting import permissions
from planwatch.reporting.models import BudgetLine, Contribution, Round
from planwatch.reporting.services import (
    BudgetInput,
    Conflict,
    ContributionInput,
    check_contribution,
    parse_evidence,
    save_contribution,
)

from .files import Progress, Table
from .parsing import Row, read_file, read_rows
from .preview import UNCHANGED, UPDATE, ImportRefused, Preview, RowChange, RowError, display
from .round_milestones import MILESTONES, MILESTONES_SHEET, MilestoneRows
from .sheets import Column, Sheet
from .values import ValueProblem, parse_decimal

CONTRIBUTIONS, BUDGET = "contributions", "budget"
INFORMATION = {"instructions", "lists"}
KEY_COLUMNS = (
    Column("measure", "int", _lazy("The measure's number. Do not change."), width=9),
    Column("actor", "slug", _lazy("The actor reporting. Do not change."), 80, 16),
    Column("round", "slug", _lazy("The reporting round. Do not change."), 80, 10),
)
# Shown to help the person; never imported.
INFO_COLUMNS = (
    Column("title", "text", _lazy("The measure's title (not imported)."), None, 40),
    Column("state", "text", _lazy("Where the contribution stands (not imported)."), None, 12),
)
STATUS = Column(
    "proposed_status", "choice", _lazy("The status you propose: pick it from the list."), 20, 16
)
EVIDENCE = Column(
    "evidence",
    "text",
    _lazy("Evidence links, one per line: the address, then optionally a space and a label."),
    5000,
    40,
)
NARRATIVE_HELP = _lazy("What was done in the round (Markdown). At least one language to submit.")
BUDGET_SHEET = Sheet(
    BUDGET,
    "measure",
    _lazy(
        "Budget lines, one per row: every line of a contribution (the sheet replaces them). "
        "Leave the sheet out to keep the budget lines as they are."
    ),
    (
        Column("measure", "int", _lazy("The measure's number."), width=9),
        Column(
            "actor",
            "slug",
            _lazy("The actor; may stay empty when the workbook holds one actor."),
            80,
            16,
        ),
        Column("year", "int", _lazy("The year, within the round's period."), width=8),
        Column("amount", "amount", _lazy("Amount in euro: 1234,56 or 1.234,56."), 40, 14),
        Column("nature", "choice", _lazy("specific or broader: pick it from the list."), 10, 12),
        Column("stage", "choice", _lazy("allocated or spent: pick it from the list."), 10, 12),
        Column(
            "qualifier",
            "choice",
            _lazy("How exact the amount is (more_than: a lower bound); empty is exact."),
            12,
            12,
        ),
    ),
)


def contributions_sheet(languages: list[str], info: bool = True) -> Sheet:
    return Sheet(
        CONTRIBUTIONS,
        "measure",
        _lazy("One row per contribution of the actor to the round."),
        (
            *KEY_COLUMNS,
            *(INFO_COLUMNS if info else ()),
            STATUS,
            *(
                Column(f"narrative_{lang}", "text", NARRATIVE_HELP, 20_000, 60)
                for lang in languages
            ),
            EVIDENCE,
        ),
    )


@dataclass
class Planned:
    contribution_id: int
    version: int
    data: ContributionInput
    sheet: str
    row: int
    cell: str = ""  # of the row's measure, where an error found on applying it is reported


@dataclass
class RoundData:
    round_id: int
    submit: bool
    planned: list[Planned] = field(default_factory=list)


def preview_round_import(
    file: Any,
    round_: Round,
    user: Any,
    *,
    submit: bool = False,
    progress: Progress | None = None,
) -> Preview:
    """Read and check an actor's round workbook (XLSX or CSV) for ``round_``, as ``user`` would
    import it; ``submit`` submits the changed contributions instead of saving drafts. Writes
    nothing."""
    preview = Preview(kind="round", target=f"{round_.plan.slug}/{round_.slug}")
    tables = read_file(preview, file, progress)
    if tables is None:
        return preview
    found = _sheets(tables, preview.errors)
    if preview.errors:
        return preview
    table = found[CONTRIBUTIONS]
    header = {str(v).strip().lower() for v in table.header if isinstance(v, str)}
    languages = [lang for lang in LANGUAGES if f"narrative_{lang}" in header]
    info = any(c.name in header for c in INFO_COLUMNS)
    rows = read_rows(contributions_sheet(languages or ["en"], info), table, preview.errors)
    budget_rows = read_rows(BUDGET_SHEET, found[BUDGET], preview.errors) if BUDGET in found else []
    dates = (
        read_rows(MILESTONES_SHEET, found[MILESTONES], preview.errors)
        if MILESTONES in found
        else []
    )
    if rows is None or budget_rows is None or dates is None:
        return preview
    check = RoundCheck(round_, user, submit, languages, preview.errors)
    check.run(
        rows, budget_rows if BUDGET in found else None, dates if MILESTONES in found else None
    )
    preview.rows = check.changes
    preview.data = RoundData(round_.pk, submit, check.planned)
    return preview


def _sheets(tables: list[Table], errors: list[RowError]) -> dict[str, Table]:
    found: dict[str, Table] = {}
    for table in tables:
        header = {str(v).strip().lower() for v in table.header if isinstance(v, str)}
        if table.is_csv:
            name = CONTRIBUTIONS if "proposed_status" in header else BUDGET
            name = name if {"measure", "amount"} & header else ""
        else:
            name = str(table.name).strip().lower()
            if name in INFORMATION or (not table.header and not table.rows):
                continue
        if name not in (CONTRIBUTIONS, BUDGET, MILESTONES):
            errors.append(
                RowError(
                    table.name,
                    None,
                    "",
                    "",
                    _("Unknown sheet %(name)r. The sheets of a round workbook are %(names)s.")
                    % {"name": table.name, "names": f"{CONTRIBUTIONS}, {BUDGET}, {MILESTONES}"},
                )
            )
        elif name in found:
            errors.append(
                RowError(table.name, None, "", "", _("The sheet appears twice in the file."))
            )
        else:
            found[name] = table
    if not errors and CONTRIBUTIONS not in found:
        errors.append(
            RowError(
                "",
                None,
                "",
                "",
                _("The file has no contributions sheet: import the workbook Planwatch wrote."),
            )
        )
    return found


class RoundCheck:
    def __init__(self, round_: Round, user: Any, submit: bool, languages: list[str], errors):
        self.round = round_
        self.user = user
        self.submit = submit
        self.languages = languages
        self.errors: list[RowError] = errors
        self.changes: list[RowChange] = []
        self.planned: list[Planned] = []
        self.items = {
            (c.measure.number, c.actor.slug): c
            for c in Contribution.objects.filter(round=round_)
            .select_related("measure", "actor", "round__plan")
            .prefetch_related("evidence", "budget_lines")
        }
        self.numbers = set(round_.plan.measures.values_list("number", flat=True))

    def error(self, row: Row, column: str, message: str, value: Any = None) -> None:
        shown = display(row.raw.get(column)) if value is None else display(value)
        self.errors.append(
            RowError(row.label, row.number, column, shown, message, row.cell(column))
        )

    def run(
        self, rows: list[Row], budget_rows: list[Row] | None, dates: list[Row] | None = None
    ) -> None:
        matched: dict[tuple, tuple[Row, Contribution]] = {}
        for row in rows:
            key = self.contribution_of(row)
            if key is None:
                continue
            if key in matched:
                self.error(row, "measure", _("This contribution appears twice in the sheet."))
                continue
            matched[key] = (row, self.items[key])
        # Keys of every row, refused or not: a budget row of a refused row is not refused again.
        self.keys = {(row.values.get("measure"), row.values.get("actor")) for row in rows}
        budgets = self.budgets(budget_rows, matched) if budget_rows is not None else None
        self.dates = MilestoneRows(self, dates, matched) if dates is not None else None
        for key, (row, item) in matched.items():
            self.check_row(row, item, None if budgets is None else budgets.get(key, []))

    def contribution_of(self, row: Row) -> tuple | None:
        values = row.values
        if any(name not in values for name in ("measure", "actor", "round")):
            return None  # its error is already recorded
        number, actor, round_slug = values["measure"], values["actor"], values["round"]
        if number is None or actor is None:
            self.error(row, "measure" if number is None else "actor", _("This key is required."))
            return None
        if round_slug != self.round.slug:
            self.error(
                row,
                "round",
                _("This row belongs to the round %(other)r, not to %(round)r.")
                % {"other": round_slug or "", "round": self.round.slug},
            )
            return None
        if number not in self.numbers:
            self.error(row, "measure", _("The plan has no measure with this number."))
            return None
        item = self.items.get((number, actor))
        if item is None:
            self.error(
                row,
                "actor",
                _("The actor %(actor)r has no contribution to measure %(number)s in this round.")
                % {"actor": actor, "number": number},
            )
            return None
        if not permissions.can_see_contribution(self.user, item):
            self.error(
                row,
                "actor",
                _("You may not import the contributions of %(actor)r.") % {"actor": actor},
            )
            return None
        return (number, actor)

    def budgets(self, rows: list[Row], matched: dict) -> dict[tuple, list[BudgetInput]]:
        actors = {key[1] for key in self.keys if key[1]}
        lines: dict[tuple, list[BudgetInput]] = defaultdict(list)
        for row in rows:
            values = row.values
            if not any(v is not None for v in row.raw.values()):
                continue
            actor = values.get("actor") or (next(iter(actors)) if len(actors) == 1 else None)
            if "actor" in values and actor is None:
                self.error(row, "actor", _("Name the actor: the workbook holds several."))
                continue
            key = (values.get("measure"), actor)
            if key in self.keys and key not in matched:
                continue  # the contributions row is refused; its error says why
            if "measure" in values and key not in matched:
                self.error(
                    row,
                    "measure",
                    _("No row of the contributions sheet for this measure and actor."),
                )
                continue
            line = self.budget_line(row, matched.get(key, (None, None))[1])
            if line is not None and key in matched:
                lines[key].append(line)
        return lines

    def budget_line(self, row: Row, item: Contribution | None) -> BudgetInput | None:
        values, ok = row.values, True
        for name in ("year", "amount", "nature", "stage"):
            if name in values and values[name] is None:
                self.error(row, name, _("This value is required."))
                ok = False
        amount = None
        if values.get("amount") is not None:
            try:
                amount = parse_decimal(row.raw["amount"])
            except ValueProblem as exc:
                self.error(row, "amount", exc.message)
                ok = False
            else:
                if amount != amount.quantize(Decimal("0.01")):
                    self.error(row, "amount", _("At most two decimals (cents)."))
                    ok = False
        named = (
            ("nature", BudgetLine.Nature),
            ("stage", BudgetLine.Stage),
            ("qualifier", Qualifier),
        )
        for name, choices in named:
            if values.get(name) is not None and values[name] not in choices.values:
                self.error(
                    row,
                    name,
                    _("Pick one of %(values)s.") % {"values": ", ".join(choices.values)},
                )
                ok = False
        if not ok or item is None or any(n not in values for n in ("year", "nature", "stage")):
            return None
        qualifier = values.get("qualifier") or Qualifier.EXACT
        line = BudgetInput(values["year"], amount, values["nature"], values["stage"], qualifier)
        try:  # the service's own rules for a budget line (year, amount, the actor's government)
            check_contribution(item, ContributionInput("", {}, budget=[line]), submit=False)
        except ValidationError as exc:
            for message in exc.message_dict.get("budget", []):
                shown = (("year", line.year), ("amount", line.amount))
                column = next((name for name, value in shown if str(value) in message), "actor")
                self.error(row, column, message)
            return None
        return line

    def evidence(self, row: Row) -> list[tuple[str, str]] | None:
        try:
            return parse_evidence(row.values.get("evidence") or "")
        except ValidationError as exc:
            self.error(row, "evidence", exc.messages[0])
            return None

    def check_row(self, row: Row, item: Contribution, budget: list[BudgetInput] | None) -> None:
        values = row.values
        before = len(self.errors)
        status = values.get("proposed_status") or ""  # the service checks it below
        evidence = self.evidence(row)
        saved = ContributionInput.of(item)
        narrative = dict(saved.narrative)
        narrative.update({lang: values.get(f"narrative_{lang}") or "" for lang in self.languages})
        data = ContributionInput(
            status, narrative, evidence or [], saved.budget if budget is None else budget
        )
        key = (item.measure.number, item.actor.slug)
        if self.dates is not None:
            if key in self.dates.failed:
                return  # the milestones sheet's errors say why
            data.milestones = self.dates.inputs(key, item)
        if len(self.errors) > before or any(c not in values for c in row.sheet.names):
            return
        current, wanted = saved.plain(), data.plain()
        changed = [name for name in wanted if wanted[name] != current[name]]
        moved, date_rows = (None, [])
        if data.milestones is not None:
            moved, date_rows = self.dates.changes(key, item, data.milestones)
            data.milestones = data.milestones if moved else None  # unchanged: left as they are
        resubmit = self.submit and item.state in (
            Contribution.State.DRAFT,
            Contribution.State.RETURNED,
        )
        if not changed and not resubmit and moved is None:
            self.changes.append(RowChange(row.label, row.number, self.key(item), UNCHANGED))
            self.changes.extend(date_rows)
            return
        if not permissions.can_import_contribution(self.user, item):
            self.error(
                row,
                "measure",
                _("This contribution is %(state)s and cannot be changed now.")
                % {"state": item.get_state_display()},
                value=item.measure.number,
            )
            return
        try:
            check_contribution(item, data, submit=self.submit)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = {
                    "narrative": f"narrative_{(self.languages or ['en'])[0]}",
                    "budget": "measure",
                }.get(name, name)
                for message in messages:
                    self.error(row, column, message)
            return
        state = Contribution.State.SUBMITTED if self.submit else Contribution.State.DRAFT
        changes = tuple((name, _shown(current[name]), _shown(wanted[name])) for name in changed) + (
            (("state", item.state, state),) if item.state != state else ()
        )
        changes += (moved,) if moved else ()
        self.changes.append(RowChange(row.label, row.number, self.key(item), UPDATE, changes))
        self.changes.extend(date_rows)
        self.planned.append(
            Planned(item.pk, item.version, data, row.label, row.number, row.cell("measure"))
        )

    @staticmethod
    def key(item: Contribution) -> str:
        return f"{item.measure.number} {item.actor.slug}"


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(value)
    return display(value)


def apply_round_import(preview: Preview, user: Any, progress: Progress | None = None) -> int:
    """Save the previewed contributions through the service, in one transaction; any refusal
    (someone saved a contribution since the preview, a right withdrawn) writes nothing and
    raises :class:`ImportRefused`. Returns how many contributions were saved."""
    if preview.kind != "round":
        raise ValueError("not a round import preview")
    if not preview.ok or not isinstance(preview.data, RoundData):
        raise ImportRefused(preview.errors)
    data: RoundData = preview.data
    errors: list[RowError] = []
    with transaction.atomic():
        for done, planned in enumerate(data.planned, start=1):
            item = Contribution.objects.select_related("round__plan", "actor", "measure").get(
                pk=planned.contribution_id
            )
            try:
                save_contribution(
                    item,
                    planned.data,
                    user=user,
                    version=planned.version,
                    submit=data.submit,
                    imported=True,
                )
            except Conflict:
                message = _("Someone saved this contribution since the preview; preview again.")
            except PermissionDenied:
                message = _("You may not change this contribution now.")
            except ValidationError as exc:
                message = "; ".join(exc.messages)
            else:
                message = ""
            if message:
                errors.append(
                    RowError(planned.sheet, planned.row, "measure", "", message, planned.cell)
                )
            if progress:
                progress("apply", done, len(data.planned))
        if errors:
            raise ImportRefused(errors)  # leaving the block rolls every save back
    return len(data.planned)
