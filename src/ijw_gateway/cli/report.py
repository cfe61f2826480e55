"""``ijw-gateway report no-extra-data``: refusals per municipality and period.

Reads the refusal log (``--log``, ``IJW_REFUSAL_LOG`` or ``ijw-refusals.jsonl``) and
summarises what was refused under Regeling Jeugdwet art. 6c.1: messages that carried
content outside the standard, and contract terms that demanded it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.errors import ConfigurationError, UsageError

if TYPE_CHECKING:
    from ijw_gateway.config import Settings
    from ijw_gateway.contracts import Refusal
    from ijw_gateway.contracts.refusals import SummaryRow

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.group()
def report() -> None:
    """Reports for the region."""


@report.command("no-extra-data")
@click.option("--log", type=click.Path(path_type=Path, dir_okay=False), help="Refusal log.")
@click.option(
    "--database",
    metavar="URL",
    help="Read the refusals the gateway service recorded in its database instead "
    "(e.g. sqlite:///ijw-gateway.db, or $IJW_DATABASE_URL).",
)
@click.option("--from", "start", type=_DAY, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=_DAY, help="Last day (YYYY-MM-DD).")
@click.option("--details", is_flag=True, help="List every refusal after the summary.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of a table.")
def no_extra_data(
    log: Path | None,
    database: str | None,
    start: datetime | None,
    end: datetime | None,
    details: bool,
    as_json: bool,
) -> int:
    """Summarise no-extra-data refusals per municipality and month."""
    if log is not None and not log.exists():
        raise UsageError(f"refusal log {log} does not exist")
    if log is not None and database is not None:
        raise UsageError("give either --log or --database, not both")
    from ijw_gateway.contracts import summarise
    from ijw_gateway.refusallog import DEFAULT_REFUSAL_LOG, JsonlRefusalLog

    settings = current_settings()
    path = log or settings.refusal_log or DEFAULT_REFUSAL_LOG
    first, last = (start.date() if start else None), (end.date() if end else None)
    if database is not None:
        refusals = _stored_refusals(database, first, last)
        source = database.split("://", 1)[0] + "://…"  # never print credentials
    else:
        refusals = JsonlRefusalLog(path).refusals(first, last)
        source = str(path)
    rows = summarise(refusals)
    names = _municipality_names(settings)
    if as_json:
        click.echo(json.dumps(_as_json(source, first, last, rows, names, refusals, details)))
    else:
        click.echo(_table(source, first, last, rows, names))
        if details:
            click.echo("\n".join(_detail(r) for r in refusals))
    return 0


def _stored_refusals(url: str, first: date | None, last: date | None) -> list[Refusal]:
    """The refusals in the gateway database's ``refusal`` table."""
    from ijw_gateway.store import Store
    from ijw_gateway.store.refusals import StoreRefusalLog

    store = Store.open(url)
    try:
        return list(StoreRefusalLog(store.session).refusals(first, last))
    finally:
        store.dispose()


def _municipality_names(settings: Settings) -> Mapping[str, str]:
    """Names from the configured contracts; codes alone when they cannot be loaded."""
    from ijw_gateway.runtime import contract_book

    try:
        return contract_book(settings).region.municipalities
    except ConfigurationError:
        return {}


def _span(first: date | None, last: date | None) -> str:
    return f"{first.isoformat() if first else 'start'} to {last.isoformat() if last else 'now'}"


def _table(
    source: str,
    first: date | None,
    last: date | None,
    rows: list[SummaryRow],
    names: Mapping[str, str],
) -> str:
    from ijw_gateway.contracts.refusals import RULE_CITATION

    lines = [
        f"No-extra-data refusals ({RULE_CITATION}) in {source}, {_span(first, last)}",
        f"{'municipality':<32} {'period':<8} {'messages':>8} {'contract terms':>14} {'total':>6}",
    ]
    for row in rows:
        who = f"{row.municipality} {names.get(row.municipality, '')}".strip()
        lines.append(
            f"{who:<32} {row.period:<8} {row.messages:>8} {row.contract_terms:>14} {row.total:>6}"
        )
    messages = sum(r.messages for r in rows)
    terms = sum(r.contract_terms for r in rows)
    lines.append(f"{'total':<41} {messages:>8} {terms:>14} {messages + terms:>6}")
    return "\n".join(lines)


def _detail(refusal: Refusal) -> str:
    day = refusal.on.isoformat() if refusal.on else "-"
    return (
        f"{day} {refusal.municipality or '-'} {refusal.provider or '-'} {refusal.subject}: "
        f"{refusal.what} [{refusal.rule}]"
    )


def _as_json(
    source: str,
    first: date | None,
    last: date | None,
    rows: list[SummaryRow],
    names: Mapping[str, str],
    refusals: list[Refusal],
    details: bool,
) -> dict[str, object]:
    out: dict[str, object] = {
        "log": source,
        "from": first.isoformat() if first else None,
        "to": last.isoformat() if last else None,
        "rows": [
            {
                "municipality": row.municipality,
                "name": names.get(row.municipality),
                "period": row.period,
                "messages": row.messages,
                "contract_terms": row.contract_terms,
                "total": row.total,
            }
            for row in rows
        ],
        "total": sum(row.total for row in rows),
    }
    if details:
        out["refusals"] = [r.to_json() for r in refusals]
    return out
