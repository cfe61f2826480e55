"""VECOZO pull throughput: list -> payload (SHA-256) -> validate, store and queue ->
acknowledge, against a loopback VECOZO stub over mutual TLS.

The stub (``tests/support/vecozo_stub.py``, not judging against the specs here) runs in a
process of its own, holding ``--messages`` distinct JW315s of a provider to Dordrecht (each for
another client); the gateway's ``Puller`` drains it into a fresh database (a SQLite file,
or a fresh schema on PostgreSQL) exactly as ``ijw-gateway vecozo pull`` does, in a
process of its own (``--pullers 2``: two at once) with its intake processes
(``--processes``, ``IJW_VECOZO_PULL_PROCESSES``: 3 by default, 0 for none; PostgreSQL only),
and every message is checked stored once and acknowledged afterwards. The intake processes
run before the clock starts, as in a ``vecozo worker`` that has pulled before; with
``--cold`` the pull starts them itself, as a first ``ijw-gateway vecozo pull`` does (the
first listing is then taken in by the puller while they start). Each stored request gets
its JW316 composed and queued back to the provider (channel ``vecozo``), as in production.

    python bench/bench_vecozo_pull.py --db postgres --messages 2000
    python bench/bench_vecozo_pull.py --db sqlite --messages 1000 --threads 4
    python bench/bench_vecozo_pull.py --db postgres --takers 1   # one intake at a time
    python bench/bench_vecozo_pull.py --db postgres --pullers 2  # two puller processes
    python bench/bench_vecozo_pull.py --db postgres --processes 0  # intake in the puller
    python bench/bench_vecozo_pull.py --db postgres --cold  # intake processes started by it

Reports messages per second; the CPU seconds per message of the pullers (together, with
their intake processes; and of the intake processes alone), of the stub and of PostgreSQL
(its server processes on this machine); the messages a puller found stored by the other;
the load average before and after each run; and the machine speed
(``bench_intake.calibrate``). Figures go to docs/performance.md, section "VECOZO pull"."""

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


def _settings(url: str, port: int, tmp: str, processes: int) -> Settings:
    from ijw_gateway.config import Settings

    return Settings(
        database_url=url,
        vecozo_pull_processes=processes,
        parties=ROOT / "examples" / "zhz" / "parties.toml",
        vecozo_url=f"https://127.0.0.1:{port}/berichtenservice",
        vecozo_cert=Path(f"{tmp}/client.pem"),
        vecozo_ca=Path(f"{tmp}/ca.pem"),
    )


def _puller(
    settings: Settings, threads: int, takers: int | None, cold: bool, pipe: Connection
) -> None:
    """One puller process (as ``ijw-gateway vecozo pull``): ready, then drain on "go";
    reports its own CPU seconds and what it did."""
    from ijw_gateway.gateway import Gateway
    from ijw_gateway.store import Store
    from ijw_gateway.vecozo.pull import Puller

    store = Store.open(settings.database_url)
    gateway = Gateway(settings, store)
    base = gateway.puller()
    puller = Puller(
        base.client,
        gateway.arrivals,
        store,
        threads=threads,
        takers=takers,
        processes=base.processes,
        processes_from=base.processes_from if cold else 1,
    )
    if puller.processes is not None and not cold:  # started (a second or two) before "ready"
        puller.processes.start()
    pipe.send("ready")
    pipe.recv()
    cpu, children = time.process_time(), _children_cpu()
    done = puller.drain()
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    puller.close()
    pipe.send((cpu + children, children, done.stored, done.duplicates, done.failed))
    store.dispose()


def _cpu_seconds(proc: Path, ended_children: bool = False) -> float:
    """A process's CPU seconds so far (from ``/proc/<pid>/stat``: utime and stime, and
    with ``ended_children`` cutime and cstime too); 0 when it has ended meanwhile."""
    try:
        fields = (proc / "stat").read_text(encoding="ascii").rpartition(")")[2].split()
    except OSError:  # ended meanwhile, or not ours to read
        return 0.0
    used = fields[11:15] if ended_children else fields[11:13]
    return sum(int(f) for f in used) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    """CPU seconds of this process's running children (the intake processes) so far."""
    return sum(_cpu_seconds(Path(f"/proc/{c.pid}")) for c in multiprocessing.active_children())


def _postgres_cpu() -> float:
    """CPU seconds of this machine's PostgreSQL processes so far, with the connections'
    processes that ended (the server's children); 0 when it runs elsewhere."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if (proc / "comm").read_text(encoding="ascii").strip() != "postgres":
                continue
        except OSError:  # ended meanwhile, or not ours to read
            continue
        total += _cpu_seconds(proc, ended_children=True)
    return total


def _pull(
    settings: Settings, pullers: int, threads: int, takers: int | None, cold: bool
) -> tuple[float, float, list[tuple[float, float, int, int, int]]]:
    """Wall seconds from "go" until every puller drained, PostgreSQL's CPU seconds
    meanwhile, and each puller's report."""
    pipes, procs = [], []
    for _ in range(pullers):
        ours, theirs = multiprocessing.Pipe()
        proc = multiprocessing.Process(
            target=_puller, args=(settings, threads, takers, cold, theirs)
        )
        proc.start()
        pipes.append(ours)
        procs.append(proc)
    try:
        for pipe in pipes:
            if not pipe.poll(120) or pipe.recv() != "ready":
                raise SystemExit("a puller did not start")
        started, database = time.perf_counter(), _postgres_cpu()
        for pipe in pipes:
            pipe.send("go")
        reports = [pipe.recv() for pipe in pipes]
        return time.perf_counter() - started, _postgres_cpu() - database, reports
    finally:
        for proc in procs:
            proc.join(timeout=60)


def run(
    kind: str,
    count: int,
    threads: int,
    takers: int | None,
    pullers: int = 1,
    processes: int = 0,
    cold: bool = False,
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
            settings = _settings(url, ours.recv(), tmp, processes)
            store = Store.open(url)
            prepare(settings, store)
            store.set_channel("12345678", "vecozo", None)
            store.dispose()
            seconds, database, reports = _pull(settings, pullers, threads, takers, cold)
            ours.send("stop")
            stub_cpu, acked, left = ours.recv()
        finally:
            stub.join(timeout=30)
            _drop(schema)
    stored = sum(r[2] for r in reports)
    assert acked == count and left == 0 and stored == count, (reports, acked, left)
    return {
        "messages": count,
        "msg_per_s": count / seconds,
        "puller_cpu_ms_per_msg": sum(r[0] for r in reports) * 1000 / count,
        "intake_processes_cpu_ms_per_msg": sum(r[1] for r in reports) * 1000 / count,
        "stub_cpu_ms_per_msg": stub_cpu * 1000 / count,
        "postgres_cpu_ms_per_msg": database * 1000 / count,
        "duplicates": sum(r[3] for r in reports),
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
    parser.add_argument(
        "--processes", type=int, default=3, help="intake processes of each puller (PostgreSQL)"
    )
    parser.add_argument(
        "--cold", action="store_true", help="the intake processes started by the pull itself"
    )
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"machine speed: {calibrate():.3f} ms CPU for the reference workload")
    for n in range(args.runs):
        load = os.getloadavg()[0]
        figures = run(
            args.db,
            args.messages,
            args.threads,
            args.takers,
            args.pullers,
            args.processes,
            args.cold,
        )
        shown = ", ".join(
            f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()
        )
        takers = args.takers or "default"
        processes = args.processes if args.db == "postgres" else 0  # SQLite has none
        print(
            f"run {n + 1} ({args.db}, {args.pullers} pullers, {processes} processes"
            f"{' (cold)' if args.cold else ''}, "
            f"{args.threads} threads, {takers} takers, load {load:.1f}→{os.getloadavg()[0]:.1f}): {shown}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
