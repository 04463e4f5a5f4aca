"""Password-reset requests: at most a few per hour per address and per account, every answer the
same and about as slow, whether the address belongs to an account or not.

The counts live in the database, like django-axes's failures, rather than in Django's cache:
the cache is per process (LocMemCache), so several workers or servers would each allow the
limit. A request is two indexed counts and one insert; rows older than the window are deleted
as new ones arrive.
"""

import hashlib
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import ResetRequest, canonical_email

WINDOW = timedelta(hours=1)
PER_ADDRESS = 10
PER_ACCOUNT = 3


def _email_hash(email: str) -> str:
    return hashlib.sha256(canonical_email(email).encode()).hexdigest()


def allow_reset(address: str, email: str) -> bool:
    """Whether a reset e-mail may be sent now for ``email`` asked from ``address``; an allowed
    request is recorded. The same answer for every address typed, known or not."""
    now = timezone.now()
    # Written without model signals: these rows are no published content, and a signal would
    # mark every cached public page stale (core.page_cache), for anyone who asks for a reset.
    table = connection.ops.quote_name(ResetRequest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE requested_at < %s",
            [connection.ops.adapt_datetimefield_value(now - WINDOW)],
        )
    recent = ResetRequest.objects.filter(requested_at__gte=now - WINDOW)
    email_hash = _email_hash(email)
    if (
        recent.filter(address=address).count() >= PER_ADDRESS
        or recent.filter(email_hash=email_hash).count() >= PER_ACCOUNT
    ):
        return False
    ResetRequest.objects.bulk_create(
        [ResetRequest(address=address, email_hash=email_hash, requested_at=now)]
    )
    return True


def wait_until_answer_time(started: float) -> None:
    """Sleep until ``PASSWORD_RESET_ANSWER_SECONDS`` after ``started`` (``time.monotonic()``), so
    that sending an e-mail to a known address takes no longer to answer than an unknown one."""
    remaining = settings.PASSWORD_RESET_ANSWER_SECONDS - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
