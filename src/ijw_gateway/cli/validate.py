"""``ijw-gateway validate PATH... [--json] [--schemas DIR] [--history DIR|URL]
[--contracts FILE] [--lang nl|en]``. ``-`` as PATH reads one message from standard input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli, current_settings
from ijw_gateway.cli._history import judging, judging_options

if TYPE_CHECKING:
    from ijw_gateway.findings import Report
    from ijw_gateway.history.model import HistoryStore
    from ijw_gateway.stuf.unwrap import Wrapped
    from ijw_gateway.validation import Validator


def render_human(report: Report) -> str:
    """Per file: message type (and its release when the exchange does not carry it),
    verdict, and each finding with line, path and explanation (at most ``MAX_FINDINGS``;
    the rest are counted, as in the JSON and the API)."""
    from ijw_gateway.catalogue.releases import EXCHANGED
    from ijw_gateway.findings import MAX_FINDINGS

    kind = report.message or "unknown message"
    if report.message and report.release not in EXCHANGED:
        kind = f"{kind} of iJw {report.release}"
    verdict = "accepted" if report.accepted else "REJECTED"
    codes = f" (retourcodes {', '.join(report.retourcodes)})" if report.retourcodes else ""
    lines = [f"{report.file}: {kind} — {verdict}{codes}"]
    for f in report.shown:
        tag = f" {f.rule}" if f.rule else ""
        code = f" [{f.retourcode}]" if f.retourcode else ""
        lines.append(f"  line {f.line}: {f.path} ({f.level}{tag}{code})\n    {f.text}")
    if report.omitted:
        lines.append(
            f"  … and {report.omitted} more findings, not listed (at most {MAX_FINDINGS} per "
            "message are; the retourcodes above cover them all)"
        )
    return "\n".join(lines)


def _shown(report: Report, wrapped: Wrapped | None, as_json: bool) -> str:
    """One file's output; an envelope's verdict comes with its payload's."""
    if as_json:
        data = wrapped.judged(report) if wrapped else report.to_json()
        return json.dumps(data, ensure_ascii=False)
    human = render_human(report)
    return f"{wrapped.render(report.file)}\n{human}" if wrapped else human


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@judging_options
def validate(
    paths: tuple[Path, ...],
    as_json: bool,
    schemas: Path | None,
    history_source: str | None,
    contracts: Path | None,
    lang: str,
) -> int:
    """Validate iJw messages: files, directories or zip archives ('-': standard input);
    a StUF-GGk envelope (bare or in SOAP) is checked and its payload validated. A message
    of an older release the catalogue knows is judged by that release's schemas."""
    settings = current_settings()
    with judging(settings, history_source, schemas, contracts, lang, paths) as (
        validator,
        history,
    ):
        return _validate_all(validator, history, paths, as_json)


def _validate_all(
    validator: Validator, history: HistoryStore | None, paths: tuple[Path, ...], as_json: bool
) -> int:
    from ijw_gateway.findings import Report
    from ijw_gateway.history.service import validate_and_record
    from ijw_gateway.inputs import iter_items
    from ijw_gateway.stuf.unwrap import unwrap

    rejected = False
    for found in iter_items(list(paths)):
        item, wrapped = unwrap(found)  # a StUF-GGk envelope: its payload is validated
        if item.data is None:
            assert item.problem is not None
            report = Report(item.name, findings=(item.problem,))
        elif history is not None:
            report = validate_and_record(validator, history, item.data, item.name)
        else:
            report = validator.validate(item.data, item.name)
        rejected |= not report.accepted or (wrapped is not None and not wrapped.valid)
        click.echo(_shown(report, wrapped, as_json))
    return 1 if rejected else 0
