"""The SDK against FakePiggy over real sockets when things go wrong: the documented errors,
client credentials and injected faults."""

from __future__ import annotations

import pytest
from fake_helpers import SANDY, api_error, own_server, reward_named

from piggy_async import (
    APIConnectionError,
    AuthenticationError,
    ErrorCode,
    MaintenanceError,
    OAuthClient,
    PiggyError,
    RateLimitError,
    RegisterClient,
    ServerError,
    TruncatedResponseError,
)
from piggy_async.testing import FakePiggy, Faults, RateLimit, VirtualClock

# -- errors -------------------------------------------------------------------------------


async def test_an_unknown_contact_is_55031(oauth: OAuthClient) -> None:
    error = await api_error(oauth.contacts.get("no-such-contact"))
    assert (error.status, error.code, error.message) == (400, 55031, "Contact not found.")
    assert error.code == ErrorCode.CONTACT_NOT_FOUND


async def test_a_taken_email_is_60005(register: RegisterClient) -> None:
    await register.contacts.create(email=SANDY)
    error = await api_error(register.contacts.create(email=SANDY.upper()))
    assert error.code == ErrorCode.CONTACT_ALREADY_EXISTS


async def test_an_unknown_reward_is_6003(oauth: OAuthClient, register: RegisterClient) -> None:
    contact = (await register.contacts.create(email=SANDY)).uuid
    unknown_get = await api_error(oauth.rewards.get("no-such-reward"))
    unknown_redeem = await api_error(
        register.reward_receptions.create(contact_uuid=contact, reward_uuid="no-such-reward")
    )
    assert unknown_get.code == unknown_redeem.code == ErrorCode.REWARD_NOT_FOUND


async def test_insufficient_credits_are_1017(server: FakePiggy, oauth: OAuthClient) -> None:
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    error = await api_error(
        oauth.reward_receptions.create(
            contact_uuid=contact,
            reward_uuid=reward_named(server, "Krusty Krab Hat"),
            shop_uuid=server.state.default_shop_uuid,
        )
    )
    assert error.code == ErrorCode.INSUFFICIENT_CREDITS
    assert server.state.transactions == {}


async def test_an_unknown_shop_is_1008(oauth: OAuthClient) -> None:
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    error = await api_error(
        oauth.credit_receptions.create(shop_uuid="no-such-shop", contact_uuid=contact, credits=1)
    )
    assert error.code == ErrorCode.SHOP_NOT_FOUND


async def test_invalid_input_is_1003_with_the_fields(server: FakePiggy, oauth: OAuthClient) -> None:
    bad_email = await api_error(oauth.contacts.create(email="plankton"))
    contact = (await oauth.contacts.create(email=SANDY)).uuid
    no_credits = await api_error(
        oauth.credit_receptions.create(
            shop_uuid=server.state.default_shop_uuid, contact_uuid=contact
        )
    )
    assert bad_email.code == no_credits.code == ErrorCode.INVALID_INPUT
    assert bad_email.errors == {"email": ["The email field must be a valid email address."]}
    assert no_credits.errors == {
        "credits": ["The credits field is required when unit value is not present."]
    }


async def test_a_wrong_key_is_an_authenticationapi_error(server: FakePiggy) -> None:
    async with OAuthClient(api_key="wrong", base_url=server.url) as piggy:
        error = await api_error(piggy.contacts.list(), AuthenticationError)
    assert (error.status, error.message) == (401, "Unauthenticated.")


async def test_an_exhausted_budget_is_a_rate_limitapi_error() -> None:
    server_clock = VirtualClock()  # however slow the machine, the 30 s are all ahead
    async with own_server(rate_limit=RateLimit(limit=1, window=30), clock=server_clock) as piggy:
        await piggy.rewards.list()
        error = await api_error(piggy.rewards.list(), RateLimitError)
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 30.0
    assert error.headers["X-RateLimit-Remaining"] == "0"


# -- client credentials -------------------------------------------------------------------


async def test_client_credentials_fetch_a_token_and_renew_it_when_refused(
    server: FakePiggy, clock: VirtualClock
) -> None:
    async with OAuthClient(
        client_id=server.client_id, client_secret=server.client_secret, base_url=server.url
    ) as piggy:
        await piggy.rewards.list()
        await piggy.rewards.list()
        clock.advance(3600)  # the server's clock: the client still believes in its token
        await piggy.rewards.list()
    requests = [(r.operation, r.status) for r in server.state.requests]
    token, rewards = None, ("rewards", "list")
    assert requests == [
        (token, 200),
        (rewards, 200),
        (rewards, 200),
        (rewards, 401),
        (token, 200),
        (rewards, 200),
    ]


async def test_wrong_client_credentials_are_an_authenticationapi_error(server: FakePiggy) -> None:
    async with OAuthClient(
        client_id=server.client_id, client_secret="wrong", base_url=server.url
    ) as piggy:
        error = await api_error(piggy.rewards.list(), AuthenticationError)
    assert error.message == "token request failed: Client authentication failed"


# -- faults -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("faults", "expected"),
    [
        (Faults(error_503=1.0), MaintenanceError),
        (Faults(error_500=1.0), ServerError),
        (Faults(error_502=1.0), ServerError),
        (Faults(malformed=1.0), TruncatedResponseError),
        (Faults(reset=1.0), TruncatedResponseError),
    ],
)
async def test_faults_surface_as_the_sdk_s_exceptions(
    faults: Faults, expected: type[PiggyError]
) -> None:
    async with own_server(faults=faults) as piggy:
        with pytest.raises(PiggyError) as caught:
            await piggy.rewards.list()
    assert type(caught.value) is expected


async def test_a_body_that_breaks_off_says_how_much_arrived() -> None:
    async with own_server(faults=Faults(reset=1.0)) as piggy:
        with pytest.raises(TruncatedResponseError) as caught:
            await piggy.rewards.list()
    error = caught.value
    assert isinstance(error, APIConnectionError) and error.may_have_been_processed
    assert error.status == 200 and error.declared is not None
    assert error.received == error.declared // 2
    assert str(error).startswith("rewards.list: HTTP 200: the body broke off")
    assert f"; {error.received} of the {error.declared} bytes announced arrived" in str(error)


async def _outcomes(seed: int) -> list[str]:
    faults = Faults(error_503=0.2, malformed=0.2, reset=0.2)
    outcomes = []
    async with own_server(faults=faults, seed=seed) as piggy:
        for _ in range(30):
            try:
                await piggy.rewards.list()
                outcomes.append("ok")
            except PiggyError as error:
                outcomes.append(type(error).__name__)
    return outcomes


async def test_faults_are_reproducible_under_a_seed() -> None:
    first = await _outcomes(seed=3)
    assert first == await _outcomes(seed=3)
    assert set(first) == {
        "ok",
        "MaintenanceError",
        "TruncatedResponseError",
    }
