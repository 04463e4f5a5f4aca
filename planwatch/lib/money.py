"""Amounts in euro as each language writes them: ``€ 1.234,56`` (Dutch), ``1 234,56 €``
(French), ``1.234,56 €`` (German), ``€1,234.56`` (English). Whole amounts have no cents."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import override

from planwatch.lib.i18n import current_language

EURO = {"nl": "€\u00a0{}", "en": "€{}", "fr": "{}\u00a0€", "de": "{}\u00a0€"}


def euro(amount: Decimal | int | float, lang: str | None = None) -> str:
    lang = lang or current_language()
    amount = Decimal(str(amount))
    places = 0 if amount == amount.to_integral() else 2
    with override(lang):
        figure = number_format(amount, decimal_pos=places, force_grouping=True)
    return EURO[lang].format(figure)
