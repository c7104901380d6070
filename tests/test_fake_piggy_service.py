"""FakePiggy as a service: rate limiting, fault injection, the token endpoint, the request
log, its lifecycle and the command line."""

from __future__ import annotations

import asyncio
import json
import signal
import sys

import aiohttp
import pytest

from piggy_async._defaults import API_PREFIXES
from piggy_async.testing import FakePiggy, Faults, RateLimit, VirtualClock

# -- rate limiting ------------------------------------------------------------------------


async def test_rate_limit_headers_count_down_and_429_says_when_to_retry(
    session: aiohttp.ClientSession,
) -> None:
    clock = VirtualClock()
    async with FakePiggy(clock=clock, rate_limit=RateLimit(limit=2, window=10)) as server:

        async def ping() -> aiohttp.ClientResponse:
            async with session.get(
                f"{server.url}/api/v3/oauth/clients",
                headers={"Authorization": f"Bearer {server.oauth_key}"},
            ) as response:
                await response.read()
                return response

        remaining = [(await ping()).headers["X-RateLimit-Remaining"] for _ in range(2)]
        clock.advance(4)
        refused = await ping()
        clock.advance(6)
        renewed = await ping()

    assert remaining == ["1", "0"]
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "6"
    assert refused.headers["X-RateLimit-Limit"] == "2"
    assert renewed.status == 200
    assert renewed.headers["X-RateLimit-Remaining"] == "1"


async def test_each_key_has_its_own_budget(session: aiohttp.ClientSession) -> None:
    async with FakePiggy(rate_limit=RateLimit(limit=1)) as server:
        statuses = []
        for api, key in [
            ("oauth", server.oauth_key),
            ("register", server.register_key),
            ("oauth", server.oauth_key),
        ]:
            async with session.get(
                f"{server.url}{API_PREFIXES[api]}/contacts",
                headers={"Authorization": f"Bearer {key}"},
            ) as response:
                statuses.append(response.status)
    assert statuses == [200, 200, 429]


# -- faults -------------------------------------------------------------------------------


async def _statuses(session: aiohttp.ClientSession, faults: Faults, seed: int) -> list[int]:
    async with FakePiggy(faults=faults, seed=seed) as server:
        statuses = []
        for _ in range(40):
            async with session.get(
                f"{server.url}/api/v3/oauth/clients/rewards",
                headers={"Authorization": f"Bearer {server.oauth_key}"},
            ) as response:
                statuses.append(response.status)
        return statuses


async def test_status_faults_are_reproducible_under_a_seed(
    session: aiohttp.ClientSession,
) -> None:
    faults = Faults(error_500=0.2, error_502=0.2, error_503=0.2)
    first = await _statuses(session, faults, seed=7)
    assert first == await _statuses(session, faults, seed=7)
    assert first != await _statuses(session, faults, seed=8)
    assert set(first) == {200, 500, 502, 503}


async def test_a_maintenance_fault_answers_in_the_error_envelope(
    session: aiohttp.ClientSession,
) -> None:
    async with (
        FakePiggy(faults=Faults(error_503=1.0)) as server,
        session.get(
            f"{server.url}/api/v3/oauth/clients/rewards",
            headers={"Authorization": f"Bearer {server.oauth_key}"},
        ) as response,
    ):
        body = await response.json()
    assert response.status == 503
    assert body == {"status_code": 503, "message": "Piggy system is in maintenance mode."}
    assert response.headers["X-RateLimit-Remaining"] == "4999"


async def test_a_malformed_answer_comes_after_the_work_is_done(
    session: aiohttp.ClientSession,
) -> None:
    async with FakePiggy(faults=Faults(malformed=1.0)) as server:
        async with session.post(
            f"{server.url}/api/v3/oauth/clients/contacts",
            json={"email": "sandy@bikinibottom.sea"},
            headers={"Authorization": f"Bearer {server.oauth_key}"},
        ) as response:
            raw = await response.read()
        assert response.status == 200
        with pytest.raises(ValueError):
            json.loads(raw)
        assert server.state.contact_by_email("sandy@bikinibottom.sea") is not None


async def test_a_reset_breaks_the_response_off_mid_body(session: aiohttp.ClientSession) -> None:
    async with FakePiggy(faults=Faults(reset=1.0)) as server:
        with pytest.raises(aiohttp.ClientPayloadError):
            async with session.get(
                f"{server.url}/api/v3/oauth/clients/rewards",
                headers={"Authorization": f"Bearer {server.oauth_key}"},
            ) as response:
                await response.read()
        assert server.state.calls["rewards", "list"] == 1


async def test_delay_seconds_delays_the_answer(session: aiohttp.ClientSession) -> None:
    loop = asyncio.get_running_loop()
    async with FakePiggy(faults=Faults(delay_seconds=0.05)) as server:
        started = loop.time()
        async with session.get(
            f"{server.url}/api/v3/oauth/clients/rewards",
            headers={"Authorization": f"Bearer {server.oauth_key}"},
        ) as response:
            assert response.status == 200
    assert loop.time() - started >= 0.05


@pytest.mark.parametrize(
    "settings",
    [
        {"error_500": 1.5},
        {"reset": -0.1},
        {"error_503": 0.6, "malformed": 0.6},
        {"delay_seconds": -1},
    ],
)
def test_impossible_fault_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Faults(**settings)


# -- the token endpoint -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["json", "data"])
async def test_client_credentials_get_a_token_for_the_oauth_api(
    server: FakePiggy, session: aiohttp.ClientSession, encoding: str
) -> None:
    fields = {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
    }
    async with session.post(f"{server.url}/oauth/token", **{encoding: fields}) as response:
        token = await response.json()
    assert response.status == 200
    assert (token["token_type"], token["expires_in"]) == ("Bearer", 3600)
    statuses = []
    for api in ("oauth", "register"):
        async with session.get(
            f"{server.url}{API_PREFIXES[api]}/contacts",
            headers={"Authorization": f"Bearer {token['access_token']}"},
        ) as response:
            statuses.append(response.status)
    assert statuses == [200, 401]


@pytest.mark.parametrize(
    ("fields", "status", "error"),
    [
        ({"client_secret": "wrong"}, 401, "invalid_client"),
        ({"grant_type": "password"}, 400, "unsupported_grant_type"),
    ],
)
async def test_bad_token_requests_get_passport_errors(
    server: FakePiggy,
    session: aiohttp.ClientSession,
    fields: dict[str, str],
    status: int,
    error: str,
) -> None:
    request = {
        "grant_type": "client_credentials",
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        **fields,
    }
    async with session.post(f"{server.url}/oauth/token", json=request) as response:
        body = await response.json()
    assert response.status == status
    assert body["error"] == error


async def test_issued_tokens_expire(session: aiohttp.ClientSession) -> None:
    clock = VirtualClock()
    async with FakePiggy(clock=clock, token_lifetime=60) as server:
        async with session.post(
            f"{server.url}/oauth/token",
            json={
                "grant_type": "client_credentials",
                "client_id": server.client_id,
                "client_secret": server.client_secret,
            },
        ) as response:
            token = (await response.json())["access_token"]
        clock.advance(60)
        async with session.get(
            f"{server.url}/api/v3/oauth/clients/contacts",
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert response.status == 401


# -- the request log, lifecycle and the command line --------------------------------------


async def test_the_request_log_is_bounded_and_calls_are_counted(
    session: aiohttp.ClientSession,
) -> None:
    async with FakePiggy(log_size=3) as server:
        for _ in range(5):
            async with session.get(
                f"{server.url}/api/v3/oauth/clients/rewards",
                headers={"Authorization": f"Bearer {server.oauth_key}"},
            ):
                pass
        assert len(server.state.requests) == 3
        assert server.state.requests[-1].path == "/api/v3/oauth/clients/rewards"
        assert server.state.calls["rewards", "list"] == 5


async def test_the_url_exists_only_while_running() -> None:
    server = FakePiggy()
    with pytest.raises(RuntimeError, match="not running"):
        server.url  # noqa: B018
    async with server:
        assert server.url.startswith("http://127.0.0.1:")
        with pytest.raises(RuntimeError, match="already running"):
            await server.start()
    assert repr(server) == "<FakePiggy not running>"


async def test_serve_prints_where_it_listens_and_stops_on_ctrl_c(
    session: aiohttp.ClientSession,
) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "piggy_async.testing",
        "serve",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    banner = (await process.stdout.readline()).decode()
    url = banner.split()[-1]
    output = (await process.stdout.readuntil(b"Ctrl-C to stop.\n")).decode()
    async with session.get(
        f"{url}/api/v3/oauth/clients",
        headers={"Authorization": "Bearer fake-piggy-oauth-key"},
    ) as response:
        assert response.status == 200
    process.send_signal(signal.SIGINT)
    assert await process.wait() == 0
    assert "fake-piggy-register-key" in output
