"""`piggy import-contacts`: the contact import of `piggy_async.bulk` (the exports are in
`_export.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from .. import _defaults
from ._csv_options import columns_option, delimiter_option
from ._ending import reader_may_leave
from ._env import ENV_HELP, client
from ._exit import HELP, ROWS_FAILED, ConfigError, fail
from ._paths import check_outputs
from ._run import run
from ._signals import Stopped

if TYPE_CHECKING:
    from ..bulk import CsvFormat, ImportResult, ImportStopped
    from ._import_input import ImportInput

API = click.option(
    "--api",
    type=click.Choice(["oauth", "register"]),
    default="oauth",
    show_default=True,
    help="The API to use (register: with a register's key).",
)


@click.command("import-contacts", epilog=ENV_HELP + "\n" + HELP)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite file recording what each row became; the same command with the same"
    " checkpoint resumes.  [default: FILE with .import.sqlite]",
)
@click.option(
    "--errors",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV of the failed rows (row,email,reason).  [default: FILE with .failed.csv]",
)
@click.option("--concurrency", type=click.IntRange(1, 64), default=8, show_default=True)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Map the columns, validate and merge the rows; send nothing (the account's"
    " attributes are read if credentials are set).",
)
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="NAME=ATTRIBUTE",
    help="Import column NAME as contact attribute ATTRIBUTE (empty: leave it out).",
)
@click.option(
    "--skip-unknown-columns",
    is_flag=True,
    help="Leave out the columns that match no contact attribute, instead of refusing to start.",
)
@click.option(
    "--delimiter",
    callback=delimiter_option,
    metavar="CHAR",
    help="The field separator: , ; | or tab.  [default: detected from the header line]",
)
@click.option(
    "--encoding",
    help="The file's encoding, e.g. utf-8, cp1252, utf-16.  [default: detected: a byte-order"
    f" mark, else UTF-8 if the file is, else {_defaults.CSV_FALLBACK_ENCODING}]",
)
@click.option(
    "--max-pause",
    type=click.FloatRange(min=0),
    default=_defaults.MAX_PAUSE,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait through an outage (API errors, maintenance, the token endpoint)"
    " before stopping with exit code 3.",
)
@click.option(
    "--shard",
    metavar="K/N",
    help="Import only share K of N (by e-mail address), with its own checkpoint and errors"
    " file: run N workers, K = 1..N. Set PIGGY_LIMITER_URL to share one budget.",
)
@API
def import_contacts(
    file: Path,
    checkpoint: Path | None,
    errors: Path | None,
    concurrency: int,
    dry_run: bool,
    columns: tuple[str, ...],
    skip_unknown_columns: bool,
    delimiter: str | None,
    encoding: str | None,
    max_pause: float,
    shard: str | None,
    api: Literal["oauth", "register"],
) -> None:
    """Import contacts from a CSV file with a header line: an e-mail column, and columns
    matched to the account's contact attributes ignoring case and spaces (`First name`
    fills firstname). A column matching no attribute stops the run before anything is sent,
    unless --column maps it or --skip-unknown-columns leaves it out.

    Rows are checked first: an invalid e-mail address is a failed row, not an error.
    Rows with the same address (ignoring case) are merged. Each contact is found or
    created, then updated where its attributes differ. Failed rows are written to the
    errors file.
    """
    from ._import_input import ImportInput

    name, parts = file.name, _shard(shard)
    if parts is not None:
        name += f".{parts[0]}-of-{parts[1]}"
    checkpoint = checkpoint or file.with_name(name + ".import.sqlite")
    errors = errors or file.with_name(name + ".failed.csv")
    check_outputs(
        {"FILE": file}, {"--checkpoint": None if dry_run else checkpoint, "--errors": errors}
    )
    found = run(_detected(file, encoding, delimiter))  # a stop signal may end the reading
    source = ImportInput(file, found, columns_option(columns), skip_unknown_columns, parts)
    if dry_run:
        result = run(_dry_run(source, api))
    else:
        result = _run_import(client(api), source, checkpoint, errors, concurrency, max_pause)
    _summary(result, errors)
    if result.failed:
        raise click.exceptions.Exit(ROWS_FAILED)


async def _detected(file: Path, encoding: str | None, delimiter: str | None) -> CsvFormat:
    """The file's encoding and delimiter, as found or as given, said on the first line."""
    from .. import bulk

    found = bulk.csv_format(file, encoding=encoding, delimiter=delimiter)
    with reader_may_leave():
        click.echo(f"{file}: {found.describe()}")
    return found


def _run_import(
    piggy: Any,
    source: ImportInput,
    checkpoint: Path,
    errors: Path,
    concurrency: int,
    max_pause: float,
) -> ImportResult:
    """The import's result; a stop signal or an error that stopped it prints the counts so
    far first."""
    from .. import bulk

    with reader_may_leave():
        click.echo(f"checkpoint: {checkpoint}")
    try:
        job = _import(piggy, source, checkpoint, concurrency, max_pause)
        outcome = run(job, checkpoint=checkpoint)
    except Stopped:
        _summary(bulk.import_result(checkpoint), errors)
        raise
    if isinstance(outcome, bulk.ImportStopped):
        _summary(outcome.result, errors)
        fail(outcome.error)
    return outcome


def _shard(text: str | None) -> tuple[int, int] | None:
    from .. import bulk

    if text is None:
        return None
    try:
        return bulk.parse_shard(text)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--shard") from None


async def _dry_run(source: ImportInput, api: Literal["oauth", "register"]) -> ImportResult:
    """Check the rows; the columns are matched to the account's attributes if credentials
    are set, else to the documented ones. Unmatched columns fail it after the summary."""
    from .. import bulk

    try:
        piggy = client(api)
    except ConfigError:
        click.echo("no credentials: columns matched to the documented attributes only")
        attributes = bulk.DOCUMENTED_ATTRIBUTES
    else:
        async with piggy:
            attributes = await bulk.contact_attributes(piggy)
    mapping = source.mapping(attributes)
    result = await bulk.check_contacts(source.rows(mapping))
    if mapping.unmatched:
        _summary(result, None)
        mapping.check()
    return result


async def _import(
    piggy: Any, source: ImportInput, checkpoint: Path, concurrency: int, max_pause: float
) -> ImportResult | ImportStopped:
    """The import's result, or what stopped it (with the counts so far)."""
    from .. import bulk
    from ._progress import ProgressReport

    async with piggy:
        attributes = await bulk.contact_attributes(piggy)
        mapping = source.mapping(attributes)
        mapping.check()  # before anything is sent
        rows = source.rows(mapping)
        with ProgressReport() as report:
            try:
                return await bulk.import_contacts(
                    piggy,
                    rows,
                    checkpoint=checkpoint,
                    concurrency=concurrency,
                    on_progress=report.update,
                    attributes=attributes,
                    max_pause=max_pause,
                )
            except bulk.ImportStopped as stopped:
                return stopped


def _summary(result: ImportResult, errors: Path | None) -> None:
    from rich.console import Console
    from rich.table import Table

    from .. import bulk

    table = Table(title="contact import", show_header=False)
    for label, count in (
        ("rows read", result.rows),
        ("contacts created or found", result.imported),
        ("  of which updated", result.updated),
        ("  of which up to date already", result.unchanged),
        ("duplicate rows merged", result.duplicates),
        ("rows failed", result.failed),
        ("contacts still to import", result.pending),
    ):
        table.add_row(label, str(count))
    console = Console()
    with reader_may_leave():
        console.print(table)
    if result.failed and errors is not None:
        try:
            bulk.write_failures(errors, result.failures)
        except OSError as error:  # e.g. the disk filled up: the checkpoint still has them
            raise ConfigError(f"--errors {errors} cannot be written: {error}") from None
        with reader_may_leave():
            console.print(f"failed rows: {errors}", highlight=False)
