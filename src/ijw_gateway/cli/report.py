"""``ijw-gateway report no-extra-data``: refusals per municipality and period.

Reads the refusals the service stored in its database (``--database``, or
``IJW_DATABASE_URL`` when it is set) or a refusal log (``--log``, else ``IJW_REFUSAL_LOG``
or ``ijw-refusals.jsonl``) and summarises what was refused under the no-extra-data rule
(Jeugdwet art. 2.15 lid 2 with Regeling Jeugdwet art. 6c.1): messages that carried content
outside the standard, and contract terms that demanded it. The detail checks the
configured contracts announce are listed after it as lawful (Regeling Jeugdwet §6b): they
are never refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import nullcontext
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.errors import ConfigurationError, UsageError

if TYPE_CHECKING:
    from ijw_gateway.contracts import ContractBook, LawfulClause, Refusal
    from ijw_gateway.contracts.refusals import SummaryRow
    from ijw_gateway.monitoring.reports import Filters

_DAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.group()
def report() -> None:
    """Reports for the region."""


@report.command("no-extra-data")
@click.option("--log", type=click.Path(path_type=Path, dir_okay=False), help="Refusal log.")
@click.option(
    "--database",
    metavar="URL",
    envvar="IJW_DATABASE_URL",
    help="Read the refusals the gateway service recorded in its database instead "
    "(e.g. sqlite:///ijw-gateway.db; default $IJW_DATABASE_URL when set, unless --log).",
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
    first, last = (start.date() if start else None), (end.date() if end else None)
    if first is not None and last is not None and first > last:
        raise UsageError(f"--from {first} lies after --to {last}: no day is in between")
    refusals, source = _refusals(log, _database(log, database), first, last)
    from ijw_gateway.contracts import lawful_clauses, summarise

    rows = summarise(refusals)
    book = _configured_book()
    names = book.region.municipalities if book else {}
    lawful = lawful_clauses(book) if book else []
    if as_json:
        out = _as_json(source, first, last, rows, names, refusals, details)
        out["lawful"] = [clause.to_json() for clause in lawful]
        click.echo(json.dumps(out))
        return 0
    click.echo(_table(source, first, last, rows, names))
    if details:
        click.echo("\n".join(_detail(r) for r in refusals))
    if lawful:
        click.echo(_lawful(lawful))
    return 0


def _database(log: Path | None, database: str | None) -> str | None:
    """The database to read: ``--database``, or ``IJW_DATABASE_URL`` unless ``--log``."""
    if database is None:
        return None
    given = click.get_current_context().get_parameter_source("database")
    if log is not None and given is ParameterSource.ENVIRONMENT:
        return None  # the log asked for on the command line wins over the environment
    if log is not None:
        raise UsageError("give either --log or --database, not both")
    return database


def _refusals(
    log: Path | None, database: str | None, first: date | None, last: date | None
) -> tuple[list[Refusal], str]:
    """The refusals in the period and where they were read (no credentials shown)."""
    if database is not None:
        return _stored_refusals(database, first, last), database.split("://", 1)[0] + "://…"
    if log is not None and not log.exists():
        raise UsageError(f"refusal log {log} does not exist")
    from ijw_gateway.refusallog import DEFAULT_REFUSAL_LOG, JsonlRefusalLog

    path = log or current_settings().refusal_log or DEFAULT_REFUSAL_LOG
    return JsonlRefusalLog(path).refusals(first, last), str(path)


def _stored_refusals(url: str, first: date | None, last: date | None) -> list[Refusal]:
    """The refusals in the gateway database's ``refusal`` table."""
    from ijw_gateway.store import Store
    from ijw_gateway.store.refusals import StoreRefusalLog

    store = Store.open(url)
    try:
        return list(StoreRefusalLog(store.session).refusals(first, last))
    finally:
        store.dispose()


def _configured_book() -> ContractBook | None:
    """The configured contracts, for names and lawful clauses; None when they cannot be
    loaded (then codes alone). A report only reads: a refused configuration is not
    recorded again."""
    from ijw_gateway.runtime import contract_book

    try:
        return contract_book(current_settings(), record=False)
    except ConfigurationError:
        return None


def _lawful(clauses: list[LawfulClause]) -> str:
    from ijw_gateway.contracts.refusals import DETAIL_CHECK_BASIS

    lines = [f"Lawful, not refused ({DETAIL_CHECK_BASIS}): detail checks the contracts announce"]
    for clause in clauses:
        provider = f"provider {clause.provider}; " if clause.provider else ""
        where = f"{provider}{', '.join(clause.municipalities)}"
        lines.append(f"  {clause.subject} ({where}): {clause.what}")
    return "\n".join(lines)


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


# -- monitoring (docs/monitoring.md) ----------------------------------------------------

_FORMAT = click.Choice(["table", "csv", "json"])


def _monitoring_options(command: click.decorators.FC) -> click.decorators.FC:
    """The options every monitoring report takes."""
    for option in reversed(
        [
            click.option("--from", "start", type=_DAY, help="First month (any day of it)."),
            click.option("--to", "end", type=_DAY, help="Last month (default: this one)."),
            click.option("--municipality", help="Only this gemeentecode."),
            click.option("--provider", help="Only this AGB code."),
            click.option("--categorie", help="Only this product category."),
            click.option("--code", help="Only this product code."),
            click.option("--segment", help="Only this segment (contracts)."),
            click.option("--format", "form", type=_FORMAT, default="table", show_default=True),
        ]
    ):
        command = option(command)
    return command


def _monitored(name: str, **given: object) -> int:
    """Print the report ``name`` from the gateway's database (``IJW_DATABASE_URL``)."""
    from ijw_gateway import reporting
    from ijw_gateway.monitoring.access import EVERYONE
    from ijw_gateway.monitoring.reports import render
    from ijw_gateway.monitoring.workdays import local_day
    from ijw_gateway.runtime import contract_book
    from ijw_gateway.store import Store

    settings = current_settings()
    store = Store.open_existing(settings.database_url)
    try:
        wanted = _wanted(given, local_day(store.clock()))
        book = contract_book(settings, record=False) if name == "contracts" else None
        table = reporting.report(store, EVERYONE, name, wanted, book)
    finally:
        store.dispose()
    click.echo(render(table, wanted, str(given["form"])).rstrip("\n"))
    return 0


def _wanted(given: Mapping[str, object], today: date) -> Filters:
    from ijw_gateway import reporting

    start, end = given.get("start"), given.get("end")
    return reporting.filters(
        start.date() if isinstance(start, datetime) else None,
        end.date() if isinstance(end, datetime) else None,
        today,
        gemeente=_text(given.get("municipality")),
        agb=_text(given.get("provider")),
        categorie=_text(given.get("categorie")),
        code=_text(given.get("code")),
        segment=_text(given.get("segment")),
    )


def _text(value: object) -> str | None:
    return str(value) if value else None


@report.command("trajectories")
@_monitoring_options
def trajectories_report(**given: object) -> int:
    """Trajectories requested, rejected, allocated, withdrawn, started, stopped per month."""
    return _monitored("trajectories", **given)


@report.command("chain")
@_monitoring_options
def chain_report(**given: object) -> int:
    """Response, lead, report and waiting times per municipality, provider and month."""
    return _monitored("chain", **given)


@report.command("contracts")
@_monitoring_options
def contracts_report(**given: object) -> int:
    """Allocated, declared and granted volume and amount, clients and durations per
    municipality, segment, financing variant, provider, product and month."""
    return _monitored("contracts", **given)


@report.command("deadlines")
@click.option("--format", "form", type=_FORMAT, default="table", show_default=True)
def deadlines_report(form: str) -> int:
    """Open and overdue answers per owing party and message type (now)."""
    return _monitored("deadlines", form=form)


@report.command("export")
@click.option("--from", "start", type=_DAY, help="First month (any day of it).")
@click.option("--to", "end", type=_DAY, help="Last month (default: this one).")
@click.option("--format", "form", type=click.Choice(["csv", "jsonl"]), default="csv")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), help="Default: stdout.")
def export_report(
    start: datetime | None, end: datetime | None, form: str, output: Path | None
) -> int:
    """The chain monitors' shape: one record per message of a trajectory, BSN and allocation
    number pseudonymised with IJW_EXPORT_KEY (without it the export refuses)."""
    import csv
    import sys

    from ijw_gateway import reporting
    from ijw_gateway.monitoring.access import EVERYONE
    from ijw_gateway.monitoring.workdays import local_day
    from ijw_gateway.store import Store

    settings = current_settings()
    store = Store.open_existing(settings.database_url)
    try:
        wanted = _wanted({"start": start, "end": end}, local_day(store.clock()))
        records = reporting.export(store, EVERYONE, wanted, settings.export_key)
        with (
            output.open("w", encoding="utf-8", newline="")
            if output
            else nullcontext(sys.stdout) as out
        ):
            if form == "jsonl":
                for record in records:
                    out.write(json.dumps(record) + "\n")
            else:
                writer = csv.DictWriter(out, reporting.EXPORT_COLUMNS, lineterminator="\n")
                writer.writeheader()
                writer.writerows(records)
    finally:
        store.dispose()
    return 0
