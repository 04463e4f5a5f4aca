"""Numbers and dates as people type them in Belgian spreadsheets: read correctly or refused with
a message saying how to write them."""

import datetime as dt
from decimal import Decimal

import pytest

from planwatch.documents.imports.values import (
    ValueProblem,
    parse_date,
    parse_decimal,
    parse_integer,
)

# The messages are compared in English (they are translated since the work pages show them).
pytestmark = pytest.mark.usefixtures("english")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56 €", "1234.56"),
        ("€ 2.500.000", "2500000"),
        ("2.500.000,00", "2500000.00"),
        ("-12,5", "-12.5"),
        ("\u2212 12,5", "-12.5"),
        ("0,5", "0.5"),
        ("12,34567", "12.34567"),
        ("1234.56", "1234.56"),  # no Belgian reading: a decimal point
        ("1,234.56", "1234.56"),
        ("1234", "1234"),
        ("601980.00", "601980.00"),
        ("12 EUR", "12"),
    ],
)
def test_amounts_read_the_belgian_way(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1234, "1234"), (1234.56, "1234.56"), (0.1, "0.1"), (Decimal("2.50"), "2.50")],
)
def test_amounts_from_number_cells_are_exact(value, expected):
    assert parse_decimal(value) == Decimal(expected)
    assert str(parse_decimal(value)) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1.234", "ambiguous"),  # 1234 in Belgium, 1.234 in England
        ("2,500", "ambiguous"),
        ("1.234.56", "not a number"),
        ("1,234,56", "not a number"),
        ("1.23,4", "not a number"),
        ("12,3.4", "not a number"),
        ("abc", "not a number"),
        ("12€34", "not a number"),
        ("", "not a number"),
        ("1,", "not a number"),
        ("--1", "not a number"),
    ],
)
def test_unreadable_or_ambiguous_amounts_are_refused(text, fragment):
    with pytest.raises(ValueProblem) as exc:
        parse_decimal(text)
    assert fragment in exc.value.message


def test_the_ambiguity_message_says_how_to_write_it():
    with pytest.raises(ValueProblem) as exc:
        parse_decimal("2.500")
    assert "2500" in exc.value.message and "2.500,00" in exc.value.message
    assert "2,500" in exc.value.message


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), dt.date(2023, 1, 1)])
def test_non_numbers_are_refused(value):
    with pytest.raises(ValueProblem):
        parse_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (112, 112),
        (112.0, 112),
        ("112", 112),
        (" 112 ", 112),
        ("112,0", 112),
        ("1.234.567", 1234567),
    ],
)
def test_whole_numbers(value, expected):
    assert parse_integer(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("12,5", "whole"), (12.5, "whole"), ("1.234", "ambiguous"), ("x", "not")],
)
def test_whole_numbers_refused(value, fragment):
    with pytest.raises(ValueProblem) as exc:
        parse_integer(value)
    assert fragment in exc.value.message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/12/2023", dt.date(2023, 12, 31)),
        ("1/2/2023", dt.date(2023, 2, 1)),  # day first, as in Belgium
        ("01/02/2023", dt.date(2023, 2, 1)),
        ("31-12-2023", dt.date(2023, 12, 31)),
        ("31.12.2023", dt.date(2023, 12, 31)),
        ("2023-12-31", dt.date(2023, 12, 31)),
        (" 31/12/2023 00:00 ", dt.date(2023, 12, 31)),
        (dt.datetime(2023, 12, 31), dt.date(2023, 12, 31)),
        (dt.date(2023, 12, 31), dt.date(2023, 12, 31)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("12/31/2023", "no such date"),  # month first: there is no 31st month
        ("31/12/23", "four digits"),
        ("31 december 2023", "not a date"),
        ("2023", "not a date"),
        (45291, "a number, not a date"),
        ("31/12/2023 14:30", "not a date"),
        (dt.datetime(2023, 12, 31, 14, 30), "date and time"),
        ("29/02/2023", "no such date"),
    ],
)
def test_dates_refused(value, fragment):
    with pytest.raises(ValueProblem) as exc:
        parse_date(value)
    assert fragment in exc.value.message
