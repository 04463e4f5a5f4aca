"""Anonymous requests that miss the page cache are limited per address, with a clear 429 page."""

import pytest

from .factories import make_user

PLAN = "/en/plans/nap-2021-2025/"


@pytest.fixture
def limited(settings):
    settings.ANONYMOUS_RATE = "3/m"


def test_over_the_limit_a_clear_429_page(client, nap, limited):
    for n in range(3):
        assert client.get(f"{PLAN}measures/?q=w{n}").status_code == 200
    response = client.get(f"{PLAN}measures/?q=w3")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    page = response.content.decode()
    assert "<h1>Too many requests</h1>" in page and "Please try again in" in page
    assert response["Content-Security-Policy"]


def test_cached_pages_are_never_limited(client, nap, limited):
    assert client.get(PLAN).status_code == 200  # rendered once: counts
    for n in range(20):
        assert client.get(f"{PLAN}?junk={n}").status_code == 200  # the cached page


def test_downloads_and_reports_count(client, nap, limited):
    codes = [
        client.get(f"{PLAN}downloads/measures.csv").status_code,
        client.get(f"{PLAN}downloads/rounds.json").status_code,
        client.get(f"{PLAN}downloads/measures.csv?junk=1").status_code,
        client.get(f"{PLAN}reports/budget.html").status_code,
    ]
    assert codes == [200, 200, 200, 429]


def test_each_address_has_its_own_count(client, nap, limited):
    for n in range(3):
        client.get(f"{PLAN}measures/?q=a{n}", REMOTE_ADDR="192.0.2.1")
    assert client.get(f"{PLAN}measures/?q=a9", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get(f"{PLAN}measures/?q=a9", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_people_logged_in_and_the_api_are_not_limited(client, nap, limited):
    for n in range(5):
        assert client.get(f"/api/v1/plans/?page_size={n + 1}").status_code == 200
    client.force_login(make_user())
    for n in range(5):
        assert client.get(f"{PLAN}measures/?q=b{n}").status_code == 200


def test_the_limit_is_off_in_tests_unless_set(client, nap, settings):
    assert settings.ANONYMOUS_RATE is None
    for n in range(30):
        assert client.get(f"{PLAN}measures/?q=c{n}").status_code == 200


def test_the_page_speaks_the_reader_language(client, nap, limited):
    for n in range(4):
        response = client.get(f"/fr/plans/nap-2021-2025/measures/?q=d{n}")
    assert response.status_code == 429
    assert '<html lang="fr">' in response.content.decode()


def test_behind_a_trusted_proxy_each_reader_has_their_own_count(client, nap, limited, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for n in range(3):
        client.get(f"{PLAN}measures/?q=p{n}", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    over = client.get(f"{PLAN}measures/?q=p9", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert over.status_code == 429
    other = client.get(f"{PLAN}measures/?q=p9", HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)
    assert other.status_code == 200
