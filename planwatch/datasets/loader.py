"""Load a dataset folder (docs/dataset.md) into the database: all of it, or nothing.

``load_dataset`` first reads and checks every file, collecting every problem with its file and
line; only a dataset without problems is written, inside one transaction. Records are matched on
their natural keys (slug, code, number) and saved only when something changed, so loading the
same folder twice changes no row and adds no history.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import translation

from planwatch.actors.models import Actor, Government
from planwatch.indicators.models import Dimension, Indicator, Observation, Target
from planwatch.plans.models import (
    Framework,
    Measure,
    MeasureActor,
    Plan,
    Provision,
    Section,
    Status,
    Tag,
)
from planwatch.reporting.models import (
    BudgetLine,
    HeadlineFigure,
    MeasureStatus,
    PublishedBudgetTotal,
    Qualifier,
    Round,
)

from .reader import LANGUAGES, Checker, DatasetError, Problem, Record, parse_period, read_folder

CHANGE_REASON = "datasets.load"
ISTANBUL = "istanbul-convention"
KNOWN_SECTIONS = {
    "plan",
    "governments",
    "actors",
    "sections",
    "tags",
    "frameworks",
    "measures",
    "rounds",
    "budget_lines",
    "published_budget_totals",
    "indicators",
}


def languages(name: str, texts: dict[str, str]) -> dict[str, str | None]:
    """``{"nl": "x"}`` → ``{"title_nl": "x", "title_fr": None, …}``; the base column gets the
    first text in fallback order so that it is never empty."""
    values: dict[str, str | None] = {f"{name}_{lang}": texts.get(lang) for lang in LANGUAGES}
    return values


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        names = sorted(
            set(self.created) | set(self.updated) | set(self.unchanged) | set(self.deleted)
        )
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged, {self.deleted[name]} deleted"
            for name in names
        ]

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.deleted)


# ---------------------------------------------------------------------------------------------
# Checking


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


def _unique(check: Checker, records: Iterable[Record], key: str, what: str) -> dict[Any, Record]:
    seen: dict[Any, Record] = {}
    for record in records:
        value = record.get(key)
        if value in seen:
            check.error(record, f"{what} {value!r} is already defined at {seen[value].where}")
        elif value is not None:
            seen[value] = record
    return seen


def check_dataset(data: dict[str, list[Any]]) -> Dataset:
    check = Checker()
    for key in sorted(data.keys() - KNOWN_SECTIONS):
        check.problems.append(Problem("?", f"unknown top-level key {key!r}"))

    plans = check.records(data.get("plan", []), "plan")
    if len(plans) != 1:
        check.problems.append(Problem("?", f"exactly one 'plan' is needed, found {len(plans)}"))
        raise DatasetError(check.problems)
    plan_rec = plans[0]
    check.keys(
        plan_rec,
        {"slug", "title", "start", "end"},
        {"description", "adopted", "coordinator", "declared_measures", "statuses", "note"},
    )
    statuses = plan_rec.get("statuses") or [code for code, _label in Status.choices]
    for code in statuses:
        if code not in Status.values:
            check.error(plan_rec, f"unknown status {code!r}; known: {', '.join(Status.values)}")
    plan = {
        "slug": check.string(plan_rec, "slug"),
        "title": check.text(plan_rec, "title"),
        "description": check.text(plan_rec, "description", required=False),
        "start": check.date(plan_rec, "start"),
        "end": check.date(plan_rec, "end"),
        "adopted": check.date(plan_rec, "adopted", required=False),
        "coordinator": plan_rec.get("coordinator"),
        "declared_measures": (
            check.integer(plan_rec, "declared_measures") if "declared_measures" in plan_rec else 0
        ),
        "statuses": list(statuses),
    }

    governments = []
    gov_recs = _unique(
        check, check.records(data.get("governments", []), "government"), "code", "government"
    )
    for order, rec in enumerate(gov_recs.values()):
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

    actors = []
    actor_recs = _unique(check, check.records(data.get("actors", []), "actor"), "slug", "actor")
    for rec in actor_recs.values():
        check.keys(rec, {"slug", "name"}, {"short", "kind", "government", "note"})
        government = rec.get("government")
        if government is not None and government not in gov_recs:
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
    if plan["coordinator"] is not None and plan["coordinator"] not in actor_recs:
        check.error(plan_rec, f"unknown coordinator actor {plan['coordinator']!r}")

    sections = []
    section_recs = _unique(
        check, check.records(data.get("sections", []), "section"), "code", "section"
    )
    pillar_of: dict[str, int] = {}
    for order, (code, rec) in enumerate(section_recs.items()):
        check.keys(rec, {"code", "title"}, {"pillar", "parent", "note"})
        code = str(code)
        parent = rec.get("parent")
        if "pillar" in rec and parent is None:
            pillar = check.integer(rec, "pillar", minimum=1, maximum=99)
        else:
            parent = str(parent) if parent is not None else code.rpartition(".")[0]
            if parent not in pillar_of:
                check.error(
                    rec, f"section {code!r}: its parent {parent!r} must be defined before it"
                )
                continue
            pillar = pillar_of[parent]
        pillar_of[code] = pillar
        sections.append(
            {
                "code": code,
                "parent": parent,
                "pillar": pillar,
                "title": check.text(rec, "title"),
                "order": order,
            }
        )

    tags = []
    tag_recs = _unique(check, check.records(data.get("tags", []), "tag"), "slug", "tag")
    for rec in tag_recs.values():
        check.keys(rec, {"slug", "kind", "name"}, {"note"})
        tags.append(
            {
                "slug": check.string(rec, "slug"),
                "kind": check.choice(rec, "kind", Tag.Kind.values),
                "name": check.text(rec, "name"),
            }
        )

    measure_recs = _unique(
        check, check.records(data.get("measures", []), "measure"), "number", "measure"
    )
    numbers = set(measure_recs)

    frameworks = []
    provision_codes: dict[str, set[str]] = {}
    fw_recs = _unique(
        check, check.records(data.get("frameworks", []), "framework"), "slug", "framework"
    )
    for rec in fw_recs.values():
        check.keys(rec, {"slug", "name"}, {"provisions", "note"})
        provisions = []
        prov_recs = _unique(
            check,
            check.records(check.slug_list(rec, "provisions"), "provision"),
            "code",
            "provision",
        )
        for order, prov in enumerate(prov_recs.values()):
            check.keys(prov, {"code", "title"}, {"chapter", "measures", "note"})
            linked = check.slug_list(prov, "measures")
            for number in linked:
                if number not in numbers:
                    check.error(prov, f"unknown measure {number!r}")
            provisions.append(
                {
                    "code": check.string(prov, "code"),
                    "title": check.text(prov, "title"),
                    "chapter": check.text(prov, "chapter", required=False),
                    "order": order,
                    "measures": [n for n in linked if n in numbers],
                }
            )
        provision_codes[rec["slug"]] = {p["code"] for p in provisions}
        frameworks.append(
            {"slug": rec["slug"], "name": check.text(rec, "name"), "provisions": provisions}
        )

    rounds = []
    round_recs = _unique(check, check.records(data.get("rounds", []), "round"), "slug", "round")
    for rec in round_recs.values():
        check.keys(
            rec,
            {"slug", "name", "start", "end"},
            {"deadline", "state", "published", "headline", "note"},
        )
        start, end = check.date(rec, "start"), check.date(rec, "end")
        if start and end and end < start:
            check.error(rec, "the round ends before it starts")
        headline: dict[str, Any] = {"measures": None, "source": "", "figures": []}
        if (head := rec.get("headline")) is not None:
            if not isinstance(head, Record):
                check.error(rec, "'headline' must be a mapping")
            else:
                check.keys(head, {"figures"}, {"measures", "source"})
                headline["measures"] = (
                    check.integer(head, "measures") if "measures" in head else None
                )
                headline["source"] = check.string(head, "source")
                for order, fig in enumerate(
                    check.records(check.slug_list(head, "figures"), "figure")
                ):
                    check.keys(fig, {"status", "percent"}, {"qualifier"})
                    percent = check.decimal(fig, "percent")
                    if not 0 <= percent <= 100:
                        check.error(fig, f"'percent' must be between 0 and 100, got {percent}")
                    headline["figures"].append(
                        {
                            "status": check.choice(fig, "status", statuses),
                            "percent": percent,
                            "qualifier": check.choice(
                                fig, "qualifier", HeadlineFigure.Qualifier.values, default="exact"
                            ),
                            "order": order,
                        }
                    )
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
                "headline": headline,
            }
        )

    tag_kind = {t["slug"]: t["kind"] for t in tags}
    measures = []
    for number, rec in measure_recs.items():
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
        check.integer(rec, "number", minimum=1)
        if (
            plan["declared_measures"]
            and isinstance(number, int)
            and number > plan["declared_measures"]
        ):
            check.error(
                rec, f"measure {number} is beyond the {plan['declared_measures']} the plan declares"
            )
        section = str(rec.get("section"))
        if section not in pillar_of:
            check.error(rec, f"unknown section {section!r}")
        lead = check.slug_list(rec, "lead")
        partners = check.slug_list(rec, "partners")
        for slug in lead + partners:
            if slug not in actor_recs:
                check.error(rec, f"unknown actor {slug!r}")
        for slug in set(lead) & set(partners):
            check.error(rec, f"actor {slug!r} is both lead and partner")
        if len(set(lead + partners)) != len(lead + partners) and not set(lead) & set(partners):
            check.error(rec, "an actor is listed twice")
        tag_slugs = []
        for key, kind in (("forms", "form"), ("groups", "group")):
            for slug in check.slug_list(rec, key):
                if tag_kind.get(slug) != kind:
                    check.error(rec, f"{key!r}: {slug!r} is not a tag of kind {kind!r}")
                else:
                    tag_slugs.append(slug)
        articles = [str(a) for a in check.slug_list(rec, "articles")]
        for article in articles:
            if article not in provision_codes.get(ISTANBUL, set()):
                check.error(rec, f"unknown Istanbul Convention article {article!r}")
        related = check.slug_list(rec, "related")
        for other in related:
            if other not in numbers or other == number:
                check.error(rec, f"'related': {other!r} is not another measure of this dataset")
        measure_statuses = []
        status_map = rec.get("statuses") or {}
        if not isinstance(status_map, dict):
            check.error(rec, "'statuses' must map round slugs to a status")
            status_map = {}
        for round_slug, srec in status_map.items():
            if round_slug not in round_recs:
                check.error(rec, f"unknown round {round_slug!r}")
                continue
            if not isinstance(srec, Record):
                check.error(rec, f"the status for {round_slug!r} must be a mapping")
                continue
            check.keys(srec, {"status"}, {"justification", "narrative", "source", "note"})
            measure_statuses.append(
                {
                    "round": round_slug,
                    "status": check.choice(srec, "status", statuses),
                    "narrative": check.text(srec, "justification", required=False)
                    or check.text(srec, "narrative", required=False),
                    "source": check.string(srec, "source"),
                    "note": check.string(srec, "note"),
                }
            )
        measures.append(
            {
                "number": number,
                "section": section,
                "title": check.text(rec, "title"),
                "description": check.text(rec, "description", required=False),
                "actors": [(s, "lead") for s in lead] + [(s, "partner") for s in partners],
                "tags": tag_slugs,
                "articles": articles,
                "related": [n for n in related if n in numbers and n != number],
                "statuses": measure_statuses,
                "note": check.string(rec, "note"),
            }
        )

    budget_lines = []
    for rec in check.records(data.get("budget_lines", []), "budget line"):
        check.keys(
            rec,
            {"government", "year", "amount", "nature"},
            {"actor", "measure", "to_year", "stage", "in_totals", "label", "source", "note"},
        )
        if rec.get("government") not in gov_recs:
            check.error(rec, f"unknown government {rec.get('government')!r}")
        if rec.get("actor") is not None and rec["actor"] not in actor_recs:
            check.error(rec, f"unknown actor {rec['actor']!r}")
        if rec.get("measure") is not None and rec["measure"] not in numbers:
            check.error(rec, f"unknown measure {rec['measure']!r}")
        year = check.integer(rec, "year", minimum=1900, maximum=2200)
        to_year = (
            check.integer(rec, "to_year", minimum=1900, maximum=2200)
            if rec.get("to_year")
            else None
        )
        if to_year is not None and to_year < year:
            check.error(rec, "'to_year' is before 'year'")
        amount = check.decimal(rec, "amount")
        if amount < 0:
            check.error(rec, "'amount' must not be negative")
        in_totals = rec.get("in_totals", True)
        if not isinstance(in_totals, bool):
            check.error(rec, "'in_totals' must be true or false")
        budget_lines.append(
            {
                "government": rec.get("government"),
                "actor": rec.get("actor"),
                "measure": rec.get("measure"),
                "year": year,
                "to_year": to_year,
                "amount": amount.quantize(Decimal("0.01")),
                "nature": check.choice(rec, "nature", BudgetLine.Nature.values),
                "stage": check.choice(rec, "stage", BudgetLine.Stage.values, default="allocated"),
                "in_totals": bool(in_totals),
                "label": check.text(rec, "label", required=False),
                "source": check.string(rec, "source"),
                "note": check.string(rec, "note"),
            }
        )

    published_totals = []
    for order, rec in enumerate(
        check.records(data.get("published_budget_totals", []), "published budget total")
    ):
        check.keys(
            rec,
            {"year", "amount"},
            {"level", "to_year", "nature", "qualifier", "label", "source", "note"},
        )
        year = check.integer(rec, "year", minimum=1900, maximum=2200)
        to_year = (
            check.integer(rec, "to_year", minimum=year, maximum=2200)
            if rec.get("to_year")
            else None
        )
        published_totals.append(
            {
                "level": check.choice(rec, "level", ["", *Government.Level.values], default=""),
                "year": year,
                "to_year": to_year,
                "nature": check.choice(rec, "nature", ["", *BudgetLine.Nature.values], default=""),
                "amount": check.decimal(rec, "amount").quantize(Decimal("0.01")),
                "qualifier": check.choice(rec, "qualifier", Qualifier.values, default="exact"),
                "label": check.text(rec, "label", required=False),
                "source": check.string(rec, "source"),
                "note": check.string(rec, "note"),
                "order": order,
            }
        )

    indicators = []
    ind_recs = _unique(
        check, check.records(data.get("indicators", []), "indicator"), "code", "indicator"
    )
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
                check.error(rec, f"unknown dimension {dim!r}; known: {', '.join(Dimension.values)}")
        linked = check.slug_list(rec, "measures")
        for number in linked:
            if number not in numbers:
                check.error(rec, f"unknown measure {number!r}")

        def points(key: str, extra: set[str]) -> list[dict[str, Any]]:
            result = []
            for point in check.records(check.slug_list(rec, key), key[:-1]):  # noqa: B023
                check.keys(point, {"period", "value"}, {"dims"} | extra)  # noqa: B023
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
                    if dim not in dimensions:  # noqa: B023
                        check.error(point, f"dimension {dim!r} is not declared by the indicator")
                    if not isinstance(value, str | int):
                        check.error(point, f"dimension {dim!r} must have a text value")
                item = {
                    "period": period[0],
                    "start": period[1],
                    "end": period[2],
                    "value": check.decimal(point, "value"),
                    "dims": {str(k): str(v) for k, v in dims.items()},
                    "note": check.string(point, "note"),
                }
                if "source" in extra:
                    item["source"] = check.string(point, "source")
                result.append(item)
            return result

        indicators.append(
            {
                "code": check.string(rec, "code"),
                "name": check.text(rec, "name"),
                "description": check.text(rec, "description", required=False),
                "source": check.text(rec, "source", required=False),
                "unit": check.choice(rec, "unit", Indicator.Unit.values),
                "dimensions": dimensions,
                "measures": [n for n in linked if n in numbers],
                "suppress_below": (
                    check.integer(rec, "suppress_below") if "suppress_below" in rec else 0
                ),
                "order": order,
                "note": check.string(rec, "note"),
                "observations": points("observations", {"source", "note"}),
                "targets": points("targets", {"note"}),
                "labels": _labels(check, rec),
            }
        )

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


# ---------------------------------------------------------------------------------------------
# Writing


class Writer:
    def __init__(self) -> None:
        self.summary = Summary()

    def upsert(self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]):
        name = str(model._meta.verbose_name_plural)
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj)
            self.summary.created[name] += 1
            return obj
        changed = [key for key, value in values.items() if getattr(obj, key) != value]
        if changed:
            for key in changed:
                setattr(obj, key, values[key])
            self._save(obj)
            self.summary.updated[name] += 1
        else:
            self.summary.unchanged[name] += 1
        return obj

    def _save(self, obj: models.Model) -> None:
        obj._change_reason = CHANGE_REASON
        obj.save()

    def replace_children(
        self,
        model: type[models.Model],
        existing: models.QuerySet,
        wanted: list[dict[str, Any]],
        fields: list[str],
        parent: dict[str, Any],
    ) -> None:
        """Keyless child rows (budget lines, observations): replaced whole when they differ."""
        name = str(model._meta.verbose_name_plural)
        current = list(existing.values(*fields))
        normalise = [{key: row.get(key) for key in fields} for row in wanted]
        if _as_bag(current) == _as_bag(normalise):
            self.summary.unchanged[name] += len(wanted)
            return
        for obj in existing:
            obj._change_reason = CHANGE_REASON
            obj.delete()
        self.summary.deleted[name] += len(current)
        for row in wanted:
            self._save(model(**parent, **row))
        self.summary.created[name] += len(wanted)

    def set_m2m(self, manager: Any, wanted: Iterable[models.Model], name: str) -> None:
        wanted = list(wanted)
        if {o.pk for o in manager.all()} != {o.pk for o in wanted}:
            manager.set(wanted)
            self.summary.updated[name] += 1


def _as_bag(rows: list[dict[str, Any]]) -> list[str]:
    return sorted(repr(sorted((k, _plain(v)) for k, v in row.items())) for row in rows)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, dict):
        return sorted(value.items())
    return value


def write_dataset(ds: Dataset) -> Summary:
    w = Writer()
    gov = {
        g["code"]: w.upsert(
            Government,
            {"code": g["code"]},
            {
                **languages("name", g["name"]),
                **languages("short", g["short"]),
                "level": g["level"],
                "order": g["order"],
            },
        )
        for g in ds.governments
    }
    actor = {
        a["slug"]: w.upsert(
            Actor,
            {"slug": a["slug"]},
            {
                **languages("name", a["name"]),
                **languages("short", a["short"]),
                "kind": a["kind"],
                "government_id": gov[a["government"]].pk if a["government"] else None,
            },
        )
        for a in ds.actors
    }
    p = ds.plan
    plan = w.upsert(
        Plan,
        {"slug": p["slug"]},
        {
            **languages("title", p["title"]),
            **languages("description", p["description"]),
            "start": p["start"],
            "end": p["end"],
            "adopted": p["adopted"],
            "declared_measures": p["declared_measures"],
            "statuses": p["statuses"],
            "coordinator_id": actor[p["coordinator"]].pk if p["coordinator"] else None,
        },
    )
    section: dict[str, Section] = {}
    for s in ds.sections:
        section[s["code"]] = w.upsert(
            Section,
            {"plan": plan, "code": s["code"]},
            {
                **languages("title", s["title"]),
                "pillar": s["pillar"],
                "order": s["order"],
                "parent_id": section[s["parent"]].pk if s["parent"] else None,
            },
        )
    tag = {
        t["slug"]: w.upsert(
            Tag, {"slug": t["slug"]}, {"kind": t["kind"], **languages("name", t["name"])}
        )
        for t in ds.tags
    }
    provision: dict[tuple[str, str], Provision] = {}
    for f in ds.frameworks:
        framework = w.upsert(Framework, {"slug": f["slug"]}, languages("name", f["name"]))
        for pr in f["provisions"]:
            provision[f["slug"], pr["code"]] = w.upsert(
                Provision,
                {"framework": framework, "code": pr["code"]},
                {
                    **languages("title", pr["title"]),
                    **languages("chapter", pr["chapter"]),
                    "order": pr["order"],
                },
            )
    measure: dict[int, Measure] = {}
    for m in ds.measures:
        measure[m["number"]] = w.upsert(
            Measure,
            {"plan": plan, "number": m["number"]},
            {
                **languages("title", m["title"]),
                **languages("description", m["description"]),
                "section_id": section[m["section"]].pk,
                "note": m["note"],
            },
        )
    related: dict[int, set[int]] = {m["number"]: set() for m in ds.measures}
    for m in ds.measures:  # "related" is symmetrical: a link written on either side counts
        for other in m["related"]:
            related[m["number"]].add(other)
            related[other].add(m["number"])
    for m in ds.measures:
        obj = measure[m["number"]]
        wanted = [(actor[slug].pk, role, order) for order, (slug, role) in enumerate(m["actors"])]
        current = list(
            obj.measure_actors.order_by("order").values_list("actor_id", "role", "order")
        )
        if current != wanted:
            for row in obj.measure_actors.all():
                row._change_reason = CHANGE_REASON
                row.delete()
            for actor_id, role, order in wanted:
                w._save(MeasureActor(measure=obj, actor_id=actor_id, role=role, order=order))
            w.summary.updated["responsible actors"] += 1
        w.set_m2m(obj.tags, [tag[s] for s in m["tags"]], "measure tags")
        w.set_m2m(obj.related, [measure[n] for n in related[m["number"]]], "related measures")
    for f in ds.frameworks:
        for pr in f["provisions"]:
            if pr["measures"]:
                w.set_m2m(
                    provision[f["slug"], pr["code"]].measures,
                    [measure[n] for n in pr["measures"]],
                    "provision links",
                )
    for m in ds.measures:
        articles = [provision[ISTANBUL, code] for code in m["articles"]]
        current_other = measure[m["number"]].provisions.exclude(framework__slug=ISTANBUL)
        w.set_m2m(
            measure[m["number"]].provisions, articles + list(current_other), "measure articles"
        )

    rounds: dict[str, Round] = {}
    for r in ds.rounds:
        head = r["headline"]
        rounds[r["slug"]] = obj = w.upsert(
            Round,
            {"plan": plan, "slug": r["slug"]},
            {
                **languages("name", r["name"]),
                "start": r["start"],
                "end": r["end"],
                "deadline": r["deadline"],
                "state": r["state"],
                "published_on": r["published_on"],
                "headline_measures": head["measures"],
                "headline_source": head["source"],
                "note": r["note"],
            },
        )
        w.replace_children(
            HeadlineFigure,
            obj.headline_figures.all(),
            head["figures"],
            ["status", "percent", "qualifier", "order"],
            {"round": obj},
        )
    for m in ds.measures:
        for st in m["statuses"]:
            w.upsert(
                MeasureStatus,
                {"round": rounds[st["round"]], "measure": measure[m["number"]]},
                {
                    "status": st["status"],
                    **languages("narrative", st["narrative"]),
                    "source": st["source"],
                    "note": st["note"],
                },
            )

    budget_fields = [
        "government_id",
        "actor_id",
        "measure_id",
        "year",
        "to_year",
        "amount",
        "nature",
        "stage",
        "in_totals",
        "source",
        "note",
        *languages("label", {}).keys(),
    ]
    w.replace_children(
        BudgetLine,
        plan.budget_lines.all(),
        [
            {
                "government_id": gov[b["government"]].pk,
                "actor_id": actor[b["actor"]].pk if b["actor"] else None,
                "measure_id": measure[b["measure"]].pk if b["measure"] else None,
                **{
                    k: b[k]
                    for k in (
                        "year",
                        "to_year",
                        "amount",
                        "nature",
                        "stage",
                        "in_totals",
                        "source",
                        "note",
                    )
                },
                **languages("label", b["label"]),
            }
            for b in ds.budget_lines
        ],
        budget_fields,
        {"plan": plan},
    )

    w.replace_children(
        PublishedBudgetTotal,
        plan.published_totals.all(),
        [
            {**{k: v for k, v in t.items() if k != "label"}, **languages("label", t["label"])}
            for t in ds.published_totals
        ],
        [
            "level",
            "year",
            "to_year",
            "nature",
            "amount",
            "qualifier",
            "source",
            "note",
            "order",
            *languages("label", {}).keys(),
        ],
        {"plan": plan},
    )

    for i in ds.indicators:
        obj = w.upsert(
            Indicator,
            {"plan": plan, "code": i["code"]},
            {
                **languages("name", i["name"]),
                **languages("description", i["description"]),
                **languages("source", i["source"]),
                "unit": i["unit"],
                "dimensions": i["dimensions"],
                "suppress_below": i["suppress_below"],
                "order": i["order"],
                "note": i["note"],
                "labels": i["labels"],
            },
        )
        w.set_m2m(obj.measures, [measure[n] for n in i["measures"]], "indicator measures")
        w.replace_children(
            Observation,
            obj.observations.all(),
            i["observations"],
            ["period", "start", "end", "value", "dims", "source", "note"],
            {"indicator": obj},
        )
        w.replace_children(
            Target,
            obj.targets.all(),
            i["targets"],
            ["period", "start", "end", "value", "dims", "note"],
            {"indicator": obj},
        )
    return w.summary


def _labels(check: Any, rec: dict) -> dict[str, dict[str, str]]:
    """An indicator's ``labels``: breakdown value -> {language: text}."""
    labels = rec.get("labels") or {}
    if not isinstance(labels, dict) or not all(
        isinstance(texts, dict) and set(texts) <= set(LANGUAGES) for texts in labels.values()
    ):
        check.error(rec, "'labels' must map each breakdown value to {language: text}")
        return {}
    return {str(value): {k: str(v) for k, v in texts.items()} for value, texts in labels.items()}


def load_dataset(folder: Path, *, dry_run: bool = False) -> Summary:
    """Check the folder, then write it in one transaction (rolled back when ``dry_run``)."""
    data, problems = read_folder(Path(folder))
    if problems:
        raise DatasetError(problems)
    dataset = check_dataset(data)
    from planwatch.translations.services import record_dataset  # imports import this module

    with transaction.atomic(), translation.override("en"):
        summary = write_dataset(dataset)
        record_dataset(Plan.objects.get(slug=dataset.plan["slug"]))  # where translations came from
        if dry_run:
            transaction.set_rollback(True)
    return summary


NAP_DATASET = Path(__file__).resolve().parent / "nap-2021-2025"
