"""What the API shows of an indicator: its figures, targets and progress (see ``serializers``)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from planwatch.indicators.models import Indicator, Kind, Observation, Target
from planwatch.indicators.progress import Category, Progress, indicator_progress, share_text
from planwatch.lib.figures import Qualifier

from .fields import NumberText, TranslatedField, plain_number
from .serializers import QUALIFIER_HELP, _url

# Indicators -----------------------------------------------------------------------------------


class TargetSerializer(serializers.ModelSerializer):
    value = NumberText()
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, help_text=QUALIFIER_HELP)

    class Meta:
        model = Target
        fields = ["period", "start", "end", "value", "qualifier", "direction", "dims"]


class ProgressSerializer(serializers.Serializer):
    category = serializers.ChoiceField(
        choices=Category.choices,
        help_text="Progress towards the target (the plan's progress-method page explains it).",
    )
    label = serializers.CharField(help_text="The category in words, in the request's language.")
    share = serializers.CharField(
        allow_null=True,
        help_text="Per cent of the change from the baseline to the target achieved, or null.",
    )
    ratio = serializers.FloatField(
        allow_null=True, help_text="Observed growth divided by the growth required, or null."
    )
    baseline = serializers.CharField(allow_null=True, help_text="The baseline's period.")
    current = serializers.CharField(allow_null=True, help_text="The latest value's period.")
    target = serializers.CharField(allow_null=True, help_text="The target's period.")

    def to_representation(self, progress: Progress) -> dict:
        def period(point):
            return point.period if point is not None else None

        return {
            "category": progress.category,
            "label": progress.label,
            "share": share_text(progress) or None,
            "ratio": round(progress.ratio, 4) if progress.ratio is not None else None,
            "baseline": period(progress.baseline),
            "current": period(progress.current),
            "target": period(progress.target),
        }


class IndicatorSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    name = TranslatedField()
    description = TranslatedField()
    source = TranslatedField()
    dimensions = serializers.ListField(child=serializers.CharField())
    measures = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        help_text="A count per period, a running total since a date, or a level at a date.",
    )
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "code",
            "url",
            "name",
            "description",
            "unit",
            "kind",
            "source",
            "dimensions",
            "suppress_below",
            "measures",
            "targets",
            "progress",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, indicator: Indicator) -> str:
        return _url(self, "indicator", plan=self.context["plan"].slug, code=indicator.code)

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, indicator: Indicator) -> dict:
        known = self.context.get("progress") or {}
        progress = known.get(indicator.pk)
        if progress is None:
            progress = indicator_progress(indicator, targets=indicator.targets.all())
        return ProgressSerializer(progress).data


class ObservationSerializer(serializers.ModelSerializer):
    value = serializers.SerializerMethodField(
        help_text='The value, or "< N" when it is a count under the indicator\'s threshold.'
    )
    qualifier = serializers.ChoiceField(choices=Qualifier.choices, help_text=QUALIFIER_HELP)
    suppressed = serializers.SerializerMethodField()
    dims = serializers.DictField(child=serializers.CharField())
    breakdown = serializers.SerializerMethodField(
        help_text="The breakdown values (dims) as words, per language."
    )

    class Meta:
        model = Observation
        fields = [
            "period",
            "start",
            "end",
            "value",
            "qualifier",
            "suppressed",
            "dims",
            "breakdown",
            "source",
        ]

    @extend_schema_field(
        {"type": "object", "additionalProperties": {"type": "string"}, "example": {"fr": "Liège"}}
    )
    def get_breakdown(self, observation: Observation) -> dict[str, str]:
        if not observation.dims:
            return {}
        return self._indicator().breakdowns(observation.dims)

    def _indicator(self) -> Indicator:
        return self.context["indicator"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_value(self, observation: Observation) -> str:
        indicator = self._indicator()
        if indicator.is_suppressed(observation.value):
            return f"< {indicator.suppress_below}"
        return plain_number(observation.value)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_suppressed(self, observation: Observation) -> bool:
        return self._indicator().is_suppressed(observation.value)
