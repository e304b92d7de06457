"""Tandem configurations for the live bench: which of core/realtime's speed-ups are switched
back to the stock part (core/realtime/switches.py), and the table that compares them.

BENCH_CONFIGS=all-on,stock-layer,… makes bench/live.py run Tandem once per configuration,
beside the raw baseline, and print the table; `make bench-realtime` runs all of them.
"""

import math

# Each configuration's REALTIME_* variables; anything else in the environment is kept.
CONFIGS = {
    "all-on": {},
    "stock-layer": {"REALTIME_STOCK": "layer"},
    "stock-cache": {"REALTIME_STOCK": "cache"},
    "stock-session": {"REALTIME_STOCK": "session"},
    "stock-redis": {"REALTIME_STOCK": "redis_client"},
    "pubsub": {"REALTIME_LAYER": "pubsub"},
    "all-stock": {"REALTIME_STOCK": "all"},
}
ALL = ",".join(CONFIGS)
# What each configuration's gain says: the speed-up its line switches off.
GAIN_OF = {
    "stock-layer": "the bundling layer over channels-redis's RedisChannelLayer",
    "stock-cache": "the reusing cache client over Django's RedisCache",
    "stock-session": "the read-only websocket session over Channels' SessionMiddleware",
    "stock-redis": "the direct Redis connections over redis-py's client",
    "pubsub": "the bundling layer over channels-redis's RedisPubSubChannelLayer",
    "all-stock": "all of them together",
}


def realtime_env(name: str) -> dict:
    """The REALTIME_* variables of one configuration: a name of CONFIGS, or `stock:PART+PART`
    (any parts of core/realtime/switches.py, `layer=pubsub` for the layer's choice)."""
    if name in CONFIGS:
        return {"REALTIME_STOCK": "", "REALTIME_LAYER": "", **CONFIGS[name]}
    if name.startswith("stock:"):
        parts = name.removeprefix("stock:").split("+")
        layers = [p.removeprefix("layer=") for p in parts if p.startswith("layer=")]
        stock = [p for p in parts if not p.startswith("layer=")]
        return {"REALTIME_STOCK": ",".join(stock), "REALTIME_LAYER": ",".join(layers)}
    raise SystemExit(f"BENCH_CONFIGS: no configuration {name!r}; known: {ALL}, stock:PART+PART")


def gain_table(rows: dict) -> list[str]:
    """Lines of the comparison: for each system (the baseline, then each configuration) its
    max sends/s, p99 at 80 % and server CPU from `rows` {label: (max, p99, cpu)}, and each
    configuration's gain, (all-on − that configuration) / all-on: how much the speed-up it
    switches off is worth."""
    all_on = rows.get("all-on", (math.nan,))[0]
    lines = [
        "realtime speed-ups, 10x10: gain = (all-on - that one off) / all-on",
        f"{'configuration':<16} {'max sends/s':>11} {'p99 at 80%':>11} {'server cpu':>10}"
        f" {'gain':>7}  what the gain is of",
    ]
    for label, (rate, p99, cpu) in rows.items():
        if math.isnan(rate):  # not even the first level passed
            lines.append(f"{label:<16} {'none':>11}  (no level passed)")
            continue
        gain, of = "", ""
        if label in GAIN_OF:
            gain = f"{(all_on - rate) / all_on:+.0%}" if all_on > 0 else "n/a"
            of = GAIN_OF[label]
        lines.append(f"{label:<16} {rate:11.0f} {p99:8.1f} ms {cpu:9.0f}% {gain:>7}  {of}".rstrip())
    return lines
