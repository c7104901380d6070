"""`FakePiggy`: the fake Piggy API as an aiohttp server on a free loopback port."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Final, Self

from aiohttp import web
from yarl import URL

from .._clock import SYSTEM_CLOCK, Clock
from ._clock import wall_time
from ._credentials import Credentials
from ._endpoint import Runtime
from ._faults import FaultInjector, Faults
from ._handlers import vouchers
from ._rate_limit import RateLimit, RateLimiter
from ._routes import build_app
from ._seed import SeedData
from ._state import State
from ._webhooks import Webhooks

DEFAULT_OAUTH_KEY: Final = "fake-piggy-oauth-key"
DEFAULT_REGISTER_KEY: Final = "fake-piggy-register-key"
DEFAULT_CLIENT_ID: Final = "fake-piggy-client"
DEFAULT_CLIENT_SECRET: Final = "fake-piggy-secret"
NO_FAULTS: Final = Faults()
API_RATE_LIMIT: Final = RateLimit()
DEFAULT_DATA: Final = SeedData()


class FakePiggy:
    """A local, stateful stand-in for the Piggy API, over real HTTP.

        async with FakePiggy() as server:
            async with OAuthClient(api_key=server.oauth_key, base_url=server.url) as piggy:
                contact = await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
            assert server.state.contacts[contact.uuid].email == "sandy@bikinibottom.sea"

    Serves every operation of `piggy_async.operations()` on both APIs and
    `POST /oauth/token`. Contacts, contact identifiers, credit and reward receptions,
    rewards, loyalty transactions, prepaid transactions, promotions, vouchers and webhook
    subscriptions keep state; every other operation validates its input and answers an
    example of its documented response. Subscriptions receive signed webhook deliveries
    when `webhooks.deliver_due()` is awaited; `delete_voucher` stands in for a deletion in
    the dashboard. Created loyalty tokens are claim URLs signed with the account secret.

    Args:
        host: The address to bind; loopback by default.
        port: The port to bind; 0 picks a free one (see `url`).
        oauth_key: The personal access token the OAuth API accepts.
        register_key: The register key the Register API accepts.
        client_id: The OAuth2 client credentials `POST /oauth/token` accepts.
        client_secret: See `client_id`.
        token_lifetime: Seconds an issued access token stays valid.
        rate_limit: The per-key request budget (the API's 5000 a minute by default).
        faults: Which share of requests fails, and how; none by default.
        seed: Makes generated uuids and the faults' draws reproducible.
        data: What the account holds at the start: shops, unit, rewards, tiers.
        clock: The time source (the system's); pass the `VirtualClock` the client under
            test uses, and time moves for both when the client sleeps or a test advances it.
        log_size: Requests kept in `state.requests`.
        shuffle_ties: Given, lists return items created in the same second in a different
            order on every request, drawn from a generator seeded with it (the API sorts
            on a one-second `created_at` and promises no order among ties); None keeps
            them in creation order.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        oauth_key: str = DEFAULT_OAUTH_KEY,
        register_key: str = DEFAULT_REGISTER_KEY,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        token_lifetime: float = 3600.0,
        rate_limit: RateLimit = API_RATE_LIMIT,
        faults: Faults = NO_FAULTS,
        seed: int = 0,
        data: SeedData = DEFAULT_DATA,
        clock: Clock | Callable[[], float] = SYSTEM_CLOCK,
        log_size: int = 1000,
        shuffle_ties: int | None = None,
    ) -> None:
        wall = wall_time(clock)
        self.state = State(
            data, seed=seed, clock=wall, log_size=log_size, shuffle_ties=shuffle_ties
        )
        """The account's data and the request log, for assertions."""
        self.credentials = Credentials(
            oauth_key=oauth_key,
            register_key=register_key,
            client_id=client_id,
            client_secret=client_secret,
            token_lifetime=token_lifetime,
            clock=wall,
        )
        runtime = Runtime(
            state=self.state,
            credentials=self.credentials,
            limiter=RateLimiter(rate_limit, wall),
            faults=FaultInjector(faults, seed),
        )
        self.app = build_app(runtime)
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._url: str | None = None

    @property
    def url(self) -> str:
        """The host root to give clients as `base_url`, e.g. `http://127.0.0.1:54321`."""
        if self._url is None:
            raise RuntimeError("FakePiggy is not running: use `async with` or `await start()`")
        return self._url

    @property
    def webhooks(self) -> Webhooks:
        """Webhook subscriptions and their deliveries: `await server.webhooks.deliver_due()`
        posts every delivery that is due (see `piggy_async.testing.Webhooks`)."""
        return self.state.webhooks

    def delete_voucher(self, voucher_uuid: str) -> None:
        """Delete a voucher as the dashboard does (the API has no call for it); subscribers
        to `voucher_deleted` get a delivery with the voucher as it was. Raises `KeyError`
        for a voucher the fake does not hold."""
        vouchers.delete(self.state, voucher_uuid)

    @property
    def oauth_key(self) -> str:
        return self.credentials.oauth_key

    @property
    def register_key(self) -> str:
        return self.credentials.register_key

    @property
    def client_id(self) -> str:
        return self.credentials.client_id

    @property
    def client_secret(self) -> str:
        return self.credentials.client_secret

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("FakePiggy is already running")
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, self._host, self._port).start()
        host, port = runner.addresses[0][:2]
        self._runner = runner
        self._url = str(URL.build(scheme="http", host=host, port=port))

    async def close(self) -> None:
        if self._runner is not None:
            runner, self._runner, self._url = self._runner, None, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<FakePiggy {self._url or 'not running'}>"
