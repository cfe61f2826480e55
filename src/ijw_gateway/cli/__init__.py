"""The ``ijw-gateway`` command line. Thin: parse arguments, call the core, print, exit.

Exit status: 0 all accepted, 1 any rejected, 2 usage error or unreadable path,
3 internal error. Bad input never produces a traceback.
"""

from __future__ import annotations

import sys

import click

from ijw_gateway import __version__
from ijw_gateway.errors import IjwGatewayError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ijw-gateway")
def cli() -> None:
    """ijw-gateway: validate, explain, match and route iJw 3.2 youth-care messages."""


def _register() -> None:
    # The command modules attach themselves to ``cli`` when imported.
    from ijw_gateway.cli import (  # noqa: F401
        conformance,
        contracts,
        db,
        explain,
        parties,
        report,
        retour,
        serve,
        validate,
        vecozo,
        worker,
    )


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising."""
    _register()
    try:
        result = cli.main(args=argv, prog_name="ijw-gateway", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        click.echo("Aborted.", err=True)
        return 2
    except IjwGatewayError as exc:
        click.echo(f"ijw-gateway: {exc}", err=True)
        return exc.exit_code
    except Exception as exc:  # the one place that turns surprises into exit status 3
        click.echo(
            f"ijw-gateway: internal error ({type(exc).__name__}); please report it.", err=True
        )
        return 3
    return int(result or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
