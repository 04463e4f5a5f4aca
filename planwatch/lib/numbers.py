"""Numbers and percentages as each language writes them: the one place pages, reports and charts
format a percentage.

A number keeps the decimals it has and no more (``12.5`` stays "12,5" in Dutch, ``13`` is "13"),
grouped by thousands as Django's formats for the language do ("1.234" in Dutch, "1 234" in
French). A percentage follows the Unicode CLDR's percent patterns: Dutch and English join the
sign to the number ("13%"); French puts a narrow no-break space (U+202F) before it ("13 %"),
German a no-break space (U+00A0, "13 %"), so the sign never starts a line on its own.
"""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import override

from planwatch.lib.i18n import current_language

PERCENT = {"nl": "{}%", "en": "{}%", "fr": "{}\u202f%", "de": "{}\u00a0%"}


def number(value: Decimal | int | float | str, lang: str | None = None) -> str:
    """``value`` in ``lang`` (default: the current language), with the decimals it has."""
    value = Decimal(str(value)) if isinstance(value, float | str) else Decimal(value)
    places = 0 if value == value.to_integral() else -value.normalize().as_tuple().exponent
    with override(lang or current_language()):
        return number_format(value, decimal_pos=places, force_grouping=True)


def percent(value: Decimal | int | float | str, lang: str | None = None) -> str:
    """``value`` per cent in ``lang``: "13%" (nl, en), "13\u202f%" (fr), "13\u00a0%" (de)."""
    lang = lang or current_language()
    return PERCENT.get(lang, PERCENT["en"]).format(number(value, lang))
