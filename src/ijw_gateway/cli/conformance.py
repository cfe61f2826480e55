"""``ijw-gateway conformance run --target URL|local``: run the fixture suite against a receiver.

Exit status: 0 when every answer matches the manifest, 1 when any differs, 2 for usage
errors (no suite, bad URL, unreadable manifest).

Without ``--suite`` the runner uses the suite of this gateway's source checkout, wherever
the command is run from; an installed gateway without one writes the suite its builders
generate (the same files, a test makes sure) into a temporary directory.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ijw_gateway.cli import cli
from ijw_gateway.conformance.adapters import ADAPTERS
from ijw_gateway.conformance.suites import suite_dir
from ijw_gateway.errors import UsageError

if TYPE_CHECKING:
    from ijw_gateway.conformance.runner import RunResult
    from ijw_gateway.conformance.targets import Target
    from ijw_gateway.fixtures.manifest import Manifest


@cli.group()
def conformance() -> None:
    """Check an iJw 3.2 receiver against the fixture suite."""


def _manifest(suite: Path) -> Manifest:
    from ijw_gateway.fixtures.manifest import ManifestError, load

    try:
        return load(suite)
    except ManifestError as exc:
        raise UsageError(f"--suite {suite}: {exc}") from None


def _target(
    target: str,
    manifest: Manifest,
    api_keys: tuple[str, ...],
    key_template: str | None,
    adapter: str,
    key_header: str,
    timeout: float,
) -> Target:
    from ijw_gateway.conformance.targets import HttpTarget, Keys, LocalTarget

    if target == "local":
        return LocalTarget(manifest)
    keys = Keys.parse(list(api_keys), key_template)
    return HttpTarget(target, keys, ADAPTERS[adapter], key_header, timeout=timeout)


def _progress(result: RunResult) -> None:
    if not result.passed:
        click.echo(f"FAIL {result.run.name}", err=True)


@conformance.command("run")
@click.option("--target", required=True, help="'local' or the URL to POST messages to.")
@click.option(
    "--suite",
    type=click.Path(path_type=Path, file_okay=False),
    help="The fixture suite (the directory holding manifest.json; default: the suite of "
    "this gateway, from any directory).",
)
@click.option("--junit", "junit_file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write JUnit XML here (one testcase per fixture or sequence).")  # fmt: skip
@click.option("--api-key", "api_keys", multiple=True, metavar="[PARTY=]KEY",
              help="API key; PARTY=KEY for one sending party (AGB or municipality code). "
                   "Repeatable.")  # fmt: skip
@click.option("--api-key-template", metavar="TEMPLATE",
              help="Key for any other party, with {party} replaced by its code.")  # fmt: skip
@click.option("--key-header", default="Authorization", show_default=True,
              help="Header for the key; 'Authorization' sends 'Bearer KEY'.")  # fmt: skip
@click.option("--adapter", type=click.Choice(sorted(ADAPTERS)), default="auto",
              show_default=True, help="How to read the target's answers.")  # fmt: skip
@click.option("--only", multiple=True, metavar="GLOB",
              help="Only runs whose file or folder matches, e.g. 'jw301/*' or "
                   "'sequences/TR019-*'. Repeatable.")  # fmt: skip
@click.option("--skip-answers", is_flag=True,
              help="Do not send return messages or JW325s (for receivers that compose "
                   "the answers themselves, such as ijw-gateway).")  # fmt: skip
@click.option("--timeout", type=float, default=30.0, show_default=True,
              help="Seconds to wait for each answer.")  # fmt: skip
def run(
    target: str,
    suite: Path | None,
    junit_file: Path | None,
    api_keys: tuple[str, ...],
    api_key_template: str | None,
    key_header: str,
    adapter: str,
    only: tuple[str, ...],
    skip_answers: bool,
    timeout: float,
) -> int:
    """Send every fixture (sequences in order) to TARGET and compare the answers."""
    from ijw_gateway.conformance.report import junit, summary
    from ijw_gateway.conformance.runner import run_suite, select

    with suite_dir(suite) as folder:
        manifest = _manifest(folder)
        runs = select(manifest, only, skip_answers)
        if not runs:
            raise UsageError(f"--only {' '.join(only)}: no fixture or sequence matches")
        chosen = _target(target, manifest, api_keys, api_key_template, adapter, key_header, timeout)
        results = []
        try:
            for result in run_suite(runs, folder, chosen, time.perf_counter):
                _progress(result)
                results.append(result)
        finally:
            chosen.close()
    click.echo(summary(results, chosen.description))
    if junit_file is not None:
        junit_file.write_bytes(junit(results, chosen.description))
        click.echo(f"JUnit report: {junit_file}")
    return 0 if all(r.passed for r in results) else 1
