"""Repeated failed log-ins first slow down, then lock (django-axes, progressive cool-off).

django-axes locks an account from an address after ``AXES_FAILURE_LIMIT`` failures; this
function, its ``AXES_COOLOFF_TIME``, makes each lock longer than the last: one minute for the
first (a slow-down for someone mistyping), then four times longer each time within a day, up to
a day (a real lock against guessing). It counts the failures axes keeps in its failure log.

Axes counts failures per (user name, address). Both come from here: ``username`` puts the user
name in canonical form, so that changing its case is no way round a lock, and
``client_address`` trusts ``X-Forwarded-For`` only as far as ``PLANWATCH_TRUSTED_PROXIES`` says.
"""

import ipaddress
from datetime import timedelta

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessFailureLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from .models import canonical_email

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


def username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The user name axes counts failures under (``AXES_USERNAME_CALLABLE``)."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        value = credentials.get(field)
    else:
        value = getattr(request, "data", request.POST).get(field)
    return canonical_email(value) if isinstance(value, str) else None


def client_address(request: HttpRequest) -> str:
    """The address a request comes from (``AXES_CLIENT_IP_CALLABLE``; the reset throttle).

    With no trusted proxy, the connection's own address: an ``X-Forwarded-For`` header is sent by
    the client itself and proves nothing. Behind N trusted proxies, each appends the address it
    received the request from, so the client is the N-th entry from the right; entries further
    left were written by the client and are ignored.
    """
    own = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXIES
    if not proxies:
        return own
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return own
    client = forwarded[-min(proxies, len(forwarded))]
    try:
        # Stored in axes's address columns (an inet column on PostgreSQL): only a real address.
        return str(ipaddress.ip_address(client))
    except ValueError:
        return own
