"""One process at a time per job file: a checkpoint or state file is locked by the run that
uses it, through `<file>.lock` beside it (an advisory `flock`, which the system releases
when the process ends, however it ends). A second run is refused at once, naming the
process that holds the lock, instead of racing the first one.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class FileInUseError(ValueError):
    """Another process is running a job on the same checkpoint or state file."""


@contextmanager
def exclusive(path: str | os.PathLike[str] | None, what: str) -> Iterator[None]:
    """Hold the lock of `path` (the `what` of a job, e.g. "checkpoint") while inside; None
    locks nothing (a job without a file of its own).

    Raises:
        FileInUseError: Another process holds it.
    """
    if path is None or sys.platform == "win32":
        yield
        return
    lock = f"{os.fspath(path)}.lock"
    descriptor = _acquire(lock, f"the {what} {os.fspath(path)!r}")
    try:
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()} {os.path.basename(sys.argv[0])}\n".encode())
        yield
    finally:
        with suppress(FileNotFoundError):
            os.unlink(lock)
        os.close(descriptor)


def _acquire(lock: str, name: str) -> int:
    import fcntl

    while True:
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(descriptor, 200).decode(errors="replace").split()
            os.close(descriptor)
            who = f"process {holder[0]} ({' '.join(holder[1:])})" if holder else "another process"
            raise FileInUseError(
                f"{name} is in use by {who}: wait for that run to end (or stop it);"
                " two runs on one file would undo each other's work"
            ) from None
        if _still_there(descriptor, lock):
            return descriptor
        os.close(descriptor)  # the holder removed it as we opened it: take a fresh one


def _still_there(descriptor: int, lock: str) -> bool:
    try:
        on_disk = os.stat(lock)
    except FileNotFoundError:
        return False
    held = os.fstat(descriptor)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)
