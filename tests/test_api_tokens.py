"""Personal API tokens: the page that creates and revokes them, and authentication with them."""

import datetime as dt

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import connection
from django.urls import include, path
from django.utils import timezone

from planwatch import urls as root_urls
from planwatch.api.models import ApiToken

from .factories import make_user

# The token page lives at /<lang>/work/tokens/. Until the project's URLs include it, these tests
# add it themselves (and use the project's URLs as they are once they do).
_included = any(
    getattr(pattern, "urlconf_name", None) is not None
    and getattr(pattern.urlconf_name, "__name__", "") == "planwatch.api.token_urls"
    for resolver in root_urls.urlpatterns
    for pattern in getattr(resolver, "url_patterns", [resolver])
)
urlpatterns = list(root_urls.urlpatterns)
if not _included:
    urlpatterns = [
        *i18n_patterns(
            path("work/tokens/", include("planwatch.api.token_urls")),
            prefix_default_language=True,
        ),
        *urlpatterns,
    ]
pytestmark = pytest.mark.urls(__name__)

PAGE = "/en/work/tokens/"
ME = "/api/v1/me/"


@pytest.fixture
def alice(db):
    return make_user("alice@example.org", password=None, name="Alice")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def _create(client, name: str = "export script") -> str:
    response = client.post(PAGE, {"name": name})
    assert response.status_code == 200
    return response.context["new_key"]


# The page ------------------------------------------------------------------------------------


def test_the_page_needs_a_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert client.post(PAGE, {"name": "x"}).status_code == 302
    assert ApiToken.objects.count() == 0


def test_a_token_is_shown_once_and_stored_as_a_hash(alice_client, alice):
    response = alice_client.post(PAGE, {"name": "export script"})
    key = response.context["new_key"]
    assert key.startswith("pw_") and len(key) > 40
    page = response.content.decode()
    assert key in page
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    assert token.name == "export script"
    assert token.key_hash == ApiToken.digest(key) != key
    # The key is in no column of the table.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(key in str(value) for row in cursor.fetchall() for value in row)
    again = alice_client.get(PAGE).content.decode()
    assert key not in again
    assert token.hint in again and "export script" in again


def test_a_token_authenticates_and_records_its_use(client, alice_client, alice):
    key = _create(alice_client)
    client.logout()
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "alice@example.org"
    assert data["token"]["name"] == "export script"
    expires = dt.datetime.fromisoformat(data["token"]["expires_at"])
    assert abs(expires - (timezone.now() + dt.timedelta(days=365))) < dt.timedelta(minutes=1)
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is not None
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(client, alice):
    token, key = ApiToken.issue(alice, "x")
    client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - dt.timedelta(minutes=1)


def test_revoking_a_token_refuses_it_with_a_clear_message(client, alice_client, alice):
    key = _create(alice_client)
    token = ApiToken.objects.get(user=alice)
    response = alice_client.post(f"{PAGE}{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token was revoked on ")
    # Public data too: a refused token is never quietly treated as anonymous.
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_revoking_is_a_post(alice_client, alice):
    token, _key = ApiToken.issue(alice, "x")
    assert alice_client.get(f"{PAGE}{token.pk}/revoke/").status_code == 405
    assert ApiToken.objects.get(pk=token.pk).is_active


def test_nobody_revokes_someone_elses_token(client, alice, db):
    token, key = ApiToken.issue(alice, "x")
    client.force_login(make_user("bob@example.org", password=None))
    assert client.post(f"{PAGE}{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).is_active
    page = client.get(PAGE).content.decode()
    assert token.hint not in page


@pytest.mark.parametrize("name", ["", "   "])
def test_a_token_needs_a_name(alice_client, alice, name):
    response = alice_client.post(PAGE, {"name": name})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not response.context["new_key"]
    assert ApiToken.objects.filter(user=alice).count() == 0


def test_a_name_too_long_is_refused(alice_client, alice):
    response = alice_client.post(PAGE, {"name": "x" * 101})
    assert response.context["form"].errors["name"]
    assert ApiToken.objects.filter(user=alice).count() == 0


def test_the_number_of_active_tokens_is_limited(alice_client, alice):
    for i in range(ApiToken.MAX_ACTIVE_PER_USER):
        ApiToken.issue(alice, f"t{i}")
    response = alice_client.post(PAGE, {"name": "one more"})
    assert response.context["form"].non_field_errors()
    assert ApiToken.objects.filter(user=alice).count() == ApiToken.MAX_ACTIVE_PER_USER
    ApiToken.objects.filter(user=alice).first().revoke()
    assert _create(alice_client, "one more")


def test_the_page_speaks_the_users_language(alice_client):
    for lang in ("nl", "fr", "de", "en"):
        response = alice_client.get(f"/{lang}/work/tokens/")
        assert response.status_code == 200
        assert f'<html lang="{lang}">' in response.content.decode()


# Authentication ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("Token pw_unknown", "Unknown API token."),
        ("Token", "Malformed Authorization header"),
        ("Token a b", "Malformed Authorization header"),
        ("Bearer pw_unknown", "Unknown API token."),
    ],
)
def test_bad_tokens_are_401_with_a_message(client, db, header, message):
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"].startswith(message)
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_a_token_of_a_disabled_account_is_refused(client, alice):
    _token, key = ApiToken.issue(alice, "x")
    alice.is_active = False
    alice.save()
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "disabled" in response.json()["detail"]


def test_me_needs_authentication(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_me_with_a_session_shows_the_roles(client, nap):
    user = make_user(password=None, role="coordinator", plan=nap)
    client.force_login(user)
    data = client.get(ME).json()
    assert data["roles"] == [{"kind": "coordinator", "plan": "nap-2021-2025", "actor": None}]
    assert data["token"] is None


def test_the_admin_lists_tokens_without_keys(admin_client, alice):
    token, key = ApiToken.issue(alice, "x")
    page = admin_client.get("/admin/api/apitoken/").content.decode()
    assert token.hint in page
    assert key not in page
    assert admin_client.get("/admin/api/apitoken/add/").status_code == 403
    admin_client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_at <= timezone.now()


# Expiry ---------------------------------------------------------------------------------------


def test_a_token_lasts_a_year_unless_a_shorter_time_is_chosen(alice_client, alice):
    _create(alice_client, "yearly")
    response = alice_client.post(PAGE, {"name": "monthly", "days": "30"})
    assert response.status_code == 200 and response.context["new_key"]
    now = timezone.now()
    yearly = ApiToken.objects.get(name="yearly")
    monthly = ApiToken.objects.get(name="monthly")
    assert abs(yearly.expires_at - (now + dt.timedelta(days=365))) < dt.timedelta(minutes=1)
    assert abs(monthly.expires_at - (now + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    page = alice_client.get(PAGE).content.decode()
    assert "Expires" in page
    assert yearly.expires_at.strftime("%Y") in page


@pytest.mark.parametrize("days", ["0", "366", "3650", "soon"])
def test_a_lifetime_outside_the_choices_is_refused(alice_client, alice, days):
    response = alice_client.post(PAGE, {"name": "forever", "days": days})
    assert response.status_code == 200
    assert not response.context["new_key"]
    assert "Select a valid choice" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_expired_token_is_refused_with_a_clear_message(client, alice):
    token, key = ApiToken.issue(alice, "old script", days=30)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    response = client.get(ME, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("This API token expired on ")
    assert client.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_expired_tokens_are_listed_as_expired_and_do_not_count_towards_the_limit(
    alice_client, alice
):
    for number in range(ApiToken.MAX_ACTIVE_PER_USER):
        ApiToken.issue(alice, f"token {number}")
    ApiToken.objects.filter(name="token 0").update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert not ApiToken.objects.get(name="token 0").is_active
    _create(alice_client, "one more")
    page = alice_client.get(PAGE).content.decode()
    assert page.count("expired") == 1


def test_revoke_all_ends_only_the_persons_active_tokens(alice, db):
    ApiToken.issue(alice, "a")
    ApiToken.issue(alice, "b")
    theirs, _key = ApiToken.issue(make_user("bob@example.org", password=None), "c")
    assert ApiToken.objects.revoke_all(alice) == 2
    assert not ApiToken.objects.active().filter(user=alice).exists()
    assert ApiToken.objects.get(pk=theirs.pk).is_active
