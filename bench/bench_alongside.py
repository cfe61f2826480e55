"""Small messages alongside a large one: does the intake stay responsive?

Starts ``ijw-gateway serve --no-worker`` on a fresh database (as ``bench_intake``), then
posts small JW301 messages at a steady rate and measures their latency twice: with the
gateway otherwise idle, and while a large message is being judged. The large message is a
JW323 of about ``--big-mb`` MB from one provider (many clients, a Prestatie each), posted
``--big-count`` times at once, each a new declaration; ``--big-shape foreign`` sends a
small message full of elements the standard does not define instead (the hostile shape of
issue M). The small messages are sent open-loop: each has its own planned send time, and
its latency counts from that time, so a stalled gateway shows as latency instead of as
fewer requests.

    python bench/bench_alongside.py --db sqlite --workers 1
    python bench/bench_alongside.py --db postgres --workers 2 --big-mb 25

The target (issue M): the small messages' p95 alongside stays within 2x of the idle p95.
PostgreSQL: ``IJW_TEST_POSTGRES_URL`` as for ``bench_intake``. Figures go to
docs/performance.md, section "Small messages alongside a large one".
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from bench_intake import KEY, _database, _drop, _serve, _wait, calibrate, messages

PROVIDER_KEY = "ijw.demo-12345678.zhz-demo-secret-12345678"


def big_declaration(megabytes: float, tag: str) -> bytes:
    """A schema-valid JW323 of about ``megabytes`` MB: test BSNs, a few Prestaties each."""
    from ijw_gateway.fixtures import builders as b
    from ijw_gateway.fixtures.scenario import test_bsns

    lines = max(1, int(megabytes * 1000))  # a Prestatie with its client is about 1 kB
    bsns = test_bsns()
    per_client = -(-lines // len(bsns))
    clients: dict[str, list[object]] = {}
    for line in range(lines):
        bsn = bsns[line // per_client]
        clients.setdefault(bsn, []).append(
            b.prestatie(f"P{tag}-{line}", nummer=500_000 + line % 5000)
        )
    model = b.jw323(f"BIG{tag}", nummer=f"D{tag}", clients=clients)  # type: ignore[arg-type]
    return b.to_bytes(model)


def foreign_elements(count: int, tag: str) -> bytes:
    """A JW323 with ``count`` elements the standard does not define in one Client."""
    from ijw_gateway.fixtures import builders as b

    body = b.to_bytes(b.jw323(f"FOR{tag}", nummer=f"F{tag}"))
    extra = b"".join(b"<jw323:Extra%d>x</jw323:Extra%d>" % (i, i) for i in range(count))
    return body.replace(b"<jw323:Prestaties>", extra + b"<jw323:Prestaties>", 1)


class Steady:
    """Posts small messages at ``rate`` per second from ``threads`` connections; each
    latency counts from its planned send time (no coordinated omission)."""

    def __init__(self, base: str, bodies: list[bytes], rate: float, threads: int = 8) -> None:
        self.base, self.bodies, self.rate, self.threads = base, bodies, rate, threads
        self.lock = threading.Lock()
        self.next = 0
        self.latencies: list[float] = []
        self.failures: list[str] = []

    def run(self, seconds: float) -> list[float]:
        self.start = time.perf_counter()
        self.stop_at = self.start + seconds
        workers = [threading.Thread(target=self._work) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if self.failures:
            raise SystemExit(f"{len(self.failures)} small messages failed: {self.failures[:3]}")
        return sorted(self.latencies)

    def _slot(self) -> tuple[float, bytes] | None:
        with self.lock:
            planned = self.start + self.next / self.rate
            if planned >= self.stop_at or self.next >= len(self.bodies):
                return None
            body = self.bodies[self.next]
            self.next += 1
        return planned, body

    def _work(self) -> None:
        headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/xml"}
        with httpx.Client(base_url=self.base, headers=headers, timeout=120) as client:
            while (slot := self._slot()) is not None:
                planned, body = slot
                time.sleep(max(0.0, planned - time.perf_counter()))
                response = client.post("/v1/messages", content=body)
                done = time.perf_counter()
                if response.status_code != 200 or not response.json()["accepted"]:
                    self.failures.append(f"{response.status_code} {response.text[:200]}")
                with self.lock:
                    self.latencies.append(done - planned)


def _post_big(base: str, body: bytes, out: list[str]) -> None:
    headers = {"Authorization": f"Bearer {PROVIDER_KEY}", "Content-Type": "application/xml"}
    started = time.perf_counter()
    try:
        response = httpx.post(f"{base}/v1/messages", content=body, headers=headers, timeout=900)
        outcome = f"{response.status_code}"
        if response.status_code == 200:
            verdict = response.json()["verdict"]
            outcome += f" {len(verdict['findings'])} findings shown"
    except httpx.HTTPError as error:
        outcome = type(error).__name__
    out.append(f"{outcome} after {time.perf_counter() - started:.1f} s")


@contextmanager
def _gateway(kind: str, workers: int, port: int, stops: list[float]) -> Iterator[str]:
    """A gateway on a fresh database; stopped with SIGTERM at the end, and ``stops`` gets
    how long it took to exit (killed after 120 s)."""
    with tempfile.TemporaryDirectory() as tmp:
        url, schema = _database(kind, Path(tmp))
        base = f"http://127.0.0.1:{port}"
        process = _serve(url, workers, port, Path(tmp) / "serve.log")
        try:
            _wait(base, process)
            yield base
        finally:
            started = time.perf_counter()
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            stops.append(time.perf_counter() - started)
            _drop(schema)


def _quantiles(latencies: list[float]) -> dict[str, float]:
    def at(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(len(latencies) * q))] * 1000

    return {"n": len(latencies), "p50": at(0.5), "p95": at(0.95), "max": latencies[-1] * 1000}


def _bigs(args: argparse.Namespace) -> list[bytes]:
    tags = [uuid.uuid4().hex[:6] for _ in range(args.big_count)]
    if args.big_shape == "foreign":
        return [foreign_elements(args.foreign, tag) for tag in tags]
    return [big_declaration(args.big_mb, tag) for tag in tags]


def run(args: argparse.Namespace) -> None:
    rate, seconds = args.rate, args.seconds
    small = messages(int(rate * seconds * 2) + 400, 0)
    bigs = _bigs(args)
    sizes = ", ".join(f"{len(b) / 1e6:.1f} MB" for b in bigs)
    stops: list[float] = []
    outcomes: list[str] = []
    with _gateway(args.db, args.workers, args.port, stops) as base:
        Steady(base, small[:200], 50).run(4)  # warm-up
        idle = Steady(base, small[200:], rate).run(seconds)
        posters = [
            threading.Thread(target=_post_big, args=(base, b, outcomes), daemon=True) for b in bigs
        ]
        for poster in posters:
            poster.start()
        time.sleep(args.lead)  # let the large ones arrive and be taken in
        offset = 200 + len(idle)
        alongside = Steady(base, small[offset:], rate).run(seconds)
        waited = time.perf_counter() + args.wait
        for poster in posters:
            poster.join(max(0.0, waited - time.perf_counter()))
        unfinished = sum(poster.is_alive() for poster in posters)
    quiet, busy = _quantiles(idle), _quantiles(alongside)
    label = f"[{args.label}] " if args.label else ""
    print(
        f"{label}{args.db}, {args.workers} worker(s); large: {args.big_shape} x{len(bigs)} ({sizes})"
    )
    for name, q in (("idle", quiet), ("alongside", busy)):
        print(
            f"  {name:9}: {q['n']:.0f} JW301 at {rate:.0f}/s, p50 {q['p50']:.1f} ms, "
            f"p95 {q['p95']:.1f} ms, max {q['max']:.0f} ms"
        )
    print(f"  p95 alongside / idle: {busy['p95'] / quiet['p95']:.2f}x (target <= 2x)")
    print(f"  large messages: {'; '.join(outcomes) or '-'}", end="")
    print(f"; {unfinished} still being judged when the gateway was stopped" if unfinished else "")
    print(f"  SIGTERM to exit: {stops[0]:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--port", type=int, default=18480)
    parser.add_argument("--rate", type=float, default=20.0, help="small messages per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="each measurement")
    parser.add_argument("--big-shape", choices=["declaration", "foreign"], default="declaration")
    parser.add_argument("--big-mb", type=float, default=25.0)
    parser.add_argument("--foreign", type=int, default=10_000, help="foreign elements")
    parser.add_argument("--big-count", type=int, default=1, help="large messages at once")
    parser.add_argument("--lead", type=float, default=1.0, help="seconds before measuring")
    parser.add_argument(
        "--wait", type=float, default=60.0, help="seconds to wait for the large ones after"
    )
    parser.add_argument("--label", default="", help="printed with the results")
    args = parser.parse_args()
    print(f"machine speed now: {calibrate():.3f} ms CPU for the reference workload")
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
