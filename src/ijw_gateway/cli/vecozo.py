"""``ijw-gateway vecozo pull|push|status|worker``: the gateway as a VECOZO participant.

Needs ``IJW_VECOZO_URL`` (VECOZO's base URL, e.g. ``https://api.vecozo.nl/berichtenservice``)
and the system certificate ``IJW_VECOZO_CERT`` (PEM; its key in it or in
``IJW_VECOZO_KEY``). See docs/exchange.md.
"""

from __future__ import annotations

import signal
import threading
import uuid
from types import FrameType
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.errors import UsageError

if TYPE_CHECKING:
    from ijw_gateway.vecozo.client import Search


@cli.group()
def vecozo() -> None:
    """Exchange messages with VECOZO (REST push, pull and status v3, mutual TLS)."""


def _uuid(value: str | None, option: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise UsageError(f"{option} {value[:40]!r} is not a UUID") from None


def _search(answers_to: str | None, conversation: str | None) -> Search | None:
    from ijw_gateway.vecozo.model import ZoekpadOpAlsAntwoordOp, ZoekpadOpConversatieId

    if answers_to and conversation:
        raise UsageError("search by --answers-to or by --conversation, not both")
    if answers_to:
        return ZoekpadOpAlsAntwoordOp.model_validate(
            {
                "zoekpadType": "ZoekpadOpAlsAntwoordOp",
                "alsAntwoordOp": _uuid(answers_to, "--answers-to"),
            }
        )
    if conversation:
        return ZoekpadOpConversatieId.model_validate(
            {
                "zoekpadType": "ZoekpadOpConversatieId",
                "conversatieId": _uuid(conversation, "--conversation"),
            }
        )
    return None


@vecozo.command()
@click.option("--once", is_flag=True, help="One list call (≤ 250 messages), not until empty.")
@click.option("--answers-to", default=None, help="Only the answers to this traceerId.")
@click.option("--conversation", default=None, help="Only this conversatieId.")
def pull(once: bool, answers_to: str | None, conversation: str | None) -> int:
    """Pull ready messages: validate, store and queue each, then acknowledge it.

    Exit status 1 when some message could not be taken now (it stays at VECOZO for the
    next pull); the lines on stderr say why."""
    from ijw_gateway.gateway import open_gateway

    search = _search(answers_to, conversation)
    gateway = open_gateway(current_settings())
    puller = gateway.puller()
    try:
        done = puller.round(search) if once else puller.drain(search)
    finally:
        puller.close()
        gateway.store.dispose()
    click.echo(
        f"listed {done.listed}, stored {done.stored}, already stored {done.duplicates}, "
        f"refused {done.refused}, acknowledged {done.acknowledged}, failed {done.failed}"
    )
    for problem in done.problems:
        click.echo(f"  {problem}", err=True)
    return 1 if done.failed else 0


@vecozo.command()
@click.option("--once", is_flag=True, help="One batch, then exit.")
@click.option("--concurrency", default=8, show_default=True, help="Pushes in parallel.")
def push(once: bool, concurrency: int) -> int:
    """Push the queued messages of parties on the vecozo channel (``worker`` does too)."""
    from ijw_gateway.delivery import Switchboard
    from ijw_gateway.gateway import open_gateway
    from ijw_gateway.worker import Worker

    gateway = open_gateway(current_settings())
    if gateway.vecozo() is None:
        raise UsageError("set IJW_VECOZO_URL (and IJW_VECOZO_CERT) to push to VECOZO")
    board = gateway.switchboard()
    only = Switchboard({"vecozo": board.factories["vecozo"]})
    worker = Worker(gateway.store, only, concurrency=max(1, concurrency))
    stop = _stop_on_signals()
    try:
        handled = worker.run(stop, max_batches=1 if once else None)
    finally:
        worker.close()
        board.close()
        gateway.store.dispose()
    click.echo(f"{handled} pushes")
    return 0


@vecozo.command()
@click.argument("message_id")
def status(message_id: str) -> int:
    """Ask VECOZO the status of a message the gateway pushed (its id or traceerId) and
    record it as the message's events."""
    from ijw_gateway.gateway import open_gateway
    from ijw_gateway.vecozo.client import VecozoClient
    from ijw_gateway.vecozo.track import follow

    found = _uuid(message_id, "MESSAGE_ID")
    assert found is not None
    gateway = open_gateway(current_settings())
    connection = gateway.vecozo()
    if connection is None:
        raise UsageError("set IJW_VECOZO_URL (and IJW_VECOZO_CERT) to ask VECOZO")
    client = VecozoClient(connection)
    try:
        followed = follow(client, gateway.store, found.hex)
    finally:
        client.close()
        gateway.store.dispose()
    history = " -> ".join(followed.statuses) or "(VECOZO knows no status of it)"
    click.echo(f"{found.hex}: {history}; {followed.recorded} new events")
    return 0


@vecozo.command("worker")
def vecozo_worker() -> int:
    """Pull and follow statuses until stopped: pull until empty, record the statuses of
    pushed messages that are not final yet, wait IJW_VECOZO_POLL_SECONDS, again."""
    from ijw_gateway.cli.serve import configure_logging
    from ijw_gateway.gateway import open_gateway
    from ijw_gateway.vecozo.track import follow_due

    configure_logging("info")
    gateway = open_gateway(current_settings())
    puller = gateway.puller()
    stop = _stop_on_signals()
    try:
        while not stop.is_set():
            done = puller.drain()
            follow_due(puller.client, gateway.store)
            if done.listed == 0 or done.failed:
                stop.wait(gateway.settings.vecozo_poll_seconds)
    finally:
        puller.close()
        gateway.store.dispose()
    return 0


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    return stop
