"""`piggy export ...`: the exports of `piggy_async.bulk`, into JSON Lines or SQLite."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from .. import _defaults
from ._env import ENV_HELP, client, oauth_client
from ._exit import HELP, USAGE
from ._jobs import API
from ._paths import check_outputs
from ._run import run

if TYPE_CHECKING:
    from ..bulk import ExportResult, ExportStream


def moment(text: str) -> datetime:
    """A date or ISO 8601 time from the command line; without a zone it is UTC.

    Raises:
        click.BadParameter: Not a date.
    """
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"expected a date like 2024-01-01 or 2024-01-01T12:00:00Z, got {text!r}"
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    return None if value is None else moment(value)


def _export_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(
        (
            click.option(
                "--out",
                type=click.Path(dir_okay=False, path_type=Path),
                required=True,
                help="JSON Lines file (appended to when --state is given), or SQLite"
                " database (.sqlite, .sqlite3, .db: upserted by uuid).",
            ),
            click.option(
                "--format",
                "kind_of_out",
                type=click.Choice(["jsonl", "sqlite"]),
                help="The output's format.  [default: from --out's suffix, else jsonl]",
            ),
            click.option(
                "--concurrency",
                type=click.IntRange(1, 64),
                default=_defaults.EXPORT_CONCURRENCY,
                show_default=True,
                help="Pages requested at once.",
            ),
            click.option(
                "--since",
                callback=_since,
                metavar="DATE",
                help="Only items created at or after this.",
            ),
            click.option(
                "--state",
                type=click.Path(dir_okay=False, path_type=Path),
                help="State file: the next run with it exports only what is new.",
            ),
        )
    ):
        command = option(command)
    return command


@click.group(epilog=ENV_HELP + "\n" + HELP)
def export() -> None:
    """Incremental exports, every item exactly once, oldest first, as the API sent it:
    JSON Lines (one object per line) or SQLite."""


@export.command("loyalty-transactions", epilog=HELP)
@_export_options
@click.option("--type", "kind", type=click.Choice(["credit_receptions", "reward_receptions"]))
@click.option("--shop", help="Only transactions at this shop (uuid).")
def loyalty_transactions(
    out: Path,
    kind_of_out: str | None,
    concurrency: int,
    since: datetime | None,
    state: Path | None,
    kind: Any,
    shop: str | None,
) -> None:
    """Export loyalty transactions (credit and reward receptions)."""
    from .. import bulk

    check_outputs({}, {"--out": out, "--state": state})
    piggy = oauth_client()

    def stream() -> ExportStream:
        return bulk.stream_loyalty_transactions(
            piggy, since=since, state=state, type=kind, shop_uuid=shop, concurrency=concurrency
        )

    _report("loyalty transactions", out, _guarded(piggy, stream, out, kind_of_out, state))


@export.command("contacts", epilog=HELP)
@_export_options
@API
def contacts(
    out: Path,
    kind_of_out: str | None,
    concurrency: int,
    since: datetime | None,
    state: Path | None,
    api: Literal["oauth", "register"],
) -> None:
    """Export contacts (by creation: a contact changed after its export is not exported
    again; `contact_updated` webhooks carry the changes)."""
    from .. import bulk

    check_outputs({}, {"--out": out, "--state": state})
    piggy = client(api)

    def stream() -> ExportStream:
        return bulk.stream_contacts(piggy, since=since, state=state, concurrency=concurrency)

    _report("contacts", out, _guarded(piggy, stream, out, kind_of_out, state))


def _guarded(
    piggy: Any,
    stream: Callable[[], ExportStream],
    out: Path,
    kind_of_out: str | None,
    state: Path | None,
) -> ExportResult:
    """The export's result; one run at a time per state file."""
    from .. import bulk
    from ..bulk._lock import exclusive

    async def job() -> ExportResult:
        async with piggy:
            return await bulk.write_stream(stream(), out, kind_of_out)

    with exclusive(state, "state file"):
        result: ExportResult = run(job(), refusal=USAGE)  # e.g. an unknown --shop
    return result


def _report(what: str, out: Path, result: ExportResult) -> None:
    cursor = "nothing yet" if result.cursor is None else result.cursor.isoformat()
    click.echo(
        f"exported {result.written} {what} to {out} ({result.requests}"
        f" request{'' if result.requests == 1 else 's'};"
        f" newest created at {cursor})"
    )
    if result.odd or result.unplaced:
        click.echo(
            f"{result.odd} of them the SDK's models cannot take (written as received);"
            f" {result.unplaced} left out without a readable created_at or uuid:"
        )
        for problem, count in result.problems.items():
            click.echo(f"  {count}: {problem}")
