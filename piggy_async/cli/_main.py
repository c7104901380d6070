"""The `piggy` command group.

Every module it imports is light (click and the standard library): `piggy --help`,
`--version` and each command's `--help` start as fast as a bare click program, and a
command imports the SDK, aiohttp and the bulk jobs only when it runs.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from .._version import __version__
from ._call import call, operations
from ._ending import debug_option, end, quiet_stdout
from ._env import ENV_HELP
from ._exit import DONE, HELP
from ._export import export
from ._jobs import import_contacts
from ._signals import install


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # e.g. `piggy operations | head`: the reader has enough
            quiet_stdout()
            raise click.exceptions.Exit(DONE) from None


@click.group(cls=_Group, epilog=ENV_HELP + "\n" + HELP, context_settings={"max_content_width": 100})
@click.version_option(__version__, prog_name="piggy")
@click.option(
    "--debug",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=debug_option,
    help="On an internal error, print its traceback.",
)
def cli() -> None:
    """Piggy (Leat) loyalty API v3 from the command line: bulk contact import, incremental
    exports, and any single API operation."""


for command in (import_contacts, export, call, operations):
    cli.add_command(command)


def main() -> None:
    """The `piggy` entry point."""
    install()
    sys.exit(end(cli))
