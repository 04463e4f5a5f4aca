import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """One row whose token changes whenever any content changes: public pages are cached under
    the current token, so a change makes every cached page stale at once, in every process."""

    token = models.CharField(_("token"), max_length=32, default="initial")

    class Meta:
        verbose_name = _("data version")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def current(cls) -> str:
        token = cls.objects.filter(pk=1).values_list("token", flat=True).first()
        return token or "initial"

    @classmethod
    def bump(cls) -> None:
        # A random token, not a counter: after a rollback the old token names the old data again.
        updated = cls.objects.filter(pk=1).update(token=uuid.uuid4().hex)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
