"""Request hooks over real sockets: a before-request hook adds headers to every attempt and
never sees the credentials, an after-response hook hears error answers too, a hook that
raises stops the call without a retry, and views add hooks of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from scripted_api import ScriptedAPI, status_replies

from piggy_async import BadRequestError, NotFoundError, OAuthClient, VirtualClock
from piggy_async.hooks import HookError, RequestHeaders, RequestInfo, ResponseInfo


@pytest.fixture
async def flaky() -> AsyncIterator[ScriptedAPI]:
    """503, then a contact."""
    async with ScriptedAPI(*status_replies(503)) as server:
        yield server


def client(server: ScriptedAPI, **options: Any) -> OAuthClient:
    return OAuthClient(api_key="key", base_url=server.url, clock=VirtualClock(), **options)


async def test_a_before_request_hook_adds_a_header_to_every_attempt(
    flaky: ScriptedAPI,
) -> None:
    seen: list[RequestInfo] = []

    async def correlate(request: RequestInfo) -> None:
        seen.append(request)
        request.headers["X-Correlation-ID"] = f"job-7/{request.attempt}"

    async with client(flaky, before_request=[correlate]) as piggy:
        await piggy.contacts.find_one_by(email="sandy@bikinibottom.sea")
    sent = [headers["X-Correlation-ID"] for _, _, headers, _ in flaky.requests]
    assert sent == ["job-7/1", "job-7/2"]
    assert [r.attempt for r in seen] == [1, 2]
    assert seen[0].operation.label == "contacts.find_one_by"
    assert seen[0].url == f"{flaky.url}/api/v3/oauth/clients/contacts/find-one-by"
    assert "@" not in seen[0].url, "the query (an e-mail address) stays out of the URL"
    assert seen[1].call.failures == 1


async def test_a_hook_neither_sees_nor_changes_the_credentials(flaky: ScriptedAPI) -> None:
    looked: list[object] = []

    async def nosy(request: RequestInfo) -> None:
        looked.extend([request.headers.get("Authorization"), "authorization" in request.headers])
        looked.append(sorted(name.lower() for name in request.headers))
        request.headers["Authorization"] = "Bearer stolen"

    async with client(flaky, before_request=[nosy]) as piggy:
        with pytest.raises(HookError, match="cannot change the Authorization header") as raised:
            await piggy.contacts.get("123")
    assert looked == [None, False, []]
    assert isinstance(raised.value.__cause__, ValueError)
    assert flaky.requests == [], "a hook that failed sends nothing"


async def test_header_values_with_line_breaks_are_refused(flaky: ScriptedAPI) -> None:
    async def inject(request: RequestInfo) -> None:
        request.headers["X-Note"] = "a\r\nX-Admin: yes"

    async with client(flaky, before_request=[inject]) as piggy:
        with pytest.raises(HookError, match="without line breaks"):
            await piggy.contacts.get("123")


async def test_an_after_response_hook_hears_error_answers_too(flaky: ScriptedAPI) -> None:
    heard: list[ResponseInfo] = []

    async def audit(response: ResponseInfo) -> None:
        heard.append(response)

    async with client(flaky, after_response=[audit]) as piggy:
        await piggy.contacts.get("123")
    assert [(r.operation.label, r.status, r.attempt) for r in heard] == [
        ("contacts.get", 503, 1),
        ("contacts.get", 200, 2),
    ]
    assert all(r.elapsed >= 0 for r in heard)
    assert heard[0].headers["Content-Type"].startswith("application/json")


async def test_a_hook_that_raises_stops_the_call_without_a_retry() -> None:
    async def broken(response: ResponseInfo) -> None:
        raise RuntimeError("audit log is full")

    async with (
        ScriptedAPI(*status_replies(200)) as server,
        client(server, after_response=[broken]) as piggy,
    ):
        with pytest.raises(HookError, match="audit log is full") as raised:
            await piggy.credit_receptions.create(shop_uuid="s", contact_uuid="c", unit_value=5)
    error = raised.value
    assert (error.operation, error.sent) == ("credit_receptions.create", True)
    assert "broken" in error.hook
    assert isinstance(error.__cause__, RuntimeError)
    assert len(server.requests) == 1, "a hook's failure is not retried"


async def test_a_plain_function_given_as_a_hook_is_named() -> None:
    def not_async(request: RequestInfo) -> None:
        return None

    async with (
        ScriptedAPI(*status_replies()) as server,
        client(server, before_request=[not_async]) as piggy,
    ):
        with pytest.raises(HookError, match=r"not_async.*hooks are async functions"):
            await piggy.contacts.get("123")


def test_hooks_that_are_not_functions_are_refused_at_once() -> None:
    with pytest.raises(TypeError, match="before_request"):
        OAuthClient(api_key="key", before_request=["X-Correlation-ID"])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="after_response must be a list"):
        OAuthClient(api_key="key", after_response=len)  # type: ignore[arg-type]


async def test_a_view_adds_its_hooks_after_the_clients(flaky: ScriptedAPI) -> None:
    order: list[str] = []

    async def first(request: RequestInfo) -> None:
        order.append("client")

    async def second(request: RequestInfo) -> None:
        order.append("view")
        request.headers["X-Batch"] = "nightly"

    async with client(flaky, before_request=[first]) as piggy:
        view = piggy.with_options(before_request=[second])
        await view.contacts.get("123")
        assert order == ["client", "view", "client", "view"]
        order.clear()
        await piggy.contacts.get("123")
    assert order == ["client"], "the client keeps its own hooks"
    assert "X-Batch" not in flaky.requests[-1][2]


async def test_a_final_error_answer_reaches_the_hook_and_the_caller() -> None:
    heard: list[int] = []

    async def audit(response: ResponseInfo) -> None:
        heard.append(response.status)

    async with (
        ScriptedAPI(*status_replies(400)) as server,
        client(server, after_response=[audit]) as piggy,
    ):
        with pytest.raises(BadRequestError) as raised:
            await piggy.contacts.get("123")
    assert heard == [400]
    assert isinstance(raised.value, NotFoundError)


@pytest.mark.parametrize(
    "name", ["X-A\r\nX-B", "X:A", "X A", "", "Host", "content-length", "Accept-Encoding"]
)
def test_a_hook_cannot_set_a_header_that_frames_or_splits_the_request(name: str) -> None:
    headers = RequestHeaders({"Authorization": "Bearer k"})
    with pytest.raises(ValueError, match=name.split("\r")[0] or "''"):
        headers[name] = "v"
    headers["X-Request-ID"] = "7"
    assert dict(headers) == {"X-Request-ID": "7"}
    assert len(headers) == 1
