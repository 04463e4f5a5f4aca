"""What the API shows of each record: public facts only (no editorial notes, no user names).

Content fields are ``{"nl": …, "fr": …, "de": …, "en": …}`` objects; codes (statuses, units,
levels) are given as codes, documented in the schema as enumerations.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from planwatch.actors.models import Actor, Government
from planwatch.lib.figures import Printed, Qualifier
from planwatch.plans.models import (
    Measure,
    MeasureActor,
    MeasureMapping,
    Plan,
    Section,
    Status,
    Tag,
)
from planwatch.reporting.models import (
    Assessment,
    BudgetLine,
    HeadlineFigure,
    MeasureStatus,
    PublishedBudgetTotal,
    Round,
)

from .fields import NumberText, TranslatedField


def _url(serializer: serializers.Serializer, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs, request=serializer.context.get("request"))


# Plans ----------------------------------------------------------------------------------------


class ActorRefSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    short = TranslatedField()
    government = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Actor
        fields = ["slug", "name", "short", "kind", "government"]


class PlanLinksSerializer(serializers.Serializer):
    self = serializers.URLField()
    sections = serializers.URLField()
    measures = serializers.URLField()
    rounds = serializers.URLField()
    statuses = serializers.URLField()
    assessments = serializers.URLField()
    budget_lines = serializers.URLField()
    budget_totals = serializers.URLField()
    indicators = serializers.URLField()


class PlanSerializer(serializers.ModelSerializer):
    title = TranslatedField()
    description = TranslatedField()
    coordinator = ActorRefSerializer(read_only=True, allow_null=True)
    statuses = serializers.SerializerMethodField(
        help_text="The status codes the plan reports with, in order."
    )
    latest_published_round = serializers.CharField(
        read_only=True, allow_null=True, help_text="Slug of the latest published round."
    )
    links = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "slug",
            "title",
            "description",
            "start",
            "end",
            "adopted",
            "coordinator",
            "declared_measures",
            "statuses",
            "latest_published_round",
            "links",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Status.choices)))
    def get_statuses(self, plan: Plan) -> list[str]:
        return plan.status_codes()

    @extend_schema_field(PlanLinksSerializer)
    def get_links(self, plan: Plan) -> dict[str, str]:
        names = {
            "self": "plan",
            "sections": "sections",
            "measures": "measures",
            "rounds": "rounds",
            "statuses": "statuses",
            "assessments": "assessments",
            "budget_lines": "budget_lines",
            "budget_totals": "budget_totals",
            "indicators": "indicators",
        }
        return {key: _url(self, name, plan=plan.slug) for key, name in names.items()}


class SectionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text="The pillar's code."
    )
    title = TranslatedField()
    is_pillar = serializers.BooleanField(read_only=True)

    class Meta:
        model = Section
        fields = ["code", "pillar", "parent", "is_pillar", "title", "order"]


# Measures -------------------------------------------------------------------------------------


class MeasureActorSerializer(serializers.Serializer):
    slug = serializers.CharField(source="actor.slug")
    name = TranslatedField(of="actor")
    short = TranslatedField(of="actor")
    role = serializers.ChoiceField(choices=MeasureActor.Role.choices)
    government = serializers.CharField(source="actor.government.code", allow_null=True)


class CurrentStatusSerializer(serializers.Serializer):
    round = serializers.CharField(help_text="Slug of the latest published round.")
    status = serializers.ChoiceField(choices=Status.choices)


class MeasureSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    title = TranslatedField()
    description = TranslatedField()
    section = serializers.CharField(source="section.code", help_text="The objective's code.")
    pillar = serializers.IntegerField(source="section.pillar")
    actors = MeasureActorSerializer(source="measure_actors", many=True)
    governments = serializers.SerializerMethodField()
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    status = serializers.SerializerMethodField(
        help_text="The status in the latest published round; null when it has none."
    )
    dropped = serializers.BooleanField(
        read_only=True,
        help_text="Dropped during the plan; the reason is in the measure's public changes.",
    )

    class Meta:
        model = Measure
        fields = [
            "number",
            "url",
            "title",
            "description",
            "section",
            "pillar",
            "actors",
            "governments",
            "tags",
            "status",
            "dropped",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, measure: Measure) -> str:
        return _url(self, "measure", plan=self.context["plan"].slug, number=measure.number)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_governments(self, measure: Measure) -> list[str]:
        codes: list[str] = []
        for role in measure.measure_actors.all():
            government = role.actor.government
            if government and government.code not in codes:
                codes.append(government.code)
        return codes

    @extend_schema_field(CurrentStatusSerializer(allow_null=True))
    def get_status(self, measure: Measure) -> dict | None:
        current = getattr(measure, "current_status", None)
        if not current:
            return None
        return {"round": self.context["round"].slug, "status": current[0].status}


class TagSerializer(serializers.ModelSerializer):
    name = TranslatedField()

    class Meta:
        model = Tag
        fields = ["slug", "kind", "name"]


class ProvisionSerializer(serializers.Serializer):
    framework = serializers.CharField(source="framework.slug")
    code = serializers.CharField()
    title = TranslatedField()


CONFIDENCE_HELP = (
    "The delivery confidence the coordinator gave, 1 (highest) to 5 (lowest), named on the "
    "plan's confidence page; null: none given."
)


class CorrectionSerializer(serializers.Serializer):
    old_status = serializers.ChoiceField(choices=Status.choices)
    new_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField()
    corrected_at = serializers.DateTimeField()


class RoundStatusSerializer(serializers.ModelSerializer):
    round = serializers.CharField(source="round.slug")
    narrative = TranslatedField()
    corrections = CorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = MeasureStatus
        fields = ["round", "status", "confidence", "narrative", "corrections"]
        extra_kwargs = {"confidence": {"help_text": CONFIDENCE_HELP}}


class MeasureRefSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="Slug of the measure's plan.")
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(
        choices=MeasureMapping.Kind.choices, help_text="How the old measure carried over."
    )


class ContinuedAsSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text="Slug of the published successor plan.")
    kind = serializers.ChoiceField(choices=MeasureMapping.Kind.choices)
    measures = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Numbers of the new plan's measures it continues as or is merged into.",
    )
    reason = serializers.CharField(help_text="The public reason (of a drop, for one).")


class LineageSerializer(serializers.Serializer):
    continues = MeasureRefSerializer(
        many=True, help_text="The measures of the previous plan this measure continues."
    )
    continued_as = ContinuedAsSerializer(
        allow_null=True,
        help_text="What became of the measure in its plan's published successor; null when "
        "there is none.",
    )


class MeasureDetailSerializer(MeasureSerializer):
    tags = TagSerializer(many=True, read_only=True)
    provisions = ProvisionSerializer(many=True, read_only=True)
    statuses = RoundStatusSerializer(
        source="published_statuses",
        many=True,
        read_only=True,
        help_text="The status in every published round, oldest first.",
    )
    related = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    deadline = serializers.DateField(read_only=True, allow_null=True)
    budget = NumberText(allow_null=True, help_text="The measure's own budget in euro, if set.")
    lineage = serializers.SerializerMethodField()

    class Meta(MeasureSerializer.Meta):
        fields = [
            *MeasureSerializer.Meta.fields,
            "provisions",
            "statuses",
            "related",
            "indicators",
            "deadline",
            "budget",
            "lineage",
        ]

    @extend_schema_field(LineageSerializer)
    def get_lineage(self, measure: Measure) -> dict:
        """Published mappings only: the measure's plan is public, and so must the successor be."""
        continues = [
            {"plan": m.measure.plan.slug, "number": m.measure.number, "kind": m.kind}
            for m in measure.lineage_from
        ]
        mapping = getattr(measure, "lineage_to", None)
        continued_as = mapping and {
            "plan": mapping.successor.slug,
            "kind": mapping.kind,
            "measures": [target.number for target in mapping.targets.all()],
            "reason": mapping.reason,
        }
        return {"continues": continues, "continued_as": continued_as}


# Rounds and statuses --------------------------------------------------------------------------


class HeadlineFigureSerializer(serializers.ModelSerializer):
    percent = NumberText()

    class Meta:
        model = HeadlineFigure
        fields = ["status", "qualifier", "percent"]


class RoundSerializer(serializers.ModelSerializer):
    name = TranslatedField()
    headline_figures = HeadlineFigureSerializer(
        many=True,
        read_only=True,
        help_text="The figures of the round's report, as printed ('more than 70%').",
    )

    class Meta:
        model = Round
        fields = [
            "slug",
            "name",
            "start",
            "end",
            "deadline",
            "published_on",
            "headline_measures",
            "headline_source",
            "headline_figures",
        ]


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    count = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="Whole percent of the measures with a status.")


class SplitSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Measures with a status in this round.")
    measures = serializers.IntegerField(
        help_text="The plan's measures: what the split rests on is `total` of them."
    )
    without_status = serializers.IntegerField(help_text="Measures with no status in this round.")
    counts = StatusCountSerializer(many=True)


class PillarSplitSerializer(serializers.Serializer):
    pillar = serializers.IntegerField(source="section.pillar")
    section = serializers.CharField(source="section.code")
    title = TranslatedField(of="section")
    total = serializers.IntegerField(source="split.total")
    measures = serializers.IntegerField(source="split.measures")
    without_status = serializers.IntegerField(source="split.without_status")
    counts = StatusCountSerializer(source="split.counts", many=True)


class RoundDetailSerializer(RoundSerializer):
    split = SplitSerializer(
        read_only=True, help_text="Measures per status, computed from the recorded statuses."
    )
    pillars = PillarSplitSerializer(many=True, read_only=True)

    class Meta(RoundSerializer.Meta):
        fields = [*RoundSerializer.Meta.fields, "split", "pillars"]


class MeasureStatusSerializer(serializers.ModelSerializer):
    round = serializers.CharField(source="round.slug")
    measure = serializers.IntegerField(source="measure.number")
    narrative = TranslatedField()
    corrections = CorrectionSerializer(many=True, read_only=True)

    class Meta:
        model = MeasureStatus
        fields = ["round", "measure", "status", "confidence", "narrative", "corrections"]
        extra_kwargs = {"confidence": {"help_text": CONFIDENCE_HELP}}


class AssessmentSerializer(serializers.ModelSerializer):
    round = serializers.CharField(source="round.slug")
    measure = serializers.IntegerField(source="measure.number")
    organisation = ActorRefSerializer(read_only=True)
    commentary = TranslatedField()

    class Meta:
        model = Assessment
        fields = ["round", "measure", "organisation", "rating", "commentary"]


# Budgets --------------------------------------------------------------------------------------

QUALIFIER_HELP = (
    "How exact the figure is: exact, a lower bound (more_than, at_least), an upper bound "
    "(less_than, at_most) or an estimate (about)."
)


class BudgetLineSerializer(serializers.ModelSerializer):
    government = serializers.CharField(source="government.code")
    level = serializers.ChoiceField(source="government.level", choices=Government.Level.choices)
    actor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    measure = serializers.IntegerField(source="measure.number", allow_null=True)
    period = serializers.CharField()
    amount = NumberText(help_text="Euro (a bound or an estimate: see qualifier).")
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, help_text=QUALIFIER_HELP)
    excluded_reason = serializers.SerializerMethodField()
    label = TranslatedField()

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "government",
            "level",
            "actor",
            "measure",
            "year",
            "to_year",
            "period",
            "amount",
            "qualifier",
            "nature",
            "stage",
            "in_totals",
            "excluded_reason",
            "label",
            "source",
            "note",
        ]

    @extend_schema_field(
        serializers.ChoiceField(choices=BudgetLine.Excluded.choices, allow_null=True)
    )
    def get_excluded_reason(self, line: BudgetLine) -> str | None:
        """Why a line with in_totals false is left out of the totals."""
        return line.excluded_reason or None


class BudgetCellSerializer(serializers.Serializer):
    specific = NumberText()
    broader = NumberText()
    total = NumberText()
    qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        help_text="The total's qualifier: at_least when a counted amount is a lower bound.",
    )


class BudgetRowSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Government.Level.choices)
    period = serializers.CharField()
    specific = NumberText(source="cell.specific")
    broader = NumberText(source="cell.broader")
    total = NumberText(source="cell.total")
    qualifier = serializers.ChoiceField(
        source="cell.qualifier",
        choices=Qualifier.choices,
        help_text="The total's qualifier: at_least when a counted amount is a lower bound.",
    )


class ComputedTotalsSerializer(serializers.Serializer):
    rows = BudgetRowSerializer(many=True)
    total = BudgetCellSerializer()


class PublishedTotalSerializer(serializers.ModelSerializer):
    level = serializers.SerializerMethodField()
    nature = serializers.SerializerMethodField()
    period = serializers.CharField()
    amount = NumberText(help_text="Euro, as printed (see qualifier).")
    qualifier = serializers.ChoiceField(
        choices=Printed.choices, help_text='As printed; "almost" is an upper bound.'
    )
    label = TranslatedField()

    class Meta:
        model = PublishedBudgetTotal
        fields = [
            "level",
            "year",
            "to_year",
            "period",
            "nature",
            "amount",
            "qualifier",
            "label",
            "source",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=Government.Level.choices, allow_null=True))
    def get_level(self, total: PublishedBudgetTotal) -> str | None:
        return total.level or None

    @extend_schema_field(
        serializers.ChoiceField(choices=BudgetLine.Nature.choices, allow_null=True)
    )
    def get_nature(self, total: PublishedBudgetTotal) -> str | None:
        return total.nature or None


class BudgetTotalsSerializer(serializers.Serializer):
    computed = ComputedTotalsSerializer(
        help_text="Totals per government level and period of the lines counted in totals."
    )
    published = PublishedTotalSerializer(
        many=True, help_text="Totals as the plan's reports printed them; never added up."
    )


# The caller ------------------------------------------------------------------------------------


class RoleSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["coordinator", "focal_point", "assessor"])
    plan = serializers.CharField(source="plan.slug", allow_null=True, default=None)
    actor = serializers.CharField(source="actor.slug", allow_null=True, default=None)


class TokenInfoSerializer(serializers.Serializer):
    name = serializers.CharField()
    hint = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(help_text="After this the token is refused (401).")


class MeSerializer(serializers.Serializer):
    email = serializers.EmailField()
    name = serializers.CharField()
    roles = RoleSerializer(many=True)
    token = TokenInfoSerializer(
        allow_null=True, help_text="The token of this request; null when logged in by session."
    )


# Errors (documented in the schema) -------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class QueryErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per query parameter.",
    )
