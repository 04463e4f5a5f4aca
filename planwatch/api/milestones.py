"""``/plans/<plan>/milestones/``: each milestone with its public dates and the slippage computed
by ``planwatch.milestones.slippage`` (the figures of the pages and the exports)."""

from rest_framework import serializers

from planwatch.milestones.slippage import STATES, Dates, as_of, milestones_of

from .base import PlanScopedList, list_schema
from .fields import TranslatedField


class RebaseliningSerializer(serializers.Serializer):
    old_baseline = serializers.DateField()
    new_baseline = serializers.DateField()
    reason = serializers.CharField()
    made_on = serializers.DateField()


class MilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        source="milestone.pk", help_text="What a contribution's proposals refer to."
    )
    measure = serializers.IntegerField(source="milestone.measure.number")
    key = serializers.CharField(source="milestone.key")
    description = TranslatedField(of="milestone")
    baseline = serializers.DateField()
    forecast = serializers.DateField(allow_null=True)
    completed = serializers.DateField(allow_null=True)
    forecast_reason = serializers.CharField(source="milestone.forecast_reason")
    slippage_days = serializers.IntegerField(source="slippage")
    state = serializers.ChoiceField(choices=STATES)
    rebaselined = serializers.BooleanField()
    rebaselinings = RebaseliningSerializer(source="milestone.rebaselinings.all", many=True)


@list_schema(MilestoneSerializer, tags=["milestones"])
class MilestoneList(PlanScopedList):
    """The plan's milestones: baseline (as planned, after any public re-baselining), forecast
    and completion as validated by the coordinator, slippage in days and the state."""

    serializer_class = MilestoneSerializer

    def get_queryset(self) -> list[Dates]:
        if self.fake:
            return []
        self.check_query()
        return [as_of(m, None) for m in milestones_of(self.get_plan(), updates=False)]
