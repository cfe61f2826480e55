"""``ijw-gateway validate PATH... [--json] [--schemas DIR] [--history DIR]``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ijw_gateway.cli import cli
from ijw_gateway.findings import Report
from ijw_gateway.history.service import open_history, replay, summary, validate_and_record
from ijw_gateway.inputs import iter_items
from ijw_gateway.runtime import build_validator


def render_human(report: Report) -> str:
    """Per file: message type, verdict, and each finding with line, path and explanation."""
    kind = report.message or "unknown message"
    verdict = "accepted" if report.accepted else "REJECTED"
    codes = f" (retourcodes {', '.join(report.retourcodes)})" if report.retourcodes else ""
    lines = [f"{report.file}: {kind} — {verdict}{codes}"]
    for f in report.findings:
        tag = f" {f.rule}" if f.rule else ""
        code = f" [{f.retourcode}]" if f.retourcode else ""
        lines.append(f"  line {f.line}: {f.path} ({f.level}{tag}{code})\n    {f.text}")
    return "\n".join(lines)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option(
    "--schemas",
    type=click.Path(path_type=Path, file_okay=False),
    help="Validate against the XSDs in this directory (e.g. the official bundle).",
)
@click.option(
    "--history",
    "history_source",
    metavar="DIR",
    help="Replay the messages in DIR (by file name) as earlier traffic, then check PATHs "
    "against it with the cross-message rules; accepted PATHs are recorded in turn.",
)
def validate(
    paths: tuple[Path, ...], as_json: bool, schemas: Path | None, history_source: str | None
) -> int:
    """Validate iJw 3.2 messages: files, directories or zip archives."""
    history = open_history(history_source) if history_source is not None else None
    if history is None:
        validator = build_validator(schema_dir=schemas)
    else:
        validator = build_validator(schema_dir=schemas, history=history)
        for replayed in replay(validator, history, [Path(str(history_source))]):
            click.echo(summary(replayed), err=True)
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
