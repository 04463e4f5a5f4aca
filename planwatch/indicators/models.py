from decimal import Decimal

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planwatch.lib import numbers
from planwatch.lib.figures import Qualifier
from planwatch.lib.i18n import current_language, languages, translated
from planwatch.plans.models import Measure, Plan


class Dimension(models.TextChoices):
    """How an indicator's observations can be broken down."""

    SEX = "sex", _("sex")
    AGE_GROUP = "age_group", _("age group")
    REGION = "region", _("region")
    JUDICIAL_DISTRICT = "judicial_district", _("judicial district")
    CITY = "city", _("city")
    YEAR = "year", _("year")
    MONTH = "month", _("month")
    TYPE = "type", _("type")


class Kind(models.TextChoices):
    """What an indicator's observations are: each kind is read, charted and compared in its
    own way, and one indicator never mixes two kinds."""

    PER_PERIOD = "per_period", _("count per period")
    RUNNING_TOTAL = "running_total", _("running total since a date")
    LEVEL = "level", _("level at a date")


class Direction(models.TextChoices):
    """Which way a target asks the indicator to move."""

    INCREASE = "increase", _("increase to at least the target")
    DECREASE = "decrease", _("decrease to at most the target")
    REACH = "reach", _("reach the target")
    KEEP = "keep", _("keep at the target")


class Indicator(models.Model):
    Kind = Kind

    class Unit(models.TextChoices):
        COUNT = "count", _("count")
        PERSONS = "persons", _("persons")
        PERCENT = "percent", _("percent")
        PLACES = "places", _("places")
        EUR = "eur", _("euro")
        DAYS = "days", _("days")
        RATIO = "ratio", _("ratio")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=80)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    source = models.CharField(_("source"), max_length=400, blank=True)
    kind = models.CharField(
        _("kind of series"), max_length=20, choices=Kind.choices, default=Kind.PER_PERIOD
    )
    dimensions = models.JSONField(_("disaggregations"), default=list, blank=True)
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures"), blank=True, related_name="indicators"
    )
    suppress_below = models.PositiveIntegerField(
        _("suppress counts below"),
        default=0,
        help_text=_('Public output shows counts under this number as "< N"; 0 never suppresses.'),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    note = models.TextField(_("editorial note"), blank=True)
    labels = models.JSONField(
        _("translated breakdown labels"),
        default=dict,
        blank=True,
        help_text=_(
            'The breakdown values of the observations (as written in "dims") in other '
            'languages: {"Luik": {"fr": "Liège", "de": "Lüttich", "en": "Liège"}}.'
        ),
    )

    class Meta:
        ordering = ["plan", "order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan")
        ]

    def __str__(self) -> str:
        return translated(self, "name").text or self.code

    def label(self, value: str, lang: str | None = None) -> str:
        """A breakdown value ("Luik") in ``lang`` ("Liège"), or as written when it has no
        translation into that language."""
        return ((self.labels or {}).get(value) or {}).get(lang or current_language()) or value

    def breakdown(self, dims: dict, lang: str | None = None) -> str:
        """An observation's breakdown as one label ("Antwerpen, volledige uitrol")."""
        return ", ".join(self.label(str(dims[key]), lang) for key in sorted(dims or {}))

    def breakdowns(self, dims: dict) -> dict[str, str]:
        """The breakdown in every language (exports and the API)."""
        return {code: self.breakdown(dims, code) for code in languages()}

    def value_text(self, value: Decimal | float, lang: str | None = None) -> str:
        """A value of this indicator as the language writes it: a percentage with its sign
        ("12,5 %" in French), any other unit as a number."""
        if self.unit == self.Unit.PERCENT:
            return numbers.percent(value, lang)
        return numbers.number(value, lang)

    def is_suppressed(self, value: Decimal) -> bool:
        """Public output shows small counts as "< N" so that few people cannot be singled out."""
        return bool(self.suppress_below) and 0 < value < self.suppress_below

    def allows_changes(self) -> bool:
        """Whether a change between two observations means something: between two levels or
        two counts of periods, yes; between two running totals it is not a count per period."""
        return self.kind != Kind.RUNNING_TOTAL

    @staticmethod
    def series_problems(kind: str, points: list[dict]) -> list[str]:
        """What makes observations (dicts with ``period``, ``start``, ``end``, ``dims``) unfit
        for one series of ``kind``. A count per period never has two overlapping periods for
        the same breakdown (a total and a part of it); a running total counts from one date;
        a level has one value per date and breakdown."""
        problems = []
        by_breakdown: dict[str, list[dict]] = {}
        for point in points:
            key = repr(sorted((point.get("dims") or {}).items()))
            by_breakdown.setdefault(key, []).append(point)
        for group in by_breakdown.values():
            group = sorted(group, key=lambda p: (p["start"], p["end"]))
            if kind == Kind.PER_PERIOD:
                for first, second in zip(group, group[1:], strict=False):
                    if second["start"] <= first["end"]:
                        problems.append(
                            gettext(
                                "A count per period cannot hold overlapping periods "
                                "(%(first)s and %(second)s): a total and its part belong in "
                                "two indicators, one a running total."
                            )
                            % {"first": first["period"], "second": second["period"]}
                        )
            elif kind == Kind.RUNNING_TOTAL:
                starts = sorted({p["start"] for p in group})
                if len(starts) > 1:
                    periods = ", ".join(sorted({p["period"] for p in group}))
                    problems.append(
                        gettext(
                            "A running total counts from one date, but these periods start on "
                            "different dates: %(periods)s."
                        )
                        % {"periods": periods}
                    )
            else:
                seen: set = set()
                for point in group:
                    if point["end"] in seen:
                        problems.append(
                            gettext("A level has one value per date; %(period)s is given twice.")
                            % {"period": point["period"]}
                        )
                    seen.add(point["end"])
        return problems


class Period(models.Model):
    """A span of time an observation or a target is about: a day, a month, a year or a range."""

    period = models.CharField(_("period"), max_length=30)
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))

    class Meta:
        abstract = True


class Observation(Period):
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="observations",
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    dims = models.JSONField(_("dimension values"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    note = models.TextField(_("editorial note"), blank=True)

    class Meta:
        ordering = ["indicator", "start", "id"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        indexes = [models.Index(fields=["indicator", "start"], name="observation_by_period")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class Target(Period):
    """A value the indicator should have by the end of the target's period, and which way it
    should move to get there."""

    Direction = Direction

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.REACH
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=12, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    dims = models.JSONField(_("dimension values"), default=dict, blank=True)
    note = models.TextField(_("editorial note"), blank=True)

    class Meta:
        ordering = ["indicator", "start"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"
