"""The migrations that brought in the one money rule and django-countries lose no stored value."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from profiles.models import Profile
from workrooms.models import Deadline
from workrooms.services import workroom_open

BEFORE = [
    ("workrooms", "0003_conversations_live_in_their_rooms"),
    ("profiles", "0008_profilesearchterm"),
]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest() -> list[tuple[str, str]]:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [key for key in leaves if key[0] in {"workrooms", "profiles"}]


def _write(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_stored_money_and_countries_survive_the_migrations(client_user, freelancer_user):
    room = workroom_open(client=client_user, freelancer=freelancer_user, title="Website")
    due = timezone.now() + timedelta(days=3)
    fields = {"workroom": room, "due_at": due, "created_by": client_user}
    euros = {"currency": "EUR", **fields}
    Deadline.objects.create(title="Kept", amount=Decimal("1200"), **euros)
    lowered = Deadline.objects.create(title="Lower", amount=Decimal("300"), **euros)
    foreign = Deadline.objects.create(title="Yen", amount=Decimal("5000"), **euros)
    zero = Deadline.objects.create(title="Zero", description="Go.", amount=None, **fields)
    latest = _latest()
    try:
        _migrate(BEFORE)
        # Values the old schema let through: free-text currencies, a zero, a lowercase country.
        _write("UPDATE workrooms_deadline SET currency = 'eur' WHERE id = %s", lowered.pk)
        _write("UPDATE workrooms_deadline SET currency = 'JPY' WHERE id = %s", foreign.pk)
        _write("UPDATE workrooms_deadline SET amount = 0, currency = 'USD' WHERE id = %s", zero.pk)
        _write(
            "UPDATE profiles_profile SET country = 'pt', hourly_rate = 0 WHERE user_id = %s",
            freelancer_user.pk,
        )
        _write("UPDATE profiles_profile SET country = 'CV' WHERE user_id = %s", client_user.pk)
    finally:
        _migrate(latest)

    by_title = {d.title: d for d in Deadline.objects.all()}
    assert (by_title["Kept"].amount, by_title["Kept"].currency) == (Decimal("1200"), "EUR")
    assert (by_title["Lower"].amount, by_title["Lower"].currency) == (Decimal("300"), "EUR")
    # What the rule refuses is written into the description before it is cleared.
    assert (by_title["Yen"].amount, by_title["Yen"].currency) == (None, "")
    assert by_title["Yen"].description == "Amount as first entered: 5,000.00 JPY"
    assert (by_title["Zero"].amount, by_title["Zero"].currency) == (None, "")
    assert by_title["Zero"].description == "Go.\n\nAmount as first entered: 0.00 USD"

    freelancer = Profile.objects.get(pk=freelancer_user.pk)
    assert (freelancer.country.code, freelancer.hourly_rate) == ("PT", None)
    client = Profile.objects.get(pk=client_user.pk)
    assert (client.country.code, client.country.name) == ("CV", "Cabo Verde")
