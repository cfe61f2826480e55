"""VECOZO pull throughput: list -> payload (SHA-256) -> validate, store and queue ->
acknowledge, against a loopback VECOZO stub over mutual TLS.

The stub (``tests/support/vecozo_stub.py``, not judging against the specs here) runs in a process
of its own, holding ``--messages`` distinct JW315s of a provider to Dordrecht (each for
another client); the gateway's ``Puller`` drains it into a fresh database (a SQLite file,
or a fresh schema on PostgreSQL) exactly as ``ijw-gateway vecozo pull`` does, in a
process of its own (``--pullers 2``: two at once), and every message is checked stored
once and acknowledged afterwards. Each stored request gets its
JW316 composed and queued back to the provider (channel ``vecozo``), as in production.

    python bench/bench_vecozo_pull.py --db postgres --messages 2000
    python bench/bench_vecozo_pull.py --db sqlite --messages 1000 --threads 4
    python bench/bench_vecozo_pull.py --db postgres --takers 1   # one intake at a time
    python bench/bench_vecozo_pull.py --db postgres --pullers 2  # two puller processes

Reports messages per second, the CPU seconds of the pullers (together) and of the stub per
message, the messages a puller found stored by the other, the load average before and
after each run, and the machine speed (``bench_intake.calibrate``). Figures go to docs/performance.md,
section "VECOZO pull".
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
import uuid
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the stub lives with the tests

from bench_intake import _database, _drop, calibrate  # noqa: E402

if TYPE_CHECKING:
    from ijw_gateway.config import Settings


def _payloads(count: int) -> list[bytes]:
    from ijw_gateway.fixtures import builders as b
    from ijw_gateway.fixtures.scenario import test_bsns

    run, bsns = uuid.uuid4().hex[:4], test_bsns()
    return [
        b.to_bytes(
            b.jw315(
                f"V{run}{i}",
                bsn=bsns[i % len(bsns)],
                products=[b.aangevraagd_product(f"REF-{run}-{i}")],
            )
        )
        for i in range(count)
    ]


def _stub(directory: str, count: int, pipe: Connection) -> None:
    """The stub's process: serve until told to stop, then report its CPU seconds."""
    import ssl

    from tests.support.vecozo_stub import Stub, metadata, running_with

    stub = Stub(judge=False)
    for data in _payloads(count):
        stub.add(metadata(("Instelling", "12345678"), ("Gemeente", "0505"), "JW315"), data)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=f"{directory}/ca.pem")
    context.load_cert_chain(f"{directory}/server.pem")
    context.verify_mode = ssl.CERT_REQUIRED
    with running_with(stub, context):
        pipe.send(stub.port)
        pipe.recv()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        pipe.send((usage.ru_utime + usage.ru_stime, len(stub.acknowledged), len(stub.ready)))


def _certificates(directory: str) -> None:
    import trustme

    ca = trustme.CA()
    ca.cert_pem.write_to_path(f"{directory}/ca.pem")
    ca.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(
        f"{directory}/server.pem"
    )
    ca.issue_cert("bench-client").private_key_and_cert_chain_pem.write_to_path(
        f"{directory}/client.pem"
    )


def _settings(url: str, port: int, tmp: str) -> Settings:
    from ijw_gateway.config import Settings

    return Settings(
        database_url=url,
        parties=ROOT / "examples" / "zhz" / "parties.toml",
        vecozo_url=f"https://127.0.0.1:{port}/berichtenservice",
        vecozo_cert=Path(f"{tmp}/client.pem"),
        vecozo_ca=Path(f"{tmp}/ca.pem"),
    )


def _puller(settings: Settings, threads: int, takers: int | None, pipe: Connection) -> None:
    """One puller process (as ``ijw-gateway vecozo pull``): ready, then drain on "go";
    reports its own CPU seconds and what it did."""
    from ijw_gateway.gateway import Gateway
    from ijw_gateway.store import Store
    from ijw_gateway.vecozo.pull import Puller

    store = Store.open(settings.database_url)
    gateway = Gateway(settings, store)
    base = gateway.puller()
    puller = Puller(base.client, gateway.arrivals, store, threads=threads, takers=takers)
    pipe.send("ready")
    pipe.recv()
    cpu = time.process_time()
    done = puller.drain()
    pipe.send((time.process_time() - cpu, done.stored, done.duplicates, done.failed))
    puller.client.close()
    store.dispose()


def _pull(
    settings: Settings, pullers: int, threads: int, takers: int | None
) -> tuple[float, list[tuple[float, int, int, int]]]:
    """Wall seconds from "go" until every puller drained, and each puller's report."""
    pipes, procs = [], []
    for _ in range(pullers):
        ours, theirs = multiprocessing.Pipe()
        proc = multiprocessing.Process(target=_puller, args=(settings, threads, takers, theirs))
        proc.start()
        pipes.append(ours)
        procs.append(proc)
    try:
        for pipe in pipes:
            if not pipe.poll(120) or pipe.recv() != "ready":
                raise SystemExit("a puller did not start")
        started = time.perf_counter()
        for pipe in pipes:
            pipe.send("go")
        reports = [pipe.recv() for pipe in pipes]
        return time.perf_counter() - started, reports
    finally:
        for proc in procs:
            proc.join(timeout=60)


def run(
    kind: str, count: int, threads: int, takers: int | None, pullers: int = 1
) -> dict[str, float]:
    from ijw_gateway.gateway import prepare
    from ijw_gateway.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        _certificates(tmp)
        url, schema = _database(kind, Path(tmp))
        ours, theirs = multiprocessing.Pipe()
        stub = multiprocessing.Process(target=_stub, args=(tmp, count, theirs))
        stub.start()
        try:
            if not ours.poll(120):  # the stub died before it served (its error is above)
                raise SystemExit("the stub did not start")
            settings = _settings(url, ours.recv(), tmp)
            store = Store.open(url)
            prepare(settings, store)
            store.set_channel("12345678", "vecozo", None)
            store.dispose()
            seconds, reports = _pull(settings, pullers, threads, takers)
            ours.send("stop")
            stub_cpu, acked, left = ours.recv()
        finally:
            stub.join(timeout=30)
            _drop(schema)
    stored = sum(r[1] for r in reports)
    assert acked == count and left == 0 and stored == count, (reports, acked, left)
    return {
        "messages": count,
        "msg_per_s": count / seconds,
        "puller_cpu_ms_per_msg": sum(r[0] for r in reports) * 1000 / count,
        "stub_cpu_ms_per_msg": stub_cpu * 1000 / count,
        "duplicates": sum(r[2] for r in reports),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--takers", type=int, help="intakes side by side (2 on PostgreSQL, 1 on SQLite)"
    )
    parser.add_argument("--pullers", type=int, default=1, help="puller processes at once")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine speed: {calibrate():.3f} ms CPU for the reference workload")
    for n in range(args.runs):
        load = os.getloadavg()[0]
        figures = run(args.db, args.messages, args.threads, args.takers, args.pullers)
        shown = ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
        )
        takers = args.takers or "default"
        print(
            f"run {n + 1} ({args.db}, {args.pullers} pullers, {args.threads} threads, "
            f"{takers} takers, load {load:.1f}→{os.getloadavg()[0]:.1f}): {shown}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
