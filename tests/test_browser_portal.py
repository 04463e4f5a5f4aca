"""The public portal as a reader uses it, in a real headless Chromium."""

import csv
import io

import pytest

pytestmark = pytest.mark.browser


def test_filter_open_switch_language_and_download(chromium, live_server, live_nap):
    base = live_server.url
    context = chromium.new_context(locale="en-GB", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/en/plans/{live_nap.slug}/measures/")

    # Filter: pillar IV, in progress.
    page.get_by_label("Pillar").select_option("4")
    page.get_by_label("Status").select_option("in_progress")
    page.get_by_role("button", name="Filter").click()
    assert "pillar=4" in page.url and "status=in_progress" in page.url
    expected = set(
        live_nap.measures.filter(
            section__pillar=4,
            statuses__round__slug="interim-2023",
            statuses__status="in_progress",
        ).values_list("number", flat=True)
    )
    shown = {
        int(text) for text in page.locator("tbody tr td.num").all_inner_texts() if text.isdigit()
    }
    assert shown == expected

    # Download exactly the filtered set as CSV.
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    with open(info.value.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert {int(row["number"]) for row in rows} == expected

    # Open a measure, then switch to French on the same page.
    number = min(expected)
    page.locator(f'a[href="/en/plans/{live_nap.slug}/measures/{number}/"]').click()
    assert page.url.endswith(f"/en/plans/{live_nap.slug}/measures/{number}/")
    page.get_by_role("link", name="français").click()
    assert page.url.endswith(f"/fr/plans/{live_nap.slug}/measures/{number}/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert f"Mesure {number}" in page.locator("h1").inner_text()
    context.close()
