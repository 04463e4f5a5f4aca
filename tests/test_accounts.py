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
