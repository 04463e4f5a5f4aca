"""What every operation of a round shares: the :class:`Conflict` of a lost update, the
audit ``record``, the permission check and the optimistic writes (``_bump``,
``_create_or_bump``)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from planwatch.accounts.models import User
from planwatch.lib.i18n import languages
from planwatch.plans.models import Measure, Plan

from .. import notifications
from ..models import Event, Round

# Parts of a contribution that apps above reporting add (the milestones app's proposed dates):
# each has a ``key`` and ``check(contribution, data, errors)``, ``save(contribution, data)``,
# ``snapshot(contribution)`` and ``apply(contribution, user=...)``, called by the contribution
# service inside its checks, its version-checked transaction, its audit event and validation.
CONTRIBUTION_PARTS: list[Any] = []


class Conflict(Exception):
    """Someone saved the same record after the caller read it. Nothing was written."""

    def __init__(self, current: Any):
        self.current = current
        super().__init__(_("Someone else saved this in the meantime."))


def record(
    action: str,
    *,
    user: User | None,
    plan: Plan,
    round_: Round | None = None,
    measure: Measure | None = None,
    actor_id: int | None = None,
    data: dict | None = None,
    reason: str = "",
) -> Event:
    event = Event.objects.create(
        action=action,
        user=user if user and user.is_authenticated else None,
        plan=plan,
        round=round_,
        measure=measure,
        actor_id=actor_id,
        data=data or {},
        reason=reason,
    )
    if action in notifications.ON_EVENT:
        # E-mails leave only once the change is stored (never for a rolled-back change).
        transaction.on_commit(lambda: notifications.notify(event.pk))
    return event


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not do this."))


def _bump(model, obj, version: int, **values) -> None:
    """Write ``values`` only if the row still has ``version``; raise Conflict otherwise."""
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        version=F("version") + 1, **values
    )
    if not updated:
        raise Conflict(model.objects.get(pk=obj.pk))
    obj.refresh_from_db()


def _create_or_bump(model, lookup: dict[str, Any], version: int | None, values: dict[str, Any]):
    """Save the row ``lookup`` names: version 0 says the caller saw no row (create it), another
    number the version it read (``_bump``); ``None`` skips the check (a script saving whatever is
    there). Return the row and its values before the save (``None`` when it was created)."""
    current = model.objects.filter(**lookup).first()
    if current is None:
        if version:  # the caller saw a row that is no longer there
            raise Conflict(None)
        try:
            # A savepoint: of two first saves at once, the unique constraint lets one in (on
            # PostgreSQL the other waits for it to commit, then fails here).
            with transaction.atomic():
                return model.objects.create(**lookup, **values, version=1), None
        except IntegrityError:
            raise Conflict(model.objects.filter(**lookup).first()) from None
    if version == 0:  # the caller saw no row, but someone created it since
        raise Conflict(current)
    before = {key: getattr(current, key) for key in values}
    _bump(model, current, current.version if version is None else version, **values)
    return current, before


def _translations(prefix: str, texts: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}_{lang}": (texts.get(lang) or "").strip() for lang in languages()}
