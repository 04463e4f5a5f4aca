"""Every translatable text of a plan, as units: one field of one record (``measure.12.title``).

Each kind of record is read with one ``.values()`` query holding every language column, so the
whole plan's texts cost a fixed number of queries whatever its size. A unit knows its texts per
language, the group it is counted in on the status page, and whether it is public.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from planwatch.indicators.models import Indicator
from planwatch.lib.i18n import languages
from planwatch.plans.models import Framework, Measure, Plan, Provision, Section
from planwatch.reporting.models import (
    BudgetLine,
    Contribution,
    MeasureStatus,
    PublishedBudgetTotal,
    Round,
)

# The groups of the status page, in the order it shows them.
GROUPS = {
    "plan": _("plan and sections"),
    "measures": _("measures"),
    "statuses": _("statuses"),
    "contributions": _("contributions"),
    "budgets": _("budgets"),
    "indicators": _("indicators"),
    "provisions": _("provisions"),
    "rounds": _("rounds"),
}


@dataclass(frozen=True)
class Kind:
    key: str  # the first part of a unit's key
    group: str
    model: type[Model]
    fields: tuple[str, ...]
    rows: Callable[[Plan], QuerySet]
    extra: tuple[str, ...]  # further columns the name needs
    name: Callable[[dict], str]
    published: Callable[[dict], bool] = lambda row: True
    measure: str | None = None  # the column holding the measure's id, for the audit trail


@dataclass
class Unit:
    key: str
    kind: Kind
    pk: int
    field: str
    name: str
    texts: dict[str, str] = field(default_factory=dict)
    published: bool = True
    measure_id: int | None = None

    @property
    def group(self) -> str:
        return self.kind.group

    @property
    def field_label(self) -> str:
        return str(self.kind.model._meta.get_field(self.field).verbose_name)

    def source_language(self, preferred: str) -> str:
        """The language this unit is translated from: ``preferred`` when it holds the text,
        else the first language that does (a narrative a focal point wrote in French)."""
        if self.texts.get(preferred):
            return preferred
        return next((code for code in languages() if self.texts.get(code)), "")


def _plan_rows(plan: Plan) -> QuerySet:
    return Plan.objects.filter(pk=plan.pk)


def _provisions(plan: Plan) -> QuerySet:
    """The provisions of every framework the plan's measures answer."""
    return Provision.objects.filter(framework__in=_frameworks(plan)).order_by("framework", "order")


def _frameworks(plan: Plan) -> QuerySet:
    return Framework.objects.filter(
        pk__in=Provision.objects.filter(measures__plan=plan).values("framework_id")
    )


def _in_published_round(row: dict) -> bool:
    return row["round__state"] == Round.State.PUBLISHED


KINDS: tuple[Kind, ...] = (
    Kind(
        "plan", "plan", Plan, ("title", "description"), _plan_rows, ("slug",),
        lambda row: str(_("Plan %(slug)s") % {"slug": row["slug"]}),
    ),
    Kind(
        "section", "plan", Section, ("title",),
        lambda plan: Section.objects.filter(plan=plan).order_by("code"), ("code",),
        lambda row: str(_("Section %(code)s") % {"code": row["code"]}),
    ),
    Kind(
        "measure", "measures", Measure, ("title", "description"),
        lambda plan: Measure.objects.filter(plan=plan).order_by("number"), ("number",),
        lambda row: str(_("Measure %(number)s") % {"number": row["number"]}),
        measure="pk",
    ),
    Kind(
        "status", "statuses", MeasureStatus, ("narrative",),
        lambda plan: MeasureStatus.objects.filter(round__plan=plan).order_by(
            "round__start", "measure__number"
        ),
        ("round__slug", "round__state", "measure__number", "measure_id"),
        lambda row: str(
            _("Status of measure %(number)s in %(round)s")
            % {"number": row["measure__number"], "round": row["round__slug"]}
        ),
        _in_published_round,
        measure="measure_id",
    ),
    Kind(
        "contribution", "contributions", Contribution, ("narrative",),
        # Narratives the coordinator validated: finished text, before or after publication.
        lambda plan: Contribution.objects.filter(
            round__plan=plan, state=Contribution.State.VALIDATED
        ).order_by("round__start", "measure__number", "actor__slug"),
        ("round__slug", "round__state", "measure__number", "actor__slug", "measure_id"),
        lambda row: str(
            _("Contribution of %(actor)s on measure %(number)s in %(round)s")
            % {
                "actor": row["actor__slug"],
                "number": row["measure__number"],
                "round": row["round__slug"],
            }
        ),
        _in_published_round,
        measure="measure_id",
    ),
    Kind(
        "budgetline", "budgets", BudgetLine, ("label",),
        lambda plan: BudgetLine.objects.filter(plan=plan).order_by("pk"), ("measure__number",),
        lambda row: str(
            _("Budget line of measure %(number)s") % {"number": row["measure__number"]}
            if row["measure__number"]
            else _("Budget line")
        ),
    ),
    Kind(
        "budgettotal", "budgets", PublishedBudgetTotal, ("label",),
        lambda plan: PublishedBudgetTotal.objects.filter(plan=plan).order_by("pk"), (),
        lambda row: str(_("Published budget total")),
    ),
    Kind(
        "indicator", "indicators", Indicator, ("name", "description", "source"),
        lambda plan: Indicator.objects.filter(plan=plan).order_by("order", "code"), ("code",),
        lambda row: str(_("Indicator %(code)s") % {"code": row["code"]}),
    ),
    Kind(
        "framework", "provisions", Framework, ("name",), _frameworks, ("slug",),
        lambda row: str(_("Framework %(slug)s") % {"slug": row["slug"]}),
    ),
    Kind(
        "provision", "provisions", Provision, ("title", "chapter"), _provisions,
        ("code", "framework__slug"),
        lambda row: f"{row['framework__slug']} {row['code']}",
    ),
    Kind(
        "round", "rounds", Round, ("name",),
        lambda plan: Round.objects.filter(plan=plan).order_by("start"), ("slug", "state"),
        lambda row: str(_("Round %(slug)s") % {"slug": row["slug"]}),
        lambda row: row["state"] == Round.State.PUBLISHED,
    ),
)  # fmt: skip
BY_KEY = {kind.key: kind for kind in KINDS}


def collect(plan: Plan, groups: set[str] | None = None) -> list[Unit]:
    """Every unit of the plan that holds a text in at least one language (one query per
    kind), in the order of :data:`KINDS`."""
    codes = languages()
    units = []
    for kind in KINDS:
        if groups is not None and kind.group not in groups:
            continue
        columns = [f"{name}_{code}" for name in kind.fields for code in codes]
        for row in kind.rows(plan).values("pk", *kind.extra, *columns):
            name = kind.name(row)
            for name_field in kind.fields:
                texts = {code: row[f"{name_field}_{code}"] or "" for code in codes}
                if not any(texts.values()):
                    continue
                units.append(
                    Unit(
                        key=f"{kind.key}.{row['pk']}.{name_field}",
                        kind=kind,
                        pk=row["pk"],
                        field=name_field,
                        name=name,
                        texts=texts,
                        published=kind.published(row),
                        measure_id=row[kind.measure] if kind.measure else None,
                    )
                )
    return units


def parse_key(key: str) -> tuple[Kind, int, str] | None:
    """The kind, record id and field of a unit key, or None when it names none."""
    parts = str(key).split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    kind = BY_KEY.get(parts[0])
    if kind is None or parts[2] not in kind.fields:
        return None
    return kind, int(parts[1]), parts[2]


def find(plan: Plan, key: str) -> Unit | None:
    """One unit of the plan by its key (one query), or None when it is not the plan's."""
    parsed = parse_key(key)
    if parsed is None:
        return None
    kind, pk, name_field = parsed
    codes = languages()
    columns = [f"{name_field}_{code}" for code in codes]
    row = kind.rows(plan).filter(Q(pk=pk)).values("pk", *kind.extra, *columns).first()
    if row is None:
        return None
    return Unit(
        key=key,
        kind=kind,
        pk=pk,
        field=name_field,
        name=kind.name(row),
        texts={code: row[f"{name_field}_{code}"] or "" for code in codes},
        published=kind.published(row),
        measure_id=row[kind.measure] if kind.measure else None,
    )
