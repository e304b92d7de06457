"""A consumer's dispatch loop with one long-lived task per source (docs/adr/0005).

Channels' AsyncConsumer.__call__ runs `await_many_dispatch`, which makes a new task for the
next message of a source after every message and waits on both sources with asyncio.wait
each time: for a socket in a busy room, that machinery cost more than writing the frame.
Here each source (the socket, the channel layer) has one task that reads and dispatches, and
a lock keeps Channels' promise that one handler runs at a time, in the order messages
arrived per source. REALTIME_STOCK=consumer_loop runs Channels' own loop (switches.py).
"""

import asyncio
import contextlib
import functools

from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer


async def run_consumer(consumer, scope, receive, send) -> None:
    """What AsyncConsumer.__call__ does for an async consumer, with the lean loop."""
    consumer.scope = scope
    consumer.channel_layer = get_channel_layer(consumer.channel_layer_alias)
    consumer.base_send = send
    sources = [receive]
    if consumer.channel_layer is not None:
        consumer.channel_name = await consumer.channel_layer.new_channel()
        consumer.channel_receive = functools.partial(
            consumer.channel_layer.receive, consumer.channel_name
        )
        sources.append(consumer.channel_receive)
    one_at_a_time = asyncio.Lock()

    async def pump(source):
        while True:
            message = await source()
            async with one_at_a_time:
                await consumer.dispatch(message)
            # No yield after each event: a message is one event per socket, so no socket's
            # frame of it waits behind another's second one, and a yield costs a loop pass
            # per frame (docs/live-delivery.md, "Sixth pass").

    tasks = [asyncio.ensure_future(pump(source)) for source in sources]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # StopConsumer (a clean end) or the error that ended it
    except StopConsumer:
        pass
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, StopConsumer):
                await task
