"""A measure's milestones: what was planned (the baseline), what is expected now (the forecast,
moved by the focal points' validated proposals) and when it was done. Slippage is computed from
these dates (``slippage.py``), never typed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from planwatch.plans.models import Measure, Plan
from planwatch.reporting.models import Contribution


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    key = models.SlugField(_("key"), max_length=40, help_text=_("Unique within the measure."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), max_length=500)
    baseline = models.DateField(_("baseline date"))
    forecast = models.DateField(_("forecast date"), null=True, blank=True)
    forecast_reason = models.TextField(_("reason for the forecast"), blank=True)
    completed = models.DateField(_("completion date"), null=True, blank=True)

    class Meta:
        ordering = ["measure", "position", "baseline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "key"], name="milestone_key_per_measure")
        ]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.description}"[:80]

    @property
    def expected(self):
        """The forecast, or the baseline when nobody moved it."""
        return self.forecast or self.baseline


class MilestoneUpdate(models.Model):
    """A focal point's proposal in a contribution; it becomes public (is applied to the
    milestone) when the coordinator validates the contribution."""

    contribution = models.ForeignKey(
        Contribution, on_delete=models.CASCADE, related_name="milestone_updates"
    )
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="updates")
    forecast = models.DateField(_("forecast date"), null=True, blank=True)
    completed = models.DateField(_("completion date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    applied = models.BooleanField(_("validated"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "milestone"], name="one_update_per_contribution"
            )
        ]
        verbose_name = _("milestone update")
        verbose_name_plural = _("milestone updates")

    def __str__(self) -> str:
        return f"{self.milestone} ({self.contribution_id})"


class Rebaselining(models.Model):
    """A changed baseline: public, with its reason; never silent."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="rebaselinings")
    old_baseline = models.DateField(_("previous baseline"))
    new_baseline = models.DateField(_("new baseline"))
    reason = models.TextField(_("reason"), max_length=2000)
    made_on = models.DateField(_("date"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["milestone", "made_on", "pk"]
        verbose_name = _("re-baselining")
        verbose_name_plural = _("re-baselinings")

    def __str__(self) -> str:
        return f"{self.milestone}: {self.old_baseline} → {self.new_baseline}"


class ConfidenceLevel(models.Model):
    """A plan's name and published criteria for one of the five delivery-confidence levels
    (1 the highest); a plan without them uses the defaults of ``confidence.py``."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="confidence_levels")
    level = models.PositiveSmallIntegerField(
        _("level"), choices=[(level, str(level)) for level in range(1, 6)]
    )
    name = models.CharField(_("name"), max_length=80)
    criteria = models.TextField(_("criteria"), blank=True)

    class Meta:
        ordering = ["plan", "level"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "level"], name="confidence_level_per_plan")
        ]
        verbose_name = _("confidence level")
        verbose_name_plural = _("confidence levels")

    def __str__(self) -> str:
        return f"{self.plan.slug} {self.level}: {self.name}"
