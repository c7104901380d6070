"""An import waits through an outage instead of stopping: the token endpoint failing for
30 s mid-run, its tokens revoked so the client must fetch a new one, costs no contact and
no duplicate, and the import finishes in one run. Past `max_pause`, it stops as before.

A small proxy in front of FakePiggy plays the outage, on the client's `VirtualClock`, so
no test waits in real time.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import attrs
import pytest
from aiohttp import web
from scripted_api import ScriptedAPI
from test_bulk_import import assert_imported

from piggy_async import OAuthClient, ServerError, VirtualClock
from piggy_async.bulk import (
    ImportProgress,
    ImportResult,
    ImportStopped,
    Outage,
    import_contacts,
    read_contacts_csv,
)
from piggy_async.cli._progress import ProgressReport
from piggy_async.testing import FakePiggy, Sample, write_sample_csv

_HOP_HEADERS = {"content-length", "transfer-encoding", "connection", "content-encoding"}


class TokenOutage:
    """A proxy to `server` whose token endpoint answers 503 for `seconds` from `begin()`,
    which also revokes every token handed out so far (answered 401 from then on)."""

    def __init__(self, server: FakePiggy, clock: VirtualClock, seconds: float) -> None:
        self._server, self._clock, self._seconds = server, clock, seconds
        self._session = aiohttp.ClientSession()
        self.started: float | None = None
        self.seen: set[str] = set()
        self.revoked: set[str] = set()
        self.refused_tokens = 0

    def begin(self) -> None:
        if self.started is None:
            self.started = self._clock.now()
            self.revoked = set(self.seen)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        down = self.started is not None and self._clock.now() < self.started + self._seconds
        if down and request.path == "/oauth/token":
            self.refused_tokens += 1
            return web.json_response({"message": "Service Unavailable"}, status=503)
        authorization = request.headers.get("Authorization")
        if authorization in self.revoked:
            return web.json_response({"message": "Unauthenticated."}, status=401)
        if authorization is not None:
            self.seen.add(authorization)
        async with self._session.request(
            request.method,
            self._server.url + request.path_qs,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            data=await request.read(),
        ) as answer:
            headers = {k: v for k, v in answer.headers.items() if k.lower() not in _HOP_HEADERS}
            return web.Response(body=await answer.read(), status=answer.status, headers=headers)

    async def close(self) -> None:
        await self._session.close()


@pytest.fixture
async def server() -> AsyncIterator[FakePiggy]:
    async with FakePiggy() as server:
        yield server


@attrs.frozen
class Run:
    outage: TokenOutage
    progress: list[ImportProgress]
    clock: VirtualClock
    sample: Sample
    outcome: ImportResult | ImportStopped


async def _import(
    server: FakePiggy, tmp_path: Path, outage_seconds: float, max_pause: float
) -> Run:
    """An import of 200 rows with client credentials, through a token outage that begins
    a third of the way in and lasts `outage_seconds`."""
    sample = write_sample_csv(tmp_path / "contacts.csv", rows=200, seed=5)
    clock = VirtualClock()
    outage = TokenOutage(server, clock, outage_seconds)
    seen: list[ImportProgress] = []

    def progress(update: ImportProgress) -> None:
        seen.append(update)
        if update.done * 3 >= update.total:
            outage.begin()

    async with (
        ScriptedAPI(outage.handle) as proxy,
        OAuthClient(
            client_id=server.client_id,
            client_secret=server.client_secret,
            base_url=proxy.url,
            clock=clock,
        ) as piggy,
    ):
        outcome: ImportResult | ImportStopped
        try:
            outcome = await import_contacts(
                piggy,
                read_contacts_csv(sample.path),
                checkpoint=tmp_path / "import.sqlite",
                on_progress=progress,
                max_pause=max_pause,
            )
        except ImportStopped as stopped:
            outcome = stopped
    await outage.close()
    return Run(outage, seen, clock, sample, outcome)


async def test_an_import_waits_through_a_token_outage_and_finishes(
    server: FakePiggy, tmp_path: Path
) -> None:
    run = await _import(server, tmp_path, 30, max_pause=900)

    assert run.outage.started is not None and run.outage.refused_tokens > 0  # it did happen
    assert isinstance(run.outcome, ImportResult), run.outcome
    assert run.outcome.pending == 0
    assert_imported(server, run.sample)  # one contact per address, nothing lost or doubled
    assert run.clock.now() >= run.outage.started + 30  # it waited the outage out
    waits = [update.waiting for update in run.progress if update.waiting is not None]
    assert waits and "503" in waits[0].cause
    assert run.progress[-1].waiting is None
    assert run.progress[-1].done == run.progress[-1].total


async def test_past_its_patience_the_import_stops_and_resumes_later(
    server: FakePiggy, tmp_path: Path
) -> None:
    run = await _import(server, tmp_path, 3600, max_pause=60)

    stopped = run.outcome
    assert isinstance(stopped, ImportStopped)
    assert isinstance(stopped.error, ServerError)
    assert run.outage.started is not None
    assert run.outage.started + 60 <= run.clock.now() < run.outage.started + 120
    assert 0 < stopped.result.pending < len(run.sample.expected)

    async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy:
        await import_contacts(
            piggy, read_contacts_csv(run.sample.path), checkpoint=tmp_path / "import.sqlite"
        )
    assert_imported(server, run.sample)


def test_the_progress_lines_say_what_is_waited_for_and_until_when(
    capsys: pytest.CaptureFixture[str],
) -> None:
    outage = Outage("oauth.token: HTTP 503", datetime(2026, 1, 2, 10, 47, 12, tzinfo=UTC))
    with ProgressReport() as report:
        report.update(ImportProgress(10, 5, 0))
        report.update(ImportProgress(10, 5, 0, outage))
        report.update(ImportProgress(10, 6, 0))

    assert capsys.readouterr().out.splitlines() == [
        "progress: 5/10 contacts (50%), 0 failed",
        "waiting until 10:47:12 UTC for the service to recover: oauth.token: HTTP 503",
        "resumed: the outage is over",
        "progress: 6/10 contacts (60%), 0 failed",
    ]
