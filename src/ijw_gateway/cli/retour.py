"""``ijw-gateway retour PATH [--json-report] [--identificatie ID] [--dagtekening DATE]``.

Validates one message and prints the answer the standard prescribes (a retour, or a JW325
for a JW323) to stdout, so it can be redirected into a file. The verdict goes to stderr.
Exit status: 0 when nothing is refused, 1 when the answer (or a finding it cannot express)
refuses something or when there is no answer at all (a schema-invalid document), 2 when
PATH is itself an answer.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.cli._history import judging, judging_options
from ijw_gateway.cli.validate import render_human

if TYPE_CHECKING:
    from ijw_gateway.findings import Report
    from ijw_gateway.validation import Outcome


def _show_report(report: Report, as_json: bool, always: bool) -> None:
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False), err=True)
    elif always or not report.accepted:
        click.echo(render_human(report), err=True)


def _judge(
    path: Path,
    schemas: Path | None,
    history_source: str | None,
    contracts: Path | None,
    lang: str,
) -> Outcome:
    from ijw_gateway.inputs import one_message

    settings = current_settings()
    with judging(settings, history_source, schemas, contracts, lang, [path]) as (validator, _):
        name, data = one_message(path)
        return validator.run(data, name)


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option("--json-report", is_flag=True, help="Write the validation report to stderr as JSON.")
@click.option(
    "--identificatie",
    metavar="ID",
    help="Identification of the answer (1-12 characters; default: 12 random hex digits).",
)
@click.option(
    "--dagtekening",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the answer, YYYY-MM-DD (default: today).",
)
@judging_options
def retour(
    path: Path,
    json_report: bool,
    identificatie: str | None,
    dagtekening: datetime | None,
    schemas: Path | None,
    history_source: str | None,
    contracts: Path | None,
    lang: str,
) -> int:
    """Print the return message (or JW325) the standard prescribes for the message at PATH
    ('-': standard input). The versions it states come from IJW_RELEASES when set."""
    from ijw_gateway.releaseconfig import load_release_config
    from ijw_gateway.retour import NoReturnMessage, compose_outcome, new_identificatie

    config = load_release_config(current_settings().releases)
    outcome = _judge(path, schemas, history_source, contracts, lang)
    versie, xslt = config.answer_versions(outcome.report.release or "")
    try:
        answer = compose_outcome(
            outcome,
            identificatie=identificatie if identificatie is not None else new_identificatie,
            dagtekening=dagtekening.date() if dagtekening is not None else None,
            xsd_versie=versie,
            xslt_versie=xslt,
        )
    except NoReturnMessage:
        _show_report(outcome.report, json_report, always=True)
        raise
    _show_report(outcome.report, json_report, always=False)
    if answer.unexpressed:
        click.echo(
            f"note: {len(answer.unexpressed)} finding(s) refuse the message for a reason the "
            "standard has no retourcode for; the return message cannot show them.",
            err=True,
        )
    click.echo(answer.to_bytes().decode("utf-8"), nl=False)
    return 0 if answer.accepted and not answer.unexpressed else 1
