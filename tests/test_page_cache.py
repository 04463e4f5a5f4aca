"""The public page cache under abuse: junk query strings, a bound on memory, no query for a hit."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planwatch.core import page_cache
from planwatch.core.models import DataVersion
from planwatch.core.page_cache import Page, PageStore

MEASURES = "/en/plans/nap-2021-2025/measures/"


@pytest.fixture
def trusted_version(settings):
    """The data version read once and trusted, as `planwatch serve` does for a second."""
    settings.PAGE_CACHE_VERSION_SECONDS = 3600


def _get(client, url: str):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    return response, len(context)


def test_junk_parameters_find_the_same_page(client, nap, trusted_version):
    first, queries = _get(client, MEASURES)
    assert first.status_code == 200 and queries > 1
    stored = len(page_cache.store)
    for n in range(1200):
        response, queries = _get(client, f"{MEASURES}?r={n}&utm_source=x{n}")
        assert (response.status_code, queries) == (200, 0)
        assert response.content == first.content
    assert len(page_cache.store) == stored  # 1,200 junk URLs, no new entry


def test_parameters_are_normalised(client, nap, trusted_version):
    _, queries = _get(client, f"{MEASURES}?pillar=2&status=in_progress")
    assert queries > 1
    for same in (
        "?status=in_progress&pillar=2",
        "?pillar=2&status=in_progress&q=",
        "?pillar=1&pillar=2&status=in_progress&junk=1",  # the last value counts, as in the form
    ):
        response, queries = _get(client, MEASURES + same)
        assert (response.status_code, queries) == (200, 0), same


def test_junk_never_reaches_the_cached_page(client, nap):
    page = client.get(f"{MEASURES}?pillar=2&evil=%3Cx%3E&r=7").content.decode()
    assert "evil" not in page and "r=7" not in page
    assert 'href="/fr/plans/nap-2021-2025/measures/?pillar=2"' in page  # language links
    assert "downloads/measures.csv?pillar=2" in page  # download links keep the filters


def test_invalid_filters_are_shown_but_not_stored(client, nap):
    stored = len(page_cache.store)
    for n in range(20):
        response = client.get(f"{MEASURES}?pillar=junk{n}")
        assert response.status_code == 200
        assert response.context["form"].errors
    assert len(page_cache.store) == stored
    for n in range(5):
        response = client.get(f"/en/plans/nap-2021-2025/indicators/zsg-registrations/?by=x{n}")
        assert response.status_code == 200
    assert len(page_cache.store) == stored


def test_a_hit_costs_no_query_and_a_change_is_seen_at_once(client, nap, trusted_version):
    url = "/en/plans/nap-2021-2025/"
    assert _get(client, url)[1] > 1
    assert _get(client, url)[1] == 0
    nap.title_en = "A renamed plan"
    nap.save()  # bumps the data version, which this process then reads again
    response, queries = _get(client, url)
    assert queries > 1 and "A renamed plan" in response.content.decode()


def test_another_process_change_is_seen_once_the_interval_passed(client, nap, trusted_version):
    url = "/en/plans/nap-2021-2025/"
    client.get(url)
    # Another process changed the data: the token changes without this process being told.
    DataVersion.objects.filter(pk=1).update(token="changed-elsewhere")
    assert _get(client, url)[1] == 0  # still trusted: at most the interval late
    DataVersion.forget_recent()  # what the passing of the interval does
    response, queries = _get(client, url)
    assert queries > 1 and response.status_code == 200


def test_cached_pages_answer_304_and_keep_their_headers(client, nap, trusted_version):
    url = "/en/plans/nap-2021-2025/measures/112/"
    first = client.get(url)
    hit = client.get(url + "?junk=1")
    for header in ("ETag", "Content-Type", "Content-Language", "Content-Security-Policy"):
        assert hit[header] == first[header], header
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_logged_in_people_and_posts_bypass_the_cache(client, nap, trusted_version):
    from .factories import make_user

    url = "/en/plans/nap-2021-2025/"
    client.get(url)
    client.force_login(make_user())
    assert _get(client, url)[1] > 1


def test_the_store_is_bounded_in_bytes_and_entries():
    store = PageStore(max_entries=3, max_bytes=10_000)

    def page(size: int) -> Page:
        return Page(b"x" * size, (), None, size)

    for n in range(10):
        store.set(f"k{n}", page(3000))
    assert len(store) == 3 and store.bytes == 9000
    assert store.get("k0") is None and store.get("k9") is not None
    store.set("big", page(20_000))  # larger than the whole store: not kept
    assert store.get("big") is None
    store.get("k7")  # used: the least recently used goes first
    store.set("k10", page(3000))
    assert store.get("k7") is not None and store.get("k8") is None
    store = PageStore(max_entries=100, max_bytes=10_000)
    for n in range(10):
        store.set(f"k{n}", page(4000))
    assert len(store) == 2 and store.bytes <= 10_000


def test_measure_list_pages_of_every_filter_stay_within_the_bound(client, nap, monkeypatch):
    """Distinct valid filters are distinct pages: the byte bound is what limits them."""
    monkeypatch.setattr(page_cache.store, "max_bytes", 200_000)
    for q in range(40):
        assert client.get(f"{MEASURES}?q=a{q}").status_code == 200
    assert page_cache.store.bytes <= 200_000
    assert 0 < len(page_cache.store) < 40
