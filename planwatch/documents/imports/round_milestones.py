"""The milestones sheet of a round workbook: one row per milestone of the actor's measures, with
the published dates as context and the focal point's new forecast, completion date and reason.

Each row is checked by the contribution service itself (``reporting.services.check_contribution``
with the milestones' registered part), one row at a time, so its messages land on the row's cell;
the import only finds the row's contribution and tells a change from a repeated value. Applied,
the dates become the contribution's proposals, public once the coordinator validates it, exactly
as when typed in the form.
"""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from planwatch.milestones.models import Milestone
from planwatch.milestones.services import MilestoneInput, pending_inputs, proposals
from planwatch.reporting.models import Contribution
from planwatch.reporting.services import ContributionInput, check_contribution

from .parsing import Row
from .preview import UNCHANGED, UPDATE, RowChange, display
from .sheets import Column, Sheet

MILESTONES = "milestones"
MILESTONES_SHEET = Sheet(
    MILESTONES,
    "milestone",
    gettext_lazy(
        "One row per milestone of your measures: type a new forecast or the completion date, "
        "and the reason when the forecast moves. The coordinator validates them with the "
        "contribution."
    ),
    (
        Column("measure", "int", gettext_lazy("The measure's number. Do not change."), width=9),
        Column("actor", "slug", gettext_lazy("The actor reporting. Do not change."), 80, 16),
        Column(
            "milestone", "int", gettext_lazy("The milestone's number. Do not change."), width=10
        ),
        Column("key", "text", gettext_lazy("The milestone's key (not imported)."), None, 14),
        Column(
            "description", "text", gettext_lazy("What the milestone is (not imported)."), None, 44
        ),
        Column(
            "baseline",
            "date",
            gettext_lazy("The date planned at the start (not imported)."),
            width=12,
        ),
        Column("forecast", "date", gettext_lazy("The date expected now (not imported)."), width=12),
        Column("completed", "date", gettext_lazy("The date it was done (not imported)."), width=12),
        Column(
            "new_forecast",
            "date",
            gettext_lazy("Your new forecast, day/month/year (31/12/2025); empty: no change."),
            width=14,
        ),
        Column(
            "new_completed",
            "date",
            gettext_lazy("The day it was done, day/month/year; empty: not done yet."),
            width=14,
        ),
        Column(
            "reason",
            "text",
            gettext_lazy("Why the forecast moves: required when it does; shown to the public."),
            2000,
            40,
        ),
    ),
)
INFO_COLUMNS = ("key", "description", "baseline", "forecast", "completed")
EDITABLE = ("new_forecast", "new_completed", "reason")
# The field a problem of the service is about (its ``code``) → the column that holds it.
COLUMN_OF = {
    "milestone": "milestone",
    "forecast": "new_forecast",
    "completed": "new_completed",
    "reason": "reason",
}


class MilestoneRows:
    """The milestones sheet's rows, by contribution (measure, actor); ``check`` is the round
    import's ``RoundCheck`` (its ``error``, its ``keys`` and the matched contributions)."""

    def __init__(self, check: Any, rows: list[Row], matched: dict[tuple, tuple[Row, Any]]):
        self.check = check
        self.rows: dict[tuple, list[tuple[Row, MilestoneInput]]] = defaultdict(list)
        self.failed: set[tuple] = set()
        measures = [item.measure_id for _row, item in matched.values()]
        self.milestones = {m.pk: m for m in Milestone.objects.filter(measure_id__in=measures)}
        actors = {key[1] for key in check.keys if key[1]}
        for row in rows:
            if any(value is not None for value in row.raw.values()):
                self.read(row, matched, next(iter(actors)) if len(actors) == 1 else None)

    def read(self, row: Row, matched: dict, only_actor: str | None) -> None:
        values, check = row.values, self.check
        actor = values.get("actor") or only_actor
        key = (values.get("measure"), actor)
        if any(name not in values for name in ("measure", "actor", "milestone", *EDITABLE)):
            self.failed.add(key)  # a cell could not be read; its error is recorded
            return
        for name, value in (
            ("measure", key[0]),
            ("actor", actor),
            ("milestone", values["milestone"]),
        ):
            if value is None:
                check.error(row, name, _("This key is required."))
                self.failed.add(key)
                return
        if key in check.keys and key not in matched:
            return  # the contributions row is refused; its error says why
        if key not in matched:
            check.error(
                row, "measure", _("No row of the contributions sheet for this measure and actor.")
            )
            return
        if any(values["milestone"] == given.milestone_id for _row, given in self.rows[key]):
            check.error(row, "milestone", _("This milestone appears twice in the sheet."))
            self.failed.add(key)
            return
        item: Contribution = matched[key][1]
        wanted = MilestoneInput(
            values["milestone"],
            values["new_forecast"],
            values["new_completed"],
            values["reason"] or "",
        )
        try:  # the service's own rules, for this row alone, so each message finds its cell
            check_contribution(item, ContributionInput("", {}, milestones=[wanted]), submit=False)
        except ValidationError as exc:
            for problem in exc.error_dict.get(MILESTONES, []):
                check.error(
                    row, COLUMN_OF.get(problem.code or "", "milestone"), problem.messages[0]
                )
            self.failed.add(key)
            return
        self.rows[key].append((row, wanted))

    def inputs(self, key: tuple, item: Contribution) -> list[MilestoneInput] | None:
        """Every proposal the contribution will hold: the sheet's rows, and the proposals of
        milestones the sheet leaves out as they are; None when the sheet has no row for it."""
        if key not in self.rows:
            return None
        given = [wanted for _row, wanted in self.rows[key]]
        ids = {wanted.milestone_id for wanted in given}
        return given + [kept for kept in pending_inputs(item) if kept.milestone_id not in ids]

    def changes(
        self, key: tuple, item: Contribution, inputs: list[MilestoneInput]
    ) -> tuple[tuple[str, str, str] | None, list[RowChange]]:
        """The contribution's change of proposals (None: none) and one preview row per row."""
        before = proposals(item, pending_inputs(item))
        after = proposals(item, inputs)
        rows = []
        for row, wanted in self.rows[key]:
            milestone = self.milestones[wanted.milestone_id]
            # Without a proposal, the milestone's public dates stand.
            public = (milestone.forecast, milestone.completed, "")
            old = before.get(milestone.pk, public)
            new = after.get(milestone.pk, public)
            label = f"{item.measure.number} {key[1]} {milestone.key}"
            if old == new:
                rows.append(RowChange(row.label, row.number, label, UNCHANGED))
                continue
            changes = tuple(
                (name, display(old[index]), display(new[index]))
                for index, name in enumerate(EDITABLE)
                if old[index] != new[index]
            )
            rows.append(RowChange(row.label, row.number, label, UPDATE, changes))
        if before == after:
            return None, rows
        return (MILESTONES, self.shown(before), self.shown(after)), rows

    def shown(self, found: dict[int, tuple]) -> str:
        parts = []
        for pk, (forecast, completed, _reason) in sorted(found.items()):
            milestone = self.milestones[pk]
            dates = [
                display(day)
                for day, public in (
                    (forecast, milestone.forecast),
                    (completed, milestone.completed),
                )
                if day != public
            ]
            parts.append(" ".join([milestone.key, *dates]))
        return "; ".join(parts)
