"""``ijw-gateway deadletters list|redeliver|discard``: messages whose pushes gave up.

A dead letter waits in its receiver's mailbox. ``redeliver`` queues it again (due now,
with a fresh delivery window); ``discard`` takes it out of the mailbox for good and needs
a reason. Each action is an event on the message, by ``operator command line``. Both take
message ids, or filters that select a batch (at most 500 a run; run again for more).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli
from ijw_gateway.cli._listing import (
    WHO,
    F,
    as_json,
    echo_json,
    moment,
    next_line,
    operations,
    paged,
    period,
)
from ijw_gateway.errors import UsageError

if TYPE_CHECKING:
    from ijw_gateway.store.operations import DeadFilter

_FILTERS = (
    click.option("--receiver", default=None, help="The receiver's code."),
    click.option("--type", "type_", default=None, help="Message type, e.g. JW301."),
    click.option("--sender", default=None, help="The sender's code."),
)
_ALL = click.option("--all", "everything", is_flag=True, help="Every dead letter (500 a run).")


def filters(command: F) -> F:
    """The filters of a dead letter: receiver, type, sender, period of receipt."""
    for option in reversed(_FILTERS):
        command = option(command)
    return period(command)


def _filter(
    receiver: str | None,
    type_: str | None,
    sender: str | None,
    since: datetime | None,
    until: datetime | None,
) -> DeadFilter:
    from ijw_gateway.store.operations import DeadFilter

    return DeadFilter(receiver, type_, sender, moment(since), moment(until))


@cli.group()
def deadletters() -> None:
    """Dead letters: list, redeliver, discard (with a reason)."""


@deadletters.command("list")
@filters
@paged
@as_json
def list_dead(
    receiver: str | None,
    type_: str | None,
    sender: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    after: str | None,
    as_json: bool,
) -> int:
    """Dead letters oldest first: id, receiver, type, from, attempts, last error."""
    from ijw_gateway.operating import waiting_page
    from ijw_gateway.store.operations import DEAD

    if after is not None and not after.isdigit():
        raise UsageError("--after is the `next` a page printed (digits)")
    where = _filter(receiver, type_, sender, since, until)
    with operations() as ops:
        rows = ops.waiting(where, [DEAD], int(after) if after else None, limit + 1)
    body = waiting_page(rows, limit)
    if as_json:
        echo_json(body)
        return 0
    for i in body["items"]:
        fields = (i["id"], i["receiver"], i["message"], i["from"], i["attempts"], i["last_error"])
        click.echo("\t".join(str(f or "-") for f in fields))
    next_line(body)
    return 0


def _chosen(ids: tuple[str, ...], everything: bool, where: DeadFilter) -> list[str] | None:
    """The ids an action takes, or None for the batch the filters select; a batch needs
    a filter or ``--all``, so a bare command never takes every dead letter."""
    if ids:
        return list(ids)
    if not everything and where == type(where)():
        raise UsageError("name message ids, give filters, or --all for every dead letter")
    return None


@deadletters.command("redeliver")
@click.argument("ids", metavar="[MESSAGE_ID]...", nargs=-1)
@filters
@_ALL
def redeliver(
    ids: tuple[str, ...],
    receiver: str | None,
    type_: str | None,
    sender: str | None,
    since: datetime | None,
    until: datetime | None,
    everything: bool,
) -> int:
    """Queue dead letters again (a running worker then pushes them)."""
    where = _filter(receiver, type_, sender, since, until)
    chosen = _chosen(ids, everything, where)
    with operations() as ops:
        done, more = ops.redeliver(chosen, where, WHO, "")
    click.echo(f"redelivered: {done}" + (" (more match: run again)" if more else ""))
    return 0


@deadletters.command("discard")
@click.argument("ids", metavar="[MESSAGE_ID]...", nargs=-1)
@click.option("--reason", required=True, help="Why (recorded on each message; no personal data).")
@filters
@_ALL
def discard(
    ids: tuple[str, ...],
    reason: str,
    receiver: str | None,
    type_: str | None,
    sender: str | None,
    since: datetime | None,
    until: datetime | None,
    everything: bool,
) -> int:
    """Take dead letters out of their receivers' mailboxes for good."""
    if len(reason.strip()) < 3:
        raise UsageError("--reason says why, in at least 3 characters")
    where = _filter(receiver, type_, sender, since, until)
    chosen = _chosen(ids, everything, where)
    with operations() as ops:
        done, more = ops.discard(chosen, where, WHO, reason.strip()[:300], "")
    click.echo(f"discarded: {done}" + (" (more match: run again)" if more else ""))
    return 0
