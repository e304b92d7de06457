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
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from asgiref.typing import ASGIReceiveCallable, ASGISendCallable
from channels.consumer import AsyncConsumer
from channels.exceptions import StopConsumer
from channels.layers import get_channel_layer

if TYPE_CHECKING:  # the stubs' type of a consumer's scope; not in channels itself
    from channels.consumer import _ChannelScope


async def run_consumer(
    consumer: AsyncConsumer,
    scope: "_ChannelScope",
    receive: ASGIReceiveCallable,
    send: ASGISendCallable,
) -> None:
    """What AsyncConsumer.__call__ does for an async consumer, with the lean loop."""
    consumer.scope = scope
    layer = get_channel_layer(consumer.channel_layer_alias)
    # None when no layer is configured, as Channels itself sets it; its stubs say never None.
    consumer.channel_layer = layer  # type: ignore[assignment]
    consumer.base_send = send
    sources: list[Callable[[], Awaitable[Any]]] = [receive]
    if layer is not None:
        consumer.channel_name = await layer.new_channel()
        channel_receive = functools.partial(layer.receive, consumer.channel_name)
        # A layer's messages, not ASGI events, as Channels itself sets it; its stubs say events.
        consumer.channel_receive = channel_receive  # type: ignore[assignment]
        sources.append(channel_receive)
    one_at_a_time = asyncio.Lock()

    async def pump(source: Callable[[], Awaitable[Any]]) -> None:
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
