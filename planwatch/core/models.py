import threading
import time
import uuid

from django.conf import settings
from django.db import models, transaction
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
    def recent(cls) -> str:
        """The token as read at most ``PAGE_CACHE_VERSION_SECONDS`` ago by this process: a cached
        page then costs no query. A change made by another process is seen within that time; a
        change made by this one at once (``bump`` forgets the token read)."""
        interval = settings.PAGE_CACHE_VERSION_SECONDS
        token, read_at = _recent
        if token is not None and interval > 0 and time.monotonic() - read_at < interval:
            return token
        with _recent_lock:
            token = cls.current()
            _recent[:] = [token, time.monotonic()]
        return token

    @classmethod
    def forget_recent(cls) -> None:
        _recent[:] = [None, 0.0]

    @classmethod
    def bump(cls) -> None:
        # A random token, not a counter: after a rollback the old token names the old data again.
        updated = cls.objects.filter(pk=1).update(token=uuid.uuid4().hex)
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"token": uuid.uuid4().hex})
        # Forgotten now, for this request's own next read, and again once the change is
        # committed, since a read in between still saw the old token.
        cls.forget_recent()
        transaction.on_commit(cls.forget_recent)


# This process's last read of the token: [token, time.monotonic() of the read].
_recent: list = [None, 0.0]
_recent_lock = threading.Lock()
