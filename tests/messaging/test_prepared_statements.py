"""PostgreSQL prepares the statements a connection runs again and again (settings:
`prepare_threshold`; Django turns it off unless asked). Without it every send's statements
were parsed and planned anew: about half of PostgreSQL's CPU per send (docs/live-delivery.md)."""

import pytest
from django.db import connection

from messaging import services


@pytest.mark.django_db
@pytest.mark.postgres  # prepared statements are PostgreSQL's
def test_a_sends_statements_are_prepared_after_a_few_runs(alice, bob, send, settings):
    settings.MESSAGE_RATE_LIMIT = 1000
    room = services.conversation_open_direct(user=alice, other=bob)
    for _ in range(8):
        send(room, alice)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("FOR UPDATE OF c" in sql for sql in prepared), prepared
    assert any("WITH new_message AS" in sql for sql in prepared), prepared
