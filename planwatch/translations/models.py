"""Where each translated text came from, and from which source text it was made.

A plan's texts live in the models' language columns (``title_nl``, ``title_fr``, …). A
:class:`TranslationRecord` sits beside one text in one language: how it got there (the dataset,
a person in the form, a translation file, or a copy of the source left unchanged), who and when,
and the fingerprint of the source text it was made from. When the source changes later, the
fingerprints no longer match and the translation counts as outdated.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def fingerprint(text: str) -> str:
    """A short, stable digest of a source text (16 hex digits of its SHA-256)."""
    return hashlib.sha256(text.strip().encode("utf-8")).hexdigest()[:16]


class TranslationRecord(models.Model):
    class Origin(models.TextChoices):
        DATASET = "dataset", _("loaded from the dataset")
        FORM = "form", _("written in the form")
        IMPORT = "import", _("imported from a translation file")
        COPIED = "copied", _("copied from the source unchanged")

    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="translation_records",
    )
    unit = models.CharField(_("text"), max_length=80, help_text=_("kind.id.field"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    source_language = models.CharField(
        _("source language"), max_length=5, choices=settings.LANGUAGES
    )
    source_fingerprint = models.CharField(_("fingerprint of the source"), max_length=64)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["plan", "unit", "language"]
        verbose_name = _("translation record")
        verbose_name_plural = _("translation records")
        constraints = [
            models.UniqueConstraint(fields=["unit", "language"], name="translation_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit} [{self.language}] {self.origin}"
