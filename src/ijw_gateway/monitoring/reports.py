"""The reports' figures, from the monthly rows the store keeps (docs/monitoring.md).

Each report is a ``Table``: named columns and rows of plain values, the same for the
command line (table, CSV, JSON) and the API. Segment and financing variant come from the
contract book (the product's contract line in that month), so a contract change needs no
rewrite of stored figures. Amounts are in euro cents, as in the messages.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ijw_gateway.monitoring.volumes import allocated

Row = dict[str, Any]
Classify = Callable[[str, str, str, str, date], tuple[str, str]]
"""(gemeente, agb, categorie, code, month) -> (segment, financing variant)."""
PEERS_SHOWN = 3  # a party sees peer figures only when at least this many providers make them


@dataclass(frozen=True)
class Filters:
    first: date  # first month (day 1)
    last: date  # last month (day 1)
    gemeente: str | None = None
    agb: str | None = None
    categorie: str | None = None
    code: str | None = None
    segment: str | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: list[Row]

    def to_json(self, filters: Filters) -> dict[str, Any]:
        return {
            "report": self.name,
            "from": filters.first.isoformat(),
            "to": filters.last.isoformat(),
            "columns": list(self.columns),
            "rows": self.rows,
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, self.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue()

    def to_text(self) -> str:
        """An aligned table for people."""
        cells = [list(self.columns)] + [[_cell(r[c]) for c in self.columns] for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        return "\n".join(
            "  ".join(
                v.rjust(w) if i else v.ljust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in cells
        )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def render(table: Table, filters: Filters, form: str) -> str:
    if form == "csv":
        return table.to_csv()
    if form == "json":
        return json.dumps(table.to_json(filters))
    return table.to_text()


def _ratio(part: float, whole: float, digits: int = 2) -> float | None:
    return round(part / whole, digits) if whole else None


# -- chain -----------------------------------------------------------------------------

CHAIN_COLUMNS = (
    "month",
    "gemeente",
    "agb",
    "measure",
    "count",
    "average_days",
    "average_workdays",
    "on_time_share",
    "max_days",
)


def chain(rows: Iterable[Mapping[str, Any]]) -> Table:
    """Response, lead, report and waiting times per month, municipality, provider."""
    out = []
    for r in rows:
        out.append(
            {
                "month": r["month"].isoformat()[:7],
                "gemeente": r["gemeente"],
                "agb": r["agb"],
                "measure": r["measure"],
                "count": r["count"],
                "average_days": round(r["days"] / r["count"], 2),
                "average_workdays": round(r["workdays"] / r["count"], 2),
                "on_time_share": _ratio(r["on_time"], r["normed"], 3),
                "max_days": round(r["max_days"], 2),
            }
        )
    return Table("chain", CHAIN_COLUMNS, sorted(out, key=lambda x: tuple(x.values())[:4]))


# -- trajectories -----------------------------------------------------------------------

FLOWS = ("requested", "rejected", "allocated", "withdrawn", "started", "stopped")
TRAJECTORY_COLUMNS = (
    "month",
    "gemeente",
    "agb",
    "categorie",
    "code",
    *FLOWS,
    "ended",
    "average_duration_days",
)


def trajectories(rows: Iterable[Mapping[str, Any]]) -> Table:
    """How many trajectories were requested, rejected, allocated, ... in each month."""
    out = []
    for r in rows:
        values = {f: round(r[f]) for f in FLOWS}
        if not any(values.values()) and not r["ended"]:
            continue
        out.append(
            {
                "month": r["month"].isoformat()[:7],
                "gemeente": r["gemeente"],
                "agb": r["agb"],
                "categorie": r["categorie"],
                "code": r["code"],
                **values,
                "ended": round(r["ended"]),
                "average_duration_days": _ratio(r["ended_days"], r["ended"], 1),
            }
        )
    return Table("trajectories", TRAJECTORY_COLUMNS, out)


# -- contracts ----------------------------------------------------------------------------

CONTRACT_COLUMNS = (
    "month",
    "gemeente",
    "segment",
    "variant",
    "agb",
    "categorie",
    "code",
    "allocated_volume",
    "allocated_budget_cents",
    "declared_volume",
    "declared_cents",
    "granted_volume",
    "granted_cents",
    "clients",
    "ended",
    "average_duration_days",
    "cents_per_client",
    "peer_cents_per_client",
    "average_duration_vs_peers",
    "peers",
)
_KEY = ("gemeente", "agb", "categorie", "code")


def contracts(
    rows: Sequence[Mapping[str, Any]],
    rates: Mapping[tuple[str, ...], tuple[float, float, float]],
    clients: Mapping[tuple[Any, ...], int],
    classify: Classify,
    filters: Filters,
    peers_for_all: bool,
) -> Table:
    """Contract insight per month and product (see docs/monitoring.md, "Contracts").

    ``rates``: per product, the day rate, month rate and budget day rate summed over the
    months before ``filters.first``; ``rows`` hold the months of the period, in month
    order. ``peers_for_all``: an operator sees peer figures however few providers make
    them; a party only when at least ``PEERS_SHOWN`` do."""
    running = {k: list(v) for k, v in rates.items()}
    out: list[Row] = []
    for r in rows:
        key = tuple(r[k] for k in _KEY)
        acc = running.setdefault(key, [0.0, 0.0, 0.0])
        acc[0] += r["alloc_day"]
        acc[1] += r["alloc_month"]
        acc[2] += r["budget_day"]
        segment, variant = classify(r["gemeente"], r["agb"], r["categorie"], r["code"], r["month"])
        if filters.segment is not None and segment != filters.segment:
            continue
        volume = allocated(r["alloc_fixed"], acc[0], acc[1], r["month"])
        budget = allocated(r["budget_fixed"], acc[2], 0.0, r["month"])
        n = clients.get((r["month"], *key), 0)
        row = _contract_row(r, segment, variant, volume, budget, n)
        if any(row[c] for c in CONTRACT_COLUMNS[7:15]):
            out.append(row)
    _compare(out, peers_for_all)
    return Table("contracts", CONTRACT_COLUMNS, out)


def _contract_row(
    r: Mapping[str, Any], segment: str, variant: str, volume: float, budget: float, n: int
) -> Row:
    return {
        "month": r["month"].isoformat()[:7],
        "gemeente": r["gemeente"],
        "segment": segment,
        "variant": variant,
        "agb": r["agb"],
        "categorie": r["categorie"],
        "code": r["code"],
        "allocated_volume": round(volume, 2),
        "allocated_budget_cents": round(budget),
        "declared_volume": round(r["declared_volume"], 2),
        "declared_cents": round(r["declared_amount"]),
        "granted_volume": round(r["granted_volume"], 2),
        "granted_cents": round(r["granted_amount"]),
        "clients": n,
        "ended": round(r["ended"]),
        "average_duration_days": _ratio(r["ended_days"], r["ended"], 1),
        "cents_per_client": round(r["granted_amount"] / n) if n else None,
        "peer_cents_per_client": None,
        "average_duration_vs_peers": None,
        "peers": 0,
    }


def _compare(rows: list[Row], peers_for_all: bool) -> None:
    """Each provider against the others on the same product, municipality and month: the
    others' granted cents per client, and this provider's average duration over theirs."""
    by_product: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for row in rows:
        by_product[(row["month"], row["gemeente"], row["categorie"], row["code"])].append(row)
    for group in by_product.values():
        for row in group:
            others = [o for o in group if o["agb"] != row["agb"]]
            row["peers"] = len(others)
            if not others or (not peers_for_all and len(others) < PEERS_SHOWN):
                continue
            cents = sum(o["granted_cents"] for o in others)
            people = sum(o["clients"] for o in others)
            row["peer_cents_per_client"] = round(cents / people) if people else None
            ended = sum(o["ended"] for o in others)
            days = sum((o["average_duration_days"] or 0) * o["ended"] for o in others)
            mine = row["average_duration_days"]
            if ended and days and mine is not None:
                row["average_duration_vs_peers"] = round(mine / (days / ended), 2)


# -- deadlines -------------------------------------------------------------------------------

DEADLINE_COLUMNS = ("party", "type", "open", "overdue", "oldest_due")


def deadlines(rows: Iterable[Mapping[str, Any]]) -> Table:
    """Open and overdue answers per owing party and message type."""
    out = [
        {
            "party": r["owed_by"],
            "type": r["owed_type"],
            "open": r["open"],
            "overdue": r["overdue"],
            "oldest_due": r["oldest_due"].isoformat() if r["oldest_due"] else None,
        }
        for r in rows
    ]
    return Table("deadlines", DEADLINE_COLUMNS, sorted(out, key=lambda x: (x["party"], x["type"])))
