"""The `piggy` command group."""

from __future__ import annotations

import click

from .._version import __version__
from ._call import call, operations
from ._env import ENV_HELP
from ._exit import HELP
from ._jobs import export, import_contacts


@click.group(epilog=ENV_HELP + "\n" + HELP, context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="piggy")
def cli() -> None:
    """Piggy (Leat) loyalty API v3 from the command line: bulk contact import, incremental
    exports, and any single API operation."""


for command in (import_contacts, export, call, operations):
    cli.add_command(command)


def main() -> None:
    """The `piggy` entry point."""
    cli(prog_name="piggy")
