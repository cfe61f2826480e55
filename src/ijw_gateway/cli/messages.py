"""``ijw-gateway messages list``: the stored messages, filtered, newest first, a page at a
time (what ``GET /v1/messages`` answers an operator)."""

from __future__ import annotations

from datetime import datetime

import click

from ijw_gateway.cli import cli
from ijw_gateway.cli._listing import (
    CODE,
    as_json,
    echo_json,
    moment,
    next_line,
    operations,
    paged,
    period,
)
from ijw_gateway.errors import UsageError

_COLUMNS = ("id", "received_at", "message", "from", "to", "state", "trace_id")
STATES = ("accepted", "rejected", "queued", "delivered", "dead", "acked", "discarded")


@cli.group()
def messages() -> None:
    """The stored messages (every party's: the command line is an operator)."""


@messages.command("list")
@click.option("--type", "type_", default=None, help="Message type, e.g. JW301.")
@click.option("--party", default=None, help="Sender or receiver (gemeentecode or AGB).")
@click.option("--state", type=click.Choice(STATES), default=None)
@click.option("--identification", default=None, help="The message's own identification.")
@click.option("--trace-id", default=None)
@period
@paged
@as_json
def list_messages(
    type_: str | None,
    party: str | None,
    state: str | None,
    identification: str | None,
    trace_id: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> int:
    """Messages newest first: id, received, type, from, to, state, trace id."""
    import re

    from ijw_gateway.operating import decode_cursor, encode_cursor, listed_json
    from ijw_gateway.store.operations import MessageFilter

    if party is not None and not re.match(CODE, party):
        raise UsageError("--party is a gemeentecode (4 digits) or an AGB code (8 digits)")
    where = MessageFilter(
        type_, party, state, moment(since), moment(until), identification, trace_id
    )
    with operations() as ops:
        found = ops.messages(where, decode_cursor(after), limit + 1)
    page, more = found[:limit], len(found) > limit
    items = [listed_json(m) for m in page]
    body = {
        "items": items,
        "has_more": more,
        "next": encode_cursor(page[-1], where) if more else None,
    }
    if as_json:
        echo_json(body)
        return 0
    for item in items:
        click.echo("\t".join(str(item[k] or "-") for k in _COLUMNS))
    next_line(body)
    return 0
