"""End-to-end intake throughput: HTTP POST -> validated, stored, queued -> response.

Starts ``ijw-gateway serve --no-worker --workers N`` on a loopback port against a fresh
database (a SQLite file, or a fresh schema on PostgreSQL), then posts distinct JW301
messages (one client, one allocation each) from several client processes with keep-alive
connections, and reports messages per second and latency percentiles. Every response is
checked: an unaccepted verdict fails the run.

    python bench/bench_intake.py --db sqlite --workers 1
    python bench/bench_intake.py --db postgres --workers 2 --messages 4000

PostgreSQL: ``IJW_TEST_POSTGRES_URL`` (default the local ``test`` database); the schema is
dropped afterwards. Numbers go to docs/performance.md, section "Intake throughput".
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
    from ijw_gateway.fixtures.scenario import TEST_BSNS

    run = uuid.uuid4().hex[:4]
    return [
        b.to_bytes(
            b.jw301(
                f"B{run}{offset + i}",
                bsn=TEST_BSNS[(offset + i) % len(TEST_BSNS)],
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
    return f"{base}?options={quote(f'-csearch_path={schema}', safe='')}", schema


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


def _serve(url: str, workers: int, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IJW_")}
    env.update(IJW_DATABASE_URL=url, IJW_PARTIES=str(ROOT / "examples" / "zhz" / "parties.toml"))
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


def run(kind: str, workers: int, count: int, clients: int, warmup: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _database(kind, Path(tmp))
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        process = _serve(url, workers, port, Path(tmp) / "serve.log")
        try:
            _wait(base, process)
            _load(base, messages(warmup, 0), clients)
            elapsed, latencies = _load(base, messages(count, warmup), clients)
        finally:
            os.kill(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
            _drop(schema)
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
    args = parser.parse_args()
    result = run(args.db, args.workers, args.messages, args.clients, args.warmup)
    print(
        f"{args.db}, {args.workers} uvicorn worker(s), {args.clients} clients: "
        f"{result['per_second']:.0f} msg/s ({result['messages']} JW301 in "
        f"{result['seconds']:.1f} s; p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
