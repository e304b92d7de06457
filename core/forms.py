"""Form pieces every app shares: money fields, bounded dates, comma-separated lists, service
errors."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.fields import BaseTemporalField
from django.utils.dateparse import parse_datetime
from django.utils.deconstruct import deconstructible

from core.exceptions import ApplicationError
from core.money import (
    AMOUNT_MAX,
    AmountValidator,
    Currency,
    amount_messages,
    normalize_currency,
)


class AmountField(forms.DecimalField):
    """An amount of money under the one rule (core.money): above 0, cents at most, a maximum.

    The rule's validator checks the decimal places and the maximum itself, so the field sets no
    max_digits of its own (two checks would word one mistake twice).
    """

    def __init__(
        self, *, maximum: Decimal = AMOUNT_MAX, noun: str = "amount", **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "widget",
            forms.NumberInput(
                attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01", "max": maximum}
            ),
        )
        messages = amount_messages(maximum=maximum, noun=noun)
        error_messages = {"invalid": messages["invalid"], **kwargs.pop("error_messages", {})}
        super().__init__(error_messages=error_messages, **kwargs)
        self.validators.append(AmountValidator(maximum, noun))


class CurrencyField(forms.ChoiceField):
    """One of Tandem's currencies; "usd" counts as "USD"."""

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Currency")
        kwargs.setdefault("choices", Currency.choices)
        kwargs.setdefault("initial", Currency.USD)
        kwargs.setdefault(
            "error_messages",
            {
                "required": "Say which currency the amount is in.",
                "invalid_choice": "Pick a currency from the list.",
            },
        )
        super().__init__(required=required, **kwargs)

    def to_python(self, value: Any) -> str:
        return normalize_currency(super().to_python(value))


class MoneyFormMixin(forms.Form):
    """An optional `amount` with its `currency`, checked by the one money rule.

    Subclass it instead of forms.Form; an amount without a currency is refused here (the
    service refuses it again).
    """

    amount = AmountField(label="Amount", required=False)
    currency = CurrencyField(required=False)

    def __init__(self, *args: Any, default_currency: str = "", **kwargs: Any) -> None:
        """`default_currency`: what the select shows first and what an amount sent with no
        currency is taken to be in (a dispute's own currency, say)."""
        super().__init__(*args, **kwargs)
        self.default_currency = default_currency
        if default_currency:
            self.fields["currency"].initial = default_currency

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() that returns nothing keeps cleaned_data, as Django does
            data = self.cleaned_data
        no_currency = not data.get("currency") and "currency" not in self.errors
        if data.get("amount") is not None and no_currency:
            if self.default_currency:
                data["currency"] = self.default_currency
            else:
                self.add_error("currency", "Say which currency the amount is in.")
        return data


def split_list(value: str) -> list[str]:
    """“Django, PostgreSQL\\nReact” → ["Django", "PostgreSQL", "React"]: commas or lines."""
    return [part.strip() for part in (value or "").replace("\n", ",").split(",") if part.strip()]


def apply_service_errors(form: forms.Form, error: ValidationError | ApplicationError) -> None:
    """Show a service's refusal on the form: each message next to its field, or above them.

    A ValidationError keyed by field names goes field by field (a key the form has no field
    for goes above the fields). An ApplicationError goes next to `field` when it names one
    (`Invalid("…", field="amount")`), else above the fields.
    """
    if isinstance(error, ApplicationError):
        field = error.extra.get("field")
        form.add_error(field if field in form.fields else None, error.detail)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Dates -------------------------------------------------------------------------------------

# Far enough for any plan made here, near enough that every timezone can show the moment and a
# call's length or a reminder's lead can be added to it: 9999-12-31 in a form used to reach the
# services and overflow (OverflowError, a 500) when converted or added to.
DATE_YEARS_BACK = 10
DATE_YEARS_AHEAD = 10


@deconstructible
class DateBoundsValidator:
    """A date or datetime no further than `years_back` before today nor `years_ahead` after.

    Compares the wall-clock value a person typed (timezone dropped, a day of slack for the
    zones), so it can run before the value is converted to a timezone, which is where an
    extreme year overflows.
    """

    message = "Pick a date within {years} years of today."
    code = "out_of_range"

    def __init__(self, years_back: int = DATE_YEARS_BACK, years_ahead: int = DATE_YEARS_AHEAD):
        self.years_back = years_back
        self.years_ahead = years_ahead

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        today = datetime.datetime.now(datetime.UTC).date()
        day = datetime.timedelta(days=1)
        return _years_from(today, -self.years_back) - day, _years_from(
            today, self.years_ahead
        ) + day

    def __call__(self, value: datetime.date | None) -> None:
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        earliest, latest = self.bounds()
        if not earliest <= day <= latest:
            years = max(self.years_back, self.years_ahead)
            raise ValidationError(self.message.format(years=years), code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DateBoundsValidator) and (self.years_back, self.years_ahead) == (
            other.years_back,
            other.years_ahead,
        )


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


class BoundedDateTimeField(forms.DateTimeField):
    """A DateTimeField that refuses a far-off year with a form error, before the timezone
    conversion that would overflow on it. Every date a person types goes through one."""

    def __init__(self, *, bounds: DateBoundsValidator | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bounds = bounds or DateBoundsValidator()

    def to_python(self, value: Any) -> datetime.datetime | None:
        if isinstance(value, str) and value.strip():
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:  # the right shape, an impossible value (month 13)
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            # Wall-clock parsing (the input formats) first, the timezone only once in bounds.
            value = parsed or BaseTemporalField.to_python(self, value)
        if isinstance(value, datetime.date):
            self.bounds(value)
        return super().to_python(value)
