"""Dates and punctuation as each language writes them.

Dates (``planwatch.lib.formats``, ``FORMAT_MODULE_PATH``): "1 november 2023" in Dutch,
"1 novembre 2023" in French, "1. November 2023" in German, "1 November 2023" in English; on the
pages, the work pages and the reports alike. French puts a no-break space before a colon (the
``colon`` filter); the work pages' headings are checked in ``test_workspace.py``."""

import datetime as dt
import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from planwatch.documents.reports.text import day
from planwatch.plans.models import Plan

EXPECTED = {
    "nl": "1 november 2023",
    "fr": "1 novembre 2023",
    "de": "1. November 2023",
    "en": "1 November 2023",
}
LANGS = list(EXPECTED)


@pytest.mark.parametrize("lang", LANGS)
def test_a_date_is_written_as_its_language_writes_it(lang):
    with translation.override(lang):
        assert date_format(dt.date(2023, 11, 1), "DATE_FORMAT") == EXPECTED[lang]
        assert date_format(dt.datetime(2023, 11, 1, 9, 5), "DATETIME_FORMAT") == (
            f"{EXPECTED[lang]} 09:05"
        )
    assert day(dt.date(2023, 11, 1), lang) == EXPECTED[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_the_plan_page_writes_the_round_dates_in_its_language(client, nap, lang):
    round_ = Plan.objects.get(slug="nap-2021-2025").rounds.filter(state="published").latest("end")
    html = client.get(f"/{lang}/plans/nap-2021-2025/").content.decode()
    with translation.override(lang):
        start = date_format(round_.start, "DATE_FORMAT")
    assert start in html
    if lang == "de":
        assert f"{round_.start.day}. " in start
    else:
        assert f"{round_.start.day}. " not in start


def test_french_headings_put_a_space_before_the_colon(client, nap):
    html = client.get("/fr/plans/nap-2021-2025/measures/4/").content.decode()
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    assert "Mesure 4\u00a0:" in heading
    english = client.get("/en/plans/nap-2021-2025/measures/4/").content.decode()
    assert "Measure 4:" in re.search(r"<h1[^>]*>(.*?)</h1>", english, re.S).group(1)
