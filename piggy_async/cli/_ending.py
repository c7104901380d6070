"""How a `piggy` command ends: every ending has its exit code and one line of words.

Click's own ending is not used (`standalone_mode=False`): it reports Ctrl-C as "Aborted!"
with exit 1, the code for failed rows. Here a stop signal is 130 or 143 with how to
resume, and an unexpected exception 70 with one line naming it and the file its traceback
went to (`--debug` prints the traceback instead).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import click

from ._exit import DONE, INTERNAL
from ._signals import Stopped

RESUME: Final = "stopped; run the same command again to resume"


class _Debug:
    on = False


def debug_option(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """The callback of `piggy --debug`: internal errors print their traceback."""
    _Debug.on = value


def end(command: click.Command, args: list[str] | None = None) -> int:
    """Run `command` (with `args`, else the process's) and return its exit code."""
    try:
        result = command.main(args, prog_name="piggy", standalone_mode=False)
    except Stopped as stopped:
        click.echo(RESUME, err=True)
        return stopped.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except Exception as error:
        return _internal(error)
    return result if isinstance(result, int) else DONE


def quiet_stdout() -> None:
    """The reader of stdout went away (`piggy operations | head`): not an error. Later
    writes, the final flush included, go nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


@contextmanager
def reader_may_leave() -> Iterator[None]:
    """Around a job's own output (progress, summary): if the reader goes away, the rest of
    the output is dropped and the job goes on, ending with its own exit code."""
    try:
        yield
    except BrokenPipeError:
        quiet_stdout()


def _internal(error: Exception) -> int:
    import traceback

    name = type(error).__name__
    first_line = next(iter(str(error).splitlines()), "")[:200]
    what = f"{name}: {first_line}" if first_line else name
    if _Debug.on:
        traceback.print_exception(error)
        click.echo(f"piggy: internal error: {what}", err=True)
        return INTERNAL
    path = _save_traceback(error)
    where = f"its traceback is in {path}" if path else "its traceback could not be saved"
    click.echo(f"piggy: internal error: {what} ({where}; run with --debug to print it)", err=True)
    return INTERNAL


def _save_traceback(error: Exception) -> str | None:
    """The traceback in a file of its own in the temporary directory, readable only by the
    user (it holds no credential, but may quote input data); None if it cannot be written."""
    import tempfile
    import time
    import traceback

    stamp = time.strftime("%Y%m%dT%H%M%S")
    try:
        descriptor, path = tempfile.mkstemp(prefix=f"piggy-{stamp}-", suffix=".traceback")
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            traceback.print_exception(error, file=file)
    except OSError:
        return None
    return path
