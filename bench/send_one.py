"""Time `messaging.services.message_send` in isolation: queries, ms per query, ms per call.

Run with production-shaped settings in the environment (PostgreSQL, Redis) against a database
made by bench/live_setup.py:
    python bench/send_one.py CONVERSATION_ID [N]
Publishing runs as in production (through the channel layer), each call in the same thread
`database_sync_to_async` would use, so connection handling matches daphne's.
"""

import asyncio
import os
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from channels.db import database_sync_to_async  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from messaging import services  # noqa: E402
from messaging.models import Participant  # noqa: E402


def main(conversation_id: int, n: int) -> None:
    sender = Participant.objects.filter(conversation_id=conversation_id).first().user

    def one():
        return services.message_send(
            conversation_id=conversation_id,
            sender=sender,
            body="hello " * 30,
            client_id=str(uuid.uuid4()),
        )

    def one_captured():
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            one()
            took = time.perf_counter() - began
        return took, captured.captured_queries

    async def run():
        # One long-lived event loop, as under daphne: the publish hops back onto it.
        for _ in range(20):
            await database_sync_to_async(one)()
        took, queries = await database_sync_to_async(one_captured)()
        print(f"one send: {took * 1000:.1f} ms, {len(queries)} queries")
        for q in queries:
            print(f"  {q['sql'][:150]}")
        began = time.perf_counter()
        cpu = time.process_time()
        for _ in range(n):
            await database_sync_to_async(one)()
        wall = (time.perf_counter() - began) / n * 1000
        cpu = (time.process_time() - cpu) / n * 1000
        print(f"{n} sends via database_sync_to_async: {wall:.2f} ms wall, {cpu:.2f} ms cpu each")

    asyncio.run(run())


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200)
