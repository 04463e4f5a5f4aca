"""The contributions as the API shows them."""

from django.core.validators import URLValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.reverse import reverse

from planwatch.lib.figures import Qualifier
from planwatch.plans.models import Status
from planwatch.reporting import permissions
from planwatch.reporting.models import BudgetLine, Contribution, Round

from ..fields import NumberText, TranslatedField


class EvidenceSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500, validators=[URLValidator(schemes=["http", "https"])])
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ContributionBudgetSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        max_value=BudgetLine.MAX_AMOUNT,
        help_text='Euro, as a decimal string ("125000.50") or a number.',
    )
    nature = serializers.ChoiceField(choices=BudgetLine.Nature.choices)
    stage = serializers.ChoiceField(
        choices=BudgetLine.Stage.choices, required=False, default=BudgetLine.Stage.ALLOCATED
    )
    qualifier = serializers.ChoiceField(
        choices=Qualifier.choices,
        required=False,
        default=Qualifier.EXACT,
        help_text="How exact the amount is: more_than and at_least make it a lower bound.",
    )


class ContributionBudgetOutSerializer(ContributionBudgetSerializer):
    amount = NumberText(help_text="Euro, as a decimal string.")


class MilestoneProposalSerializer(serializers.Serializer):
    """A focal point's proposal for one milestone of the measure (``MilestoneUpdate``)."""

    milestone = serializers.IntegerField(
        source="milestone_id", help_text="The milestone's id (as in the plan's milestones)."
    )
    key = serializers.CharField(source="milestone.key", help_text="The milestone's key.")
    forecast = serializers.DateField(allow_null=True, help_text="The forecast date proposed.")
    completed = serializers.DateField(allow_null=True, help_text="The completion date proposed.")
    reason = serializers.CharField(help_text="Why the forecast moves.")
    applied = serializers.BooleanField(
        help_text="Whether the coordinator validated it (the milestone's public dates)."
    )


class ContributionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    plan = serializers.CharField(source="round.plan.slug", help_text="The plan's slug.")
    round = serializers.CharField(source="round.slug", help_text="The round's slug.")
    round_state = serializers.ChoiceField(source="round.state", choices=Round.State.choices)
    measure = serializers.IntegerField(source="measure.number", help_text="Measure number.")
    measure_title = TranslatedField("title", of="measure")
    actor = serializers.CharField(source="actor.slug", help_text="The responsible actor's slug.")
    state = serializers.ChoiceField(choices=Contribution.State.choices)
    proposed_status = serializers.SerializerMethodField(
        help_text="The status the actor proposes; null while none is chosen."
    )
    narrative = TranslatedField()
    evidence = EvidenceSerializer(many=True)
    budget = ContributionBudgetOutSerializer(source="budget_lines", many=True)
    milestones = MilestoneProposalSerializer(
        source="milestone_updates",
        many=True,
        help_text="The proposed milestone dates, validated with the contribution.",
    )
    review_comment = serializers.SerializerMethodField(
        help_text="The coordinator's comment when the contribution was returned."
    )
    can_edit = serializers.SerializerMethodField(
        help_text="Whether you may save and submit it now (PUT, PATCH, submit)."
    )
    can_review = serializers.SerializerMethodField(
        help_text="Whether you may validate or return it now."
    )

    class Meta:
        model = Contribution
        fields = [
            "id",
            "url",
            "plan",
            "round",
            "round_state",
            "measure",
            "measure_title",
            "actor",
            "state",
            "proposed_status",
            "narrative",
            "evidence",
            "budget",
            "milestones",
            "review_comment",
            "version",
            "updated_at",
            "can_edit",
            "can_review",
        ]
        extra_kwargs = {
            "version": {"help_text": "Send it back with every change (409 when it changed)."}
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, item: Contribution) -> str:
        return reverse(
            "api:contribution", kwargs={"pk": item.pk}, request=self.context.get("request")
        )

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_proposed_status(self, item: Contribution) -> str | None:
        return item.proposed_status or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_review_comment(self, item: Contribution) -> str | None:
        return item.review_comment or None

    def get_can_edit(self, item: Contribution) -> bool:
        return permissions.can_edit_contribution(self.context["request"].user, item)

    def get_can_review(self, item: Contribution) -> bool:
        return permissions.can_review_contribution(self.context["request"].user, item)
