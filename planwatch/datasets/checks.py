"""Checking a dataset (docs/dataset.md): the records read from the YAML files become plain rows,
and every problem is collected with its file and line.

This is the dataset door of a plan's intake. The parts of a plan (the plan, actors, tags,
sections, measures, provisions) are read in ``plan_parts.py`` into the plain rows of
``plans.intake``, and every rule of a plan's content is ``plans.intake.PlanRules``', the checker
the plan import asks too: the same mistake gets the same message through ``planwatch
load-dataset`` and ``planwatch import plan``. Here: the run in order, and the parts only a
dataset has (rounds, budgets, indicators), one method each.
"""

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from planwatch.actors.models import Government
from planwatch.indicators.models import Dimension, Direction, Indicator
from planwatch.lib.figures import Printed, Qualifier, meaning
from planwatch.plans.intake import PlanRow, PlanRules
from planwatch.reporting.models import BudgetLine, HeadlineFigure, Round

from .plan_parts import MEASURE_KEYS, PlanParts
from .reader import LANGUAGES, Checker, DatasetError, Problem, Record, parse_period

QUALIFIERS = [*Qualifier.values, Printed.ALMOST]  # "almost" is stored as less_than
EXCLUDED = ["", *BudgetLine.Excluded.values]  # why a line is left out of the totals


@dataclass
class Dataset:
    plan: dict[str, Any]
    governments: list[dict[str, Any]]
    actors: list[dict[str, Any]]
    sections: list[dict[str, Any]]
    tags: list[dict[str, Any]]
    frameworks: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    rounds: list[dict[str, Any]]
    budget_lines: list[dict[str, Any]]
    published_totals: list[dict[str, Any]]
    indicators: list[dict[str, Any]]


# The top-level keys of a dataset's files: the parts of a Dataset, the totals under a longer name.
TOTALS = "published_budget_totals"
KNOWN_SECTIONS = {f.name for f in fields(Dataset)} - {"published_totals"} | {TOTALS}


def check_dataset(data: dict[str, list[Any]]) -> Dataset:
    """The checked rows of ``data`` (what ``reader.read_folder`` returns); raises
    :class:`DatasetError` with every problem found."""
    return DatasetCheck(data).run()


class DatasetCheck(PlanParts):
    """One method per part of the dataset, in the order later parts refer to earlier ones: the
    plan's own parts (``plan_parts.PlanParts``), then its rounds, budgets and indicators."""

    def __init__(self, data: dict[str, list[Any]]):
        self.data = data
        self.check = Checker()
        self.rules = PlanRules()

    def run(self) -> Dataset:
        check = self.check
        for key in sorted(self.data.keys() - KNOWN_SECTIONS):
            check.problems.append(Problem("?", f"unknown top-level key {key!r}"))
        plan = self.plan()
        governments = self.governments()
        actors = self.actors()
        more = (plan[key] for key in ("declared_measures", "coordinator", "start", "end"))
        self.rules.plan(PlanRow(self.plan_rec, plan["slug"], tuple(plan["statuses"]), *more))
        sections = self.sections()
        tags = self.tags()
        rows = [self.measure_row(rec) for rec in self.records("measures", "measure")]
        for row in rows:
            if row.number is None:  # missing or not a whole number: said here
                check.keys(row.source, *MEASURE_KEYS)
                check.integer(row.source, "number", minimum=-(10**9))
        self.measure_rows = self.rules.unique(rows, "number", _("measure").capitalize())
        self.numbers = {row.number for row in self.measure_rows}
        self.rules.measures.update(self.numbers)
        frameworks = self.frameworks()
        rounds = self.rounds()
        measures = self.measures()
        budget_lines = self.budget_lines()
        published_totals = self.published_totals()
        indicators = self.indicators()
        check.problems.extend(Problem(f.where, f.message) for f in self.rules.findings)
        if check.problems:
            raise DatasetError(check.problems)
        return Dataset(
            plan,
            governments,
            actors,
            sections,
            tags,
            frameworks,
            measures,
            rounds,
            budget_lines,
            published_totals,
            indicators,
        )

    # -- rounds -------------------------------------------------------------------------------

    def rounds(self) -> list[dict[str, Any]]:
        check = self.check
        self.round_recs = self.unique(self.records("rounds", "round"), "slug", "round")
        rounds = []
        for rec in self.round_recs.values():
            check.keys(
                rec,
                {"slug", "name", "start", "end"},
                {"deadline", "state", "published", "headline", "note"},
            )
            start, end = check.date(rec, "start"), check.date(rec, "end")
            if start and end and end < start:
                check.error(rec, "the round ends before it starts")
            rounds.append(
                {
                    "slug": check.string(rec, "slug"),
                    "name": check.text(rec, "name"),
                    "start": start,
                    "end": end,
                    "deadline": check.date(rec, "deadline", required=False),
                    "state": check.choice(rec, "state", Round.State.values, default="draft"),
                    "published_on": check.date(rec, "published", required=False),
                    "note": check.string(rec, "note"),
                    "headline": self.headline(rec),
                }
            )
        return rounds

    def headline(self, rec: Record) -> dict[str, Any]:
        check = self.check
        headline: dict[str, Any] = {"measures": None, "source": "", "figures": []}
        if (head := rec.get("headline")) is None:
            return headline
        if not isinstance(head, Record):
            check.error(rec, "'headline' must be a mapping")
            return headline
        check.keys(head, {"figures"}, {"measures", "source"})
        headline["measures"] = check.integer(head, "measures") if "measures" in head else None
        headline["source"] = check.string(head, "source")
        for order, fig in enumerate(check.records(check.slug_list(head, "figures"), "figure")):
            check.keys(fig, {"status", "percent"}, {"qualifier"})
            percent = check.decimal(fig, "percent")
            if not 0 <= percent <= 100:
                check.error(fig, f"'percent' must be between 0 and 100, got {percent}")
            headline["figures"].append(
                {
                    "status": check.choice(fig, "status", self.plan_obj.status_codes()),
                    "percent": percent,
                    "qualifier": check.choice(
                        fig, "qualifier", HeadlineFigure.Qualifier.values, default="exact"
                    ),
                    "order": order,
                }
            )
        return headline

    def measure_statuses(self, rec: Record) -> list[dict[str, Any]]:
        check = self.check
        result = []
        status_map = rec.get("statuses") or {}
        if not isinstance(status_map, dict):
            check.error(rec, "'statuses' must map round slugs to a status")
            status_map = {}
        for round_slug, srec in status_map.items():
            if round_slug not in self.round_recs:
                check.error(rec, f"unknown round {round_slug!r}")
                continue
            if not isinstance(srec, Record):
                check.error(rec, f"the status for {round_slug!r} must be a mapping")
                continue
            check.keys(srec, {"status"}, {"justification", "narrative", "source", "note"})
            result.append(
                {
                    "round": round_slug,
                    "status": check.choice(srec, "status", self.plan_obj.status_codes()),
                    "narrative": check.text(srec, "justification", required=False)
                    or check.text(srec, "narrative", required=False),
                    "source": check.string(srec, "source"),
                    "note": check.string(srec, "note"),
                }
            )
        return result

    # -- budgets and indicators -------------------------------------------------------------

    def budget_lines(self) -> list[dict[str, Any]]:
        check = self.check
        budget_lines = []
        for rec in self.records("budget_lines", "budget line"):
            check.keys(
                rec,
                {"government", "year", "amount", "nature"},
                {"actor", "measure", "to_year", "stage", "in_totals", "label", "source", "note"}
                | {"qualifier", "excluded_reason"},
            )
            if rec.get("government") not in self.gov_recs:
                check.error(rec, f"unknown government {rec.get('government')!r}")
            if rec.get("actor") is not None and rec["actor"] not in self.rules.actors:
                check.error(rec, f"unknown actor {rec['actor']!r}")
            if rec.get("measure") is not None and rec["measure"] not in self.numbers:
                check.error(rec, f"unknown measure {rec['measure']!r}")
            year, to_year = self.years(rec)
            amount = check.decimal(rec, "amount")
            if amount < 0:
                check.error(rec, "'amount' must not be negative")
            in_totals = rec.get("in_totals", True)
            if not isinstance(in_totals, bool):
                check.error(rec, "'in_totals' must be true or false")
            excluded_reason = check.choice(rec, "excluded_reason", EXCLUDED)
            if excluded_reason and in_totals is not False:
                check.error(rec, "'excluded_reason' is only for lines with 'in_totals: false'")
            budget_lines.append(
                {
                    "government": rec.get("government"),
                    "actor": rec.get("actor"),
                    "measure": rec.get("measure"),
                    "year": year,
                    "to_year": to_year,
                    "amount": amount.quantize(Decimal("0.01")),
                    "nature": check.choice(rec, "nature", BudgetLine.Nature.values),
                    "stage": check.choice(
                        rec, "stage", BudgetLine.Stage.values, default="allocated"
                    ),
                    "in_totals": bool(in_totals),
                    "excluded_reason": excluded_reason,
                    "qualifier": meaning(check.choice(rec, "qualifier", QUALIFIERS, "exact")),
                    "label": check.text(rec, "label", required=False),
                    "source": check.string(rec, "source"),
                    "note": check.string(rec, "note"),
                }
            )
        return budget_lines

    def years(self, rec: Record) -> tuple[int, int | None]:
        """An amount's year, or its first and last year."""
        year = self.check.integer(rec, "year", minimum=1900, maximum=2200)
        to_year = None
        if rec.get("to_year"):
            to_year = self.check.integer(rec, "to_year", minimum=1900, maximum=2200)
            if to_year < year:
                self.check.error(rec, "'to_year' is before 'year'")
        return year, to_year

    def published_totals(self) -> list[dict[str, Any]]:
        check = self.check
        totals = []
        for order, rec in enumerate(
            self.records("published_budget_totals", "published budget total")
        ):
            check.keys(
                rec,
                {"year", "amount"},
                {"level", "to_year", "nature", "qualifier", "label", "source", "note"},
            )
            year, to_year = self.years(rec)
            natures = ["", *BudgetLine.Nature.values]
            totals.append(
                {
                    "level": check.choice(rec, "level", ["", *Government.Level.values], default=""),
                    "year": year,
                    "to_year": to_year,
                    "nature": check.choice(rec, "nature", natures, default=""),
                    "amount": check.decimal(rec, "amount").quantize(Decimal("0.01")),
                    "qualifier": check.choice(rec, "qualifier", Printed.values, default="exact"),
                    "label": check.text(rec, "label", required=False),
                    "source": check.string(rec, "source"),
                    "note": check.string(rec, "note"),
                    "order": order,
                }
            )
        return totals

    def indicators(self) -> list[dict[str, Any]]:
        check = self.check
        indicators = []
        ind_recs = self.unique(self.records("indicators", "indicator"), "code", "indicator")
        for order, rec in enumerate(ind_recs.values()):
            check.keys(
                rec,
                {"code", "name", "unit"},
                {
                    "description",
                    "source",
                    "dimensions",
                    "measures",
                    "suppress_below",
                    "targets",
                    "observations",
                    "note",
                    "labels",
                    "kind",
                },
            )
            dimensions = check.slug_list(rec, "dimensions")
            for dim in dimensions:
                if dim not in Dimension.values:
                    check.error(
                        rec, f"unknown dimension {dim!r}; known: {', '.join(Dimension.values)}"
                    )
            linked = self.linked_measures(rec)
            kind = check.choice(rec, "kind", Indicator.Kind.values, Indicator.Kind.PER_PERIOD)
            observations = self.points(rec, dimensions, "observations", {"source", "note"})
            for problem in Indicator.series_problems(kind, observations):
                check.error(rec, problem)
            indicators.append(
                {
                    "code": check.string(rec, "code"),
                    "name": check.text(rec, "name"),
                    "description": check.text(rec, "description", required=False),
                    "source": check.text(rec, "source", required=False),
                    "unit": check.choice(rec, "unit", Indicator.Unit.values),
                    "dimensions": dimensions,
                    "measures": linked,
                    "suppress_below": (
                        check.integer(rec, "suppress_below") if "suppress_below" in rec else 0
                    ),
                    "order": order,
                    "note": check.string(rec, "note"),
                    "kind": kind,
                    "observations": observations,
                    "targets": self.points(rec, dimensions, "targets", {"note", "direction"}),
                    "labels": self.labels(rec),
                }
            )
        return indicators

    def labels(self, rec: Record) -> dict[str, dict[str, str]]:
        """An indicator's ``labels``: breakdown value -> {language: text}."""
        labels = rec.get("labels") or {}
        if not isinstance(labels, dict) or not all(
            isinstance(texts, dict) and set(texts) <= set(LANGUAGES) for texts in labels.values()
        ):
            self.check.error(rec, "'labels' must map each breakdown value to {language: text}")
            return {}
        return {
            str(value): {k: str(v) for k, v in texts.items()} for value, texts in labels.items()
        }

    def points(
        self, rec: Record, dimensions: list[Any], key: str, extra: set[str]
    ) -> list[dict[str, Any]]:
        check = self.check
        result = []
        for point in check.records(check.slug_list(rec, key), key[:-1]):
            check.keys(point, {"period", "value"}, {"dims", "qualifier"} | extra)
            period = parse_period(point.get("period"))
            if period is None:
                check.error(
                    point,
                    f"'period' {point.get('period')!r} is not YYYY, YYYY-MM, "
                    "YYYY-MM-DD or YYYY/YYYY",
                )
                continue
            dims = point.get("dims") or {}
            if not isinstance(dims, dict):
                check.error(point, "'dims' must be a mapping")
                dims = {}
            for dim, value in dims.items():
                if dim not in dimensions:
                    check.error(point, f"dimension {dim!r} is not declared by the indicator")
                if not isinstance(value, str | int):
                    check.error(point, f"dimension {dim!r} must have a text value")
            item = {
                "period": period[0],
                "start": period[1],
                "end": period[2],
                "value": check.decimal(point, "value"),
                "qualifier": meaning(check.choice(point, "qualifier", QUALIFIERS, "exact")),
                "dims": {str(k): str(v) for k, v in dims.items()},
                "note": check.string(point, "note"),
            }
            if "source" in extra:
                item["source"] = check.string(point, "source")
            if "direction" in extra:
                item["direction"] = check.choice(point, "direction", Direction.values, "reach")
            result.append(item)
        return result
