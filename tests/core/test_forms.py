"""The shared form pieces: money fields, list splitting, service errors on a form."""

from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import Invalid, NotAllowed
from core.forms import AmountField, MoneyFormMixin, apply_service_errors, split_list
from core.money import RATE_MAX


class ClaimForm(MoneyFormMixin):
    note = forms.CharField(required=False)


class RateForm(forms.Form):
    rate = AmountField(maximum=RATE_MAX, noun="rate", required=False)


def test_money_form_reads_amount_and_currency():
    form = ClaimForm({"amount": "1250.5", "currency": "eur"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] == Decimal("1250.5")
    assert form.cleaned_data["currency"] == "EUR"


def test_money_form_without_an_amount_is_fine():
    form = ClaimForm({"amount": "", "currency": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["amount"] is None


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"amount": "0", "currency": "USD"}, "amount", "above 0"),
        ({"amount": "-3", "currency": "USD"}, "amount", "above 0"),
        ({"amount": "12.345", "currency": "USD"}, "amount", "two decimal places"),
        ({"amount": "20000000", "currency": "USD"}, "amount", "at most 10,000,000"),
        ({"amount": "ten", "currency": "USD"}, "amount", "as a number"),
        ({"amount": "120", "currency": ""}, "currency", "which currency"),
        ({"amount": "120", "currency": "JPY"}, "currency", "from the list"),
    ],
)
def test_money_form_refuses_what_the_rule_refuses(data, field, words):
    form = ClaimForm(data)
    assert not form.is_valid()
    assert list(form.errors) == [field]
    assert len(form.errors[field]) == 1 and words in form.errors[field][0]


def test_amount_field_words_a_rate_as_a_rate():
    form = RateForm({"rate": "10000.01"})
    assert not form.is_valid()
    assert form.errors["rate"] == ["Enter a rate of at most 10,000."]
    assert RateForm({"rate": "10000"}).is_valid()


def test_amount_field_renders_the_rule_for_the_browser():
    html = str(RateForm()["rate"])
    assert 'min="0.01"' in html and 'step="0.01"' in html and 'max="10000"' in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Django, PostgreSQL,React", ["Django", "PostgreSQL", "React"]),
        ("Django\nReact\n\n", ["Django", "React"]),
        (" , ,", []),
        ("", []),
        (None, []),
    ],
)
def test_split_list(text, expected):
    assert split_list(text) == expected


class NoteForm(forms.Form):
    title = forms.CharField(required=False)
    note = forms.CharField(required=False)


def _bound():
    form = NoteForm({"title": "x", "note": "y"})
    assert form.is_valid()
    return form


def test_service_errors_go_next_to_their_fields():
    form = _bound()
    apply_service_errors(
        form, ValidationError({"title": ["Too short.", "Has a typo."], "elsewhere": "Not here."})
    )
    assert form.errors["title"] == ["Too short.", "Has a typo."]
    assert form.non_field_errors() == ["Not here."]
    assert "title" not in form.cleaned_data


def test_a_plain_service_error_goes_above_the_fields():
    form = _bound()
    apply_service_errors(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]


def test_an_application_error_goes_to_the_field_it_names_or_above():
    form = _bound()
    apply_service_errors(form, Invalid("Give a title.", field="title"))
    apply_service_errors(form, NotAllowed("Not yours."))
    apply_service_errors(form, Invalid("Elsewhere.", field="missing"))
    assert form.errors["title"] == ["Give a title."]
    assert form.non_field_errors() == ["Not yours.", "Elsewhere."]
