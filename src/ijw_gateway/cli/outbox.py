"""``ijw-gateway outbox list``: what waits for delivery, per receiver and state."""

from __future__ import annotations

import click

from ijw_gateway.cli import cli
from ijw_gateway.cli._listing import as_json, echo_json, next_line, operations, paged
from ijw_gateway.errors import UsageError


@cli.group()
def outbox() -> None:
    """The outbox: deliveries that wait (queued) or gave up (dead)."""


@outbox.command("list")
@click.option("--receiver", default=None, help="The receiver's code.")
@click.option("--state", type=click.Choice(("queued", "dead")), default=None)
@paged
@as_json
def list_outbox(
    receiver: str | None, state: str | None, limit: int, after: str | None, as_json: bool
) -> int:
    """Counts per receiver and state, then the waiting rows oldest first."""
    from ijw_gateway.operating import waiting_page
    from ijw_gateway.store.operations import WAITING, DeadFilter

    if after is not None and not after.isdigit():
        raise UsageError("--after is the `next` a page printed (digits)")
    states = [state] if state else list(WAITING)
    with operations() as ops:
        rows = ops.waiting(
            DeadFilter(receiver=receiver), states, int(after) if after else None, limit + 1
        )
        counts = [c for c in ops.counts(receiver) if c[1] in states]
    body = {
        "counts": [{"receiver": r, "state": s, "count": n} for r, s, n in counts],
        **waiting_page(rows, limit),
    }
    if as_json:
        echo_json(body)
        return 0
    for r, s, n in counts:
        click.echo(f"{r}\t{s}\t{n}")
    for i in body["items"]:
        fields = (
            i["id"],
            i["receiver"],
            i["state"],
            i["message"],
            i["attempts"],
            i["next_attempt_at"],
        )
        click.echo("\t".join(str(f or "-") for f in fields))
    next_line(body)
    return 0
