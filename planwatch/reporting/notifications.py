"""E-mails to the people a change concerns, in each person's language, once per thing.

Services record an ``Event``; when its action is one of ``ON_EVENT`` they ask for ``notify``
once the transaction commits. The daily digest of submissions for coordinators is sent by
``planwatch notify-digest``. Each e-mail is first written down as a ``Notification`` whose
(person, kind, key) is unique, so a command run twice or a retried call never sends it twice;
each person turns each kind off on their profile page (``User.notify_<kind>``).
"""

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from planwatch.accounts.models import Role, User

from .models import Contribution, Event, Notification, Round

log = logging.getLogger(__name__)
Kind = Notification.Kind


@dataclass
class Mail:
    user: User
    kind: str
    key: str
    template: str
    context: dict = field(default_factory=dict)


def link(name: str, language: str, **kwargs) -> str:
    """An address in the person's language; absolute when ``PLANWATCH_SITE_URL`` is set."""
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def deliver(mail: Mail) -> bool:
    """Send one e-mail unless the person turned its kind off or already got it."""
    if not mail.user.wants(mail.kind):
        return False
    language = mail.user.mail_language
    # The record first, in a transaction of its own: of two senders only one gets the key. The
    # mail goes out after it, outside any transaction, so that a slow mail server never holds a
    # lock (SQLite's write lock would stop every save meanwhile).
    try:
        with transaction.atomic():
            sent = Notification.objects.create(user=mail.user, kind=mail.kind, key=mail.key)
    except IntegrityError:
        return False  # already sent
    try:
        with translation.override(language):
            context = {
                **mail.context,
                "user": mail.user,
                "profile_url": link("accounts:profile", language),
            }
            subject = render_to_string(f"{mail.template}_subject.txt", context).strip()
            body = render_to_string(f"{mail.template}.txt", context)
        send_mail(subject, body, None, [mail.user.email])
    except Exception:
        # The change itself is stored; a mail server that fails must not turn it into an error
        # page. The record is removed again, so the next attempt (digest) sends it.
        Notification.objects.filter(pk=sent.pk).delete()
        log.exception("Could not send the %s e-mail %s to user %s", mail.kind, mail.key, mail.user)
        return False
    return True


def focal_points(actor_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active focal points of each actor."""
    people: dict[int, list[User]] = defaultdict(list)
    roles = Role.objects.filter(
        kind=Role.Kind.FOCAL_POINT, actor_id__in=list(actor_ids), user__is_active=True
    ).select_related("user")
    for role in roles:
        people[role.actor_id].append(role.user)
    return people


# One function per action: who is told, and with what.


def _round_opened(event: Event) -> Iterator[Mail]:
    items = event.round.contributions.select_related("measure", "actor").order_by(
        "measure__number", "actor__slug"
    )
    by_actor: dict[int, list[Contribution]] = defaultdict(list)
    for item in items:
        by_actor[item.actor_id].append(item)
    lists: dict[int, tuple[User, list[Contribution]]] = {}
    for actor_id, people in focal_points(by_actor).items():
        for person in people:
            lists.setdefault(person.pk, (person, []))[1].extend(by_actor[actor_id])
    for person, contributions in lists.values():
        contributions.sort(key=lambda c: (c.measure.number, c.actor.slug))
        yield Mail(
            person,
            Kind.ROUND_OPENED,
            f"event:{event.pk}",
            "reporting/mail/round_opened",
            {
                "round": event.round,
                "contributions": contributions,
                "url": link("backoffice:my_contributions", person.mail_language),
            },
        )


def _contribution(event: Event) -> Contribution | None:
    return (
        Contribution.objects.filter(
            round=event.round, measure=event.measure, actor_id=event.actor_id
        )
        .select_related("round", "measure", "actor")
        .first()
    )


def _reviewed(kind: str, template: str):
    def mails(event: Event) -> Iterator[Mail]:
        item = _contribution(event)
        if item is None:
            return
        for person in focal_points([item.actor_id])[item.actor_id]:
            yield Mail(
                person,
                kind,
                f"event:{event.pk}",
                template,
                {
                    "item": item,
                    "comment": event.reason,
                    "url": link("backoffice:contribution", person.mail_language, pk=item.pk),
                },
            )

    return mails


def _round_published(event: Event) -> Iterator[Mail]:
    assessors = User.objects.filter(roles__kind=Role.Kind.ASSESSOR, is_active=True).distinct()
    for person in assessors:
        yield Mail(
            person,
            Kind.PUBLISHED,
            f"event:{event.pk}",
            "reporting/mail/round_published",
            {
                "round": event.round,
                "url": link("backoffice:assessments", person.mail_language),
            },
        )


ON_EVENT = {
    "reporting.round.opened": _round_opened,
    "reporting.contribution.returned": _reviewed(Kind.RETURNED, "reporting/mail/returned"),
    "reporting.contribution.validated": _reviewed(Kind.VALIDATED, "reporting/mail/validated"),
    "reporting.round.published": _round_published,
}


def notify(event_id: int) -> int:
    """Send the e-mails an event calls for; returns how many were sent."""
    event = (
        Event.objects.select_related("plan", "round", "measure")
        .filter(pk=event_id, action__in=ON_EVENT)
        .first()
    )
    if event is None:
        return 0
    return sum(deliver(mail) for mail in ON_EVENT[event.action](event))


# The coordinators' daily digest ---------------------------------------------------------------


@dataclass
class Digest:
    user: User
    round: Round
    contributions: list[Contribution]


def digests_due(today: dt.date) -> list[Digest]:
    """For each coordinator and round: contributions submitted since the person's last digest
    of that round, still waiting for review. One digest per person, round and day."""
    waiting = (
        Contribution.objects.filter(
            state=Contribution.State.SUBMITTED,
            round__state__in=(Round.State.OPEN, Round.State.CLOSED),
        )
        .select_related("round__plan", "measure", "actor")
        .order_by("round_id", "measure__number", "actor__slug")
    )
    by_round: dict[int, list[Contribution]] = defaultdict(list)
    for item in waiting:
        by_round[item.round_id].append(item)
    if not by_round:
        return []
    rounds = {items[0].round_id: items[0].round for items in by_round.values()}
    coordinators = Role.objects.filter(
        kind=Role.Kind.COORDINATOR,
        plan_id__in={r.plan_id for r in rounds.values()},
        user__is_active=True,
    ).select_related("user")
    last_sent = {
        (n.user_id, n.data.get("round")): n.sent_at
        for n in Notification.objects.filter(kind=Kind.DIGEST).order_by("sent_at")
    }
    submitted_at = {
        (e.round_id, e.measure_id, e.actor_id): e.at
        for e in Event.objects.filter(
            action="reporting.contribution.submitted", round_id__in=rounds
        ).order_by("at")
    }
    digests = []
    for role in coordinators:
        for round_id, items in by_round.items():
            if rounds[round_id].plan_id != role.plan_id:
                continue
            since = last_sent.get((role.user_id, round_id))
            new = [
                item
                for item in items
                if since is None
                or submitted_at.get((round_id, item.measure_id, item.actor_id), since) > since
            ]
            if new:
                digests.append(Digest(role.user, rounds[round_id], new))
    return digests


def send_digests(today: dt.date, dry_run: bool = False) -> list[Digest]:
    sent = []
    for digest in digests_due(today):
        if dry_run:
            sent.append(digest)
            continue
        mail = Mail(
            digest.user,
            Kind.DIGEST,
            f"digest:{digest.round.pk}:{today.isoformat()}",
            "reporting/mail/digest",
            {
                "round": digest.round,
                "contributions": digest.contributions,
                "url": link("backoffice:round", digest.user.mail_language, pk=digest.round.pk),
            },
        )
        if deliver(mail):
            Notification.objects.filter(user=digest.user, kind=Kind.DIGEST, key=mail.key).update(
                data={"round": digest.round.pk, "contributions": len(digest.contributions)}
            )
            sent.append(digest)
    return sent
