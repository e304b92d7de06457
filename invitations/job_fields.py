"""A job's fields as the client typed them, cleaned: the title, the description and the budget
(amounts under the money rule of core.money). Every problem is reported at once, keyed by field,
so the job form shows each next to its field."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError

from core.money import DEFAULT_CURRENCY, RATE_MAX, clean_amount, clean_currency
from invitations.models import JOB_DESCRIPTION_MAX_LENGTH, JOB_TITLE_MAX_LENGTH, Job


@dataclass(frozen=True)
class Budget:
    """What the client typed for a job's budget: a fixed amount, or an hourly range."""

    budget_type: str
    amount: Decimal | None = None
    rate_min: Decimal | None = None
    rate_max: Decimal | None = None
    currency: str = DEFAULT_CURRENCY


# The money rule for an hourly rate: its own maximum, and "rate" in its messages.
HOURLY_RATE = {"maximum": RATE_MAX, "noun": "rate"}


def clean_job_fields(*, title: str, description: str, budget: Budget) -> dict:
    """The job's columns from what the client typed, or a ValidationError keyed by field that
    names every problem at once."""
    errors: dict = {}
    title = " ".join((title or "").split())
    description = (description or "").strip()
    if problem := _title_problem(title):
        errors["title"] = problem
    if len(description) > JOB_DESCRIPTION_MAX_LENGTH:
        errors["description"] = (
            f"The description can be at most {JOB_DESCRIPTION_MAX_LENGTH:,} characters."
        )
    fields = {"title": title, "description": description, **_budget_fields(budget, errors)}
    if errors:
        raise ValidationError(errors)
    return fields


def _title_problem(title: str) -> str:
    if not title:
        return "Give the job a title."
    if len(title) > JOB_TITLE_MAX_LENGTH:
        return f"Keep the title to {JOB_TITLE_MAX_LENGTH} characters."
    return ""


def _budget_fields(budget: Budget, errors: dict) -> dict:
    """The job's budget columns; what is wrong with the budget is added to `errors`."""
    try:
        currency = clean_currency(budget.currency)
    except ValidationError as error:
        errors["currency"] = error.messages
        currency = budget.currency
    fields = {"budget_type": budget.budget_type, "currency": currency}
    if budget.budget_type == Job.BudgetType.FIXED:
        fields.update(budget_amount=budget.amount, rate_min=None, rate_max=None)
        errors.update(_fixed_budget_problems(budget.amount))
    elif budget.budget_type == Job.BudgetType.HOURLY:
        fields.update(budget_amount=None, rate_min=budget.rate_min, rate_max=budget.rate_max)
        errors.update(_hourly_budget_problems(budget.rate_min, budget.rate_max))
    else:
        errors["budget_type"] = "Choose a fixed price or an hourly rate."
    return fields


def _fixed_budget_problems(amount) -> dict:
    if amount is None:
        return {"budget_amount": "Enter the budget for the whole job."}
    if problem := _money_problem(amount):
        return {"budget_amount": problem}
    return {}


def _hourly_budget_problems(low, high) -> dict:
    if low is None or high is None:
        return {"rate_min": "Enter the hourly range, lowest and highest rate."}
    if problem := _money_problem(low, **HOURLY_RATE) or _money_problem(high, **HOURLY_RATE):
        return {"rate_min": problem}
    if low > high:
        return {"rate_max": "The highest rate can't be below the lowest."}
    return {}


def _money_problem(value, **rule) -> list[str]:
    """What breaks the money rule (core.money) in an amount; [] when nothing does."""
    try:
        clean_amount(value, **rule)
    except ValidationError as error:
        return error.messages
    return []
