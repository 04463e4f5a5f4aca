"""The key terms of the glossary read the same in pages, reports, exports and the API: there is
one catalogue per language, the reports take their words from it (they have no copy of their
own), and the same English term is translated the same way wherever it is used."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.utils.translation import override

import planwatch
from planwatch.documents import reports
from planwatch.plans.models import Status
from planwatch.reporting.models import BudgetLine, Round

ROOT = Path(planwatch.__file__).parent
TERMS = [
    "not started",
    "in progress",
    "implemented",
    "ongoing (structural)",
    "abandoned",
    "specific",
    "broader",
    "coordinator",
    "focal point",
    "civil-society assessor",
    "translator",
    "pillar",
    "objective",
    "measure",
    "measures",
]


def catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / f"locale/{lang}/LC_MESSAGES/django.po"))


def test_the_reports_have_no_second_catalogue():
    assert not (ROOT / "documents/reports/messages.py").exists()


@pytest.mark.parametrize("lang", ["nl", "fr", "de"])
def test_a_key_term_is_translated_one_way(lang):
    found = defaultdict(set)
    for entry in catalogue(lang):
        if entry.msgid.lower() in TERMS and not entry.obsolete:
            found[entry.msgid.lower()].add(entry.msgstr.lower())
    assert set(found) == set(TERMS), set(TERMS) - set(found)
    assert {term: words for term, words in found.items() if len(words) > 1} == {}


def msgstr(lang: str, msgid: str) -> str:
    return next(e.msgstr for e in catalogue(lang) if e.msgid == msgid)


@pytest.mark.parametrize("lang", ["nl", "fr", "de"])
def test_reports_and_api_labels_use_the_catalogue_terms(nap, lang):
    round_ = Round.objects.latest_published(nap)
    budget = reports.generate("budget", nap, round_, lang, "html").decode()
    assert msgstr(lang, "Specific") in budget
    assert msgstr(lang, "Broader") in budget
    interim = reports.generate("interim", nap, round_, lang, "html").decode().lower()
    assert msgstr(lang, "implemented").lower() in interim
    with override(lang):
        # The API's and the exports' labels are the models' choices, read from the same catalogue.
        assert str(Status.IMPLEMENTED.label) == msgstr(lang, "implemented")
        assert str(BudgetLine.Nature.BROADER.label) == msgstr(lang, "broader activities")
