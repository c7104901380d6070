"""`RetryPolicy(retry_if=...)` over real sockets: a user's rule retries what the policy
would not, stops what it would retry, and never makes a write repeat that the API may have
processed; `capture_responses()` records the error answers along the way."""

from __future__ import annotations

import pytest
from scripted_api import ScriptedAPI, status_replies

from piggy_async import (
    MaintenanceError,
    NotFoundError,
    OAuthClient,
    OutcomeUnknownError,
    RetryPolicy,
    VirtualClock,
    capture_responses,
)
from piggy_async.hooks import HookError, Outcome, RetryContext


def client(server: ScriptedAPI, policy: RetryPolicy) -> OAuthClient:
    return OAuthClient(
        api_key="key", base_url=server.url, clock=VirtualClock(), retry_policy=policy
    )


async def test_true_retries_an_answer_the_policy_would_raise() -> None:
    asked: list[tuple[Outcome, RetryContext]] = []

    def not_there_yet(outcome: Outcome, context: RetryContext) -> bool | None:
        asked.append((outcome, context))
        return outcome.status == 404 and context.operation.label == "contacts.get"

    async with (
        ScriptedAPI(*status_replies(404, 404)) as server,
        client(server, RetryPolicy(retry_if=not_there_yet)) as piggy,
    ):
        contact = await piggy.contacts.get("123")
    assert contact.uuid == "123"
    assert len(server.requests) == 3
    assert [(o.status, c.attempt, c.failures) for o, c in asked] == [(404, 1, 0), (404, 2, 1)]
    assert all(isinstance(c.error, NotFoundError) for _, c in asked)


async def test_true_stays_within_max_retries() -> None:
    async with ScriptedAPI(*status_replies(404, 404, 404)) as server:
        policy = RetryPolicy(max_retries=1, retry_if=lambda outcome, context: True)
        async with client(server, policy) as piggy:
            with pytest.raises(NotFoundError):
                await piggy.contacts.get("123")
    assert len(server.requests) == 2


async def test_false_raises_what_the_policy_would_retry() -> None:
    async with ScriptedAPI(*status_replies(503)) as server:
        policy = RetryPolicy(retry_if=lambda outcome, context: outcome.status != 503 and None)
        async with client(server, policy) as piggy:
            with pytest.raises(MaintenanceError):
                await piggy.contacts.get("123")
    assert len(server.requests) == 1


async def test_none_leaves_it_to_the_policy() -> None:
    async with (
        ScriptedAPI(*status_replies(503, 404)) as server,
        client(server, RetryPolicy(retry_if=lambda o, c: None)) as piggy,
    ):
        with pytest.raises(NotFoundError):
            await piggy.contacts.get("123")
    assert len(server.requests) == 2, "the 503 retried, the 404 not"


async def test_true_never_repeats_a_write_the_api_may_have_processed() -> None:
    async with ScriptedAPI(*status_replies(500)) as server:
        policy = RetryPolicy(retry_if=lambda outcome, context: True)
        async with client(server, policy) as piggy:
            with pytest.raises(OutcomeUnknownError):
                await piggy.credit_receptions.create(shop_uuid="s", contact_uuid="c", unit_value=5)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("rule", "match"),
    [
        (lambda o, c: 1 / 0, "ZeroDivisionError"),
        (lambda o, c: "yes", "must return True, False or None"),
    ],
)
async def test_a_rule_that_fails_stops_the_call(rule: object, match: str) -> None:
    async with (
        ScriptedAPI(*status_replies(503)) as server,
        client(server, RetryPolicy(retry_if=rule)) as piggy,
    ):  # type: ignore[arg-type]
        with pytest.raises(HookError, match=match):
            await piggy.contacts.get("123")
    assert len(server.requests) == 1


def test_a_rule_must_be_a_function() -> None:
    with pytest.raises(TypeError, match="retry_if must be a function"):
        RetryPolicy(retry_if=True)  # type: ignore[arg-type]


async def test_capture_responses_records_error_answers_as_well() -> None:
    async with (
        ScriptedAPI(*status_replies(503, 200, 400)) as server,
        client(server, RetryPolicy()) as piggy,
    ):
        with capture_responses() as responses:
            await piggy.contacts.get("123")
            with pytest.raises(NotFoundError):
                await piggy.contacts.get("123")
    assert [(r.operation, r.status, r.attempt) for r in responses] == [
        ("contacts.get", 503, 1),
        ("contacts.get", 200, 2),
        ("contacts.get", 400, 1),
    ]
    assert b"Contact not found" in responses[-1].body
