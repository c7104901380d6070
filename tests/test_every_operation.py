"""Every generated method, called through the SDK with its required arguments, reaches the
fake server over HTTP, passes its validation and decodes the answer: the whole request path
(signature → URL, query and JSON body → envelope → model) for all operations on both APIs.

Stateful operations need existing objects and are exercised by tests/test_integration.py.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio

import piggy_async
from piggy_async import AsyncPaginator, BaseClient, OAuthClient, Operation, Param, RegisterClient
from piggy_async.testing import FakePiggy
from piggy_async.testing._handlers import HANDLERS

SAMPLES: dict[str, Any] = {
    "str": "x",
    "int": 1,
    "float": 1.5,
    "bool": True,
    "datetime": datetime(2024, 1, 1, tzinfo=UTC),
    "object": {"name": "x"},
    "list[object]": [{"name": "x"}],
    "list[str]": ["x"],
    "str | int": "x",
    "object | list[object]": {"name": "x"},
}
"""A valid Python value per spec type used by a parameter."""

SYNTHESIZED = [op for op in piggy_async.operations() if (op.resource, op.name) not in HANDLERS]


pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def clients() -> AsyncIterator[dict[str, BaseClient]]:
    async with (
        FakePiggy() as server,
        OAuthClient(api_key=server.oauth_key, base_url=server.url) as oauth,
        RegisterClient(api_key=server.register_key, base_url=server.url) as register,
    ):
        yield {"oauth": oauth, "register": register}


def _sample(param: Param) -> Any:
    return param.enum[0] if param.enum else SAMPLES[param.type]


@pytest.mark.parametrize("operation", SYNTHESIZED, ids=repr)
async def test_every_method_round_trips_through_the_fake(
    clients: dict[str, BaseClient], operation: Operation[Any]
) -> None:
    method = getattr(getattr(clients[operation.api], operation.resource), operation.name)
    positional = [_sample(p) for p in operation.params if p.location == "path"]
    keywords = {
        p.py_name: _sample(p) for p in operation.params if p.required and p.location != "path"
    }
    result = method(*positional, **keywords)
    if isinstance(result, AsyncPaginator):
        page = await result
        assert page.page == 1
        assert all(isinstance(item, operation.data_type.__args__[0]) for item in page.items)
    else:
        assert inspect.isawaitable(result)
        await result
