"""The one money rule: which currencies Tandem takes, what an amount may be, how money reads.

Every app that stores or shows money (profile rates, job budgets, proposed rates, milestone
amounts, dispute claims and settlements) uses these, so a page, a form and a service never
disagree. Tandem does not convert between currencies: an amount always travels with its code.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible


class Currency(models.TextChoices):
    USD = "USD", "US dollar (USD)"
    EUR = "EUR", "Euro (EUR)"
    GBP = "GBP", "British pound (GBP)"
    CAD = "CAD", "Canadian dollar (CAD)"
    AUD = "AUD", "Australian dollar (AUD)"
    CHF = "CHF", "Swiss franc (CHF)"
    INR = "INR", "Indian rupee (INR)"
    BRL = "BRL", "Brazilian real (BRL)"


DEFAULT_CURRENCY = Currency.USD

# How an amount is written: the symbol goes first, glued to the number (CHF has no symbol of its
# own, so its code and a space stand in).
CURRENCY_SYMBOLS: dict[str, str] = {
    Currency.USD: "$",
    Currency.EUR: "€",
    Currency.GBP: "£",
    Currency.CAD: "CA$",
    Currency.AUD: "A$",
    Currency.CHF: "CHF ",
    Currency.INR: "₹",
    Currency.BRL: "R$",
}

# Columns: 12 digits, 2 of them after the point (rates use 8: they never pass RATE_MAX).
MAX_DIGITS = 12
DECIMAL_PLACES = 2
CENT = Decimal("0.01")
# The largest sum a job, a milestone, a proposed rate or a dispute can name.
AMOUNT_MAX = Decimal("10000000")
# The largest hourly rate, on a profile or in a job's hourly range.
RATE_MAX = Decimal("10000")


def amount_messages(*, maximum: Decimal = AMOUNT_MAX, noun: str = "amount") -> dict[str, str]:
    """What a person reads when an amount breaks the rule, by error code."""
    article = "an" if noun[:1] in "aeiou" else "a"
    return {
        "invalid": f"Enter the {noun} as a number, like 250 or 250.50.",
        "not_positive": f"Enter {article} {noun} above 0.",
        "decimal_places": f"Use at most two decimal places for the {noun}, like 250.50.",
        "too_large": f"Enter {article} {noun} of at most {maximum:,}.",
    }


def amount_problem(amount: Decimal, *, maximum: Decimal = AMOUNT_MAX) -> str | None:
    """The code of the rule an amount breaks, or None when it follows the rule.

    The rule: above zero, at most two decimal places, at most `maximum`.
    """
    if not amount.is_finite():
        return "invalid"
    if amount <= 0:
        return "not_positive"
    if amount != amount.quantize(CENT):
        return "decimal_places"
    if amount > maximum:
        return "too_large"
    return None


@deconstructible
class AmountValidator:
    """The amount rule as a field validator (for model and form fields)."""

    def __init__(self, maximum: Decimal = AMOUNT_MAX, noun: str = "amount") -> None:
        self.maximum = Decimal(maximum)
        self.noun = noun

    def __call__(self, value: Decimal | float | str | None) -> None:
        if value is None:
            return
        code = amount_problem(Decimal(value), maximum=self.maximum)
        if code:
            message = amount_messages(maximum=self.maximum, noun=self.noun)[code]
            raise ValidationError(message, code=code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AmountValidator) and (self.maximum, self.noun) == (
            other.maximum,
            other.noun,
        )

    def __hash__(self) -> int:
        return hash((self.maximum, self.noun))


def clean_amount(
    value: object, *, maximum: Decimal = AMOUNT_MAX, noun: str = "amount"
) -> Decimal | None:
    """An amount from any input (text, number, Decimal), or None when none was given.

    Raises ValidationError when the value is not a number or breaks the rule.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        message = amount_messages(maximum=maximum, noun=noun)["invalid"]
        raise ValidationError(message, code="invalid") from None
    AmountValidator(maximum, noun)(amount)
    return amount.quantize(CENT)


def normalize_currency(value: object) -> str:
    """A currency code as stored: capitals, no spaces (“ usd” → “USD”)."""
    return str(value or "").strip().upper()


def clean_currency(value: object) -> str:
    """A supported currency code (capitalised), or ValidationError."""
    code = normalize_currency(value)
    if not code:
        raise ValidationError("Say which currency the amount is in.", code="required")
    if code not in Currency.values:
        raise ValidationError("Pick a currency from the list.", code="invalid_choice")
    return code


def clean_money(
    amount: object, currency: object, *, maximum: Decimal = AMOUNT_MAX
) -> tuple[Decimal | None, str]:
    """An optional amount with its currency: (amount, code), or (None, "") when no amount.

    A currency without an amount is dropped; an amount needs a supported currency. Raises
    ValidationError keyed "amount" / "currency", so a form can show each next to its field.
    """
    errors: dict[str, ValidationError] = {}
    try:
        amount = clean_amount(amount, maximum=maximum)
    except ValidationError as error:
        errors["amount"] = error
        amount = None
    if amount is None and "amount" not in errors:
        return None, ""
    code = ""
    try:
        code = clean_currency(currency)
    except ValidationError as error:
        errors["currency"] = error
    if errors:
        raise ValidationError(errors)
    return amount, code


def format_money(amount: object, currency: object) -> str:
    """How Tandem writes money: 1250 USD → “$1,250”, 62.5 EUR → “€62.50”; "" for no amount.

    Whole amounts have no cents; any other has two decimal places. An unknown code is written
    before the number (“JPY 500”).
    """
    if amount is None or amount == "":
        return ""
    amount = Decimal(str(amount))
    number = abs(amount)
    text = f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"
    code = normalize_currency(currency)
    symbol = CURRENCY_SYMBOLS.get(code, f"{code} " if code else "")
    return f"{'-' if amount < 0 else ''}{symbol}{text}"
