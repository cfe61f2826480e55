"""The ``ijw-gateway`` command line. Thin: parse arguments, call the core, print, exit.

Exit status: 0 all accepted, 1 any rejected, 2 usage error, unreadable path or bad
setting, 3 internal error. Bad input never produces a traceback.

The command line is an edge: ``main`` hands the environment to the commands, which read
it into ``Settings`` once (``current_settings()``) and pass those down. Starting must be quick
(``bench/bench_startup.py``): a command's module is imported only when that command runs
(or ``--help`` lists it), and command modules import their heavy dependencies inside the
command.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import click

from ijw_gateway import __version__
from ijw_gateway.errors import IjwGatewayError

if TYPE_CHECKING:
    from ijw_gateway.config import Settings

COMMANDS = (
    "conformance",
    "contracts",
    "db",
    "deadletters",
    "envelope",
    "explain",
    "messages",
    "operators",
    "outbox",
    "parties",
    "report",
    "retour",
    "serve",
    "translate",
    "validate",
    "vecozo",
    "worker",
)
"""Each is a module of this package that attaches its command (or group) to ``cli``."""


class _LazyGroup(click.Group):
    """Imports a command's module the first time the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"{__name__}.{cmd_name}")
        return self.commands.get(cmd_name)


@dataclass
class Edge:
    """What the command line started with; the settings are read from it once, when a
    command first needs them (``--help`` and ``explain`` never do)."""

    environ: Mapping[str, str]
    _settings: Settings | None = field(default=None, repr=False)

    def settings(self) -> Settings:
        if self._settings is None:
            from ijw_gateway.config import Settings

            self._settings = Settings.from_env(self.environ)
        return self._settings


def current_settings() -> Settings:
    """The running command's settings (a bad value is a ``ConfigurationError``: exit 2)."""
    edge = click.get_current_context().find_object(Edge)
    return (edge or Edge(os.environ)).settings()


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ijw-gateway")
def cli() -> None:
    """ijw-gateway: validate, explain, match and route iJw 3.2 youth-care messages."""


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status instead of raising."""
    try:
        result = cli.main(
            args=argv, prog_name="ijw-gateway", standalone_mode=False, obj=Edge(os.environ)
        )
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
