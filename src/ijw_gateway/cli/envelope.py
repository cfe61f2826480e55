"""``ijw-gateway envelope wrap|unwrap``: StUF-GGk envelopes by hand, for test traffic.

``wrap`` puts one message in a Di01 (a first message) or Du01 (an answer; ``--answers``
names the Di01's reference number) and prints it; sender, receiver and ``functie`` come
from the message's header unless given. ``unwrap`` prints the payload of an envelope and
says on stderr what the envelope held. Exit status: 0 done, 1 the envelope is invalid or
carries no payload (what could be read is still printed), 2 usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ijw_gateway.cli import cli
from ijw_gateway.errors import InputRejected, UsageError
from ijw_gateway.stuf.model import (
    APPLICATION,
    application_versions,
    new_reference,
    outgoing,
)


@cli.group()
def envelope() -> None:
    """Wrap a message in a StUF-GGk envelope (Di01/Du01) or unwrap one."""


def _read(path: Path) -> bytes:
    from ijw_gateway.stuf import codec

    try:
        with path.open("rb") as handle:
            return handle.read(codec.MAX_ENVELOPE + 1)
    except OSError as exc:
        raise UsageError(f"{path}: cannot be read ({exc.strerror})") from None


def _emit(data: bytes, output: Path | None) -> None:
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        output.write_bytes(data)


def _header_facts(payload: bytes) -> tuple[str | None, str | None, str | None, str]:
    """(functie, from, to, release) as the message's header says; None where it cannot."""
    from ijw_gateway import xmlparse
    from ijw_gateway.catalogue.releases import DEFAULT
    from ijw_gateway.detect import Detected, detect
    from ijw_gateway.routing import envelope_of

    try:
        root = xmlparse.parse(payload).getroot()
    except InputRejected:
        return None, None, None, DEFAULT.name
    detected = detect(root)
    if not isinstance(detected, Detected):
        return None, None, None, DEFAULT.name
    route = envelope_of(root, detected.message)
    if route is None:
        return detected.message, None, None, detected.release
    return detected.message, route.from_party, route.to_party, detected.release


@envelope.command()
@click.argument("message", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--soap", is_flag=True, help="Put the envelope in a SOAP 1.1 Envelope.")
@click.option("--reference", help="referentienummer (a UUID v4); default: a new one.")
@click.option("--answers", help="Du01: the referentienummer of the Di01 it answers.")
@click.option("--functie", help="The message type (JW301 …); default: the message's own.")
@click.option("--from", "sender", help="zender organisation; default: the message's sender.")
@click.option("--to", "receiver", help="ontvanger organisation; default: its receiver.")
@click.option("--application", default=APPLICATION, show_default=True, help="zender application.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File.")
def wrap(
    message: Path,
    soap: bool,
    reference: str | None,
    answers: str | None,
    functie: str | None,
    sender: str | None,
    receiver: str | None,
    application: str,
    output: Path | None,
) -> int:
    """Print MESSAGE in a Di01 or Du01 (the message type decides which)."""
    from ijw_gateway.store.clock import utcnow
    from ijw_gateway.stuf import codec
    from ijw_gateway.stuf.checks import kind_for

    payload = _read(message)
    own_type, own_from, own_to, release = _header_facts(payload)
    functie, sender, receiver = functie or own_type, sender or own_from, receiver or own_to
    if not functie or not sender or not receiver:
        raise UsageError("give --functie, --from and --to: the message does not say them")
    kind = kind_for(functie)
    if kind == "Du01" and answers is None:
        raise UsageError(f"a {functie} travels in a Du01: give --answers (the Di01's reference)")
    sent = outgoing(
        payload,
        functie,
        sender,
        receiver,
        utcnow(),
        kind=kind,
        reference=reference or new_reference(),
        cross=answers if kind == "Du01" else None,
        application=(application, *application_versions()),
        release=release,
    )
    _emit(codec.write(sent, soap), output)
    return 0


@envelope.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="File.")
def unwrap(path: Path, output: Path | None) -> int:
    """Print the payload of the envelope at PATH; what it held goes to stderr."""
    from ijw_gateway.stuf import codec
    from ijw_gateway.stuf.unwrap import envelope_findings

    received = codec.read(_read(path))
    routing = received.routing
    facts = (
        f"functie {routing.functie}, referentienummer {routing.referentienummer}, "
        f"crossRefnummer {routing.cross_refnummer}"
        if routing
        else "unreadable"
    )
    verdict = "valid" if received.valid else "INVALID"
    click.echo(f"{path}: {received.kind or 'no'} envelope — {verdict} ({facts})", err=True)
    for line in envelope_findings(received.findings):
        click.echo(line, err=True)
    if received.payload is None:
        click.echo("  it carries no payload", err=True)
        return 1
    _emit(received.payload, output)
    return 0 if received.valid else 1
