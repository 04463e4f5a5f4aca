"""Checking a dataset (docs/dataset.md): the records read from the YAML files become plain rows,
and every problem is collected with its file and line.

The rules of a plan's content (its statuses, the numbering of measures, section parents and
pillars, responsible actors, tag kinds) are the models' own (``Plan.status_problems``,
``Plan.number_problem``, ``Section.parent_problem``, ``MeasureActor.problems``,
``Tag.kind_problem``): the plan import asks the same methods, so the same mistake gets the same
message through ``planwatch load-dataset`` and ``planwatch import plan``.
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from planwatch.actors.models import Actor, Government
from planwatch.indicators.models import Dimension, Indicator
from planwatch.lib.figures import Printed, Qualifier, meaning
from planwatch.plans.models import ISTANBUL, MeasureActor, Plan, Section, Status, Tag
from planwatch.reporting.models import BudgetLine, HeadlineFigure, Round

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


class DatasetCheck:
    """One method per part of the dataset, in the order later parts refer to earlier ones."""

    def __init__(self, data: dict[str, list[Any]]):
        self.data = data
        self.check = Checker()

    def records(self, key: str, what: str) -> list[Record]:
        return self.check.records(self.data.get(key, []), what)

    def linked_measures(self, rec: Record) -> list[Any]:
        """The measures a provision or an indicator names: each one a measure of the dataset."""
        linked = self.check.slug_list(rec, "measures")
        for number in linked:
            if number not in self.numbers:
                self.check.error(rec, f"unknown measure {number!r}")
        return [n for n in linked if n in self.numbers]

    def unique(self, records: Iterable[Record], key: str, what: str) -> dict[Any, Record]:
        seen: dict[Any, Record] = {}
        for record in records:
            value = record.get(key)
            if value in seen:
                self.check.error(
                    record, f"{what} {value!r} is already defined at {seen[value].where}"
                )
            elif value is not None:
                seen[value] = record
        return seen

    def run(self) -> Dataset:
        check = self.check
        for key in sorted(self.data.keys() - KNOWN_SECTIONS):
            check.problems.append(Problem("?", f"unknown top-level key {key!r}"))
        plan = self.plan()
        governments = self.governments()
        actors = self.actors()
        if plan["coordinator"] is not None and plan["coordinator"] not in self.actor_recs:
            check.error(self.plan_rec, _("Unknown actor %(slug)r.") % {"slug": plan["coordinator"]})
        sections = self.sections()
        tags = self.tags()
        self.measure_recs = self.unique(self.records("measures", "measure"), "number", "measure")
        self.numbers = set(self.measure_recs)
        frameworks = self.frameworks()
        rounds = self.rounds()
        measures = self.measures(tags)
        budget_lines = self.budget_lines()
        published_totals = self.published_totals()
        indicators = self.indicators()
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

    # -- the plan and who takes part -------------------------------------------------------

    def plan(self) -> dict[str, Any]:
        check = self.check
        plans = self.records("plan", "plan")
        if len(plans) != 1:
            check.problems.append(Problem("?", f"exactly one 'plan' is needed, found {len(plans)}"))
            raise DatasetError(check.problems)
        rec = self.plan_rec = plans[0]
        check.keys(
            rec,
            {"slug", "title", "start", "end"},
            {"description", "adopted", "coordinator", "declared_measures", "statuses", "note"},
        )
        statuses = list(rec.get("statuses") or Status.values)
        declared = check.integer(rec, "declared_measures") if "declared_measures" in rec else 0
        self.plan_obj = Plan(statuses=statuses, declared_measures=declared)
        for message in self.plan_obj.status_problems():
            check.error(rec, message)
        return {
            "slug": check.string(rec, "slug"),
            "title": check.text(rec, "title"),
            "description": check.text(rec, "description", required=False),
            "start": check.date(rec, "start"),
            "end": check.date(rec, "end"),
            "adopted": check.date(rec, "adopted", required=False),
            "coordinator": rec.get("coordinator"),
            "declared_measures": declared,
            "statuses": statuses,
        }

    def governments(self) -> list[dict[str, Any]]:
        check = self.check
        self.gov_recs = self.unique(self.records("governments", "government"), "code", "government")
        governments = []
        for order, rec in enumerate(self.gov_recs.values()):
            check.keys(rec, {"code", "name", "level"}, {"short", "note"})
            governments.append(
                {
                    "code": check.string(rec, "code"),
                    "name": check.text(rec, "name"),
                    "short": check.text(rec, "short", required=False),
                    "level": check.choice(rec, "level", Government.Level.values),
                    "order": order,
                }
            )
        return governments

    def actors(self) -> list[dict[str, Any]]:
        check = self.check
        self.actor_recs = self.unique(self.records("actors", "actor"), "slug", "actor")
        actors = []
        for rec in self.actor_recs.values():
            check.keys(rec, {"slug", "name"}, {"short", "kind", "government", "note"})
            government = rec.get("government")
            if government is not None and government not in self.gov_recs:
                check.error(rec, f"unknown government {government!r}")
            actors.append(
                {
                    "slug": check.string(rec, "slug"),
                    "name": check.text(rec, "name"),
                    "short": check.text(rec, "short", required=False),
                    "kind": check.choice(rec, "kind", Actor.Kind.values, default="other"),
                    "government": government,
                }
            )
        return actors

    def sections(self) -> list[dict[str, Any]]:
        """A section with a pillar number and no parent is a pillar; any other section's parent
        is the one named, or else the code without its last part (1.4.5 → 1.4)."""
        check = self.check
        recs = self.unique(self.records("sections", "section"), "code", "section")
        parents: dict[str, str | None] = {}
        pillars: dict[str, int | None] = {}
        for rec in recs.values():
            check.keys(rec, {"code", "title"}, {"pillar", "parent", "note"})
            code, parent = str(rec["code"]), rec.get("parent")
            if "pillar" in rec and parent is None:
                parents[code] = None
                pillars[code] = check.integer(rec, "pillar", minimum=1, maximum=99)
            else:
                parents[code] = str(parent) if parent is not None else code.rpartition(".")[0]
        sections = []
        for order, rec in enumerate(recs.values()):
            code = str(rec["code"])
            if problem := Section.parent_problem(code, parents):
                check.error(rec, problem)
                continue
            sections.append(
                {
                    "code": code,
                    "parent": parents[code],
                    "pillar": Section.pillar_of(code, parents, pillars),
                    "title": check.text(rec, "title"),
                    "order": order,
                }
            )
        self.section_codes = set(parents)  # a section with a wrong parent is still known
        return sections

    def tags(self) -> list[dict[str, Any]]:
        check = self.check
        tags = []
        for rec in self.unique(self.records("tags", "tag"), "slug", "tag").values():
            check.keys(rec, {"slug", "kind", "name"}, {"note"})
            tags.append(
                {
                    "slug": check.string(rec, "slug"),
                    "kind": check.choice(rec, "kind", Tag.Kind.values),
                    "name": check.text(rec, "name"),
                }
            )
        return tags

    def frameworks(self) -> list[dict[str, Any]]:
        check = self.check
        frameworks = []
        self.provision_codes: dict[str, set[str]] = {}
        for rec in self.unique(
            self.records("frameworks", "framework"), "slug", "framework"
        ).values():
            check.keys(rec, {"slug", "name"}, {"provisions", "note"})
            provisions = []
            prov_recs = self.unique(
                check.records(check.slug_list(rec, "provisions"), "provision"),
                "code",
                "provision",
            )
            for order, prov in enumerate(prov_recs.values()):
                check.keys(prov, {"code", "title"}, {"chapter", "measures", "note"})
                linked = self.linked_measures(prov)
                provisions.append(
                    {
                        "code": check.string(prov, "code"),
                        "title": check.text(prov, "title"),
                        "chapter": check.text(prov, "chapter", required=False),
                        "order": order,
                        "measures": linked,
                    }
                )
            self.provision_codes[rec["slug"]] = {p["code"] for p in provisions}
            frameworks.append(
                {"slug": rec["slug"], "name": check.text(rec, "name"), "provisions": provisions}
            )
            frameworks[-1]["note"] = check.string(rec, "note")
        return frameworks

    # -- rounds and measures ----------------------------------------------------------------

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

    def measures(self, tags: list[dict[str, Any]]) -> list[dict[str, Any]]:
        check = self.check
        tag_kinds: dict[str, str | None] = {t["slug"]: t["kind"] for t in tags}
        measures = []
        for number, rec in self.measure_recs.items():
            check.keys(
                rec,
                {"number", "section", "title"},
                {
                    "description",
                    "lead",
                    "partners",
                    "forms",
                    "groups",
                    "articles",
                    "related",
                    "statuses",
                    "note",
                },
            )
            check.integer(rec, "number", minimum=-(10**9))
            if isinstance(number, int) and (problem := self.plan_obj.number_problem(number)):
                check.error(rec, problem)
            section = str(rec.get("section"))
            if section not in self.section_codes:
                check.error(rec, _("Unknown section %(code)r.") % {"code": section})
            lead = check.slug_list(rec, "lead")
            partners = check.slug_list(rec, "partners")
            for _column, message in MeasureActor.problems(lead, partners, self.actor_recs):
                check.error(rec, message)
            tag_slugs = []
            for kind, key in Tag.COLUMNS.items():
                for slug in check.slug_list(rec, key):
                    if problem := Tag.kind_problem(slug, kind, tag_kinds):
                        check.error(rec, problem)
                    else:
                        tag_slugs.append(slug)
            articles = [str(a) for a in check.slug_list(rec, "articles")]
            for article in articles:
                if article not in self.provision_codes.get(ISTANBUL, set()):
                    check.error(
                        rec, _("Unknown Istanbul Convention article %(code)r.") % {"code": article}
                    )
            related = check.slug_list(rec, "related")
            for other in related:
                if other not in self.numbers or other == number:
                    check.error(rec, f"'related': {other!r} is not another measure of this dataset")
            measures.append(
                {
                    "number": number,
                    "section": section,
                    "title": check.text(rec, "title"),
                    "description": check.text(rec, "description", required=False),
                    "actors": [(s, "lead") for s in lead] + [(s, "partner") for s in partners],
                    "tags": tag_slugs,
                    "articles": articles,
                    "related": [n for n in related if n in self.numbers and n != number],
                    "statuses": self.measure_statuses(rec),
                    "note": check.string(rec, "note"),
                }
            )
        return measures

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
            if rec.get("actor") is not None and rec["actor"] not in self.actor_recs:
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
                },
            )
            dimensions = check.slug_list(rec, "dimensions")
            for dim in dimensions:
                if dim not in Dimension.values:
                    check.error(
                        rec, f"unknown dimension {dim!r}; known: {', '.join(Dimension.values)}"
                    )
            linked = self.linked_measures(rec)
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
                    "observations": self.points(
                        rec, dimensions, "observations", {"source", "note"}
                    ),
                    "targets": self.points(rec, dimensions, "targets", {"note"}),
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
            result.append(item)
        return result
