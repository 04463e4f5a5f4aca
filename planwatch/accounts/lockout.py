"""Repeated failed log-ins first slow down, then lock (django-axes, progressive cool-off).

django-axes locks an account from an address after ``AXES_FAILURE_LIMIT`` failures; this
function, its ``AXES_COOLOFF_TIME``, makes each lock longer than the last: one minute for the
first (a slow-down for someone mistyping), then four times longer each time within a day, up to
a day (a real lock against guessing). It counts the failures axes keeps in its failure log.
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

FIRST_LOCK = timedelta(minutes=1)
LONGEST_LOCK = timedelta(days=1)


def cool_off(request: HttpRequest | None) -> timedelta:
    if request is None:
        return LONGEST_LOCK
    username = get_client_username(request)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    failures = AccessFailureLog.objects.filter(
        username=username,
        ip_address=address,
        attempt_time__gte=timezone.now() - LONGEST_LOCK,
    ).count()
    locks = max(1, failures // settings.AXES_FAILURE_LIMIT)
    return min(FIRST_LOCK * 4 ** (locks - 1), LONGEST_LOCK)
