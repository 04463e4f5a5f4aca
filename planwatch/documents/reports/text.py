"""The words of the reports, in nl, fr, de and en, and the formats of numbers, amounts and dates.

Every label and generated sentence is an English gettext message, translated by the interface
catalogues (``planwatch/locale``) and nowhere else: ``makemessages`` collects the ``t("…", lang)``
calls (see ``core/management/commands/makemessages.py``), and messages built elsewhere are marked
with ``gettext_noop``. The tests check the French, Dutch and German output.
"""

from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language_info, gettext, override

from planwatch.lib.money import euro  # noqa: F401 (the reports' amounts)
from planwatch.lib.numbers import percent  # noqa: F401 (the reports' percentages, as the pages')

LANGUAGES = ("nl", "fr", "de", "en")

AND = {"nl": "en", "fr": "et", "de": "und", "en": "and"}
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def t(message: str, lang: str, **values: object) -> str:
    """``message`` in ``lang``, from the gettext catalogue."""
    with override(lang):
        text = gettext(message)
    return text % values if values else text


def is_singular(n: int, lang: str) -> bool:
    return n == 1 or (lang == "fr" and n == 0)


def label(choice_label: object, lang: str) -> str:
    """A model choice label (a lazy gettext string) in ``lang``."""
    with override(lang):
        return str(choice_label)


def language_name(code: str, lang: str) -> str:
    """The name of language ``code`` in ``lang`` ("Nederlands", "néerlandais", "Dutch")."""
    with override(lang):
        name = str(get_language_info(code)["name_translated"])
    # French writes language names in lower case within a sentence.
    return name[:1].lower() + name[1:] if lang == "fr" else name


def integer(value: int | Decimal, lang: str) -> str:
    with override(lang):
        return number_format(value, decimal_pos=0, force_grouping=True)


def day(value: date, lang: str) -> str:
    with override(lang):
        # "1 november 2023", "1. November 2023": the language's own (planwatch.lib.formats).
        return date_format(value, "DATE_FORMAT")


def join(items: list[str], lang: str) -> str:
    """ "a, b and c" in the report's language."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {AND[lang]} {items[-1]}"


def roman(number: int) -> str:
    return ROMAN[number] if 0 < number < len(ROMAN) else str(number)


def colon(label: str, text: str, lang: str) -> str:
    """ "Label: text", with the space French puts before the colon."""
    return t("%(label)s: %(text)s", lang, label=label, text=text)


def citation(number: int, lang: str) -> str:
    return t("(measure %(number)s)", lang, number=number)
