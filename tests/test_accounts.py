"""Log in with an e-mail address, log out, reset a password, lock out after failures."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from .factories import make_user


@pytest.fixture
def person(db):
    return make_user("Person@Example.org", password="correct horse battery")


def login(client, email, password):
    return client.post(
        "/en/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR="10.1.2.3"
    )


def test_log_in_with_the_e_mail_address_and_out(client, person):
    response = login(client, "person@example.org", "correct horse battery")
    assert response.status_code == 302 and response["Location"] == "/en/work/"
    assert client.get("/en/work/").status_code == 200
    client.post("/en/accounts/logout/")
    assert client.get("/en/work/").status_code == 302


def test_a_wrong_password_gets_a_message(client, person):
    response = login(client, "person@example.org", "wrong")
    assert response.status_code == 200
    assert "Please enter a correct" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, person):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "person@example.org", "wrong")
    response = login(client, "person@example.org", "correct horse battery")
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()
    assert client.get("/en/work/").status_code == 302


def test_passwords_are_hashed_with_argon2(db, settings):
    from planwatch import settings as configured

    settings.PASSWORD_HASHERS = configured.PASSWORD_HASHERS
    assert make_user(password="long enough passphrase").password.startswith("argon2")


def test_password_reset_by_e_mail(client, person):
    response = client.post("/en/accounts/password/reset/", {"email": "person@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a much better passphrase", "new_password2": "a much better passphrase"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a much better passphrase")


def test_password_reset_of_an_unknown_address_says_the_same(client, db):
    response = client.post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert not mail.outbox


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_e_mail_addresses_are_unique_whatever_the_case(person):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        get_user_model().objects.create_user("person@example.org", "x")


def test_each_lock_lasts_longer_than_the_last(client, person):
    from datetime import timedelta

    from axes.models import AccessFailureLog
    from django.test import RequestFactory

    from planwatch.accounts.lockout import cool_off

    request = RequestFactory().post(
        "/en/accounts/login/", {"username": "person@example.org"}, REMOTE_ADDR="10.1.2.3"
    )
    limit = settings.AXES_FAILURE_LIMIT

    def fail(times):
        for _ in range(times):
            AccessFailureLog.objects.create(
                username="person@example.org",
                ip_address="10.1.2.3",
                user_agent="t",
                http_accept="t",
                path_info="/",
            )

    fail(limit)
    assert cool_off(request) == timedelta(minutes=1)
    fail(limit)
    assert cool_off(request) == timedelta(minutes=4)
    fail(limit * 10)
    assert cool_off(request) == timedelta(days=1)


# One account whatever the case of its address -------------------------------------------------


def test_changing_the_case_of_the_address_is_no_way_round_a_lock(client, person):
    for email in ["person@example.org", "PERSON@example.org", " Person@Example.Org "]:
        login(client, email, "wrong")
    for email in ["Person@Example.org", "person@EXAMPLE.ORG", "person@example.org"]:
        response = login(client, email, "correct horse battery")
        assert response.status_code == 429, email
    assert client.get("/en/work/").status_code == 302


def test_the_address_logs_in_in_any_case(client, person):
    response = login(client, "  PERSON@example.ORG ", "correct horse battery")
    assert response.status_code == 302


def test_lock_out_counts_under_the_canonical_address(client, person):
    from axes.models import AccessAttempt, AccessFailureLog

    login(client, " PERSON@Example.org", "wrong")
    login(client, "Person@EXAMPLE.org", "wrong")
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) == {
        "person@example.org"
    }
    assert AccessAttempt.objects.get().failures_since_start == 2


def test_addresses_are_stored_in_lower_case_from_every_entry_point(admin_client, person):
    assert person.email == "person@example.org"
    roles = {"roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"}
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "New.Person@Example.ORG",
            "password1": "",
            "password2": "",
            "usable_password": "false",
            **roles,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert get_user_model().objects.filter(email="new.person@example.org").exists()
    # Another account differing only in case is refused with a message, not a server error.
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "NEW.person@example.org",
            "password1": "",
            "password2": "",
            "usable_password": "false",
            **roles,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert get_user_model().objects.filter(email__iexact="new.person@example.org").count() == 1


def test_createsuperuser_stores_the_canonical_address(db, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long enough passphrase")
    call_command("createsuperuser", email="Boss@Example.ORG", interactive=False, verbosity=0)
    assert get_user_model().objects.get(is_superuser=True).email == "boss@example.org"
    with pytest.raises(CommandError, match="already taken"):
        call_command("createsuperuser", email="boss@EXAMPLE.org", interactive=False, verbosity=0)


def test_the_import_command_finds_the_user_in_any_case(person):
    import importlib

    from django.core.management import CommandError

    Command = importlib.import_module("planwatch.documents.management.commands.import").Command
    assert Command()._user("  PERSON@Example.org ") == person
    with pytest.raises(CommandError, match="No account"):
        Command()._user("nobody@example.org")


def test_a_data_migration_lowers_the_case_of_existing_addresses(person):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("planwatch.accounts.migrations.0003_email_lower_case")
    get_user_model().objects.filter(pk=person.pk).update(email="Person@Example.ORG")
    migration.lower_case_addresses(apps, None)
    person.refresh_from_db()
    assert person.email == "person@example.org"


# The client's address behind reverse proxies --------------------------------------------------


def login_via(client, forwarded, password, remote="10.0.0.1"):
    return client.post(
        "/en/accounts/login/",
        {"username": "person@example.org", "password": password},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, person, settings):
    from axes.models import AccessFailureLog

    settings.TRUSTED_PROXIES = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via(client, f"198.51.100.{attempt}", "wrong")
    # A client inventing a new address in the header is still the same connection.
    assert login_via(client, "198.51.100.99", "correct horse battery").status_code == 429
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"10.0.0.1"}


def test_behind_one_trusted_proxy_the_lock_hits_only_the_client(client, person, settings):
    settings.TRUSTED_PROXIES = 1
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login_via(client, "203.0.113.5", "wrong")
    # The same client, even when it prepends a made-up address that the proxy passes on.
    assert login_via(client, "203.0.113.5", "correct horse battery").status_code == 429
    assert login_via(client, "192.0.2.77, 203.0.113.5", "correct horse battery").status_code == 429
    # Everyone else behind the same proxy still logs in.
    assert login_via(client, "203.0.113.9", "correct horse battery").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "192.0.2.1, 203.0.113.5", "203.0.113.5"),
        (2, "192.0.2.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),
        (1, "not-an-address", "10.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_address(settings, rf, proxies, forwarded, expected):
    from planwatch.accounts.lockout import client_address

    settings.TRUSTED_PROXIES = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


# Password reset: throttled, one answer for everyone, and it ends API tokens ------------------


def ask_reset(client, email, address="10.1.2.3"):
    return client.post("/en/accounts/password/reset/", {"email": email}, REMOTE_ADDR=address)


def test_reset_requests_are_throttled_per_account_known_or_not(client, person):
    from planwatch.accounts import throttle

    for email in ["person@example.org", "nobody@example.org"]:
        for attempt in range(throttle.PER_ACCOUNT):
            # From a new address each time: the account's own limit applies.
            assert ask_reset(client, email.upper(), f"10.9.{attempt}.1").status_code == 302
        response = ask_reset(client, email, "10.9.99.1")
        assert response.status_code == 429
        assert "Too many password-reset requests" in response.content.decode()
    assert len(mail.outbox) == throttle.PER_ACCOUNT


def test_reset_requests_are_throttled_per_address(client, person):
    from planwatch.accounts import throttle

    for attempt in range(throttle.PER_ADDRESS):
        assert ask_reset(client, f"someone{attempt}@example.org").status_code == 302
    assert ask_reset(client, "person@example.org").status_code == 429
    assert not mail.outbox
    # Another address is not hit.
    assert ask_reset(client, "person@example.org", "10.7.7.7").status_code == 302
    assert len(mail.outbox) == 1


def test_old_reset_requests_no_longer_count(client, person):
    from datetime import timedelta

    from django.utils import timezone

    from planwatch.accounts import throttle
    from planwatch.accounts.models import ResetRequest

    for _attempt in range(throttle.PER_ACCOUNT):
        ask_reset(client, "person@example.org")
    ResetRequest.objects.update(requested_at=timezone.now() - timedelta(hours=2))
    assert ask_reset(client, "person@example.org").status_code == 302
    assert ResetRequest.objects.count() == 1  # the old ones are gone
    assert ResetRequest.objects.get().email_hash != "person@example.org"


def test_known_and_unknown_addresses_get_the_same_answer_in_the_same_time(
    client, person, settings, monkeypatch
):
    from planwatch.accounts import throttle

    settings.PASSWORD_RESET_ANSWER_SECONDS = 30
    slept = []
    monkeypatch.setattr(throttle.time, "sleep", slept.append)
    known = ask_reset(client, "person@example.org")
    unknown = ask_reset(client, "nobody@example.org")
    assert len(mail.outbox) == 1
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    # Both answers are held until the same moment after the request arrived.
    assert len(slept) == 2 and all(29 < seconds <= 30 for seconds in slept)


def test_a_completed_reset_ends_the_persons_api_tokens(client, person):
    from planwatch.api.models import ApiToken

    _token, key = ApiToken.issue(person, "export script")
    other, other_key = ApiToken.issue(make_user("other@example.org"), "theirs")
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    ask_reset(client, "Person@Example.org")
    link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a much better passphrase", "new_password2": "a much better passphrase"},
    )
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {other_key}").status_code == 200


def test_reset_requests_leave_the_public_page_cache_alone(client, person):
    from datetime import timedelta

    from django.utils import timezone

    from planwatch.accounts.models import ResetRequest
    from planwatch.core.models import DataVersion

    ask_reset(client, "person@example.org")
    ResetRequest.objects.bulk_create(
        [
            ResetRequest(
                address="10.0.0.9", email_hash="x", requested_at=timezone.now() - timedelta(days=1)
            )
        ]
    )
    before = DataVersion.current()
    ask_reset(client, "nobody@example.org")
    assert DataVersion.current() == before
    assert ResetRequest.objects.count() == 2


# Demo accounts and production ------------------------------------------------------------------


def test_demo_accounts_can_be_removed_and_made_again(nap, settings):
    from planwatch.accounts.checks import check_demo_accounts, demo_accounts_problem
    from planwatch.ops.management.commands.demo import (
        create_demo_accounts,
        remove_demo_accounts,
    )

    settings.DEMO = True
    create_demo_accounts()
    assert "planwatch demo --remove-accounts" in demo_accounts_problem()
    assert [message.id for message in check_demo_accounts(None)] == ["planwatch.E001"]
    assert remove_demo_accounts() == 6
    assert demo_accounts_problem() == "" and check_demo_accounts(None) == []
    admin = get_user_model().objects.get(email="admin@demo.planwatch.invalid")
    assert not admin.is_active and not admin.has_usable_password()
    create_demo_accounts()  # `planwatch demo` again: the demo works again
    admin.refresh_from_db()
    assert admin.is_active and admin.check_password("demo")


def test_production_problems_name_a_short_key_and_live_demo_accounts(db, settings):
    from planwatch.ops.management.commands.serve import production_problems

    settings.DEBUG = False
    settings.SECRET_KEY_FROM_ENV = True
    settings.ALLOWED_HOSTS = ["planwatch.example.org"]
    settings.SECRET_KEY = "k" * 50
    assert production_problems() == []
    settings.SECRET_KEY = "k" * 49
    make_user("fwb@demo.planwatch.invalid")
    problems = production_problems()
    assert len(problems) == 2
    assert problems[0].startswith("PLANWATCH_SECRET_KEY is 49 characters long")
    assert "fwb@demo.planwatch.invalid" in problems[1]
    settings.DEBUG = True
    assert production_problems() == []


def test_a_refused_reset_request_is_answered_at_once(client, person, settings, monkeypatch):
    from planwatch.accounts import throttle

    settings.PASSWORD_RESET_ANSWER_SECONDS = 30
    slept = []
    monkeypatch.setattr(throttle.time, "sleep", slept.append)
    monkeypatch.setattr(throttle, "PER_ACCOUNT", 0)
    assert ask_reset(client, "person@example.org").status_code == 429
    assert slept == []  # holding a server thread would only help someone flooding the form
