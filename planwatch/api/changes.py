"""``/api/v1/plans/<plan>/changes/``: the public changes of the plan's commitments (wording,
responsible actors, deadline, budget, drops), oldest first, in one query."""

from django import forms
from rest_framework import serializers

from planwatch.plans.models import MeasureChange

from . import queries
from .base import PlanScopedList, list_schema, measure_parameter, query_parameter
from .fields import TranslatedField


class ChangeSerializer(serializers.ModelSerializer):
    measure = serializers.IntegerField(source="measure.number")
    date = serializers.DateField(source="on")
    reason = TranslatedField()

    class Meta:
        model = MeasureChange
        fields = ["measure", "date", "field", "language", "before", "after", "reason"]


class ChangeFilter(forms.Form):
    measure = forms.IntegerField(required=False, min_value=1, max_value=queries.MAX_NUMBER)
    field = forms.ChoiceField(required=False, choices=[("", ""), *MeasureChange.Field.choices])


@list_schema(
    ChangeSerializer,
    measure_parameter("Measure number; one the plan does not have is a 404."),
    query_parameter("field", str, "What changed.", enum=MeasureChange.Field.values),
    tags=["plans"],
)
class ChangeList(PlanScopedList):
    """Each public change of a measure's commitment during the plan, with its reason."""

    serializer_class = ChangeSerializer

    def get_queryset(self):
        if self.fake:
            return MeasureChange.objects.none()
        plan = self.get_plan()
        data = self.check_query(ChangeFilter(self.query()))
        queries.unknown_measure(plan, data["measure"])
        changes = (
            MeasureChange.objects.filter(measure__plan=plan)
            .select_related("measure")
            .order_by("on", "measure__number", "id")
        )
        if data["measure"]:
            changes = changes.filter(measure__number=data["measure"])
        if data["field"]:
            changes = changes.filter(field=data["field"])
        return changes
