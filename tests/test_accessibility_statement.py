"""The accessibility statement (Directive (EU) 2016/2102, Belgian law of 19 July 2018): a page in
every language, with the publisher and contact from the settings, linked from every page."""

import re

import pytest

STATEMENT = {
    "nl": "Toegankelijkheidsverklaring",
    "fr": "Déclaration d'accessibilité",
    "de": "Erklärung zur Barrierefreiheit",
    "en": "Accessibility statement",
}


@pytest.mark.parametrize("lang", STATEMENT)
def test_the_statement_in_each_language(client, db, lang):
    response = client.get(f"/{lang}/accessibility/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{STATEMENT[lang]}</h1>" in html
    # The parts of the model statement: status against WCAG 2.1 AA / EN 301 549, what is not
    # accessible, how it was checked and when, feedback, enforcement.
    assert html.count("<h2>") == 5
    assert "WCAG" in html and "2.1" in html and "EN 301 549" in html
    assert "19" in html and "2016/2102" in html
    assert "axe-core" in html
    assert "PDF" in html
    assert "https://www." in html  # the federal Ombudsman
    assert "2026" in html  # the date of the statement


def test_the_statement_is_translated(client, db):
    texts = {lang: client.get(f"/{lang}/accessibility/").content.decode() for lang in STATEMENT}
    assert "partiellement conforme" in texts["fr"]
    assert "gedeeltelijk conform" in texts["nl"]
    assert "teilweise konform" in texts["de"]
    assert "ombudsman" in texts["nl"].lower()
    assert "médiateur fédéral" in texts["fr"].lower()
    assert 'href="https://www.mediateurfederal.be/"' in texts["fr"]
    assert 'href="https://www.federaalombudsman.be/"' in texts["nl"]


def test_the_publisher_and_contact_come_from_the_settings(client, db, settings):
    settings.PLANWATCH_ORGANISATION = "Instituut voor de gelijkheid van vrouwen en mannen"
    settings.PLANWATCH_CONTACT_EMAIL = "toegankelijkheid@example.org"
    html = client.get("/nl/accessibility/").content.decode()
    assert html.count("Instituut voor de gelijkheid van vrouwen en mannen") == 2
    assert 'href="mailto:toegankelijkheid@example.org"' in html


def test_without_settings_it_says_so(client, db, settings):
    settings.PLANWATCH_ORGANISATION = ""
    settings.PLANWATCH_CONTACT_EMAIL = ""
    html = client.get("/en/accessibility/").content.decode()
    assert "The publisher of this website wants it to be accessible" in html
    assert "has not yet given a contact address" in html
    assert "mailto:" not in html


def _footer(html: str) -> str:
    return re.search(r'<footer class="site">(.*?)</footer>', html, re.S).group(1)


@pytest.mark.parametrize(
    "path",
    [
        "/fr/plans/nap-2021-2025/",
        "/fr/plans/nap-2021-2025/measures/",
        "/fr/plans/nap-2021-2025/measures/112/",
        "/fr/plans/nap-2021-2025/coverage/",
        "/fr/plans/nap-2021-2025/differences/",
        "/fr/plans/nap-2021-2025/indicators/",
        "/fr/plans/nap-2021-2025/indicators/zsg-registrations/",
        "/fr/plans/nap-2021-2025/data/",
        "/fr/accessibility/",
        "/fr/accounts/login/",
        "/fr/accounts/password/reset/",
    ],
)
def test_every_public_page_links_to_the_statement(client, nap, path):
    response = client.get(path)
    assert response.status_code == 200, path
    footer = _footer(response.content.decode())
    assert """<a href="/fr/accessibility/">Déclaration d'accessibilité</a>""" in footer


@pytest.mark.parametrize("path", ["/nl/work/", "/nl/work/tokens/", "/nl/work/imports/"])
def test_every_work_page_links_to_the_statement(client, coordinator, path):
    client.force_login(coordinator)
    response = client.get(path)
    assert response.status_code == 200, path
    assert 'href="/nl/accessibility/">Toegankelijkheidsverklaring</a>' in _footer(
        response.content.decode()
    )
