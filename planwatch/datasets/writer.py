"""Writing a checked dataset: records are matched on their natural keys (slug, code, number)
and saved only when something changed, so that loading the same folder twice changes no row and
adds no history. Every save records its history (change reason ``datasets.load``) through
django-simple-history's own ``save()`` and ``delete()`` signals.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from planwatch.actors.models import Actor, Government
from planwatch.indicators.models import Indicator, Observation, Target
from planwatch.plans.models import (
    ISTANBUL,
    Framework,
    Measure,
    MeasureActor,
    Plan,
    Provision,
    Section,
    Tag,
)
from planwatch.reporting.models import (
    BudgetLine,
    HeadlineFigure,
    MeasureStatus,
    PublishedBudgetTotal,
    Round,
)

from .checks import Dataset
from .reader import LANGUAGES

CHANGE_REASON = "datasets.load"


def languages(name: str, texts: dict[str, str]) -> dict[str, str | None]:
    """``{"nl": "x"}`` → ``{"title_nl": "x", "title_fr": None, …}``: a language without a text
    is left empty (pages fall back to another language when they show it)."""
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


class DatasetWriter(Writer):
    """A dataset in the order later rows refer to earlier ones; keeps each written row by its
    natural key for the rows that refer to it."""

    def __init__(self, ds: Dataset) -> None:
        super().__init__()
        self.ds = ds

    def write(self) -> Summary:
        self.write_plan()
        self.write_measures()
        self.write_rounds()
        self.write_budgets()
        self.write_indicators()
        return self.summary

    def write_plan(self) -> None:
        self.gov = {
            g["code"]: self.upsert(
                Government,
                {"code": g["code"]},
                {
                    **languages("name", g["name"]),
                    **languages("short", g["short"]),
                    "level": g["level"],
                    "order": g["order"],
                },
            )
            for g in self.ds.governments
        }
        self.actor = {
            a["slug"]: self.upsert(
                Actor,
                {"slug": a["slug"]},
                {
                    **languages("name", a["name"]),
                    **languages("short", a["short"]),
                    "kind": a["kind"],
                    "government_id": self.gov[a["government"]].pk if a["government"] else None,
                },
            )
            for a in self.ds.actors
        }
        p = self.ds.plan
        self.plan = self.upsert(
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
                "coordinator_id": self.actor[p["coordinator"]].pk if p["coordinator"] else None,
            },
        )
        self.section: dict[str, Section] = {}
        self.section_rows = {s["code"]: s for s in self.ds.sections}
        for s in self.ds.sections:
            self.write_section(s["code"])
        self.tag = {
            t["slug"]: self.upsert(
                Tag, {"slug": t["slug"]}, {"kind": t["kind"], **languages("name", t["name"])}
            )
            for t in self.ds.tags
        }
        self.provision: dict[tuple[str, str], Provision] = {}
        for f in self.ds.frameworks:
            framework = self.upsert(
                Framework, {"slug": f["slug"]}, {**languages("name", f["name"]), "note": f["note"]}
            )
            for pr in f["provisions"]:
                self.provision[f["slug"], pr["code"]] = self.upsert(
                    Provision,
                    {"framework": framework, "code": pr["code"]},
                    {
                        **languages("title", pr["title"]),
                        **languages("chapter", pr["chapter"]),
                        "order": pr["order"],
                    },
                )

    def write_section(self, code: str) -> Section:
        """In the file's order, but a parent before its children (it may come later)."""
        if code in self.section:
            return self.section[code]
        s = self.section_rows[code]
        parent = self.write_section(s["parent"]) if s["parent"] else None
        self.section[code] = self.upsert(
            Section,
            {"plan": self.plan, "code": code},
            {
                **languages("title", s["title"]),
                "pillar": s["pillar"],
                "order": s["order"],
                "parent_id": parent.pk if parent else None,
            },
        )
        return self.section[code]

    def write_measures(self) -> None:
        self.measure: dict[int, Measure] = {}
        for m in self.ds.measures:
            self.measure[m["number"]] = self.upsert(
                Measure,
                {"plan": self.plan, "number": m["number"]},
                {
                    **languages("title", m["title"]),
                    **languages("description", m["description"]),
                    "section_id": self.section[m["section"]].pk,
                    "note": m["note"],
                },
            )
        related: dict[int, set[int]] = {m["number"]: set() for m in self.ds.measures}
        for m in self.ds.measures:  # "related" is symmetrical: a link written on either side counts
            for other in m["related"]:
                related[m["number"]].add(other)
                related[other].add(m["number"])
        for m in self.ds.measures:
            obj = self.measure[m["number"]]
            wanted = [
                (self.actor[slug].pk, role, order) for order, (slug, role) in enumerate(m["actors"])
            ]
            current = list(
                obj.measure_actors.order_by("order").values_list("actor_id", "role", "order")
            )
            if current != wanted:
                for row in obj.measure_actors.all():
                    row._change_reason = CHANGE_REASON
                    row.delete()
                for actor_id, role, order in wanted:
                    self._save(MeasureActor(measure=obj, actor_id=actor_id, role=role, order=order))
                self.summary.updated["responsible actors"] += 1
            self.set_m2m(obj.tags, [self.tag[s] for s in m["tags"]], "measure tags")
            self.set_m2m(
                obj.related, [self.measure[n] for n in related[m["number"]]], "related measures"
            )
        for f in self.ds.frameworks:
            for pr in f["provisions"]:
                if pr["measures"]:
                    self.set_m2m(
                        self.provision[f["slug"], pr["code"]].measures,
                        [self.measure[n] for n in pr["measures"]],
                        "provision links",
                    )
        for m in self.ds.measures:
            articles = [self.provision[ISTANBUL, code] for code in m["articles"]]
            current_other = self.measure[m["number"]].provisions.exclude(framework__slug=ISTANBUL)
            self.set_m2m(
                self.measure[m["number"]].provisions,
                articles + list(current_other),
                "measure articles",
            )

    def write_rounds(self) -> None:
        self.rounds: dict[str, Round] = {}
        for r in self.ds.rounds:
            head = r["headline"]
            self.rounds[r["slug"]] = obj = self.upsert(
                Round,
                {"plan": self.plan, "slug": r["slug"]},
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
            self.replace_children(
                HeadlineFigure,
                obj.headline_figures.all(),
                head["figures"],
                ["status", "percent", "qualifier", "order"],
                {"round": obj},
            )
        for m in self.ds.measures:
            for st in m["statuses"]:
                self.upsert(
                    MeasureStatus,
                    {"round": self.rounds[st["round"]], "measure": self.measure[m["number"]]},
                    {
                        "status": st["status"],
                        **languages("narrative", st["narrative"]),
                        "source": st["source"],
                        "note": st["note"],
                    },
                )

    def write_budgets(self) -> None:
        plain = ["year", "to_year", "amount", "qualifier", "nature", "stage", "in_totals"]
        plain += ["excluded_reason", "source", "note"]
        budget_fields = [
            "government_id",
            "actor_id",
            "measure_id",
            *plain,
            *languages("label", {}).keys(),
        ]
        self.replace_children(
            BudgetLine,
            self.plan.budget_lines.all(),
            [
                {
                    "government_id": self.gov[b["government"]].pk,
                    "actor_id": self.actor[b["actor"]].pk if b["actor"] else None,
                    "measure_id": self.measure[b["measure"]].pk if b["measure"] else None,
                    **{k: b[k] for k in plain},
                    **languages("label", b["label"]),
                }
                for b in self.ds.budget_lines
            ],
            budget_fields,
            {"plan": self.plan},
        )

        self.replace_children(
            PublishedBudgetTotal,
            self.plan.published_totals.all(),
            [
                {**{k: v for k, v in t.items() if k != "label"}, **languages("label", t["label"])}
                for t in self.ds.published_totals
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
            {"plan": self.plan},
        )

    def write_indicators(self) -> None:
        for i in self.ds.indicators:
            obj = self.upsert(
                Indicator,
                {"plan": self.plan, "code": i["code"]},
                {
                    **languages("name", i["name"]),
                    **languages("description", i["description"]),
                    **languages("source", i["source"]),
                    "unit": i["unit"],
                    "kind": i["kind"],
                    "dimensions": i["dimensions"],
                    "suppress_below": i["suppress_below"],
                    "order": i["order"],
                    "note": i["note"],
                    "labels": i["labels"],
                },
            )
            self.set_m2m(
                obj.measures, [self.measure[n] for n in i["measures"]], "indicator measures"
            )
            self.replace_children(
                Observation,
                obj.observations.all(),
                i["observations"],
                ["period", "start", "end", "value", "qualifier", "dims", "source", "note"],
                {"indicator": obj},
            )
            self.replace_children(
                Target,
                obj.targets.all(),
                i["targets"],
                ["period", "start", "end", "value", "qualifier", "dims", "note", "direction"],
                {"indicator": obj},
            )


def write_dataset(ds: Dataset) -> Summary:
    return DatasetWriter(ds).write()
