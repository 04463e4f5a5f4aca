from collections.abc import Collection, Mapping

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor
from planwatch.lib.i18n import translated


class Status(models.TextChoices):
    """The status of a measure in a reporting round. A plan uses a subset (Plan.statuses)."""

    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    IMPLEMENTED = "implemented", _("implemented")
    ONGOING = "ongoing", _("ongoing (structural)")
    ABANDONED = "abandoned", _("abandoned")


# The framework whose articles a measure lists in its "articles" (dataset and workbook alike).
ISTANBUL = "istanbul-convention"


class PlanQuerySet(models.QuerySet):
    def public(self) -> "PlanQuerySet":
        """Plans the public may see: a draft (a successor being prepared) is seen only by its
        coordinators, on the work pages."""
        return self.filter(is_public=True)


class Plan(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    adopted = models.DateField(_("adopted on"), null=True, blank=True)
    coordinator = models.ForeignKey(
        Actor,
        verbose_name=_("coordinating actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_plans",
    )
    declared_measures = models.PositiveIntegerField(_("number of measures declared"), default=0)
    statuses = models.JSONField(
        _("statuses used"),
        default=list,
        help_text=_("The status codes this plan reports with, in order."),
    )
    progress_settings = models.JSONField(
        _("progress thresholds"),
        default=dict,
        blank=True,
        help_text=_(
            "The thresholds of the indicators' progress categories; any left out take their "
            'default: {"on_track": 0.95, "moderate": 0.6, "limited": 0, "keep_tolerance": 0.05}.'
        ),
    )
    is_public = models.BooleanField(
        _("public"),
        default=True,
        db_default=True,
        help_text=_("A draft plan (not public) is shown on the work pages only."),
    )
    predecessor = models.ForeignKey(
        "self",
        verbose_name=_("predecessor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "slug"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self) -> str:
        return translated(self, "title").text or self.slug

    def get_absolute_url(self) -> str:
        return reverse("portal:plan", kwargs={"plan": self.slug})

    def clean(self) -> None:
        from planwatch.plans.progress_settings import settings_problems

        problems = settings_problems(self.progress_settings)
        if problems:
            raise ValidationError({"progress_settings": problems})

    def status_codes(self) -> list[str]:
        """The status codes the plan reports with, in its order; every status when it names
        none."""
        return [code for code in self.statuses or Status.values if code in Status.values]

    def uses_status(self, code: str) -> bool:
        return code in self.status_codes()

    def status_choices(self) -> list[tuple[str, str]]:
        labels = dict(Status.choices)
        return [(code, labels[code]) for code in self.status_codes()]

    # Rules a plan's content must follow; the dataset loader and the plan import both ask these.

    def status_problems(self) -> list[str]:
        """What is wrong with the plan's own list of status codes."""
        codes = list(self.statuses or ())
        problems = [
            gettext("Unknown status %(code)r; known: %(known)s.")
            % {"code": code, "known": ", ".join(Status.values)}
            for code in codes
            if code not in Status.values
        ]
        if len(set(codes)) != len(codes):
            problems.append(gettext("A status is listed twice."))
        return problems

    def number_problem(self, number: int) -> str | None:
        """Measures are numbered from 1, up to the number the plan declares (when it does)."""
        if number < 1:
            return gettext("Measure numbers start at 1.")
        if self.declared_measures and number > self.declared_measures:
            return gettext("The plan declares %(count)s measures; this number is beyond them.") % {
                "count": self.declared_measures
            }
        return None


class Section(models.Model):
    """A pillar (no parent) or an objective (parent is its pillar), coded like the plan: 1.4.5."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("pillar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20)
    pillar = models.PositiveSmallIntegerField(_("pillar number"))
    title = models.CharField(_("title"), max_length=400)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="section_code_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.code} {translated(self, 'title').text}"

    @property
    def is_pillar(self) -> bool:
        return self.parent_id is None

    @staticmethod
    def root_of(code: str, parents: Mapping[str, str | None]) -> str | None:
        """The pillar a section ends up under, given every section's parent code; None for an
        unknown parent or parents that go round in a circle."""
        seen = set()
        while parents.get(code) is not None:
            seen.add(code)
            code = parents[code]  # type: ignore[assignment]
            if code in seen or code not in parents:
                return None
        return code

    @staticmethod
    def parent_problem(code: str, parents: Mapping[str, str | None]) -> str | None:
        """A section's parent must be another known section, and parents may not loop."""
        parent = parents.get(code)
        if parent is None:
            return None
        if parent == code or parent not in parents:
            return gettext("Unknown parent section %(code)r.") % {"code": parent}
        if Section.root_of(code, parents) is None:
            return gettext("The parents of this section go round in a circle.")
        return None

    @staticmethod
    def pillar_of(
        code: str, parents: Mapping[str, str | None], pillars: Mapping[str, int | None]
    ) -> int | None:
        """A section's pillar number is its pillar's (the section without parent above it)."""
        root = Section.root_of(code, parents)
        return None if root is None else pillars.get(root)


class Tag(models.Model):
    class Kind(models.TextChoices):
        FORM = "form", _("form of violence")
        GROUP = "group", _("target group")

    # The column (workbook) or key (dataset) of a measure that lists the tags of each kind.
    COLUMNS = {Kind.FORM: "forms", Kind.GROUP: "groups"}

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["kind", "slug"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return translated(self, "name").text or self.slug

    @staticmethod
    def kind_problem(slug: str, kind: str, kinds: Mapping[str, str | None]) -> str | None:
        """A measure lists a tag under the column of its kind; ``kinds`` maps slugs to kinds
        (None: the tag's own kind is wrong, and said so on its own row)."""
        if slug not in kinds:
            return gettext("Unknown tag %(slug)r.") % {"slug": slug}
        if kinds[slug] not in (kind, None):
            return gettext("%(slug)r is a tag of kind %(kind)r: put it under %(column)s.") % {
                "slug": slug,
                "kind": kinds[slug],
                "column": Tag.COLUMNS.get(kinds[slug], "?"),  # type: ignore[call-overload]
            }
        return None


class Framework(models.Model):
    """A legal or policy framework a plan answers, such as the Istanbul Convention."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    note = models.TextField(_("editorial note"), blank=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return translated(self, "name").text or self.slug


class Provision(models.Model):
    """An article of a convention, or a recommendation of a monitoring body."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="provisions",
    )
    code = models.CharField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=400)
    chapter = models.CharField(_("chapter"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["framework", "order"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="provision_code_unique_in_framework"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {translated(self, 'title').text}"


class MeasureQuerySet(models.QuerySet):
    def for_plan(self, plan: Plan) -> "MeasureQuerySet":
        return self.filter(plan=plan)

    def with_listing_data(self) -> "MeasureQuerySet":
        """Everything a list of measures shows, in a fixed number of queries."""
        return self.select_related("section", "section__parent").prefetch_related(
            models.Prefetch(
                "measure_actors",
                queryset=MeasureActor.objects.select_related("actor__government"),
            )
        )


class Measure(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="measures"
    )
    number = models.PositiveIntegerField(_("number"))
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="measures"
    )
    title = models.CharField(_("title"), max_length=400)
    description = models.TextField(_("description"), blank=True)
    actors = models.ManyToManyField(
        Actor, verbose_name=_("actors"), through="MeasureActor", related_name="measures"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="measures")
    related = models.ManyToManyField(
        "self", verbose_name=_("related measures"), blank=True, symmetrical=True
    )
    provisions = models.ManyToManyField(
        Provision, verbose_name=_("provisions"), blank=True, related_name="measures"
    )
    note = models.TextField(_("editorial note"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget (euro)"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    dropped = models.BooleanField(
        _("dropped"),
        default=False,
        db_default=False,
        help_text=_("Dropped during the plan; the reason is in its public changes."),
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="measure_number_unique_in_plan")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {translated(self, 'title').text}"

    def get_absolute_url(self) -> str:
        return reverse("portal:measure", kwargs={"plan": self.plan.slug, "number": self.number})

    @property
    def pillar(self) -> int:
        return self.section.pillar


class MeasureActor(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("lead")
        PARTNER = "partner", _("partner")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="measure_actors"
    )
    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="measure_roles"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.LEAD)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["measure", "order"]
        verbose_name = _("responsible actor")
        verbose_name_plural = _("responsible actors")
        constraints = [
            models.UniqueConstraint(fields=["measure", "actor"], name="measure_actor_unique")
        ]

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.actor} ({self.get_role_display()})"

    @staticmethod
    def problems(
        lead: list[str], partners: list[str], known: Collection[str]
    ) -> list[tuple[str, str]]:
        """(column, message) for each problem with a measure's responsible actors: each is a
        known actor, listed once, as lead or as partner."""
        problems = [
            (column, gettext("Unknown actor %(slug)r.") % {"slug": slug})
            for column, slugs in (("lead", lead), ("partners", partners))
            for slug in slugs
            if slug not in known
        ]
        problems += [
            ("partners", gettext("%(slug)r is both lead and partner.") % {"slug": slug})
            for slug in sorted(set(lead) & set(partners))
        ]
        if len(set(lead)) != len(lead) or len(set(partners)) != len(partners):
            column = "lead" if len(set(lead)) != len(lead) else "partners"
            problems.append((column, gettext("An actor is listed twice.")))
        return problems


class MeasureMapping(models.Model):
    """What became of a measure of a plan in its successor: continued as (one or several of the
    new plan's measures), merged into one, completed, or dropped (with a public reason)."""

    class Kind(models.TextChoices):
        UNDECIDED = "undecided", _("undecided")
        CONTINUED = "continued", _("continued")
        MERGED = "merged", _("merged")
        COMPLETED = "completed", _("completed")
        DROPPED = "dropped", _("dropped")

    measure = models.OneToOneField(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="mapping"
    )
    successor = models.ForeignKey(
        Plan, verbose_name=_("successor plan"), on_delete=models.CASCADE, related_name="mappings"
    )
    kind = models.CharField(_("what became of it"), max_length=12, choices=Kind.choices)
    targets = models.ManyToManyField(
        Measure, verbose_name=_("new measures"), blank=True, related_name="continues"
    )
    reason = models.TextField(_("public reason"), blank=True)

    class Meta:
        ordering = ["successor", "measure__number"]
        verbose_name = _("measure mapping")
        verbose_name_plural = _("measure mappings")

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.get_kind_display()}"


class MeasureChange(models.Model):
    """One public change of a measure's commitment during its plan: what changed (before and
    after), when and why."""

    class Field(models.TextChoices):
        TITLE = "title", _("title")
        DESCRIPTION = "description", _("description")
        ACTORS = "actors", _("responsible actors")
        DEADLINE = "deadline", _("deadline")
        BUDGET = "budget", _("budget")
        DROPPED = "dropped", _("dropped")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="changes"
    )
    on = models.DateField(_("date"))
    field = models.CharField(_("what changed"), max_length=12, choices=Field.choices)
    language = models.CharField(_("language"), max_length=5, blank=True)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    reason = models.TextField(_("public reason"))
    by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["measure", "on", "id"]
        verbose_name = _("change of a measure")
        verbose_name_plural = _("changes of measures")

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.get_field_display()} ({self.on})"

    def shown(self, value: str) -> str:
        """A before or after value as the current language writes it."""
        import datetime as dt
        from decimal import Decimal

        from django.utils.formats import date_format

        from planwatch.lib import money

        if not value:
            return "—"
        if self.field == self.Field.DEADLINE:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        if self.field == self.Field.BUDGET:
            return money.euro(Decimal(value))
        if self.field == self.Field.DROPPED:
            return gettext("dropped") if value == "yes" else gettext("in the plan")
        return value

    @property
    def before_shown(self) -> str:
        return self.shown(self.before)

    @property
    def after_shown(self) -> str:
        return self.shown(self.after)
