"""``ijw-gateway contracts check FILE``: is this contract configuration usable?

Exit 0 when it is; 1 with one ``file:line: field: reason`` per problem when it is not;
2 when the file cannot be read at all. A check only looks: terms refused under the
no-extra-data rule are recorded only in a log named with ``--log``, and only once however
often the same file is checked.
"""

from __future__ import annotations

from pathlib import Path

import click

from ijw_gateway.cli import cli


@cli.group()
def contracts() -> None:
    """Contract configurations: segments, providers, products, tariffs."""


@contracts.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--log",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the terms refused under the no-extra-data rule in this refusal log "
    "(records already there are not added again). Without it nothing is recorded.",
)
def check(file: Path, log: Path | None) -> int:
    """Check a contract configuration (TOML) before the gateway uses it."""
    from ijw_gateway.contracts import ContractConfigError, load_contracts
    from ijw_gateway.refusallog import JsonlRefusalLog

    try:
        book = load_contracts(file)
    except ContractConfigError as refused:
        for problem in refused.problems:
            click.echo(str(problem))
        if refused.refusals and log is not None:
            JsonlRefusalLog(log).record_new(refused.refusals)
        count = len(refused.problems)
        click.echo(f"{file}: {count} problem{'s' if count != 1 else ''}; not usable", err=True)
        return 1
    click.echo(f"{file}: OK — {book.summary()}")
    return 0
