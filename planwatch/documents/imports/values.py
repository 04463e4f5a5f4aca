"""Reading numbers and dates typed by people, the way Belgian spreadsheets write them.

A value read from an XLSX cell is already a number or a date; a value read from CSV (or typed as
text in a cell) is a string. Belgian conventions come first: ``1.234,56`` (dot for thousands,
comma for decimals) and ``31/12/2023`` (day/month/year). Unambiguous English forms (``1,234.56``,
``1234.56``) are read too. A string that could mean two different numbers (``1.234`` is 1234 in
Belgium and 1.234 in England) is refused with a message saying how to write it, never guessed.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class ValueProblem(ValueError):
    """A value that cannot be read; ``message`` says why and how to write it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_CURRENCY = re.compile(r"^(?:€|eur)|(?:€|eur)$", re.IGNORECASE)
_DIGITS = re.compile(r"^\d+$")
# One separator with exactly three digits after it and at most three before (not starting with
# 0): "1.234" or "1,234" is a thousands group in one convention and a decimal in the other.
_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2}[.,]\d{3}$")


def _grouped(text: str, sep: str) -> bool:
    """``1.234.567`` with ``sep="."``: groups of three digits after the first."""
    return re.fullmatch(r"\d{1,3}(?:" + re.escape(sep) + r"\d{3})+", text) is not None


def parse_decimal(value: object, language: str | None = None) -> Decimal:
    """An amount: a number from a cell, or text such as ``1.234,56``, ``1 234,56 €``, ``-12,5``.

    The same text gives the same number in every language; ``language`` ("en" or a Belgian
    one) only chooses how the messages tell people to write it (``1,234.56`` in English)."""
    if isinstance(value, bool):
        raise ValueProblem(_("true/false is not a number"))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueProblem(_("not a number"))
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueProblem(_("not a number"))
        return Decimal(repr(value))
    if isinstance(value, dt.date):
        raise ValueProblem(_("a date, not a number"))
    text = _SPACES.sub("", str(value))
    text = _CURRENCY.sub("", text)
    sign = ""
    if text[:1] in ("-", "+", "\u2212"):
        sign = "-" if text[0] != "+" else ""
        text = text[1:]
    english = language == "en"
    example = (
        _("write it as 1234.56 or 1,234.56") if english else _("write it as 1234,56 or 1.234,56")
    )
    if not text or not re.fullmatch(r"\d[\d.,]*", text) or not text[-1].isdigit():
        raise ValueProblem(_("not a number (%(example)s)") % {"example": example})
    if "." in text and "," in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        group_sep = "." if decimal_sep == "," else ","
        whole, _sep, fraction = text.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, group_sep):
            raise ValueProblem(_("not a number (%(example)s)") % {"example": example})
        digits = whole.replace(group_sep, "") + "." + fraction
    elif "," in text or "." in text:
        sep = "," if "," in text else "."
        if text.count(sep) > 1:
            if not _grouped(text, sep):
                raise ValueProblem(_("not a number (%(example)s)") % {"example": example})
            digits = text.replace(sep, "")
        elif _AMBIGUOUS.fullmatch(text):
            whole, _sep, fraction = text.partition(sep)
            raise ValueProblem(
                _(
                    "%(text)r is ambiguous: write %(thousands)s (or %(belgian)s) for the "
                    "thousands, or %(decimal)s for the decimal number"
                )
                % {
                    "text": text,
                    "thousands": whole + fraction,
                    "belgian": f"{whole},{fraction}.00" if english else f"{whole}.{fraction},00",
                    "decimal": f"{whole}.{fraction}" if english else f"{whole},{fraction}",
                }
            )
        else:
            digits = text.replace(sep, ".")
    else:
        digits = text
    try:
        return Decimal(sign + digits)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above only let digits in
        raise ValueProblem(_("not a number (%(example)s)") % {"example": example}) from exc


def parse_integer(value: object) -> int:
    """A whole number: ``112``, ``112.0`` from a cell, ``"112"``; ``1.234`` is refused as
    ambiguous like any amount, ``12,5`` as not whole."""
    if isinstance(value, bool):
        raise ValueProblem(_("true/false is not a number"))
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _DIGITS.match(stripped := _SPACES.sub("", value)):
        return int(stripped)
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise ValueProblem(_("not a whole number"))
    return int(number)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_BELGIAN = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d+)")
_MIDNIGHT = re.compile(r"\s+0?0:00(?::00)?$")


def parse_date(value: object) -> dt.date:
    """A date: a date cell, ``31/12/2023``, ``31-12-2023``, ``31.12.2023`` (day first, as in
    Belgium) or ``2023-12-31`` (ISO). Two-digit years and times of day are refused."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0, 0):
            raise ValueProblem(_("a date and time: give the date only"))
        return value.date()
    if isinstance(value, dt.date):
        return value
    example = _("write the date as day/month/year, e.g. 31/12/2023")
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise ValueProblem(_("a number, not a date (%(example)s)") % {"example": example})
    text = _MIDNIGHT.sub("", str(value).strip())
    if match := _ISO.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _BELGIAN.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) != 4:
            raise ValueProblem(
                _("the year must have four digits (%(example)s)") % {"example": example}
            )
    else:
        raise ValueProblem(_("not a date (%(example)s)") % {"example": example})
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueProblem(
            _("there is no such date (dates are day/month/year, e.g. 31/12/2023)")
        ) from exc
