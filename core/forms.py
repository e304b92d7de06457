"""Form pieces every app shares: money fields, comma-separated lists, service errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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
