"""The records of what happened: the audit trail (``Event``) and each e-mail sent
(``Notification``). Models of the reporting app, re-exported by ``reporting.models``."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from planwatch.actors.models import Actor
from planwatch.plans.models import Measure, Plan


class Event(models.Model):
    """Who did what, when, to which measure and round, and why: the audit trail and timeline."""

    action = models.CharField(_("action"), max_length=80, db_index=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="events"
    )
    round = models.ForeignKey(
        "reporting.Round",
        verbose_name=_("round"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(_("what changed"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    # Actions the public may see on a published round's timeline.
    PUBLIC_ACTIONS = (
        "reporting.status.decided",
        "reporting.round.published",
        "reporting.status.corrected",
        "reporting.assessment.published",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class Notification(models.Model):
    """One e-mail sent to one person about one thing. The key names the thing (an event, a
    day's digest), and the unique constraint is what makes each e-mail go out once."""

    class Kind(models.TextChoices):
        ROUND_OPENED = "round_opened", _("a round opens")
        RETURNED = "returned", _("a contribution is returned")
        VALIDATED = "validated", _("a contribution is validated")
        REMINDER = "reminder", _("a deadline is near or past")
        DIGEST = "digest", _("daily digest of new submissions")
        PUBLISHED = "published", _("a round is published")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("about"), max_length=80)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "key"], name="notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} to {self.user_id}"
