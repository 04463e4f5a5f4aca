"""Reminders to focal points: a set number of days before a round's deadline, and when overdue."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from planwatch.accounts.models import Role, User

from .models import Contribution, Event, Round


@dataclass
class Reminder:
    user: User
    round: Round
    kind: str  # "due" or "overdue"
    contributions: list[Contribution]


def reminders_due(today: dt.date, days_before: int) -> list[Reminder]:
    """Who should be reminded today: open contributions of open rounds whose deadline is
    ``days_before`` days away (due) or past (overdue), once per user, round and kind per day."""
    open_items = (
        Contribution.objects.filter(
            round__state=Round.State.OPEN,
            round__deadline__isnull=False,
            state__in=Contribution.EDITABLE,
        )
        .select_related("round__plan", "measure", "actor")
        .order_by("round_id", "measure__number")
    )
    by_actor: dict[int, list[Contribution]] = defaultdict(list)
    for item in open_items:
        deadline = item.round.deadline
        if deadline < today or (deadline - today).days == days_before:
            by_actor[item.actor_id].append(item)
    focal = Role.objects.filter(
        kind=Role.Kind.FOCAL_POINT, actor_id__in=by_actor, user__is_active=True
    ).select_related("user")
    grouped: dict[tuple[int, int, str], Reminder] = {}
    for role in focal:
        for item in by_actor[role.actor_id]:
            kind = "overdue" if item.round.deadline < today else "due"
            key = (role.user_id, item.round_id, kind)
            reminder = grouped.setdefault(key, Reminder(role.user, item.round, kind, []))
            reminder.contributions.append(item)
    sent_today = set(
        Event.objects.filter(
            action="reporting.reminder.sent", data__day=today.isoformat()
        ).values_list("data__user", "round_id", "data__kind")
    )
    # Each person may turn reminders off on their profile page.
    return [r for key, r in grouped.items() if key not in sent_today and r.user.wants("reminder")]


def send_reminders(today: dt.date, days_before: int, dry_run: bool = False) -> list[Reminder]:
    reminders = reminders_due(today, days_before)
    for reminder in reminders:
        if dry_run:
            continue
        with translation.override(reminder.user.mail_language):
            subject = (
                _("Planwatch: contributions overdue")
                if reminder.kind == "overdue"
                else _("Planwatch: contributions due on %(date)s")
                % {"date": reminder.round.deadline.isoformat()}
            )
            body = render_to_string("reporting/reminder.txt", {"reminder": reminder})
        send_mail(subject, body, None, [reminder.user.email])
        Event.objects.create(
            action="reporting.reminder.sent",
            plan=reminder.round.plan,
            round=reminder.round,
            data={
                "user": reminder.user.pk,
                "kind": reminder.kind,
                "day": today.isoformat(),
                "contributions": len(reminder.contributions),
            },
        )
    return reminders
