"""The pytest plugin installed with the SDK: fixtures for testing code that uses it against
a local `FakePiggy`, with no conftest.py. It needs pytest-asyncio
(`pip install 'piggy_async[pytest]'`).

    async def test_signup(piggy, piggy_server):       # a FakePiggy and an OAuthClient on it
        ...

    @pytest.mark.piggy_server(rate_limit=RateLimit(limit=10, window=60), seed=7)
    @pytest.mark.piggy_client(max_retries=0)
    async def test_past_the_budget(pos): ...           # a RegisterClient

- `piggy_server`: a running `FakePiggy`; `@pytest.mark.piggy_server(...)` takes its
  arguments (`data=SeedData(...)`, `rate_limit=`, `faults=`, `seed=`, `clock=`, ...), and
  overriding the `piggy_server_options` fixture sets them for a module or a whole suite.
- `piggy` (an `OAuthClient`) and `pos` (a `RegisterClient`) on it;
  `@pytest.mark.piggy_client(...)` or the `piggy_client_options` fixture take their
  options (`max_retries=`, `clock=VirtualClock()`, `session=`, ...).

Inert unless used: nothing is imported from the SDK until one of its fixtures is.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

import pytest

if TYPE_CHECKING:
    from piggy_async import OAuthClient, RegisterClient
    from piggy_async.testing import FakePiggy

F = TypeVar("F", bound=Callable[..., Any])


def _async_fixture(function: F) -> F:
    """A pytest-asyncio fixture; without pytest-asyncio, one that says it is missing."""
    try:
        import pytest_asyncio
    except ImportError:

        @pytest.fixture(name=function.__name__)
        def missing() -> None:
            raise pytest.UsageError(
                f"the {function.__name__} fixture needs pytest-asyncio: "
                "pip install 'piggy_async[pytest]'"
            )

        return cast(F, missing)
    return cast(F, pytest_asyncio.fixture(function))


_MARKERS = {
    "piggy_server": "piggy_server(**options): FakePiggy(...) arguments for this test",
    "piggy_client": "piggy_client(**options): OAuthClient/RegisterClient options for this test",
}


def pytest_configure(config: pytest.Config) -> None:
    for name, text in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text} (piggy_async's fixtures)")


def _options(request: pytest.FixtureRequest, marker: str, base: dict[str, Any]) -> dict[str, Any]:
    """`base` updated with the test's `marker` keyword arguments (the closest one wins)."""
    options = dict(base)
    for mark in reversed(list(request.node.iter_markers(marker))):
        if mark.args:
            raise TypeError(f"@pytest.mark.{marker} takes keyword arguments only")
        options.update(mark.kwargs)
    return options


@pytest.fixture
def piggy_server_options() -> dict[str, Any]:
    """`FakePiggy` arguments for every test that uses `piggy_server`: override it."""
    return {}


@pytest.fixture
def piggy_client_options() -> dict[str, Any]:
    """Options for the `piggy` and `pos` clients: override it."""
    return {}


@_async_fixture
async def piggy_server(
    request: pytest.FixtureRequest, piggy_server_options: dict[str, Any]
) -> AsyncIterator[FakePiggy]:
    """A `FakePiggy` on a free loopback port, for this test only."""
    from piggy_async.testing import FakePiggy

    options = _options(request, "piggy_server", piggy_server_options)
    async with FakePiggy(**options) as server:
        yield server


def _client_fixture(name: str, client: str, key: str, doc: str) -> Any:
    """The fixture `name`: a `piggy_async.<client>` on `piggy_server` with its `key`."""

    async def fixture(
        request: pytest.FixtureRequest,
        piggy_server: FakePiggy,
        piggy_client_options: dict[str, Any],
    ) -> AsyncIterator[OAuthClient | RegisterClient]:
        import piggy_async

        options = _options(request, "piggy_client", piggy_client_options)
        client_type: type[OAuthClient | RegisterClient] = getattr(piggy_async, client)
        api_key = getattr(piggy_server, key)
        async with client_type(api_key=api_key, base_url=piggy_server.url, **options) as opened:
            yield opened

    fixture.__name__ = fixture.__qualname__ = name
    fixture.__doc__ = doc
    return _async_fixture(fixture)


piggy = _client_fixture(
    "piggy", "OAuthClient", "oauth_key", "An `OAuthClient` on `piggy_server`, with its token."
)
pos = _client_fixture(
    "pos", "RegisterClient", "register_key", "A `RegisterClient` on `piggy_server`, with its key."
)
