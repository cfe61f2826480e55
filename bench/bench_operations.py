"""Pages of the operator routes stay flat as the store grows.

Fills a fresh database with N synthetic messages (rows written directly: the intake's
speed is ``bench_intake.py``'s subject), each with its outbox row (1 % dead-lettered),
over ten parties and four message types, received over a year; then times, through the
API as served (an operator's key), the first and a deep page of ``GET /v1/messages``
(unfiltered, by type, by party, by state) and of ``GET /v1/deadletters``. Each figure is
the median of ``--repeat`` requests. Run it for two sizes and compare: a page that used a
scan would grow with N.

    python bench/bench_operations.py --db postgres --sizes 10000 200000
    python bench/bench_operations.py --db sqlite --sizes 10000 200000

PostgreSQL: ``IJW_TEST_POSTGRES_URL`` (a fresh schema, dropped afterwards). Figures go to
docs/performance.md, section "Operator pages".
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import and_, create_engine, insert, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from ijw_gateway.api.app import create_app  # noqa: E402
from ijw_gateway.config import Settings  # noqa: E402
from ijw_gateway.gateway import Gateway, prepare  # noqa: E402
from ijw_gateway.parties import new_key  # noqa: E402
from ijw_gateway.store import Store  # noqa: E402
from ijw_gateway.store.operations import MessageFilter, page_query, party_sides  # noqa: E402
from ijw_gateway.store.tables import Message, Outbox  # noqa: E402

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PARTIES = ROOT / "examples" / "zhz" / "parties.toml"
GEMEENTEN = ["0505", "0512", "0482", "0590", "0642"]
AANBIEDERS = ["12345678", "98761001", "98761002", "98761003", "98761004"]
TYPES = ["JW301", "JW315", "JW323", "JW305"]
START = datetime(2026, 1, 1, tzinfo=UTC)
CHUNK = 5000


def _rows(count: int) -> Iterator[tuple[list[dict[str, object]], list[dict[str, object]]]]:
    """Messages and their outbox rows, a chunk at a time."""
    step = timedelta(days=365) / count
    for first in range(0, count, CHUNK):
        messages, outbox = [], []
        for n in range(first, min(first + CHUNK, count)):
            at = START + step * n
            message_id = uuid.uuid4().hex
            messages.append(_message(n, message_id, at))
            outbox.append(
                {
                    "message_id": message_id,
                    "receiver": AANBIEDERS[n % 5],
                    "state": "dead" if n % 100 == 7 else "delivered",
                    "attempts": 1,
                    "created_at": at,
                    "next_attempt_at": at,
                    "deadline_at": at + timedelta(hours=72),
                }
            )
        yield messages, outbox


def _message(n: int, message_id: str, at: datetime) -> dict[str, object]:
    raw = f"<bench n='{n}'/>".encode()
    return {
        "id": message_id,
        "received_at": at,
        "origin": "party",
        "poster": GEMEENTEN[n % 5],
        "type": TYPES[n % 4],
        "afzender": GEMEENTEN[n % 5],
        "ontvanger": AANBIEDERS[n % 5],
        "identificatie": f"B-{n}",
        "from_party": GEMEENTEN[n % 5],
        "to_party": AANBIEDERS[n % 5],
        "conversation_id": message_id,
        "accepted": True,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "size": len(raw),
        "raw": raw,
        "file": "",
        "trace_id": uuid.uuid4().hex,
    }


def _fill(store: Store, count: int) -> None:
    with store.engine.begin() as connection:
        for messages, outbox in _rows(count):
            connection.execute(insert(Message), messages)
            connection.execute(insert(Outbox), outbox)
        connection.execute(text("ANALYZE"))


@contextmanager
def _database(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    base = os.environ.get("IJW_TEST_POSTGRES_URL", DEFAULT_PG)
    schema = f"ijw_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    option = quote(f"-csearch_path={schema}", safe="")
    try:
        yield f"{base}{'&' if '?' in base else '?'}options={option}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _median_ms(client: TestClient, path: str, headers: dict[str, str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return statistics.median(times) * 1000


PAGES = {
    "messages, first page": "/v1/messages?limit=100",
    "messages by type": "/v1/messages?limit=100&message=JW323",
    "messages by party": "/v1/messages?limit=100&party=98761003",
    "messages by state (dead)": "/v1/messages?limit=100&state=dead",
    "messages, a month back": "/v1/messages?limit=100&to=2026-12-01",
    "dead letters, first page": "/v1/deadletters?limit=100",
    "dead letters by receiver": "/v1/deadletters?limit=100&receiver=98761003",
}


BLOCKS = {
    "messages, first page": MessageFilter(),
    "messages by type": MessageFilter(type="JW323"),
    "messages by party": MessageFilter(party="98761003"),
    "messages by state (dead)": MessageFilter(state="dead"),
    "messages, a month back": MessageFilter(until=datetime(2026, 12, 1, tzinfo=UTC)),
}
"""The message pages whose buffers PostgreSQL counts: a figure the machine's load does not
change (its timings do, on a shared machine)."""


def _blocks(store: Store, where: MessageFilter) -> int:
    """Shared buffers (hit or read) one page of ``where`` touched, over all its sides."""
    sides = party_sides(where.party) if where.party else [and_(True)]
    total = 0
    with store.engine.connect() as connection:
        for side in sides:
            compiled = page_query(where, None, 100, side).compile(dialect=connection.dialect)
            plan = connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {compiled.string}", compiled.params
            ).scalar_one()
            top = plan[0]["Plan"]
            total += int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])
    return total


def run(kind: str, count: int, repeat: int) -> dict[str, float]:
    with _database(kind) as url:
        settings = Settings(database_url=url, parties=PARTIES)
        store = Store.open(url)
        prepare(settings, store)
        started = time.perf_counter()
        _fill(store, count)
        print(f"# {kind}: {count:,} messages written in {time.perf_counter() - started:.0f} s")
        store.add_operator("bench")
        key, hashed = new_key("bench-1")
        store.add_operator_key("bench", hashed)
        headers = {"Authorization": f"Bearer {key}"}
        app = create_app(gateway=Gateway(settings, store), with_worker=False)
        with TestClient(app) as client:
            figures = {
                name: _median_ms(client, path, headers, repeat) for name, path in PAGES.items()
            }
        if store.postgres:
            for name, where in BLOCKS.items():
                figures[f"{name}: buffers"] = _blocks(store, where)
        store.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 200_000])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = {size: run(args.db, size, args.repeat) for size in args.sizes}
    header = "| page (100 rows) | " + " | ".join(f"{s:,} messages" for s in args.sizes) + " |"
    print(header)
    print("|" + " --- |" * (len(args.sizes) + 1))
    for name in PAGES:
        cells = " | ".join(f"{results[s][name]:.1f} ms" for s in args.sizes)
        print(f"| {name} | {cells} |")
    for name in BLOCKS if args.db == "postgres" else ():
        cells = " | ".join(f"{results[s][f'{name}: buffers']:.0f}" for s in args.sizes)
        print(f"| {name}: buffers touched | {cells} |")


if __name__ == "__main__":
    main()
