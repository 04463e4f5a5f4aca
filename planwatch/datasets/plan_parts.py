"""The dataset door's reading of a plan's own parts: the plan, governments, actors, sections,
tags, frameworks and measures. Each YAML record becomes a plain row of ``plans.intake`` (the
record is its ``source``, and knows its ``file:line``), checked by the one checker of a plan's
rules, ``PlanRules``, which the plan import asks too. What stays here is the YAML itself: keys,
types, the parts of a record a workbook does not have (a measure's related measures).

``checks.DatasetCheck`` adds the parts only a dataset has: rounds, budgets, indicators.
"""

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from planwatch.actors.models import Actor, Government
from planwatch.plans.intake import (
    ActorRow,
    MeasureRow,
    PlanRules,
    ProvisionRow,
    SectionRow,
    TagRow,
)
from planwatch.plans.models import ISTANBUL, Plan, Status, Tag

from .reader import Checker, DatasetError, Problem, Record

MEASURE_KEYS = (
    {"number", "section", "title"},
    {"description", "lead", "partners", "forms", "groups", "articles", "related"}
    | {"statuses", "note"},
)


class PlanParts:
    """The plan's parts of a dataset check; ``checks.DatasetCheck`` is the whole."""

    data: dict[str, list[Any]]
    check: Checker
    rules: PlanRules
    numbers: set[Any]

    def records(self, key: str, what: str) -> list[Record]:
        return self.check.records(self.data.get(key, []), what)

    def linked_measures(self, rec: Record) -> list[Any]:
        """The measures a provision or an indicator names: each one a measure of the dataset."""
        linked = self.check.slug_list(rec, "measures")
        self.rules.measures_named(rec, linked)
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
        self.rules.governments.update(self.gov_recs)
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
        rows = self.rules.unique(
            [
                ActorRow(rec, rec.get("slug"), rec.get("kind"), rec.get("government"))
                for rec in self.records("actors", "actor")
            ],
            "slug",
            _("actor").capitalize(),
        )
        self.rules.actors_known(rows)
        actors = []
        for row in rows:
            rec = row.source
            check.keys(rec, {"slug", "name"}, {"short", "kind", "government", "note"})
            self.rules.actor(row)
            actors.append(
                {
                    "slug": check.string(rec, "slug"),
                    "name": check.text(rec, "name"),
                    "short": check.text(rec, "short", required=False),
                    "kind": row.kind or Actor.Kind.OTHER,
                    "government": row.government,
                }
            )
        return actors

    def sections(self) -> list[dict[str, Any]]:
        """A section with a pillar number and no parent is a pillar; any other section's parent
        is the one named, or else the code without its last part (1.4.5 → 1.4)."""
        check = self.check
        rows = []
        for rec in self.records("sections", "section"):
            if not check.keys(rec, {"code", "title"}, {"pillar", "parent", "note"}):
                continue
            code, parent = str(rec["code"]), rec.get("parent")
            if "pillar" in rec and parent is None:
                pillar = check.integer(rec, "pillar", minimum=1, maximum=99)
                rows.append(SectionRow(rec, code, None, pillar))
            else:
                parent = str(parent) if parent is not None else code.rpartition(".")[0]
                rows.append(SectionRow(rec, code, parent, rec.get("pillar")))
        rows = self.rules.unique(rows, "code", _("section").capitalize())
        pillars = self.rules.sections(rows)
        return [
            {
                "code": row.code,
                "parent": row.parent,
                "pillar": pillars[row.code],
                "title": check.text(row.source, "title"),
                "order": order,
            }
            for order, row in enumerate(rows)
        ]

    def tags(self) -> list[dict[str, Any]]:
        check = self.check
        tags = []
        rows = self.rules.unique(
            [TagRow(rec, rec.get("slug"), rec.get("kind")) for rec in self.records("tags", "tag")],
            "slug",
            _("tag").capitalize(),
        )
        for row in rows:
            rec = row.source
            check.keys(rec, {"slug", "kind", "name"}, {"note"})
            self.rules.tag(row)
            tags.append(
                {
                    "slug": check.string(rec, "slug"),
                    "kind": row.kind if row.kind in Tag.Kind.values else Tag.Kind.FORM,
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
                linked = check.slug_list(prov, "measures")
                self.rules.provision(ProvisionRow(prov, str(prov.get("code")), tuple(linked)))
                linked = [n for n in linked if n in self.numbers]
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
                {
                    "slug": rec["slug"],
                    "name": check.text(rec, "name"),
                    "provisions": provisions,
                    "note": check.string(rec, "note"),
                }
            )
        return frameworks

    # -- measures ---------------------------------------------------------------------------

    def measure_row(self, rec: Record) -> MeasureRow:
        check = self.check
        number, section = rec.get("number"), rec.get("section")
        return MeasureRow(
            rec,
            number if isinstance(number, int) and not isinstance(number, bool) else None,
            None if section is None else str(section),
            *(tuple(check.slug_list(rec, key)) for key in ("lead", "partners", "forms", "groups")),
            tuple(str(a) for a in check.slug_list(rec, "articles")),
        )

    def measures(self) -> list[dict[str, Any]]:
        check = self.check
        self.rules.articles.update(self.provision_codes.get(ISTANBUL, set()))
        measures = []
        for row in self.measure_rows:
            rec, number = row.source, row.number
            check.keys(rec, *MEASURE_KEYS)
            self.rules.measure(row)
            related = check.slug_list(rec, "related")
            for other in related:
                if other not in self.numbers or other == number:
                    check.error(rec, f"'related': {other!r} is not another measure of this dataset")
            measures.append(
                {
                    "number": number,
                    "section": row.section,
                    "title": check.text(rec, "title"),
                    "description": check.text(rec, "description", required=False),
                    "actors": [(s, "lead") for s in row.lead]
                    + [(s, "partner") for s in row.partners],
                    "tags": [*row.forms, *row.groups],
                    "articles": list(row.articles),
                    "related": [n for n in related if n in self.numbers and n != number],
                    "statuses": self.measure_statuses(rec),
                    "note": check.string(rec, "note"),
                }
            )
        return measures
