"""``milestones.yaml`` of a dataset folder (docs/dataset.md): checked before anything is written,
then upserted by (measure, key) after the plan's own rows, through the one writer of a plan
(``writer.Writer``). The loader calls :func:`check` and :func:`write`; a record names its file
and line in every problem."""

import datetime as dt
from typing import Any

from planwatch.milestones.models import Milestone
from planwatch.plans.models import Plan

from .reader import LANGUAGES, Problem, Record
from .writer import Writer

KEYS = {"measure", "key", "description", "baseline", "forecast", "completed", "reason"}


def check(records: list[Any], measure_numbers: set[int]) -> list[Problem]:
    problems = []
    seen = set()
    for rec in records:
        where = rec.where if isinstance(rec, Record) else "milestones.yaml"
        if not isinstance(rec, dict):
            problems.append(Problem(where, "a milestone is a mapping"))
            continue
        for key in sorted(set(rec) - KEYS):
            problems.append(Problem(where, f"unknown key {key!r}"))
        if rec.get("measure") not in measure_numbers:
            problems.append(Problem(where, f"unknown measure {rec.get('measure')!r}"))
        if (rec.get("measure"), rec.get("key")) in seen or not rec.get("key"):
            problems.append(Problem(where, "each milestone needs a key unique in its measure"))
        seen.add((rec.get("measure"), rec.get("key")))
        description = rec.get("description")
        if not isinstance(description, dict) or not description.get("nl"):
            problems.append(Problem(where, "description needs at least its Dutch text (nl)"))
        for name in ("baseline", "forecast", "completed"):
            value = rec.get(name)
            if (value is not None or name == "baseline") and not isinstance(value, dt.date):
                problems.append(Problem(where, f"{name}: write a date as YYYY-MM-DD"))
    return problems


def write(writer: Writer, plan: Plan, records: list[dict]) -> None:
    """Create or change the milestones ``records`` describe, through the one writer's upsert
    (only those that differ, so a dataset loaded again writes no history)."""
    measures = dict(plan.measures.values_list("number", "pk"))
    writer.upsert(
        Milestone,
        {(m.measure_id, m.key): m for m in Milestone.objects.filter(measure__plan=plan)},
        [
            (
                (measures[rec["measure"]], rec["key"]),
                {"measure_id": measures[rec["measure"]], "key": rec["key"]},
                {
                    "position": position,
                    "baseline": rec["baseline"],
                    "forecast": rec.get("forecast"),
                    "completed": rec.get("completed"),
                    "forecast_reason": rec.get("reason", ""),
                    **{
                        f"description_{code}": rec["description"].get(code, "")
                        for code in LANGUAGES
                    },
                },
            )
            for position, rec in enumerate(records)
        ],
    )
