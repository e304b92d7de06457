"""The load generator of the live benchmark (its own process, pinned to its own core).

Drives either the baseline (`--system baseline`, rooms at ws://HOST/room/<n>) or Tandem
(`--system tandem`, the /ws/ protocol with session cookies) with the same traffic: one sender
per room, 200-byte messages each carrying a sequence number and a send timestamp, the send
rate stepping up until p99 send→deliver passes 100 ms or a message goes missing. Prints one
JSON object with the results.
"""

import argparse
import asyncio
import json
import os
import resource
import time
import uuid
from pathlib import Path

import websockets
from websockets.asyncio.client import connect

P99_LIMIT_MS = 100.0
PAD = "x" * 150  # with the seq and timestamp fields, about 200 bytes of body


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class Room:
    def __init__(self, system, url, spec, index):
        self.system, self.url, self.spec, self.index = system, url, spec, index
        self.sockets = []
        self.latencies = []
        self.received = {}  # socket index -> set of seqs

    async def open(self):
        for n, member in enumerate(self.spec["members"]):
            if self.system == "baseline":
                socket = await connect(
                    f"{self.url}/room/{self.index}", compression=None, max_size=None, max_queue=None
                )
            else:
                socket = await connect(
                    self.url,
                    compression=None,
                    max_size=None,
                    max_queue=None,
                    origin=self.url.replace("ws://", "http://").rsplit("/ws/", 1)[0],
                    additional_headers={"Cookie": member["cookie"]},
                )
                await socket.send(
                    json.dumps({"type": "subscribe", "conversation": self.spec["conversation"]})
                )
                while json.loads(await socket.recv())["type"] != "subscribed":
                    pass
            self.sockets.append(socket)
            if n:
                self.received[n] = set()
        self.readers = [
            asyncio.create_task(self.read(n, s)) for n, s in enumerate(self.sockets) if n
        ]

    async def read(self, n, socket):
        tandem = self.system == "tandem"
        async for frame in socket:
            now = time.time()
            data = json.loads(frame)
            if tandem:
                if data.get("type") != "message.new":
                    continue
                data = json.loads(data["message"]["body"])
            self.received[n].add(data["seq"])
            self.latencies.append((now - data["ts"]) * 1000)

    async def send(self, seq):
        body = json.dumps({"seq": seq, "ts": time.time(), "pad": PAD})
        if self.system == "tandem":
            body = json.dumps(
                {
                    "type": "message.send",
                    "conversation": self.spec["conversation"],
                    "body": body,
                    "client_id": str(uuid.uuid4()),
                }
            )
        await self.sockets[0].send(body)

    async def close(self):
        for task in self.readers:
            task.cancel()
        for socket in self.sockets:
            await socket.close()


async def run_level(rooms, rate_per_room, seconds, start_seq):
    for room in rooms:
        room.latencies.clear()
        for seqs in room.received.values():
            seqs.clear()
    interval = 1.0 / rate_per_room
    count = max(1, int(rate_per_room * seconds))

    async def sender(room):
        # Rooms are staggered across the interval, so their sends do not arrive in bursts.
        began = time.perf_counter() + interval * room.index / len(rooms)
        for i in range(count):
            target = began + i * interval
            delay = target - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await room.send(start_seq + i)

    began = time.perf_counter()
    await asyncio.gather(*(sender(room) for room in rooms))
    sent_for = time.perf_counter() - began
    expected = set(range(start_seq, start_seq + count))
    deadline = time.perf_counter() + 3.0
    while time.perf_counter() < deadline:
        if all(seqs >= expected for room in rooms for seqs in room.received.values()):
            break
        await asyncio.sleep(0.05)
    missing = sum(len(expected - seqs) for room in rooms for seqs in room.received.values())
    latencies = [value for room in rooms for value in room.latencies]
    deliveries = sum(len(seqs & expected) for room in rooms for seqs in room.received.values())
    return {
        "sends_per_s": len(rooms) * count / max(sent_for, seconds),
        "deliveries_per_s": deliveries / max(sent_for, seconds),
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "missing": missing,
        "sent": len(rooms) * count,
    }


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100.0


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


async def idle_sockets(system, url, spec, count, server_pid):
    """Open `count` idle sockets, 50 at a time; returns (seconds, bytes per socket, failures)."""
    before = rss_bytes(server_pid)
    members = [m for room in spec for m in room["members"]]
    origin = url.replace("ws://", "http://").rsplit("/ws/", 1)[0]
    failures = 0

    async def one(i):
        nonlocal failures
        for _attempt in range(3):
            try:
                if system == "baseline":
                    return await connect(f"{url}/room/idle", compression=None)
                member = members[i % len(members)]
                return await connect(
                    url,
                    compression=None,
                    origin=origin,
                    additional_headers={"Cookie": member["cookie"]},
                )
            except (OSError, websockets.exceptions.WebSocketException):
                failures += 1
                await asyncio.sleep(0.2)
        return None

    began = time.perf_counter()
    sockets = []
    for batch in range(0, count, 50):
        sockets += await asyncio.gather(*(one(i) for i in range(batch, min(count, batch + 50))))
    opened = time.perf_counter() - began
    await asyncio.sleep(1.0)
    open_sockets = [s for s in sockets if s is not None]
    per_socket = (rss_bytes(server_pid) - before) / max(1, len(open_sockets))
    for socket in open_sockets:
        await socket.close()
    return opened, per_socket, failures


async def main(args):
    spec = json.loads(Path(args.spec).read_text())
    rooms = [Room(args.system, args.url, room, i) for i, room in enumerate(spec)]
    for room in rooms:
        await room.open()
    levels = [float(x) for x in args.levels.split(",")]
    results, best, broke, seq = [], None, None, 0
    for total in levels:
        t0 = time.perf_counter()
        cpu_before, own_before = cpu_seconds(args.server_pid), cpu_seconds(os.getpid())
        level = await run_level(rooms, total / len(rooms), args.seconds, seq)
        elapsed = time.perf_counter() - t0
        level["cpu_percent"] = 100 * (cpu_seconds(args.server_pid) - cpu_before) / elapsed
        # This process's own CPU: near 100 % where a level breaks, the load generator, not the
        # server, was the limit.
        level["load_cpu_percent"] = 100 * (cpu_seconds(os.getpid()) - own_before) / elapsed
        level["target"] = total
        seq += level["sent"] + 1000
        results.append(level)
        if level["p99"] > P99_LIMIT_MS or level["missing"]:
            broke = level
            break
        best = level
    at80 = None
    if best:
        at80 = await run_level(rooms, 0.8 * best["target"] / len(rooms), args.seconds, seq)
    for room in rooms:
        await room.close()
    output = {"levels": results, "best": best, "at80": at80, "broke": broke}
    if args.idle:
        opened, per_socket, retries = await idle_sockets(
            args.system, args.url, spec, args.idle, args.server_pid
        )
        output.update(idle_open_seconds=opened, bytes_per_socket=per_socket, idle_retries=retries)
    print(json.dumps(output))


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    parser = argparse.ArgumentParser()
    parser.add_argument("--system", choices=["baseline", "tandem"], required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--spec", required=True)
    parser.add_argument("--server-pid", type=int, required=True)
    parser.add_argument("--levels", required=True)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--idle", type=int, default=0)
    asyncio.run(main(parser.parse_args()))
