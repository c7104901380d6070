"""The exit codes scripts can rely on, and which error leads to which.

Light on purpose: `piggy --help` imports this, so the SDK's errors are imported only when
an error is being turned into a code.
"""

from __future__ import annotations

import signal
from typing import TYPE_CHECKING, Final, NoReturn

import click

if TYPE_CHECKING:
    from .._errors import PiggyError

DONE: Final = 0
"""Done, and no row failed."""
ROWS_FAILED: Final = 1
"""Done, but some rows failed (listed in the errors file), or the API refused a `call`."""
REFUSED: Final = ROWS_FAILED
USAGE: Final = 2
"""Usage or configuration error: bad arguments, missing credentials, unreadable files."""
RETRY: Final = 3
"""Stopped early by an error a re-run may fix: network, rate limit, maintenance, 5xx."""
AUTHENTICATION: Final = 4
"""The credentials were refused (401) or may not do this (403)."""
INTERNAL: Final = 70
"""An unexpected error inside `piggy` itself (`EX_SOFTWARE`): a bug to report."""
INTERRUPTED: Final = 128 + signal.SIGINT
"""Stopped by Ctrl-C (SIGINT): 130, as a shell reports a command the signal ended."""
TERMINATED: Final = 128 + signal.SIGTERM
"""Stopped by SIGTERM (`kill`, `docker stop`, systemd, Kubernetes): 143."""

HELP: Final = f"""\b
Exit codes:
  {DONE}    done, no failed rows
  {ROWS_FAILED}    done, but some rows failed (see the errors file); call: the API refused it
  {USAGE}    usage or configuration error, bad input file, checkpoint or state
  {RETRY}    stopped early by an error a re-run may fix (network, rate limit, maintenance)
  {AUTHENTICATION}    authentication failure
  {INTERNAL}   internal error (the message says where its traceback is; or use --debug)
  {INTERRUPTED}  stopped by Ctrl-C (SIGINT); {TERMINATED}: by SIGTERM. Run it again to resume
"""


def for_error(error: PiggyError, *, refusal: int = RETRY) -> int:
    """The exit code of a run that `error` ended: `refusal` when the API refused the request
    itself (a 4xx other than 401, 403 and 429): an import stopped early (3), an export
    given a wrong argument such as an unknown shop (2), the answer to a single `call` (1)."""
    from .._errors import APIError, AuthenticationError, PermissionDeniedError

    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return AUTHENTICATION
    if isinstance(error, APIError) and error.status < 500 and error.status != 429:
        return refusal
    return RETRY


class ConfigError(click.ClickException):
    """A configuration problem (missing credentials, unreadable input): exit code 2."""

    exit_code = USAGE


def fail(error: PiggyError, *, refusal: int = RETRY) -> NoReturn:
    """End the command with `error` on stderr and the exit code it calls for."""
    click.echo(f"Error: {error}", err=True)
    raise click.exceptions.Exit(for_error(error, refusal=refusal))
