"""Ctrl-C (SIGINT) and SIGTERM: the first stops the command cleanly, a second at once.

While a job runs on the event loop, the first signal cancels it: the bulk jobs commit
every finished step on its own, so whatever was in flight is abandoned safely and redone
by the next run. Outside the loop the signal raises `Stopped` where the program is. Either
way the command ends with the signal's exit code (130 or 143) after saying how to resume.
A second signal ends the process on the spot: the checkpoint is safe even then, as it is
after `kill -9`.

The second is counted by a thread of its own, from the signal numbers Python writes to its
wakeup pipe as each signal arrives: a handler runs only between the main thread's
bytecodes, and a second signal that comes while the first one's handler runs is looked at
only after the read the main thread was blocked in (a pipe nobody writes to) returns.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Final

STOPPING: Final = "\nstopping (press Ctrl-C again to stop at once) ...\n"
AT_ONCE: Final = "\nstopped at once; run the same command again to resume\n"
SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)


class Stopped(BaseException):
    """The command was stopped by `signum` (a BaseException, as KeyboardInterrupt is, so
    no `except Exception` on the way swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class _State:
    first: int | None = None
    """The signal that asked the command to stop, once one did."""
    cancel: Callable[[], object] | None = None
    """Cancels the job on the event loop, while one runs."""


def received() -> int | None:
    """The signal that stopped the command, if one did."""
    return _State.first


@contextmanager
def cancelling(cancel: Callable[[], object]) -> Iterator[None]:
    """While inside, a stop signal calls `cancel` (thread-safe) instead of raising."""
    _State.cancel = cancel
    try:
        yield
    finally:
        _State.cancel = None


def install() -> None:
    """Route SIGINT and SIGTERM to `_on_signal` for the rest of the process, and count them
    in a thread of their own."""
    for number in SIGNALS:
        signal.signal(number, _on_signal)
    read, write = os.pipe()
    os.set_blocking(write, False)
    signal.set_wakeup_fd(write, warn_on_full_buffer=False)
    threading.Thread(target=_count, args=(read,), name="piggy-signals", daemon=True).start()


def _count(read: int) -> None:
    """End the process at the second stop signal, whatever the main thread is doing."""
    seen = 0
    while numbers := os.read(read, 64):
        for number in numbers:
            seen += number in SIGNALS
            if seen > 1:
                _at_once(number)


def _at_once(signum: int) -> None:
    os.write(2, AT_ONCE.encode())
    os._exit(128 + signum)


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _State.first is not None:
        _at_once(signum)
    _State.first = signum
    if _State.cancel is None:
        raise Stopped(signum)
    os.write(2, STOPPING.encode())
    _State.cancel()
