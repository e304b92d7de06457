"""The one money rule and the one way money is written."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template

from core.money import (
    AMOUNT_MAX,
    RATE_MAX,
    Currency,
    clean_amount,
    clean_currency,
    clean_money,
    format_money,
)


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("1250"), "USD", "$1,250"),
        (Decimal("1250.00"), "USD", "$1,250"),
        (Decimal("62.5"), "EUR", "€62.50"),
        (Decimal("80"), "EUR", "€80"),
        (Decimal("0.05"), "GBP", "£0.05"),
        (Decimal("1234567.89"), "CAD", "CA$1,234,567.89"),
        ("75", "AUD", "A$75"),
        (120, "CHF", "CHF 120"),
        (Decimal("999.99"), "INR", "₹999.99"),
        (Decimal("50"), "BRL", "R$50"),
        (Decimal("40"), "usd", "$40"),
        (Decimal("500"), "JPY", "JPY 500"),
        (Decimal("500"), "", "500"),
        (Decimal("-20"), "USD", "-$20"),
        (None, "USD", ""),
        ("", "USD", ""),
    ],
)
def test_format_money(amount, currency, expected):
    assert format_money(amount, currency) == expected


def test_every_currency_has_a_symbol_that_is_not_its_code_alone():
    for code in Currency.values:
        assert format_money(Decimal("1"), code) != f"{code} 1" or code == "CHF"


def test_the_template_filter_writes_money_the_same_way():
    html = Template("{% load money %}{{ amount|money:currency }}").render(
        Context({"amount": Decimal("1250.5"), "currency": "EUR"})
    )
    assert html == "€1,250.50"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("250", Decimal("250.00")), (" 62.5 ", Decimal("62.50")), (Decimal("0.01"), Decimal("0.01"))],
)
def test_clean_amount_accepts_positive_amounts_in_cents(value, expected):
    assert clean_amount(value) == expected


@pytest.mark.parametrize("value", [None, "", "   "])
def test_clean_amount_reads_nothing_as_no_amount(value):
    assert clean_amount(value) is None


@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ("abc", "invalid", "as a number"),
        ("NaN", "invalid", "as a number"),
        ("0", "not_positive", "above 0"),
        ("-5", "not_positive", "above 0"),
        ("1.005", "decimal_places", "two decimal places"),
        (str(AMOUNT_MAX + 1), "too_large", "at most 10,000,000"),
    ],
)
def test_clean_amount_refuses_what_breaks_the_rule(value, code, words):
    with pytest.raises(ValidationError) as caught:
        clean_amount(value)
    assert caught.value.code == code and words in caught.value.messages[0]


def test_a_rate_has_its_own_maximum_and_says_rate():
    assert clean_amount(RATE_MAX, maximum=RATE_MAX, noun="rate") == RATE_MAX
    with pytest.raises(ValidationError) as caught:
        clean_amount(RATE_MAX + 1, maximum=RATE_MAX, noun="rate")
    assert caught.value.messages == ["Enter a rate of at most 10,000."]


def test_clean_currency_takes_only_the_supported_codes():
    assert clean_currency(" eur") == "EUR"
    for bad in ("JPY", "dollars", "Z1"):
        with pytest.raises(ValidationError):
            clean_currency(bad)
    with pytest.raises(ValidationError) as caught:
        clean_currency("")
    assert caught.value.code == "required"


def test_clean_money_pairs_an_amount_with_its_currency():
    assert clean_money("400", "usd") == (Decimal("400.00"), "USD")
    # A currency without an amount is dropped.
    assert clean_money("", "EUR") == (None, "")
    with pytest.raises(ValidationError) as caught:
        clean_money("-5", "dollars")
    assert set(caught.value.message_dict) == {"amount", "currency"}
    with pytest.raises(ValidationError) as caught:
        clean_money("120", "")
    assert set(caught.value.message_dict) == {"currency"}
