"""Import progress: a bar with rate and ETA on a terminal, plain lines otherwise.

The plain lines come at every whole percent (at most 100 per run) so a log stays short
and a script can follow a run by reading its output; an outage the import waits through
gets a line when it starts (what is waited for, and until when) and when it ends.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING, Self

import click

from ..bulk import ImportProgress, Outage
from ._ending import reader_may_leave

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


class ProgressReport:
    """Use as `with ProgressReport() as report:` and pass `report.update` as `on_progress`."""

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._percent = -1
        self._waiting: Outage | None = None
        if sys.stdout.isatty():
            from rich import progress as bar

            self._bar = bar.Progress(
                bar.TextColumn("importing"),
                bar.BarColumn(),
                bar.MofNCompleteColumn(),
                bar.TaskProgressColumn(),
                bar.TextColumn("{task.fields[rate]}"),
                bar.TimeRemainingColumn(),
            )

    def __enter__(self) -> Self:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def update(self, progress: ImportProgress) -> None:
        if self._bar is not None:
            self._draw(self._bar, progress)
            return
        if progress.waiting != self._waiting:
            self._waiting = progress.waiting
            click.echo(_waiting(progress) or "resumed: the outage is over")
        percent = 100 * progress.done // progress.total if progress.total else 100
        if percent > self._percent:
            self._percent = percent
            with reader_may_leave():
                click.echo(
                    f"progress: {progress.done}/{progress.total} contacts ({percent}%),"
                    f" {progress.failed} failed"
                )

    def _draw(self, bar: Progress, progress: ImportProgress) -> None:
        if self._task is None:
            # a resumed run starts where the last one stopped, not at a burst of speed
            self._task = bar.add_task(
                "import", total=progress.total, completed=progress.done, rate=""
            )
        bar.update(self._task, completed=progress.done)
        speed = bar.tasks[0].speed
        rate = f"{speed:.1f} contacts/s" if speed else ""
        bar.update(self._task, rate=_waiting(progress) or rate)


def _waiting(progress: ImportProgress) -> str:
    """The outage line, or "" while the import runs."""
    outage = progress.waiting
    if outage is None:
        return ""
    return f"waiting until {outage.until:%H:%M:%S} UTC for the service to recover: {outage.cause}"
