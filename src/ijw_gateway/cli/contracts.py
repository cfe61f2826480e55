"""``ijw-gateway contracts check FILE``: is this contract configuration usable?

Exit 0 when it is; 1 with one ``file:line: field: reason`` per problem when it is not
(terms refused under the no-extra-data rule are recorded in the refusal log too);
2 when the file cannot be read at all.
"""

from __future__ import annotations

from pathlib import Path

import click

from ijw_gateway.cli import cli, current_settings


@cli.group()
def contracts() -> None:
    """Contract configurations: segments, providers, products, tariffs."""


@contracts.command("check")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--log",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record refused terms here (default: IJW_REFUSAL_LOG or ijw-refusals.jsonl).",
)
def check(file: Path, log: Path | None) -> int:
    """Check a contract configuration (TOML) before the gateway uses it."""
    from ijw_gateway.contracts import ContractConfigError, load_contracts
    from ijw_gateway.refusallog import DEFAULT_REFUSAL_LOG, JsonlRefusalLog

    try:
        book = load_contracts(file)
    except ContractConfigError as refused:
        for problem in refused.problems:
            click.echo(str(problem))
        if refused.refusals:
            target = log or current_settings().refusal_log or DEFAULT_REFUSAL_LOG
            recorder = JsonlRefusalLog(target)
            for refusal in refused.refusals:
                recorder.record(refusal)
        count = len(refused.problems)
        click.echo(f"{file}: {count} problem{'s' if count != 1 else ''}; not usable", err=True)
        return 1
    click.echo(f"{file}: OK — {book.summary()}")
    return 0
