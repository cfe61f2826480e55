"""``ijw-gateway validate PATH... [--json] [--schemas DIR] [--history DIR|URL]``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ijw_gateway.cli import cli
from ijw_gateway.cli._history import history_option, judging, schemas_option
from ijw_gateway.findings import MAX_FINDINGS, Report
from ijw_gateway.history.model import HistoryStore
from ijw_gateway.history.service import validate_and_record
from ijw_gateway.inputs import iter_items
from ijw_gateway.validation import Validator


def render_human(report: Report) -> str:
    """Per file: message type, verdict, and each finding with line, path and explanation
    (at most ``MAX_FINDINGS``; the rest are counted, as in the JSON and the API)."""
    kind = report.message or "unknown message"
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


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@schemas_option
@history_option
def validate(
    paths: tuple[Path, ...], as_json: bool, schemas: Path | None, history_source: str | None
) -> int:
    """Validate iJw 3.2 messages: files, directories or zip archives."""
    with judging(history_source, schemas) as (validator, history):
        return _validate_all(validator, history, paths, as_json)


def _validate_all(
    validator: Validator, history: HistoryStore | None, paths: tuple[Path, ...], as_json: bool
) -> int:
    rejected = False
    for item in iter_items(list(paths)):
        if item.data is None:
            assert item.problem is not None
            report = Report(item.name, findings=(item.problem,))
        elif history is not None:
            report = validate_and_record(validator, history, item.data, item.name)
        else:
            report = validator.validate(item.data, item.name)
        rejected |= not report.accepted
        click.echo(
            json.dumps(report.to_json(), ensure_ascii=False) if as_json else render_human(report)
        )
    return 1 if rejected else 0
