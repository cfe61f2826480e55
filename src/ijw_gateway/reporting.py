"""The monitoring reports and the export, from the store: what the API and the CLI call.

An edge, like ``gateway``: it reads the materialised rows (``store.monitoring_reads``),
classifies products by the configured contracts (segment, financing variant) and lets
the pure ``monitoring.reports`` compute the figures. Who sees what is the ``Viewer``'s
scope, applied in every query.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from ijw_gateway.contracts import ContractBook
from ijw_gateway.contracts.book import Want
from ijw_gateway.errors import ConfigurationError, UsageError
from ijw_gateway.monitoring import reports
from ijw_gateway.monitoring.access import Viewer
from ijw_gateway.monitoring.pseudonym import pseudonym
from ijw_gateway.monitoring.reports import Filters, Table
from ijw_gateway.monitoring.volumes import month_of, next_month
from ijw_gateway.monitoring.workdays import AMSTERDAM, local_day
from ijw_gateway.store import Store
from ijw_gateway.store import monitoring_reads as reads

REPORTS = ("trajectories", "chain", "contracts", "deadlines")
UNKNOWN = "-"  # no contract line names the product


class ExportKeyMissing(ConfigurationError):
    """The export pseudonymises with a key from configuration; there is none."""

    http_status = 503
    code = "export_key_missing"


def filters(
    start: date | None,
    end: date | None,
    today: date,
    **narrowed: str | None,
) -> Filters:
    """The months from ``start`` to ``end`` (default: the last twelve months up to today)."""
    last = month_of(end or today)
    first = month_of(start) if start else month_of(last - timedelta(days=330))
    if first > last:
        raise UsageError(f"--from {first} lies after --to {last}: no month is in between")
    return Filters(first, last, **narrowed)


def classifier(book: ContractBook | None) -> reports.Classify:
    """(gemeente, agb, categorie, code, month) -> (segment, variant) from the contracts."""
    found: dict[tuple[Any, ...], tuple[str, str]] = {}

    def classify(
        gemeente: str, agb: str, categorie: str, code: str, month: date
    ) -> tuple[str, str]:
        key = (gemeente, agb, categorie, code, month)
        if key not in found:
            found[key] = _classify(book, key)
        return found[key]

    return classify


def _classify(book: ContractBook | None, key: tuple[Any, ...]) -> tuple[str, str]:
    gemeente, agb, categorie, code, month = key
    if book is None:
        return UNKNOWN, UNKNOWN
    match = book.match(Want(agb, gemeente, categorie or None, code or None, month))
    if not match.found:
        return UNKNOWN, UNKNOWN
    line = match.lines[0]
    return line.segment.id, str(line.variant)


def report(
    store: Store, viewer: Viewer, name: str, wanted: Filters, book: ContractBook | None
) -> Table:
    with store.reading() as connection:
        if name == "chain":
            return reports.chain(reads.chain_rows(connection, viewer, wanted))
        if name == "trajectories":
            return reports.trajectories(reads.period_rows(connection, viewer, wanted))
        if name == "deadlines":
            today = local_day(store.clock())
            return reports.deadlines(reads.deadline_summary(connection, viewer, today))
        rows = reads.period_rows(connection, viewer, wanted)
        rates = reads.contract_rates(connection, viewer, wanted)
        clients = reads.client_counts(connection, viewer, wanted)
    return reports.contracts(rows, rates, clients, classifier(book), wanted, viewer.operator)


EXPORT_COLUMNS = (
    "message_id",
    "type",
    "role",
    "received_at",
    "sender",
    "receiver",
    "trajectory_id",
    "state",
    "gemeente",
    "agb",
    "client",
    "allocation",
    "categorie",
    "code",
    "requested_at",
    "allocated_at",
    "started_on",
    "stopped_on",
)


def export(
    store: Store, viewer: Viewer, wanted: Filters, key: str | None
) -> Iterator[dict[str, Any]]:
    """The chain monitors' shape: one record per message of a trajectory, with its
    trajectory's id, state and times; BSN and allocation number as keyed pseudonyms."""
    if not key:
        raise ExportKeyMissing(
            "The export pseudonymises BSNs and allocation numbers with a key from "
            "configuration; set IJW_EXPORT_KEY."
        )
    return _records(store, viewer, wanted, key)


def _records(store: Store, viewer: Viewer, wanted: Filters, key: str) -> Iterator[dict[str, Any]]:
    start = datetime.combine(wanted.first, time(), AMSTERDAM)
    end = datetime.combine(next_month(wanted.last), time(), AMSTERDAM)
    with store.reading() as connection:
        for row in reads.export_rows(connection, viewer, start, end):
            yield _record(row, key)


def _iso(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat() if isinstance(value, date) else str(value)


def _record(row: dict[str, Any], key: str) -> dict[str, Any]:
    nummer = row["nummer"]
    allocation = pseudonym(key, "toewijzing", f"{row['gemeente']}:{nummer}") if nummer else None
    return {
        "message_id": row["message_id"],
        "type": row["type"],
        "role": row["role"],
        "received_at": _iso(_utc(row["at"])),
        "sender": row["from_party"],
        "receiver": row["to_party"],
        "trajectory_id": row["trajectory_id"],
        "state": row["state"],
        "gemeente": row["gemeente"],
        "agb": row["agb"],
        "client": pseudonym(key, "bsn", row["bsn"]),
        "allocation": allocation,
        "categorie": row["categorie"],
        "code": row["code"],
        "requested_at": _iso(_utc(row["requested_at"])),
        "allocated_at": _iso(_utc(row["allocated_at"])),
        "started_on": _iso(row["started_on"]),
        "stopped_on": _iso(row["stopped_on"]),
    }


def _utc(moment: datetime | None) -> datetime | None:
    from datetime import UTC

    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
