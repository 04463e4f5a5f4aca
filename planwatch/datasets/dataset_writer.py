"""The dataset door's writing: a checked dataset (``checks.Dataset``) through the one writer of a
plan (``writer.Writer``, change reason ``datasets.load``). The plan's own parts go as a
``plan_writer.PlanWrite`` to ``write_plan``, the function ``planwatch import plan`` writes
through too; rounds, headline figures, statuses, budgets, published totals and indicators with
their observations and targets go through the same primitives: upsert by natural key, replace
keyless children, set links. Rows that are as wanted are not written, so loading the same folder
twice changes nothing and adds no history.
"""

from planwatch.indicators.models import Indicator, Observation, Target
from planwatch.reporting.models import (
    BudgetLine,
    HeadlineFigure,
    MeasureStatus,
    PublishedBudgetTotal,
    Round,
)

from . import plan_writer
from .checks import Dataset
from .measure_writer import MeasureWrite
from .plan_writer import FrameworkWrite, PlanWrite, ProvisionWrite, Written
from .writer import Writer, languages

CHANGE_REASON = "datasets.load"

BUDGET_FIELDS = ["year", "to_year", "amount", "qualifier", "nature", "stage", "in_totals"]
BUDGET_FIELDS += ["excluded_reason", "source", "note"]
TOTAL_FIELDS = ["level", "year", "to_year", "nature", "amount", "qualifier", "source", "note"]
TOTAL_FIELDS += ["order"]
POINT_FIELDS = ["period", "start", "end", "value", "qualifier", "dims", "note"]


def plan_rows(ds: Dataset) -> PlanWrite:
    """The plan's own parts of a dataset, as the plan writer takes them."""
    p = ds.plan
    related: dict[int, set[int]] = {m["number"]: set() for m in ds.measures}
    for m in ds.measures:  # "related" is symmetrical: a link written on either side counts
        for other in m["related"]:
            related[m["number"]].add(other)
            related[other].add(m["number"])
    return PlanWrite(
        slug=p["slug"],
        plan={
            **languages("title", p["title"]),
            **languages("description", p["description"]),
            "start": p["start"],
            "end": p["end"],
            "adopted": p["adopted"],
            "declared_measures": p["declared_measures"],
            "statuses": p["statuses"],
            "coordinator": p["coordinator"],
        },
        governments=[
            (
                g["code"],
                {
                    **languages("name", g["name"]),
                    **languages("short", g["short"]),
                    "level": g["level"],
                    "order": g["order"],
                },
            )
            for g in ds.governments
        ],
        actors=[
            (
                a["slug"],
                {
                    **languages("name", a["name"]),
                    **languages("short", a["short"]),
                    "kind": a["kind"],
                    "government": a["government"],
                },
            )
            for a in ds.actors
        ],
        tags=[(t["slug"], {"kind": t["kind"], **languages("name", t["name"])}) for t in ds.tags],
        frameworks=[
            FrameworkWrite(
                f["slug"],
                {**languages("name", f["name"]), "note": f["note"]},
                [
                    ProvisionWrite(
                        pr["code"],
                        {
                            **languages("title", pr["title"]),
                            **languages("chapter", pr["chapter"]),
                            "order": pr["order"],
                        },
                        pr["measures"] or None,
                    )
                    for pr in f["provisions"]
                ],
            )
            for f in ds.frameworks
        ],
        sections=[
            (
                s["code"],
                {
                    **languages("title", s["title"]),
                    "pillar": s["pillar"],
                    "order": s["order"],
                    "parent": s["parent"],
                },
            )
            for s in ds.sections
        ],
        measures=[
            MeasureWrite(
                m["number"],
                m["section"],
                {
                    **languages("title", m["title"]),
                    **languages("description", m["description"]),
                    "note": m["note"],
                },
                roles=list(m["actors"]),
                tags=list(m["tags"]),
                articles=list(m["articles"]),
                related=list(related[m["number"]]),
            )
            for m in ds.measures
        ],
    )


class DatasetWriter:
    """A dataset in the order later rows refer to earlier ones."""

    def __init__(self, ds: Dataset, writer: Writer) -> None:
        self.ds = ds
        self.w = writer

    def write(self) -> Written:
        self.written = plan_writer.write_plan(self.w, plan_rows(self.ds))
        self.write_rounds()
        self.write_budgets()
        self.write_indicators()
        return self.written

    def write_rounds(self) -> None:
        w, plan, measures = self.w, self.written.plan, self.written.measures
        rounds = w.upsert(
            Round,
            {r.slug: r for r in plan.rounds.all()},
            [
                (
                    r["slug"],
                    {"plan": plan, "slug": r["slug"]},
                    {
                        **languages("name", r["name"]),
                        "start": r["start"],
                        "end": r["end"],
                        "deadline": r["deadline"],
                        "state": r["state"],
                        "published_on": r["published_on"],
                        "headline_measures": r["headline"]["measures"],
                        "headline_source": r["headline"]["source"],
                        "note": r["note"],
                    },
                )
                for r in self.ds.rounds
            ],
        )
        w.replace(
            HeadlineFigure,
            "round_id",
            {rounds[r["slug"]].pk: r["headline"]["figures"] for r in self.ds.rounds},
            ["status", "percent", "qualifier", "order"],
        )
        w.upsert(
            MeasureStatus,
            {
                (s.round_id, s.measure_id): s
                for s in MeasureStatus.objects.filter(round__in=list(rounds.values()))
            },
            [
                (
                    (rounds[st["round"]].pk, measures[m["number"]]),
                    {"round": rounds[st["round"]], "measure_id": measures[m["number"]]},
                    {
                        "status": st["status"],
                        **languages("narrative", st["narrative"]),
                        "source": st["source"],
                        "note": st["note"],
                    },
                )
                for m in self.ds.measures
                for st in m["statuses"]
            ],
        )

    def write_budgets(self) -> None:
        gov, actor, measure = (
            self.written.governments,
            self.written.actors,
            self.written.measures,
        )
        labels = list(languages("label", {}))
        self.w.replace(
            BudgetLine,
            "plan_id",
            {
                self.written.plan.pk: [
                    {
                        "government_id": gov[b["government"]],
                        "actor_id": actor[b["actor"]] if b["actor"] else None,
                        "measure_id": measure[b["measure"]] if b["measure"] else None,
                        **{k: b[k] for k in BUDGET_FIELDS},
                        **languages("label", b["label"]),
                    }
                    for b in self.ds.budget_lines
                ]
            },
            ["government_id", "actor_id", "measure_id", *BUDGET_FIELDS, *labels],
        )
        self.w.replace(
            PublishedBudgetTotal,
            "plan_id",
            {
                self.written.plan.pk: [
                    {**{k: t[k] for k in TOTAL_FIELDS}, **languages("label", t["label"])}
                    for t in self.ds.published_totals
                ]
            },
            [*TOTAL_FIELDS, *labels],
        )

    def write_indicators(self) -> None:
        w, plan, measures = self.w, self.written.plan, self.written.measures
        indicators = w.upsert(
            Indicator,
            {i.code: i for i in plan.indicators.all()},
            [
                (
                    i["code"],
                    {"plan": plan, "code": i["code"]},
                    {
                        **languages("name", i["name"]),
                        **languages("description", i["description"]),
                        **languages("source", i["source"]),
                        **{k: i[k] for k in ("unit", "kind", "dimensions", "suppress_below")},
                        **{k: i[k] for k in ("order", "note", "labels")},
                    },
                )
                for i in self.ds.indicators
            ],
        )
        ids = {code: obj.pk for code, obj in indicators.items()}
        w.set_links(
            Indicator.measures.through,
            "indicator_id",
            "measure_id",
            {ids[i["code"]]: [measures[n] for n in i["measures"]] for i in self.ds.indicators},
            "indicator measures",
        )
        w.replace(
            Observation,
            "indicator_id",
            {ids[i["code"]]: i["observations"] for i in self.ds.indicators},
            [*POINT_FIELDS, "source"],
        )
        w.replace(
            Target,
            "indicator_id",
            {ids[i["code"]]: i["targets"] for i in self.ds.indicators},
            [*POINT_FIELDS, "direction"],
        )


def write_dataset(ds: Dataset, writer: Writer) -> Written:
    """Write a checked dataset through ``writer``; what it did is in ``writer.summary``."""
    return DatasetWriter(ds, writer).write()
