"""Percentages as each language writes them (``planwatch.lib.numbers.percent``, the Unicode
CLDR's percent patterns): "13%" in Dutch and English, "13\u202f%" (a narrow no-break space) in
French, "13\u00a0%" (a no-break space) in German; on the plan page, the progress-method page and
in the reports alike."""

import re
from decimal import Decimal
from html import unescape

import pytest

from planwatch.documents import reports
from planwatch.lib.numbers import percent
from planwatch.plans.models import Plan

NNBSP, NBSP = "\u202f", "\u00a0"
# The sign as each language joins it to its number.
SIGN = {"nl": "%", "en": "%", "fr": f"{NNBSP}%", "de": f"{NBSP}%"}
# What may stand between a digit and a percent sign in each language: anything else is wrong.
WRONG = {
    "nl": re.compile(r"\d[ \t\n\u00a0\u202f]+%"),
    "en": re.compile(r"\d[ \t\n\u00a0\u202f]+%"),
    "fr": re.compile(r"\d(?:%|[ \t\n\u00a0]+%)"),
    "de": re.compile(r"\d(?:%|[ \t\n\u202f]+%)"),
}


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (13, "nl", "13%"),
        (13, "en", "13%"),
        (13, "fr", "13\u202f%"),
        (13, "de", "13\u00a0%"),
        (Decimal("12.50"), "nl", "12,5%"),
        (Decimal("12.50"), "en", "12.5%"),
        (Decimal("12.50"), "fr", "12,5\u202f%"),
        (Decimal("12.50"), "de", "12,5\u00a0%"),
        (95.0, "en", "95%"),
        (Decimal("1234.5"), "nl", "1.234,5%"),
        (Decimal("1234.5"), "fr", "1\u00a0234,5\u202f%"),
    ],
)
def test_percent_as_each_language_writes_it(value, lang, expected):
    assert percent(value, lang) == expected


def _visible(html: str) -> str:
    """The page's text outside tags, styles and scripts (a CSS width is not a percentage read)."""
    html = re.sub(r"<(style|script|svg)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("lang", "printed"),
    [
        ("nl", "meer dan 70%"),
        ("en", "more than 70%"),
        ("fr", f"plus de 70{NNBSP}%"),
        ("de", f"mehr als 70{NBSP}%"),
    ],
)
def test_the_plan_page_writes_percentages_in_its_language(client, nap, lang, printed):
    html = client.get(f"/{lang}/plans/nap-2021-2025/").content.decode()
    text = _visible(html)
    # The published headline figures, with their qualifier, and the computed split.
    assert printed in text
    assert f"13{SIGN[lang]}" in text and f"16{SIGN[lang]}" in text
    assert f"30{SIGN[lang]}" in text  # 35 of the 116 measures with a status: implemented
    assert not WRONG[lang].search(text), WRONG[lang].search(text)


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "de"])
def test_the_progress_method_page_writes_its_thresholds_in_its_language(client, nap, lang):
    text = _visible(client.get(f"/{lang}/plans/nap-2021-2025/progress-method/").content.decode())
    assert f"R ≥ 95{SIGN[lang]}" in text
    assert not WRONG[lang].search(text), WRONG[lang].search(text)


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "de"])
def test_the_interim_report_writes_percentages_as_the_pages_do(nap, lang):
    plan = Plan.objects.get(slug="nap-2021-2025")
    round_ = plan.rounds.get(slug="interim-2023")
    text = _visible(reports.generate("interim", plan, round_, lang, "html").decode())
    assert f"30{SIGN[lang]}" in text and f"70{SIGN[lang]}" in text
    assert not WRONG[lang].search(text), WRONG[lang].search(text)


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "de"])
def test_an_indicator_in_per_cent_shows_its_values_with_the_sign(client, nap, lang):
    """zsg-complaint-share is measured in per cent: 63.8 in 2017/2022 (table, chart, plan
    page's latest values)."""
    decimal = "." if lang == "en" else ","
    value = f"63{decimal}8{SIGN[lang]}"
    html = client.get(f"/{lang}/plans/nap-2021-2025/indicators/zsg-complaint-share/").content
    page = html.decode()
    assert value in _visible(page)
    assert value in unescape(page.split("<svg", 1)[1].split("</svg>", 1)[0])  # the chart
    plan = _visible(client.get(f"/{lang}/plans/nap-2021-2025/").content.decode())
    assert value in plan
