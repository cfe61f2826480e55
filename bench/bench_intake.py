"""End-to-end intake throughput: HTTP POST -> validated, stored, queued -> response.

Starts ``ijw-gateway serve --no-worker --workers N`` on a loopback port against a fresh
database (a SQLite file, or a fresh schema on PostgreSQL), then posts distinct JW301
messages (one client, one allocation each) from several client processes with keep-alive
connections, and reports messages per second and latency percentiles. Every response is
checked: an unaccepted verdict fails the run.

    python bench/bench_intake.py --db sqlite --workers 1
    python bench/bench_intake.py --db postgres --workers 2 --messages 4000
    python bench/bench_intake.py --db postgres --workers 2 --load wrk --messages 20000

``--load wrk`` drives the same distinct messages with wrk (Debian package ``wrk``), a load
generator in C: the Python clients themselves use a large share of the two cores. It also
reports the CPU each message cost (gateway processes, PostgreSQL, whole machine): on a
machine whose speed varies, CPU per message is the figure that compares across runs,
together with the machine speed measured at the start (CPU for a fixed workload). Steal
(time the hypervisor gave to other guests) is reported apart, not as machine CPU.
``bench_floors.py`` measures what PostgreSQL alone and HTTP alone cost on the same machine.

PostgreSQL: ``IJW_TEST_POSTGRES_URL`` (default the local ``test`` database over TCP; for
its Unix socket ``postgresql+psycopg://postgres@/test?host=/var/run/postgresql``); the
schema is dropped afterwards. Numbers go to docs/performance.md, section "Intake throughput".
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
GATEWAY = str(Path(sys.executable).parent / "ijw-gateway")
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
KEY = "ijw.demo-0505.zhz-demo-secret-0505"
START_SECONDS = 60


def messages(count: int, offset: int) -> list[bytes]:
    """Distinct JW301s of Dordrecht to one provider: each for another client (test BSNs)."""
    from ijw_gateway.fixtures import builders as b
    from ijw_gateway.fixtures.scenario import test_bsns

    run = uuid.uuid4().hex[:4]
    return [
        b.to_bytes(
            b.jw301(
                f"B{run}{offset + i}",
                bsn=test_bsns()[(offset + i) % len(test_bsns())],
                products=[b.toegewezen_product(offset + i + 10_000)],
            )
        )
        for i in range(count)
    ]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _client(args: tuple[str, list[bytes]]) -> list[float]:
    base, bodies = args
    latencies = []
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for body in bodies:
            started = time.perf_counter()
            response = client.post("/v1/messages", content=body)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200 or not response.json()["accepted"]:
                raise SystemExit(f"not accepted: {response.status_code} {response.text[:300]}")
    return latencies


def _database(kind: str, tmp: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite:///{tmp / 'bench.db'}", None
    from sqlalchemy import create_engine, text

    base = os.environ.get("IJW_TEST_POSTGRES_URL", DEFAULT_PG)
    schema = f"ijw_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    joiner = "&" if "?" in base else "?"  # the URL may carry a query already (host=/socket)
    return f"{base}{joiner}options={quote(f'-csearch_path={schema}', safe='')}", schema


def _drop(schema: str | None) -> None:
    if schema is None:
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ.get("IJW_TEST_POSTGRES_URL", DEFAULT_PG))
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _wait(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the gateway exited during start")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the gateway did not start in time")


def gateway_env(url: str) -> dict[str, str]:
    """The environment of a gateway on ``url`` with the ZHZ example's parties; none of the
    caller's own ``IJW_*`` settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    env.update(IJW_DATABASE_URL=url, IJW_PARTIES=str(ROOT / "examples" / "zhz" / "parties.toml"))
    return env


def _serve(url: str, workers: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = gateway_env(url)
    args = [GATEWAY, "serve", "--no-worker", "--workers", str(workers), "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen([*args, "--log-level", "warning"], env=env, stdout=out, stderr=out)


def _load(base: str, bodies: list[bytes], clients: int) -> tuple[float, list[float]]:
    chunks = [(base, bodies[i::clients]) for i in range(clients)]
    with multiprocessing.Pool(clients) as pool:
        started = time.perf_counter()
        results = pool.map(_client, chunks)
        elapsed = time.perf_counter() - started
    return elapsed, [x for r in results for x in r]


_WRK_SCRIPT = r"""
local SEP = "\n--8<--\n"
local threads, counter = {}, 0
function setup(thread)
  thread:set("id", counter); counter = counter + 1; table.insert(threads, thread)
end
function init(args)
  local f = io.open(args[1], "rb"); local all = f:read("*a"); f:close()
  bodies, sent, failures = {}, 0, 0
  local i, n = 1, 0
  while true do
    local s, e = all:find(SEP, i, true)
    if not s then break end
    if n % tonumber(args[2]) == id then table.insert(bodies, all:sub(i, s - 1)) end
    n = n + 1; i = e + 1
  end
  cycle = args[4] == "cycle"
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. args[3]
  wrk.headers["Content-Type"] = "application/xml"
end
function request()
  sent = sent + 1
  if sent > #bodies then
    if cycle then sent = 1 else wrk.thread:stop(); sent = #bodies end
  end
  return wrk.format(nil, "/v1/messages", nil, bodies[sent])
end
function response(status, headers, body)
  if status ~= 200 or not body:find('"accepted":%s*true') then failures = failures + 1 end
end
function done(summary, latency, requests)
  local failed = 0
  for _, t in ipairs(threads) do failed = failed + t:get("failures") end
  io.write(string.format("RESULT %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), failed))
end
"""


def _wrk(
    base: str, bodies: list[bytes], seconds: int, connections: int, cycle: bool = False
) -> dict[str, float]:
    """Drive ``bodies`` with wrk (2 threads); every answer must be an accepted verdict.
    Each body is sent once unless ``cycle`` (for a server that does not store them)."""
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp) / "intake.lua", Path(tmp) / "bodies"
        script.write_text(_WRK_SCRIPT)
        data.write_bytes(b"".join(body + b"\n--8<--\n" for body in bodies))
        command = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            str(script),
            base,
            "--",
            str(data),
            "2",
            KEY,
            "cycle" if cycle else "once",
        ]
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    fields = next(line for line in out.splitlines() if line.startswith("RESULT")).split()[1:]
    requests, micros, p50, p95, failed = (int(f) for f in fields)
    if failed:
        raise SystemExit(f"{failed} of {requests} answers were not accepted verdicts")
    return {
        "messages": requests,
        "seconds": micros / 1e6,
        "per_second": requests / (micros / 1e6),
        "p50_ms": p50 / 1000,
        "p95_ms": p95 / 1000,
    }


def _cpu_seconds(gateway: set[int]) -> dict[str, float]:
    """CPU seconds (user + system) used so far: by the gateway's processes, by PostgreSQL
    (its processes, and the backends that already exited, which the postmaster reaped)
    and by the whole machine (``/proc/stat``, so exited processes such as wrk count too),
    and the machine's steal apart from that."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {"gateway": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        own, reaped = int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])
        if int(entry.name) in gateway:
            found["gateway"] += own / tick
        elif comm == "postgres":
            found["postgres"] += (own + reaped) / tick
    # user nice system idle iowait irq softirq steal guest guest_nice; guest time is
    # already in user and nice, steal is time the hypervisor gave to someone else.
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    found["machine"] = sum(cpu[i] for i in (0, 1, 2, 5, 6)) / tick
    found["steal"] = cpu[7] / tick
    return found


def _tree(root: int) -> set[int]:
    """``root`` and its descendants (the uvicorn supervisor and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rpartition(")")[2].split()[1]
                )
            except OSError:
                continue
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return tree


def calibrate(rounds: int = 300) -> float:
    """Milliseconds of CPU for a fixed reference workload in which none of the gateway's
    code takes part (parse and serialise one JW301 with lxml, a JSON round trip, a
    pure-Python loop): the machine's speed at the moment of a run, since this shared
    machine's varies. It used to time our own validator, which later work made faster."""
    import json

    from lxml import etree

    body = messages(1, 0)[0]
    document = {"rows": [{"n": i, "s": str(i) * 3} for i in range(200)]}

    def once() -> None:
        etree.tostring(etree.fromstring(body))
        json.loads(json.dumps(document))
        sum(i * i for i in range(3000))

    for _ in range(50):
        once()
    started = time.process_time()
    for _ in range(rounds):
        once()
    return (time.process_time() - started) * 1000 / rounds


_GROUPS = ("gateway", "postgres", "machine")


@contextmanager
def _gateway(kind: str, workers: int) -> Iterator[tuple[str, int]]:
    """A started gateway on a fresh database: its base URL and process id; stopped and
    the database dropped afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _database(kind, Path(tmp))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        process = _serve(url, workers, port, Path(tmp) / "serve.log")
        try:
            _wait(base, process)
            yield base, process.pid
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            _drop(schema)


def run_wrk(kind: str, workers: int, count: int, seconds: int, warmup: int) -> dict[str, float]:
    bodies, warm = messages(count, warmup), messages(warmup, 0)
    with _gateway(kind, workers) as (base, pid):
        _load(base, warm, 2)
        gateway = _tree(pid)
        before = _cpu_seconds(gateway)
        result = _wrk(base, bodies, seconds, 16)
        after = _cpu_seconds(gateway)
    per = {f"cpu_ms_{k}": (after[k] - before[k]) * 1000 / result["messages"] for k in after}
    return {**result, **per}


def run(kind: str, workers: int, count: int, clients: int, warmup: int) -> dict[str, float]:
    with _gateway(kind, workers) as (base, _pid):
        _load(base, messages(warmup, 0), clients)
        elapsed, latencies = _load(base, messages(count, warmup), clients)
    latencies.sort()
    return {
        "messages": count,
        "seconds": elapsed,
        "per_second": count / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8, help="client processes")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--load", choices=["python", "wrk"], default="python")
    parser.add_argument("--seconds", type=int, default=20, help="wrk: duration")
    args = parser.parse_args()
    speed = calibrate()
    if args.load == "wrk":
        result = run_wrk(args.db, args.workers, args.messages, args.seconds, args.warmup)
        load = "wrk (2 threads, 16 connections)"
    else:
        result = run(args.db, args.workers, args.messages, args.clients, args.warmup)
        load = f"{args.clients} clients"
    print(
        f"{args.db}, {args.workers} uvicorn worker(s), {load}: "
        f"{result['per_second']:.0f} msg/s ({result['messages']} JW301 in "
        f"{result['seconds']:.1f} s; p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms)"
    )
    if args.load == "wrk" and result["messages"] >= args.messages - 16:
        print(
            f"All {args.messages} messages were sent before the {args.seconds} s were up, so "
            "the figure is a lower bound: raise --messages."
        )
    if "cpu_ms_gateway" in result:
        print(
            "CPU per message: "
            + ", ".join(f"{k} {result[f'cpu_ms_{k}']:.2f} ms" for k in _GROUPS)
            + f"; steal {result['cpu_ms_steal']:.2f} ms"
            + f" (machine speed now: {speed:.3f} ms CPU for the reference workload)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
