"""The baseline of the live benchmark: a plain `websockets` server that broadcasts each text
frame it receives to the other sockets of the same room (the path /room/<n>). No Django, no
database, no channel layer: the best a Python server on this machine does."""

import asyncio
import resource
import sys
from collections import defaultdict

from websockets.asyncio.server import broadcast, serve

rooms: dict[str, set] = defaultdict(set)


async def handler(websocket):
    room = rooms[websocket.request.path]
    room.add(websocket)
    try:
        async for frame in websocket:
            broadcast([peer for peer in room if peer is not websocket], frame)
    finally:
        room.discard(websocket)


async def main(port: int):
    async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
        print("ready", flush=True)
        await asyncio.get_running_loop().create_future()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(int(sys.argv[1])))
