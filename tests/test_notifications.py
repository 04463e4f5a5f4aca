"""E-mails: who gets which, in their language, once per thing, after the change is stored, and
never when the person turned the kind off."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from planwatch.reporting import services
from planwatch.reporting.models import Notification, Round
from planwatch.reporting.notifications import notify
from planwatch.reporting.services import ContributionInput

from .factories import make_user


@pytest.fixture(autouse=True)
def _focal_a_reads_french(focal_a):
    focal_a.language = "fr"
    focal_a.save(update_fields=["language"])


@pytest.fixture
def round_(nap, people, django_capture_on_commit_callbacks) -> Round:
    """Like the shared open round (tests/conftest.py), but opened with its e-mails sent."""
    round_ = services.create_round(
        nap,
        user=people["coordinator"],
        slug="2024",
        name={"en": "Round 2024", "fr": "Cycle 2024", "nl": "Ronde 2024"},
        start=dt.date(2024, 1, 1),
        end=dt.date(2024, 12, 31),
        deadline=dt.date(2025, 1, 31),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.open_round(round_, user=people["coordinator"])
    return round_


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def submit(item, user, text="Done.") -> None:
    services.save_contribution(
        item,
        ContributionInput(proposed_status="implemented", narrative={"en": text}),
        user=user,
        version=item.version,
        submit=True,
    )


def justice_item(round_):
    return round_.contributions.filter(actor__slug="fod-justitie").order_by("measure__number")[0]


def test_opening_a_round_tells_each_focal_point_their_list_and_the_deadline(round_):
    [french] = to("justice@example.org")
    assert french.subject == "Planwatch : le cycle « Cycle 2024 » est ouvert"
    assert "31 janvier 2025" in french.body
    numbers = round_.contributions.filter(actor__slug="fod-justitie").values_list(
        "measure__number", flat=True
    )
    for number in numbers:
        assert f"\n- {number}. " in french.body
    assert "/fr/work/contributions/" in french.body
    assert "/fr/accounts/profile/" in french.body
    [dutch] = to("opgroeien@example.org")
    assert "Ronde 2024" in dutch.subject and "31 januari 2025" in dutch.body
    assert not to("coordinator@example.org") and not to("platform@example.org")


def test_a_returned_contribution_is_mailed_with_the_comment(
    round_, people, django_capture_on_commit_callbacks
):
    item = justice_item(round_)
    submit(item, people["focal_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.return_contribution(
            item, user=people["coordinator"], version=item.version, comment="Combien de juges ?"
        )
    [message] = mail.outbox
    assert message.to == ["justice@example.org"]
    assert f"mesure {item.measure.number}" in message.subject
    assert "Combien de juges ?" in message.body
    assert f"/fr/work/contributions/{item.pk}/" in message.body


def test_a_validated_contribution_is_mailed(round_, people, django_capture_on_commit_callbacks):
    item = justice_item(round_)
    submit(item, people["focal_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
    assert [m.to for m in mail.outbox] == [["justice@example.org"]]
    assert "validée" in mail.outbox[0].subject


def test_publishing_tells_the_assessors(round_, people, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_round(round_, user=people["coordinator"])
    assert [m.to for m in mail.outbox] == [["platform@example.org"]]
    assert "Ronde 2024" in mail.outbox[0].subject  # the assessor's language is not set: Dutch
    assert "/nl/work/assessments/" in mail.outbox[0].body


def test_nothing_is_sent_for_a_change_that_is_rolled_back(round_, people):
    item = justice_item(round_)
    submit(item, people["focal_a"])
    mail.outbox.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
        raise RuntimeError
    assert mail.outbox == []


def test_each_e_mail_goes_once(round_, people, django_capture_on_commit_callbacks):
    item = justice_item(round_)
    submit(item, people["focal_a"])
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
    event = round_.events.get(action="reporting.contribution.validated")
    mail.outbox.clear()
    assert notify(event.pk) == 0
    assert mail.outbox == []
    assert Notification.objects.filter(kind="validated").count() == 1


def test_a_kind_turned_off_is_not_sent(round_, people, django_capture_on_commit_callbacks):
    people["focal_a"].notify_validated = False
    people["focal_a"].save()
    item = justice_item(round_)
    submit(item, people["focal_a"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
    assert mail.outbox == []


def test_a_failing_mail_server_does_not_undo_the_change(
    round_, people, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "tests.test_notifications.BrokenBackend"
    item = justice_item(round_)
    submit(item, people["focal_a"])
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
    item.refresh_from_db()
    assert item.state == "validated"
    assert not Notification.objects.filter(kind="validated").exists()  # can be sent again


def test_the_mail_goes_out_outside_the_transaction_that_records_it(
    round_, people, django_capture_on_commit_callbacks, settings
):
    """A slow mail server must not hold a transaction open (on SQLite, the write lock)."""
    from django.db import connection

    settings.EMAIL_BACKEND = "tests.test_notifications.DepthBackend"
    DepthBackend.depths.clear()
    item = justice_item(round_)
    submit(item, people["focal_a"])
    depth = len(connection.atomic_blocks)  # the test's own transaction
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_contribution(item, user=people["coordinator"], version=item.version)
    assert DepthBackend.depths == [depth]
    assert Notification.objects.filter(kind="validated").exists()


class DepthBackend:
    depths: list[int] = []

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        from django.db import connection

        DepthBackend.depths.append(len(connection.atomic_blocks))
        return len(messages)


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise OSError("mail server down")


# The coordinators' digest ---------------------------------------------------------------------


def digest(day: dt.date) -> str:
    out = io.StringIO()
    call_command("notify_digest", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def test_the_daily_digest_lists_new_submissions_once(round_, people, nap):
    first, second = round_.contributions.filter(actor__slug="fod-justitie")[:2]
    submit(first, people["focal_a"])
    mail.outbox.clear()
    day = dt.date(2025, 1, 10)
    assert "1 digest(s)." in digest(day)
    [message] = mail.outbox
    assert message.to == ["coordinator@example.org"]
    assert message.subject == "Planwatch: 1 nieuwe inzending in „Ronde 2024”"
    assert f"- {first.measure.number}. " in message.body
    # Run again the same day: nothing new, nothing sent.
    mail.outbox.clear()
    assert "0 digest(s)." in digest(day)
    submit(second, people["focal_a"])
    assert "0 digest(s)." in digest(day)  # one digest a day
    assert mail.outbox == []
    assert "1 digest(s)." in digest(day + dt.timedelta(days=1))
    [message] = mail.outbox
    assert f"- {second.measure.number}. " in message.body
    assert f"- {first.measure.number}. " not in message.body
    # Another plan's coordinator hears nothing of this round.
    assert not to("other@example.org")


def test_the_digest_can_be_turned_off_and_checks_its_date(round_, people):
    people["coordinator"].notify_digest = False
    people["coordinator"].save()
    submit(justice_item(round_), people["focal_a"])
    mail.outbox.clear()
    assert "0 digest(s)." in digest(dt.date(2025, 1, 10))
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("notify_digest", "--today", "10/01/2025")


def test_reminders_respect_the_profile(round_, people):
    people["focal_a"].notify_reminder = False
    people["focal_a"].save()
    mail.outbox.clear()
    call_command("remind", "--today", "2025-01-24", stdout=io.StringIO())
    assert not to("justice@example.org")
    assert to("opgroeien@example.org")


def test_a_person_without_a_role_in_the_plan_gets_nothing(round_, nap):
    make_user("nobody@example.org")
    assert not to("nobody@example.org")
