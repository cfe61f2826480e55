"""The monitoring page's charts, summed from the reports the API gives (``reporting``).

Each chart adds up one report's rows per month or per provider; the rows themselves are
the API's (``GET /v1/reports/{name}``), so the page and the API never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ijw_gateway.console.charts import Chart
from ijw_gateway.monitoring.reports import Table

Words = Callable[[str], str]
CHARTS = ("volume", "trajectories", "chain", "providers")
FLOWS_SHOWN = ("requested", "allocated", "started", "stopped")


def _summed(
    rows: Iterable[Mapping[str, Any]], by: str, fields: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[float, ...]], ...]]:
    sums: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(fields, 0.0))
    for row in rows:
        for field in fields:
            sums[str(row[by])][field] += float(row.get(field) or 0)
    keys = tuple(sorted(sums))
    return keys, tuple((f, tuple(sums[k][f] for k in keys)) for f in fields)


def volume(table: Table, t: Words) -> Chart:
    """Allocated and declared amounts (euros) per month, from the contracts report."""
    months, series = _summed(table.rows, "month", ("allocated_budget_cents", "declared_cents"))
    euros = tuple((f"{t(name)} (€)", tuple(v / 100 for v in vs)) for name, vs in series)
    return Chart("volume", t("chart_volume"), months, euros)


def trajectories(table: Table, t: Words) -> Chart:
    months, series = _summed(table.rows, "month", FLOWS_SHOWN)
    named = tuple((t(name), values) for name, values in series)
    return Chart("trajectories", t("chart_trajectories"), months, named)


def chain(table: Table, t: Words) -> Chart:
    """The average response time in working days per month, one series per measure."""
    totals: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in table.rows:
        total = totals[(str(row["measure"]), str(row["month"]))]
        total[0] += float(row["average_workdays"]) * int(row["count"])
        total[1] += int(row["count"])
    measures = sorted({m for m, _ in totals})
    months = tuple(sorted({month for _, month in totals}))
    series = tuple((m, tuple(_mean(totals.get((m, month))) for month in months)) for m in measures)
    return Chart("chain", t("chart_chain"), months, series)


def _mean(total: list[float] | None) -> float:
    return round(total[0] / total[1], 2) if total and total[1] else 0.0


def providers(table: Table, t: Words) -> Chart:
    """Each provider's declared amount and clients over the period, side by side."""
    agbs, series = _summed(table.rows, "agb", ("declared_cents", "clients"))
    declared, clients = series
    euros = (f"{t('declared_cents')} (€)", tuple(v / 100 for v in declared[1]))
    return Chart("providers", t("chart_providers"), agbs, (euros, (t("clients"), clients[1])))


REPORT_OF = {
    "volume": "contracts",
    "trajectories": "trajectories",
    "chain": "chain",
    "providers": "contracts",
}
DRAW: dict[str, Callable[[Table, Words], Chart]] = {
    "volume": volume,
    "trajectories": trajectories,
    "chain": chain,
    "providers": providers,
}
FIRST_COLUMN = {"volume": "month", "trajectories": "month", "chain": "month", "providers": "agb"}
