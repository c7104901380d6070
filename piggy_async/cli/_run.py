"""Running a command's coroutine: stop signals cancel it, and whatever ends it becomes an
exit code and one line naming the cause (an API error by its kind, a bad input file or
checkpoint 2). Anything else is left to the internal-error report (`_ending.py`)."""

from __future__ import annotations

from collections.abc import Coroutine
from os import PathLike, fspath
from typing import Any, NoReturn, TypeVar

import click

from ._exit import RETRY, ConfigError, fail
from ._signals import Stopped, cancelling, received

T = TypeVar("T")


def run(
    job: Coroutine[Any, Any, T],
    *,
    refusal: int = RETRY,
    checkpoint: str | PathLike[str] | None = None,
) -> T:
    """Run `job` to its end and return its result.

    Raises:
        Stopped: SIGINT or SIGTERM cancelled it.
        click.exceptions.Exit: An API error ended it (its exit code, `refusal` for a 4xx
            the API refused; see `_exit.for_error`).
        ConfigError: A bad input file, checkpoint (an SQLite file) or output path.
    """
    import asyncio

    try:
        return asyncio.run(_cancellable(job))
    except asyncio.CancelledError:
        signum = received()
        if signum is None:
            raise
        raise Stopped(signum) from None
    except Exception as error:
        _end(error, refusal, checkpoint)


async def _cancellable(job: Coroutine[Any, Any, T]) -> T:
    import asyncio

    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    with cancelling(lambda: loop.call_soon_threadsafe(task.cancel)):
        return await job


def _end(error: Exception, refusal: int, checkpoint: str | PathLike[str] | None) -> NoReturn:
    """Exit for `error` (or any error grouped in it) that names a cause; else re-raise."""
    import csv
    import sqlite3

    from .._errors import PiggyError

    causes = list(_leaves(error))
    for cause in causes:
        if isinstance(cause, PiggyError):
            fail(cause, refusal=refusal)
    for cause in causes:
        if isinstance(cause, click.ClickException | BrokenPipeError):  # a pipe: `_main.py`
            raise cause from None
        if isinstance(cause, sqlite3.Error):
            where = "" if checkpoint is None else f" {fspath(checkpoint)}"
            raise ConfigError(
                f"the checkpoint{where} cannot be used: {cause} (is the disk full? a damaged"
                " file, or one that is no checkpoint, can be moved away to start over)"
            ) from None
        if isinstance(cause, ValueError | OSError | csv.Error):
            raise ConfigError(str(cause)) from None
    raise error


def _leaves(error: BaseException) -> list[BaseException]:
    """`error`, or the errors an exception group (of a job's tasks) holds, depth first."""
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]
