import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor, Government
from planwatch.lib.figures import Printed, Qualifier
from planwatch.lib.i18n import translated
from planwatch.plans.models import Measure, Plan, Status


class RoundQuerySet(models.QuerySet):
    def published(self) -> "RoundQuerySet":
        return self.filter(state=Round.State.PUBLISHED)

    def newest_published(self, plan: "Plan | models.Expression") -> "RoundQuerySet":
        """The plan's published rounds, newest first (``plan`` may be an ``OuterRef``)."""
        return self.published().filter(plan=plan).order_by("-end", "-id")

    def latest_published(self, plan: Plan) -> "Round | None":
        """The round public pages, downloads and reports show by default."""
        return self.newest_published(plan).first()


class Round(models.Model):
    """A reporting round: a period over which every responsible actor reports on its measures."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rounds"
    )
    slug = models.SlugField(_("slug"), max_length=80)
    name = models.CharField(_("name"), max_length=300)
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    headline_measures = models.PositiveIntegerField(
        _("measures counted in the published headline"), null=True, blank=True
    )
    headline_source = models.CharField(_("source of the headline"), max_length=200, blank=True)
    note = models.TextField(_("editorial note"), blank=True)
    # The plan's final evaluation round (reporting/final_round.py): at most one per plan.
    is_final = models.BooleanField(_("final evaluation round"), default=False)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "start", "end"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slug"], name="round_slug_unique_in_plan"),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(is_final=True), name="one_final_round_per_plan"
            ),
        ]

    def __str__(self) -> str:
        return translated(self, "name").text or self.slug

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def accepts_from(self, actor_id: int, today: dt.date | None = None) -> bool:
        """Whether an actor's focal points may still save and submit: while the round is open,
        or, once it is closed, until the date of a reopening for that actor. A reopening ends
        by itself, since this compares its date with today's."""
        if self.state == self.State.OPEN:
            return True
        if self.state != self.State.CLOSED:
            return False
        today = today or timezone.localdate()
        return self.extensions.filter(actor_id=actor_id, until__gte=today).exists()


class RoundExtension(models.Model):
    """A closed round reopened for one actor until a date (the exception is also an Event)."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="extensions"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateField(_("open until"))
    reason = models.TextField(_("reason"), blank=True)
    granted_at = models.DateTimeField(_("granted at"), auto_now=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["round", "actor__slug"]
        verbose_name = _("reopening for one actor")
        verbose_name_plural = _("reopenings for one actor")
        constraints = [
            models.UniqueConstraint(fields=["round", "actor"], name="extension_unique_per_actor")
        ]

    def __str__(self) -> str:
        return f"{self.round.slug} / {self.actor.slug} until {self.until}"

    @property
    def is_current(self) -> bool:
        return self.until >= timezone.localdate()


class HeadlineFigure(models.Model):
    """A figure of the round's published report, kept exactly as printed ("more than 70%")."""

    Qualifier = Printed

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="headline_figures"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Printed.choices, default=Printed.EXACT
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["round", "order"]
        verbose_name = _("published headline figure")
        verbose_name_plural = _("published headline figures")
        constraints = [
            models.UniqueConstraint(fields=["round", "status"], name="headline_status_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_qualifier_display()} {self.percent}% {self.get_status_display()}"


class MeasureStatusQuerySet(models.QuerySet):
    """A measure's status in a round: ``of(measure, round_)`` for one measure, ``in_round``
    for many (``reporting.queries``: ``with_status_in``, ``status_code_in``)."""

    def published(self) -> "MeasureStatusQuerySet":
        return self.filter(round__state=Round.State.PUBLISHED)

    def in_round(self, round_: "Round | None") -> "MeasureStatusQuerySet":
        return self.filter(round=round_)

    def of(self, measure: Measure, round_: "Round | None") -> "MeasureStatus | None":
        return self.in_round(round_).filter(measure=measure).first()


class MeasureStatus(models.Model):
    """The coordinator's decision on a measure's status for one round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="statuses"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="statuses"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    narrative = models.TextField(_("narrative"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("editorial note"), blank=True)
    reason = models.TextField(_("reason for overriding the proposed status"), blank=True)
    # 1 (highest) to 5 (lowest), named per plan (planwatch.milestones.confidence); separate from
    # the status and from whether information was available.
    confidence = models.PositiveSmallIntegerField(
        _("delivery confidence"),
        null=True,
        blank=True,
        choices=[(level, str(level)) for level in range(1, 6)],
    )
    # Starts at 1: a form that found no status sends 0, so creating it is a version check too.
    version = models.PositiveIntegerField(_("version"), default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MeasureStatusQuerySet.as_manager()

    class Meta:
        ordering = ["round", "measure"]
        verbose_name = _("measure status")
        verbose_name_plural = _("measure statuses")
        constraints = [
            models.UniqueConstraint(fields=["round", "measure"], name="status_unique_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} @ {self.round.slug}: {self.get_status_display()}"


def published_contribution(prefix: str = "") -> models.Q:
    """The contributions everyone may read: validated by the coordinator, in a published round.
    ``prefix`` reaches them from another model (``"contribution__"``). The one place of this
    rule; ``reporting.permissions.public_contributions`` serves it to the rest."""
    return models.Q(
        **{f"{prefix}state": "validated", f"{prefix}round__state": Round.State.PUBLISHED}
    )


class BudgetLineQuerySet(models.QuerySet):
    def public(self) -> "BudgetLineQuerySet":
        """Lines from the plan's data, and lines of published contributions."""
        return self.filter(
            models.Q(contribution__isnull=True) | published_contribution("contribution__")
        )


class BudgetLine(models.Model):
    class Nature(models.TextChoices):
        SPECIFIC = "specific", _("specific to gender-based violence")
        BROADER = "broader", _("broader activities")

    class Stage(models.TextChoices):
        ALLOCATED = "allocated", _("allocated")
        SPENT = "spent", _("spent")

    class Excluded(models.TextChoices):
        """Why a line is left out of the totals."""

        ON_TOP_OF_TOTAL = "on_top_of_total", _("reported on top of the published total")
        PART_OF_ANOTHER_LINE = "part_of_another_line", _("already part of another line")
        INTERNATIONAL = "international", _("international cooperation, outside the plan's totals")
        OUTSIDE_PERIOD = "outside_period", _("outside the period of the totals")

    # The largest amount a contribution may report, in euro: form, API, import and service.
    MAX_AMOUNT = 10_000_000_000

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    government = models.ForeignKey(
        Government, verbose_name=_("government"), on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    to_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("When the amount covers several years.")
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    nature = models.CharField(_("nature"), max_length=10, choices=Nature.choices)
    stage = models.CharField(
        _("stage"), max_length=10, choices=Stage.choices, default=Stage.ALLOCATED
    )
    in_totals = models.BooleanField(
        _("counted in totals"),
        default=True,
        help_text=_("Off when the amount is already part of another line's total."),
    )
    excluded_reason = models.CharField(
        _("why it is not counted"), max_length=24, choices=Excluded.choices, blank=True
    )
    label = models.CharField(_("label"), max_length=400, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("editorial note"), blank=True)
    contribution = models.ForeignKey(
        "Contribution",
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="budget_lines",
    )

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "government__order", "year", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(to_year__isnull=True) | models.Q(to_year__gte=models.F("year")),
                name="budget_years_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.government.code} {self.period} {self.amount}"

    @property
    def period(self) -> str:
        if self.to_year and self.to_year != self.year:
            return f"{self.year}-{self.to_year}"
        return str(self.year)


class PublishedBudgetTotal(models.Model):
    """A budget total as a report printed it ("more than 181 million euro"), shown beside the
    totals Planwatch computes from the budget lines, never added to them."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="published_totals"
    )
    level = models.CharField(
        _("government level"),
        max_length=20,
        choices=Government.Level.choices,
        blank=True,
        help_text=_("Empty for all levels together."),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    to_year = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    nature = models.CharField(
        _("nature"),
        max_length=10,
        choices=BudgetLine.Nature.choices,
        blank=True,
        help_text=_("Empty for specific and broader together."),
    )
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    qualifier = models.CharField(
        _("qualifier"),
        max_length=12,
        choices=Printed.choices,
        default=Printed.EXACT,
        help_text=_('As printed: "almost" counts as "less than".'),
    )
    label = models.CharField(_("label"), max_length=400, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("editorial note"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("published budget total")
        verbose_name_plural = _("published budget totals")

    def __str__(self) -> str:
        return f"{self.get_qualifier_display()} {self.amount}"

    @property
    def period(self) -> str:
        if self.to_year and self.to_year != self.year:
            return f"{self.year}-{self.to_year}"
        return str(self.year)


class Edited(models.Model):
    """A record people edit concurrently: saves name the version they read (see
    ``services._bump``), and the last save is remembered."""

    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class Contribution(Edited):
    """What one responsible actor reports on one measure in one round."""

    class State(models.TextChoices):
        TODO = "todo", _("to do")
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        VALIDATED = "validated", _("validated")

    EDITABLE = (State.TODO, State.DRAFT, State.RETURNED)

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="contributions"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="contributions"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="contributions"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.TODO)
    proposed_status = models.CharField(
        _("proposed status"), max_length=20, choices=Status.choices, blank=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    review_comment = models.TextField(_("comment of the coordinator"), blank=True)

    class Meta:
        ordering = ["round", "measure__number", "actor__slug"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "measure", "actor"], name="contribution_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} / {self.actor.slug} @ {self.round.slug}"

    @property
    def is_editable(self) -> bool:
        return self.state in self.EDITABLE and self.round.accepts_from(self.actor_id)


class EvidenceLink(models.Model):
    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    url = models.URLField(_("address"), max_length=500)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        ordering = ["contribution", "id"]
        verbose_name = _("evidence link")
        verbose_name_plural = _("evidence links")

    def __str__(self) -> str:
        return self.label or self.url


class Assessment(Edited):
    """A civil-society organisation's own rating of a measure in a round. It is published beside
    the official status, never merged into it; only the organisation's assessors edit it."""

    INSUFFICIENT_INFORMATION = "insufficient_information"
    RATINGS = [*Status.choices, (INSUFFICIENT_INFORMATION, _("insufficient information"))]

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="assessments"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="assessments"
    )
    organisation = models.ForeignKey(
        Actor, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="assessments"
    )
    rating = models.CharField(_("rating"), max_length=30, choices=RATINGS)
    commentary = models.TextField(_("commentary"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    # Starts at 1, as MeasureStatus.version: 0 means "no assessment yet".
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["round", "measure__number", "organisation__slug"]
        verbose_name = _("independent assessment")
        verbose_name_plural = _("independent assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "measure", "organisation"], name="assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug} on {self.measure.number} @ {self.round.slug}"


class StatusCorrection(models.Model):
    """A change to a published status: explicit, with a reason, shown on the public page."""

    status = models.ForeignKey(
        MeasureStatus,
        verbose_name=_("measure status"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    old_status = models.CharField(_("old status"), max_length=20, choices=Status.choices)
    new_status = models.CharField(_("new status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("reason"))
    corrected_at = models.DateTimeField(_("corrected at"), auto_now_add=True)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["status", "corrected_at"]
        verbose_name = _("status correction")
        verbose_name_plural = _("status corrections")

    def __str__(self) -> str:
        return f"{self.status}: {self.old_status} -> {self.new_status}"


# The audit trail and the e-mails sent live in their own module; Django finds them here.
from .records import Event, Notification  # noqa: E402

__all__ = ["Event", "Notification"]
