"""Money in templates: `{% load money %}{{ amount|money:currency }}` → “$1,250”."""

from django import template

from core.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: object = "") -> str:
    """The amount written the one Tandem way (core.money.format_money); "" for no amount."""
    return format_money(amount, currency)
