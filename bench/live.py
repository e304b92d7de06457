"""`make bench-live`: Tandem's live path against a raw `websockets` baseline, same machine,
same load generator (bench/loadgen.py), server pinned to core 0 and load to core 1.

Scenarios: 10 rooms × 10 members (the headline) and 1 room × 200 members. For each system:
the highest send rate whose p99 send→deliver is ≤ 100 ms with nothing missing, p50/p95/p99 at
80% of it, server CPU, memory per idle socket and the time to open 2,000 idle sockets. Rounds
alternate A B A B and the medians are reported. BENCH_QUICK=1: one round, short levels.

Tandem runs in production shape (uvicorn as in the Dockerfile, one worker on its one core):
config.settings.production, PostgreSQL (its own database,
recreated each run) and the Redis channel layer. The per-user send limit is raised for the
run (MESSAGE_RATE_LIMIT), since one sender per room sends far faster than a person.

Every send waits for its COMMIT, so a disk whose fsync stalls decides Tandem's p99 (one
stall of 100 ms makes every send committing meanwhile late). The run starts by timing bare
commits on the bench's database and prints them. BENCH_PG_RAM=1 runs PostgreSQL as a
cluster of the bench's own in /dev/shm instead of the machine's: the same PostgreSQL with
the same settings (fsync and synchronous_commit on), on a medium that does not stall, to
tell the live path's own limit from the disk's.

Tandem runs with whatever speed-ups the environment leaves on (REALTIME_STOCK, REALTIME_LAYER:
core/realtime/switches.py), e.g. `REALTIME_STOCK=cache make bench-live`. BENCH_CONFIGS runs
several configurations in one run beside the baseline and prints a table with each speed-up's
gain (bench/realtime_configs.py; `make bench-realtime` runs them all on 10x10).
"""

import itertools
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg
import redis
from loadgen import percentile  # bench/ is on the path: this file runs as a script
from realtime_configs import gain_table, realtime_env

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
QUICK = os.environ.get("BENCH_QUICK") == "1"
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 1 if QUICK else 3))
SECONDS = 1.5 if QUICK else 3.0
IDLE = int(os.environ.get("BENCH_IDLE", 2000))
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_RAM = os.environ.get("BENCH_PG_RAM") == "1"
PG_RAM_PORT = int(os.environ.get("BENCH_PG_RAM_PORT", 5499))
DB_NAME = os.environ.get("BENCH_DB", "tandem_bench_live")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379")
PORT = int(os.environ.get("BENCH_PORT", 8790))
# Total sends per second to try, per system and scenario, lowest first: doubling up to where
# each system has broken on these machines, then each step 2^(1/6) (12 %) above the last, the
# same relative step for both systems, so that neither side's figure (and the ratio) is
# decided by a coarser grid than the other's. BENCH_QUICK=1 steps 26 % (2^(1/3)).


def ladder(first, fine_from, last, per_doubling):
    """first, 2·first, … up to fine_from (a power of two times first), then per_doubling
    steps per doubling, up to last."""
    levels = [first]
    while levels[-1] < fine_from:
        levels.append(levels[-1] * 2)
    step = 1
    while (level := round(fine_from * 2 ** (step / per_doubling))) <= last:
        levels.append(level)
        step += 1
    return levels


STEPS_PER_DOUBLING = 3 if QUICK else 6
LEVELS = {
    ("baseline", "10x10"): ladder(100, 3200, 40000, STEPS_PER_DOUBLING),
    ("baseline", "1x200"): ladder(10, 160, 2000, STEPS_PER_DOUBLING),
    ("tandem", "10x10"): ladder(5, 80, 1600, STEPS_PER_DOUBLING),
    ("tandem", "1x200"): ladder(2, 16, 200, STEPS_PER_DOUBLING),
}
# For profiling one side: BENCH_SYSTEMS=tandem BENCH_SCENARIOS=10x10 BENCH_LEVELS=80,120,160
# (the ratio line needs both systems and the 10x10 scenario).
SYSTEMS = os.environ.get("BENCH_SYSTEMS", "baseline,tandem").split(",")
# BENCH_CONFIGS=all-on,stock-cache,…: Tandem once per configuration of the speed-ups, each a
# system of its own named "tandem:<configuration>" (bench/realtime_configs.py).
CONFIGS = [c for c in os.environ.get("BENCH_CONFIGS", "").split(",") if c]
if CONFIGS:
    SYSTEMS = [s for s in SYSTEMS if s != "tandem"] + [f"tandem:{c}" for c in CONFIGS]
SCENARIOS = os.environ.get("BENCH_SCENARIOS", "10x10,1x200").split(",")
# BENCH_TRACE=1: every level's figures on stderr as each system finishes (why a level failed).
TRACE = os.environ.get("BENCH_TRACE") == "1"
# BENCH_PYSPY=FILE: py-spy (not a dependency: `pip install py-spy`) records Tandem's server
# for the whole run, stacks collapsed into FILE (one per measurement, suffixed .1, .2, …);
# BENCH_PYSPY_ARGS adds py-spy options ("--gil": only the thread holding the GIL).
PYSPY = os.environ.get("BENCH_PYSPY")
PYSPY_ARGS = os.environ.get("BENCH_PYSPY_ARGS", "").split()
PROFILE_NUMBERS = itertools.count(1)
NAME_WIDTH = max(8, *(len(system) for system in SYSTEMS))
if os.environ.get("BENCH_LEVELS"):
    _levels = [int(x) for x in os.environ["BENCH_LEVELS"].split(",")]
    LEVELS = {key: _levels for key in LEVELS}


def kind(system):
    """The system's kind, baseline or tandem: a configuration's system is Tandem."""
    return system.split(":", 1)[0]


def tandem_env(system="tandem"):
    """Tandem's environment; a configuration's system also sets its REALTIME_* variables."""
    configuration = system.split(":", 1)[1] if ":" in system else None
    return {
        **os.environ,
        **(realtime_env(configuration) if configuration else {}),
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DEBUG": "false",
        "SECURE_SSL": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{PG}/{DB_NAME}",
        "REDIS_URL": REDIS,
        "CHANNEL_LAYER_PREFIX": "bench",
        "MESSAGE_RATE_LIMIT": "1000000000",
        "LOG_LEVEL": "WARNING",
        "EMAIL_URL": "consolemail://",
    }


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def prepare_database():
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DB_NAME}")
    run([PY, "manage.py", "migrate", "-v0"], env=tandem_env())


def commit_latency(seconds=5.0, pause=0.02):
    """Bare one-row INSERT + COMMIT on the bench's database, 50 a second: the disk's share of
    a send's latency. Returns (p50, p99, max) in ms and how many took over 100 ms."""
    timings = []
    with psycopg.connect(f"{PG}/{DB_NAME}") as connection:
        connection.execute("CREATE TABLE bench_commit_probe (id serial PRIMARY KEY, v text)")
        connection.commit()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            began = time.perf_counter()
            connection.execute("INSERT INTO bench_commit_probe (v) VALUES ('x')")
            connection.commit()
            timings.append(1000 * (time.perf_counter() - began))
            time.sleep(pause)
        connection.execute("DROP TABLE bench_commit_probe")
        connection.commit()
    return (
        percentile(timings, 0.50),
        percentile(timings, 0.99),
        max(timings),
        sum(t > 100 for t in timings),
    )


class RamPostgres:
    """A PostgreSQL cluster of the bench's own in /dev/shm, on PG_RAM_PORT (BENCH_PG_RAM=1).
    initdb's defaults, as the machine's cluster: fsync and synchronous_commit on."""

    def __init__(self):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            raise RuntimeError("BENCH_PG_RAM=1 needs PostgreSQL's server programs (pg_ctl)")
        self.bin = found[-1].parent
        self.data = Path(tempfile.mkdtemp(prefix="tandem-bench-pg-", dir="/dev/shm"))
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.data, "postgres", "postgres")

    def __enter__(self):
        run([*self.as_user, self.bin / "initdb", "-D", self.data, "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--no-sync"], stdout=subprocess.DEVNULL)  # fmt: skip
        options = f"-p {PG_RAM_PORT} -k {self.data} -c listen_addresses=127.0.0.1"
        run([*self.as_user, self.bin / "pg_ctl", "-D", self.data, "-o", options, "-w",
             "-l", self.data / "log", "start"], stdout=subprocess.DEVNULL)  # fmt: skip
        return f"postgres://postgres@127.0.0.1:{PG_RAM_PORT}"

    def __exit__(self, *exc):
        subprocess.run([*self.as_user, self.bin / "pg_ctl", "-D", self.data, "-m", "fast",
                        "-w", "stop"], stdout=subprocess.DEVNULL, check=False)  # fmt: skip
        shutil.rmtree(self.data, ignore_errors=True)


def make_rooms(rooms, members, tag):
    out = run(
        [PY, "bench/live_setup.py", str(rooms), str(members), tag],
        env=tandem_env(),
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def baseline_spec(rooms, members):
    return [{"conversation": r, "members": [{} for _ in range(members)]} for r in range(rooms)]


def wait_http(url, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - our own loopback server
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def clear_channel_layer():
    """Forget the previous server's groups: a server that is terminated never discards its
    sockets from their groups, and those members would live on for the group expiry (five
    minutes; a day before the layer renewed its members), each send queuing events for
    processes that are gone (2,000 idle sockets left 20 stale members in every user group of
    the next round)."""
    client = redis.Redis.from_url(REDIS)
    prefix = tandem_env()["CHANNEL_LAYER_PREFIX"]
    keys = list(client.scan_iter(f"{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    client.close()


def start(system, port):
    if kind(system) == "baseline":
        process = subprocess.Popen(
            ["taskset", "-c", "0", PY, "bench/baseline_server.py", str(port)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        process.stdout.readline()
        return process
    clear_channel_layer()
    process = subprocess.Popen(
        [
            "taskset",
            "-c",
            "0",
            PY,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            # Production's command (Dockerfile) with one worker: the server has one core here.
            "--workers",
            "1",
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--ws",
            # BENCH_WS=websockets-sansio tries uvicorn's other implementation (docs/).
            os.environ.get("BENCH_WS", "websockets"),
            "--lifespan",
            "off",
            "--no-access-log",
        ],
        cwd=ROOT,
        env=tandem_env(system),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_http(f"http://127.0.0.1:{port}/healthz/")
    return process


def measure(system, scenario, spec, port, idle):
    server = start(system, port)
    url = f"ws://127.0.0.1:{port}" if kind(system) == "baseline" else f"ws://127.0.0.1:{port}/ws/"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    profiler = None
    if PYSPY and kind(system) == "tandem":
        profiler = subprocess.Popen(
            [shutil.which("py-spy") or Path(PY).parent / "py-spy", "record", "--pid",
             str(server.pid), "--format", "raw", "--rate", "250", "--nonblocking", *PYSPY_ARGS,
             "-o", f"{PYSPY}.{next(PROFILE_NUMBERS)}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    try:
        out = subprocess.run(
            [
                "taskset",
                "-c",
                "1",
                PY,
                "bench/loadgen.py",
                "--system",
                kind(system),
                "--url",
                url,
                "--spec",
                handle.name,
                "--server-pid",
                str(server.pid),
                "--levels",
                ",".join(str(x) for x in LEVELS[(kind(system), scenario)]),
                "--seconds",
                str(SECONDS),
                "--idle",
                str(idle),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if out.returncode:
            raise RuntimeError(f"load generator failed for {system}:\n{out.stderr[-3000:]}")
        result = json.loads(out.stdout)
        if TRACE:
            for level in result["levels"]:
                print(
                    f"  {system} {scenario} {level['target']:7.0f}/s: p50 {level['p50']:6.1f}"
                    f"  p99 {level['p99']:6.1f} ms  missing {level['missing']}"
                    f"  cpu {level['cpu_percent']:3.0f}%"
                    f"  load generator cpu {level['load_cpu_percent']:3.0f}%",
                    file=sys.stderr,
                    flush=True,
                )
        return result
    finally:
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
            profiler.wait(timeout=30)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        os.unlink(handle.name)


def median(results, path):
    values = []
    for result in results:
        value = result
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if isinstance(value, int | float):
            values.append(value)
    return statistics.median(values) if values else float("nan")


def report(name, scenario, results):
    best = median(results, ["best", "sends_per_s"])
    deliveries = median(results, ["best", "deliveries_per_s"])
    line = (
        f"{name:<{NAME_WIDTH}} {scenario:<7} max {best:8.0f} sends/s"
        f" ({deliveries:8.0f} deliveries/s)"
        f"  at 80%: p50 {median(results, ['at80', 'p50']):6.1f} ms"
        f"  p95 {median(results, ['at80', 'p95']):6.1f} ms"
        f"  p99 {median(results, ['at80', 'p99']):6.1f} ms"
        f"  cpu {median(results, ['best', 'cpu_percent']):5.0f}%"
        f"  where it broke: server cpu {median(results, ['broke', 'cpu_percent']):3.0f}%,"
        f" load generator cpu {median(results, ['broke', 'load_cpu_percent']):3.0f}%"
    )
    if any("idle_open_seconds" in r for r in results):
        line += (
            f"  {IDLE} idle sockets in {median(results, ['idle_open_seconds']):5.2f} s,"
            f" {median(results, ['bytes_per_socket']) / 1024:6.1f} KiB/socket"
            f" ({median(results, ['idle_retries']):.0f} connects retried)"
        )
    print(line, flush=True)
    return best, median(results, ["at80", "p99"]), median(results, ["best", "cpu_percent"])


def summarise(headline):
    """The ratio line, and with BENCH_CONFIGS the table of the configurations (10x10)."""
    tandem = next((s for s in ("tandem", "tandem:all-on") if s in SYSTEMS), SYSTEMS[-1])
    if ("baseline", "10x10") in headline and (tandem, "10x10") in headline:
        base_rate, base_p99, _ = headline[("baseline", "10x10")]
        rate, p99, _ = headline[(tandem, "10x10")]
        print(
            f"ratio {rate / base_rate:.4f}  (p99 ratio {p99 / base_p99:.1f}x,"
            f" 10 rooms x 10 members{'' if tandem == 'tandem' else ', ' + tandem})"
        )
    if CONFIGS and "10x10" in SCENARIOS:
        rows = {
            system.removeprefix("tandem:"): headline[(system, "10x10")]
            for system in SYSTEMS
            if (system, "10x10") in headline
        }
        print("\n".join(gain_table(rows)), flush=True)


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(
        f"live bench: {'quick' if QUICK else 'full'}, {ROUNDS} round(s), server on core 0, "
        f"load on core 1, MESSAGE_RATE_LIMIT raised for the run",
        flush=True,
    )
    prepare_database()
    p50, p99, worst, stalls = commit_latency()
    print(
        f"postgres ({'private cluster in /dev/shm' if PG_RAM else PG}): bare commit p50"
        f" {p50:.1f} ms, p99 {p99:.1f} ms, max {worst:.0f} ms, {stalls} over 100 ms",
        flush=True,
    )
    shapes = {"10x10": (10, 10, "a"), "1x200": (1, 200, "b")}
    scenarios = {
        name: (make_rooms(*shapes[name]), baseline_spec(*shapes[name][:2])) for name in SCENARIOS
    }
    headline = {}
    for scenario, (tandem_spec, base_spec) in scenarios.items():
        collected = {system: [] for system in SYSTEMS}
        for round_number in range(ROUNDS):
            for system in SYSTEMS:  # A B A B …
                spec = base_spec if system == "baseline" else tandem_spec
                idle = IDLE if scenario == "10x10" and round_number == 0 else 0
                collected[system].append(measure(system, scenario, spec, PORT, idle))
        for system in SYSTEMS:
            headline[(system, scenario)] = report(system, scenario, collected[system])
    summarise(headline)


if __name__ == "__main__":
    if PG_RAM:
        with RamPostgres() as PG:  # the module's PG: every function reads it when it runs
            main()
    else:
        main()
