"""Measure queries: the measure list's filters and the prefetches of the pages that show
measures. The portal, the API, the downloads and the reports ask these, so a filter means the
same everywhere and each page reads what it shows in a fixed number of queries.

Here and not in ``plans``: a measure's status, assessments and budget lines are reporting's
records, and ``plans`` sits below ``reporting`` (docs/architecture.md, "Floors").
"""

from django import forms
from django.core.cache import cache
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor, Government
from planwatch.lib.i18n import current_language, translated
from planwatch.plans.models import Measure, MeasureMapping, Plan, Provision, Section, Tag

from .models import BudgetLine, MeasureStatus, Round
from .permissions import public_assessments


class MeasureFilter(forms.Form):
    """The measure list's filters. They live in the URL, so a filtered list can be shared."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    pillar = forms.TypedChoiceField(label=_("Pillar"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    government = forms.ChoiceField(label=_("Government"), required=False)
    actor = forms.ChoiceField(label=_("Actor"), required=False)
    objective = forms.ChoiceField(label=_("Objective"), required=False)
    form = forms.ChoiceField(label=_("Form of violence"), required=False)
    group = forms.ChoiceField(label=_("Target group"), required=False)
    article = forms.ChoiceField(label=_("Istanbul Convention article"), required=False)
    tag = forms.ChoiceField(label=_("Form of violence or target group"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("", _("number")),
            ("-number", _("number, descending")),
            ("title", _("title")),
            ("status", _("status")),
        ],
    )

    def __init__(self, plan: Plan, *args, version: str | None = None, **kwargs) -> None:
        """``version``: the data version the page is built from. With it the choices are read
        from the cache (one set per plan, language and version) instead of seven queries."""
        super().__init__(*args, **kwargs)
        if version is None:
            choices = self.choices_of(plan)
        else:
            key = f"measure-filter:{plan.pk}:{current_language()}:{version}"
            choices = cache.get(key)
            if choices is None:
                choices = self.choices_of(plan)
                cache.set(key, choices, 60 * 60)
        for name, options in choices.items():
            self.fields[name].choices = options

    @staticmethod
    def choices_of(plan: Plan) -> dict[str, list[tuple]]:
        every = [("", str(_("all")))]
        fields: dict[str, list[tuple]] = {}
        pillars = Section.objects.filter(plan=plan, parent__isnull=True).order_by("order")
        fields["pillar"] = every + [
            (p.pillar, f"{p.pillar}. {translated(p, 'title').text}") for p in pillars
        ]
        fields["status"] = every + [(code, str(label)) for code, label in plan.status_choices()]
        fields["government"] = every + [
            (g.code, str(g))
            for g in Government.objects.filter(actors__measures__plan=plan).distinct()
        ]
        fields["actor"] = every + sorted(
            ((a.slug, a.label) for a in Actor.objects.filter(measures__plan=plan).distinct()),
            key=lambda choice: choice[1].lower(),
        )
        tags = list(Tag.objects.filter(measures__plan=plan).distinct())
        fields["tag"] = every + [(t.slug, f"{t.get_kind_display()}: {t}") for t in tags]
        fields["form"] = every + [(t.slug, str(t)) for t in tags if t.kind == "form"]
        fields["group"] = every + [(t.slug, str(t)) for t in tags if t.kind == "group"]
        objectives = Section.objects.filter(plan=plan, parent__isnull=False).order_by("order")
        fields["objective"] = every + [
            (o.code, f"{o.code} {translated(o, 'title').text}"[:90]) for o in objectives
        ]
        articles = (
            Provision.objects.filter(framework__slug="istanbul-convention", measures__plan=plan)
            .distinct()
            .order_by("order")
        )
        fields["article"] = every + [
            (a.code, f"{a.code}. {translated(a, 'title').text}"[:90]) for a in articles
        ]
        return fields


def filter_measures(measures: QuerySet[Measure], data: dict, round_: Round | None):
    """The measures a ``MeasureFilter``'s cleaned data asks for, in its order; ``status`` and
    the order by status look at ``round_``."""
    if data.get("pillar"):
        measures = measures.filter(section__pillar=data["pillar"])
    if data.get("status"):
        measures = measures.filter(statuses__round=round_, statuses__status=data["status"])
    if data.get("government"):
        measures = measures.filter(actors__government__code=data["government"])
    if data.get("actor"):
        measures = measures.filter(actors__slug=data["actor"])
    if data.get("objective"):
        measures = measures.filter(section__code=data["objective"])
    for key in ("tag", "form", "group"):
        if data.get(key):
            measures = measures.filter(tags__slug=data[key])
    if data.get("article"):
        measures = measures.filter(
            provisions__framework__slug="istanbul-convention", provisions__code=data["article"]
        )
    if query := (data.get("q") or "").strip():
        lang = current_language()
        text = Q(**{f"title_{lang}__icontains": query}) | Q(
            **{f"description_{lang}__icontains": query}
        )
        if query.isdigit():
            text |= Q(number=int(query))
        measures = measures.filter(text)
    measures = measures.distinct()
    sort = data.get("sort")
    if sort == "-number":
        measures = measures.order_by("-number")
    elif sort == "title":
        measures = measures.order_by(f"title_{current_language()}", "number")
    elif sort == "status" and round_ is not None:
        measures = measures.annotate(current_code=status_code_in(round_)).order_by(
            "current_code", "number"
        )
    return measures


def status_of_outer_measure(round_: Round | None) -> QuerySet[MeasureStatus]:
    """The status in the round of the measure an outer measure query is at (for ``Exists``)."""
    return MeasureStatus.objects.in_round(round_).filter(measure=OuterRef("pk"))


def status_code_in(round_: Round | None) -> Subquery:
    """The status code in the round of each measure of an outer measure query (None without
    one): a column for lists read as plain values."""
    return Subquery(status_of_outer_measure(round_).values("status")[:1])


def with_status_in(
    measures: QuerySet, round_: Round | None, to_attr: str = "current_status"
) -> QuerySet:
    """Each measure with ``to_attr``: a list of its status in the round (empty without one)."""
    return measures.prefetch_related(
        Prefetch("statuses", queryset=MeasureStatus.objects.in_round(round_), to_attr=to_attr)
    )


def with_page_data(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """What a measure's page shows (the portal's and the API's): section, responsible actors,
    tags, convention articles, ``published_statuses`` (oldest round first, with corrections),
    related measures and indicators."""
    return measures.with_listing_data().prefetch_related(
        "tags",
        Prefetch("provisions", queryset=provisions()),
        Prefetch(
            "statuses",
            queryset=MeasureStatus.objects.published()
            .select_related("round")
            .prefetch_related("corrections")
            .order_by("round__end", "round__id"),
            to_attr="published_statuses",
        ),
        Prefetch("related", queryset=Measure.objects.order_by("number")),
        "indicators",
    )


def lineage_prefetches() -> list[Prefetch]:
    """A measure's published lineage (two queries, three with a mapping): ``lineage_from``,
    the mappings of the previous plan's measures it continues, and ``lineage_to``, what became
    of it in its plan's published successor (``None`` when there is none)."""
    return [
        Prefetch(
            "continues",
            queryset=MeasureMapping.objects.filter(successor__is_public=True)
            .select_related("measure__plan")
            .order_by("measure__number"),
            to_attr="lineage_from",
        ),
        Prefetch(
            "mapping",
            queryset=MeasureMapping.objects.filter(successor__is_public=True)
            .exclude(kind=MeasureMapping.Kind.UNDECIDED)
            .select_related("successor")
            .prefetch_related(Prefetch("targets", queryset=Measure.objects.order_by("number"))),
            to_attr="lineage_to",
        ),
    ]


def with_public_records(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Each measure with ``published_assessments`` and its public budget lines."""
    return measures.prefetch_related(
        Prefetch(
            "assessments",
            queryset=public_assessments().select_related("organisation", "round"),
            to_attr="published_assessments",
        ),
        Prefetch(
            "budget_lines",
            queryset=BudgetLine.objects.public().select_related("government", "actor"),
        ),
    )


def provisions() -> QuerySet[Provision]:
    """Convention articles and recommendations, by framework and in their order."""
    return Provision.objects.select_related("framework").order_by("framework__slug", "order")
