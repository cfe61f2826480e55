"""``ijw-gateway translate FILE [--to json|xml]``: one message between iJw XML and JSON.

Reads an XML message or its JSON model (``-``: standard input), and prints it in the
other form, or in the form ``--to`` names (the same form gives it checked and in the
standard's order). Lossless both ways: what one form holds and the other cannot carry is
refused, not dropped. Every release the catalogue knows translates. Exit status: 0
translated, 1 the file is no translatable iJw message (the reason on stderr), 2 usage
error or unreadable path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import click

from ijw_gateway.cli import cli
from ijw_gateway.errors import InputRejected
from ijw_gateway.inputs import one_message
from ijw_gateway.messages.jsonmodel import ModelError
from ijw_gateway.messages.translate import model_of, render, sniff


@cli.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--to",
    "target",
    type=click.Choice(["json", "xml"]),
    help="The form to print (default: XML becomes JSON, JSON becomes XML).",
)
def translate(file: Path, target: Literal["json", "xml"] | None) -> int:
    """Translate one iJw message between XML and its JSON model, losslessly."""
    name, data = one_message(file)
    try:
        model = model_of(data)
    except InputRejected as rejected:
        click.echo(f"{name}: {rejected.finding.text}", err=True)
        return 1
    except ModelError as exc:
        click.echo(f"{name}: cannot be translated: {exc}", err=True)
        return 1
    to = target or ("xml" if sniff(data) == "json" else "json")
    click.echo(render(model, to), nl=False)  # bytes: written as they are
    return 0
