"""Every documented secret set to one marker, and every output of the SDK scanned for it: the
`piggy_async` logs at DEBUG, transport events, errors and their causes, reprs, the command
line's output, while calls fail, retry, renew their token and pace without Redis.

The secrets: an API key, a register key, OAuth2 client secrets (right and wrong), the
access tokens issued, a secret path value (a contact session token), a Redis password in
every form a URL takes, a webhook secret and the account secret that signs loyalty URLs.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

import pytest
from cli_helpers import environment, finish, start
from raw_server import closed_port

from piggy_async import OAuthClient, PiggyError, RegisterClient, TransportEvent, VirtualClock
from piggy_async.limiters import RedisLimiter
from piggy_async.loyalty_urls import build_claim_url, verify_claim_url
from piggy_async.testing import FakePiggy, Faults, RateLimit
from piggy_async.webhooks import verify_signature

MARK = "Zq7s3cr3tMARK"

REDIS_URLS = [
    "redis://:{mark}@127.0.0.1:{port}/0",
    "redis://user:{mark}@127.0.0.1:{port}/0?password={mark}",
    "unix://:{mark}@/run/redis-{port}.sock?db=0&password={mark}",
]


class Outputs:
    """Everything the SDK shows: texts of errors (with their causes), reprs and events."""

    def __init__(self) -> None:
        self.texts: list[str] = []
        self.events: list[TransportEvent] = []
        self.errors = 0

    async def call(self, sent: Awaitable[Any]) -> None:
        try:
            self.texts.append(repr(await sent))
        except (PiggyError, ValueError) as error:
            self.errors += 1
            cause: BaseException | None = error
            while cause is not None:
                self.texts += [str(cause), repr(cause)]
                cause = cause.__cause__ or cause.__context__


async def calls(oauth: OAuthClient, pos: RegisterClient, clock: VirtualClock, out: Outputs) -> None:
    for client in (oauth, pos):
        for _ in range(4):
            await out.call(client.contacts.list())
        await out.call(client.contact_session_tokens.get(f"cst-{MARK}"))
        await out.call(client.contact_session_tokens.use(f"cst-{MARK}"))
        clock.advance(120.0)  # the access token expires, the rate-limit window turns
    out.texts += [repr(oauth), str(oauth), repr(pos), repr(oauth.with_options(timeout=9))]
    out.texts += [repr(oauth.limiter), repr(oauth.contacts)]


def helpers(out: Outputs) -> None:
    for header in ("sha256=0000", None):
        try:
            verify_signature(b'{"event": "contact_created"}', header, f"wh-{MARK}")
        except PiggyError as error:
            out.texts += [str(error), repr(error)]
    url = build_claim_url(
        "https://portal.example.com/claim",
        shop_uuid="shop-1",
        unique_id="order-1",
        unit_value=5,
        secret=f"acct-{MARK}",
    )
    out.texts.append(url)
    try:
        verify_claim_url(url, secret=f"other-{MARK}")
    except PiggyError as error:
        out.texts += [str(error), repr(error)]


@pytest.mark.parametrize("redis_url", REDIS_URLS, ids=["userinfo", "query", "unix"])
async def test_no_secret_reaches_any_output(
    caplog: pytest.LogCaptureFixture, redis_url: str
) -> None:
    clock, out = VirtualClock(), Outputs()
    redis = redis_url.format(mark=MARK, port=closed_port())
    keys = {"oauth_key": f"key-{MARK}", "register_key": f"reg-{MARK}", "client_id": "cid"}
    faults = Faults(error_503=0.2, reset=0.1, malformed=0.1)
    options: dict[str, Any] = {"clock": clock, "on_event": out.events.append}
    caplog.set_level(logging.DEBUG, logger="piggy_async")
    async with FakePiggy(
        **keys, client_secret=f"cs-{MARK}", token_lifetime=60, faults=faults, seed=7,
        rate_limit=RateLimit(limit=6, window=60), clock=clock,
    ) as server:  # fmt: skip

        def make(cls: Any, **given: Any) -> Any:
            return cls(base_url=server.url, **options, **given)

        async with (
            make(OAuthClient, client_id="cid", client_secret=f"cs-{MARK}",
                 limiter=RedisLimiter(redis, clock=clock)) as oauth,
            make(RegisterClient, api_key=f"reg-{MARK}") as pos,
            make(OAuthClient, client_id="cid", client_secret=f"wrong-{MARK}") as refused,
        ):  # fmt: skip
            await calls(oauth, pos, clock, out)
            await out.call(refused.contacts.list())
        env = {**environment(server, f"key-{MARK}"), "PIGGY_LOG": "debug"}
        env["PIGGY_LIMITER_URL"] = redis
        cli = await finish(await start(env, "call", "contact_session_tokens.get", f"cst-{MARK}"))
        issued = list(server.credentials._issued)
    helpers(out)

    shown = [caplog.text, cli.stdout, cli.stderr, *out.texts, *map(repr, out.events)]
    assert issued and out.errors >= 2 and len(out.events) > 20, "the probe did its work"
    assert [text for text in out.texts if "Client authentication failed" in text]
    assert "unreachable" in caplog.text and "<redacted>" in caplog.text + cli.stderr
    for secret in (MARK, *issued):
        assert not [text for text in shown if secret in text], secret
