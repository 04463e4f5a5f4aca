from django.db import models
from django.utils.translation import gettext_lazy as _

from planwatch.lib.i18n import translated


class Government(models.Model):
    """A government of the federal state: the federal level, a community, a region…"""

    class Level(models.TextChoices):
        FEDERAL = "federal", _("federal")
        FEDERATED = "federated", _("federated entity")
        LOCAL = "local", _("local")
        INTERNATIONAL = "international", _("international")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short = models.CharField(_("short name"), max_length=80, blank=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("government")
        verbose_name_plural = _("governments")

    def __str__(self) -> str:
        return translated(self, "short").text or translated(self, "name").text or self.code

    @property
    def display_name(self) -> str:
        return translated(self, "name").text or self.code


class Actor(models.Model):
    """A body responsible for measures: a ministerial cabinet, an administration, an agency…"""

    class Kind(models.TextChoices):
        CABINET = "cabinet", _("ministerial cabinet")
        ADMINISTRATION = "administration", _("administration")
        AGENCY = "agency", _("agency")
        POLICE = "police", _("police")
        PROSECUTION = "prosecution", _("prosecution service")
        COURT = "court", _("court")
        RESEARCH = "research", _("research institution")
        CIVIL_SOCIETY = "civil_society", _("civil-society organisation")
        OTHER = "other", _("other")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    short = models.CharField(_("abbreviation"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    government = models.ForeignKey(
        Government,
        verbose_name=_("government"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actors",
    )

    class Meta:
        ordering = ["slug"]
        verbose_name = _("actor")
        verbose_name_plural = _("actors")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return translated(self, "name").text or self.slug

    @property
    def label(self) -> str:
        """The abbreviation where there is one, else the name."""
        return translated(self, "short").text or self.display_name
