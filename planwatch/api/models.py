import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# How often the last-used time is written: once a minute is precise enough for a person deciding
# whether a token is still in use, and spares a write on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# How long a token lasts unless its owner chooses a shorter time when creating it.
DEFAULT_LIFETIME = dt.timedelta(days=365)
LIFETIME_CHOICES = [
    (30, _("30 days")),
    (90, _("90 days")),
    (180, _("180 days")),
    (365, _("one year")),
]


def default_expiry() -> dt.datetime:
    return timezone.now() + DEFAULT_LIFETIME


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def revoke_all(self, user) -> int:
        """End every active token of ``user`` (after a password reset); returns how many."""
        return self.active().filter(user=user).update(revoked_at=timezone.now())


class ApiToken(models.Model):
    """A personal API token. Only a hash of it is stored: the token itself is shown once, when
    it is created, and cannot be read back by anyone, administrators included.

    Tokens are 256 random bits, so a plain SHA-256 is enough (no password hasher is needed to
    slow down guessing) and lets a request find its token with one indexed look-up.
    """

    PREFIX = "pw_"
    MAX_ACTIVE_PER_USER = 20

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “monthly export”.")
    )
    key_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    hint = models.CharField(_("first characters"), max_length=12)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user", "-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str, days: int = DEFAULT_LIFETIME.days) -> tuple["ApiToken", str]:
        """Create a token for ``user`` lasting ``days``; returns it with the secret key, which is
        never stored."""
        name = (name or "").strip()
        if not name:
            raise ValidationError({"name": _("Give the token a name.")})
        if not 0 < days <= DEFAULT_LIFETIME.days:
            raise ValidationError(
                {"days": _("A token lasts from 1 to %(n)d days.") % {"n": DEFAULT_LIFETIME.days}}
            )
        if cls.objects.active().filter(user=user).count() >= cls.MAX_ACTIVE_PER_USER:
            raise ValidationError(
                _("You have %(n)d active tokens, the most allowed: revoke one first.")
                % {"n": cls.MAX_ACTIVE_PER_USER}
            )
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name[:100],
            key_hash=cls.digest(key),
            hint=key[: len(cls.PREFIX) + 4],
            expires_at=timezone.now() + dt.timedelta(days=days),
        )
        return token, key

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self) -> None:
        """Record a use, at most once a minute."""
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at >= LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
