"""`RetryPolicy.decide`, the backoff and the retry quota, as units: which outcomes are
retried after how long, what each retry costs, and when the answer is "raise"."""

from __future__ import annotations

import math

import pytest

from piggy_async import RetryPolicy
from piggy_async._defaults import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    MAX_RETRIES,
    MAX_WAIT,
    RETRY_COST,
    RETRY_COST_CONNECTION,
    RETRY_QUOTA,
    RETRY_QUOTA_REFUND,
    RETRY_STATUSES,
)
from piggy_async._transport.backoff import full_jitter
from piggy_async._transport.call import Call
from piggy_async._transport.policy import Outcome, Retry
from piggy_async._transport.quota import RetryQuota


def one() -> float:
    return 1.0


def half() -> float:
    return 0.5


def decide(
    policy: RetryPolicy,
    outcome: Outcome,
    *,
    retry_safe: bool = True,
    failures: int = 0,
    quota: RetryQuota | None = None,
) -> Retry | None:
    return policy.decide(
        outcome,
        retry_safe=retry_safe,
        failures=failures,
        quota=quota if quota is not None else RetryQuota(),
        rng=one,
    )


def test_the_defaults_are_the_documented_ones() -> None:
    policy = RetryPolicy()
    assert policy.max_retries == MAX_RETRIES == 4
    assert (policy.base_delay, policy.max_delay, policy.max_wait) == (0.5, 20.0, 65.0)
    assert policy.retry_statuses == RETRY_STATUSES == {408, 429, 500, 502, 503, 504}
    assert (RETRY_QUOTA, RETRY_COST, RETRY_COST_CONNECTION, RETRY_QUOTA_REFUND) == (
        500,
        5,
        10,
        1,
    )
    assert (BACKOFF_BASE, BACKOFF_CAP, MAX_WAIT) == (0.5, 20.0, 65.0)


@pytest.mark.parametrize("status", [408, 500, 502, 504])
def test_a_server_error_is_retried_for_a_safe_operation_only(status: int) -> None:
    policy = RetryPolicy()
    assert decide(policy, Outcome(status)) == Retry(BACKOFF_BASE, RETRY_COST)
    assert decide(policy, Outcome(status), retry_safe=False) is None


@pytest.mark.parametrize("status", [429, 503])
def test_an_unprocessed_answer_is_retried_even_for_a_write(status: int) -> None:
    policy = RetryPolicy()
    assert decide(policy, Outcome(status), retry_safe=False) is not None
    assert decide(policy, Outcome(status), retry_safe=True) is not None


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501, 505])
def test_other_statuses_are_raised(status: int) -> None:
    assert decide(RetryPolicy(), Outcome(status)) is None


def test_only_the_configured_statuses_are_retried() -> None:
    policy = RetryPolicy(retry_statuses=frozenset({500}))
    assert decide(policy, Outcome(500)) is not None
    assert decide(policy, Outcome(503)) is None
    assert decide(policy, Outcome(429)) is None


def test_a_status_retry_waits_the_backoff_of_the_failures_so_far() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=100.0)
    delays = [decide(policy, Outcome(500), failures=n) for n in range(4)]
    assert delays == [Retry(d, RETRY_COST) for d in (1.0, 2.0, 4.0, 8.0)]


def test_a_named_wait_is_kept_with_its_spread() -> None:
    policy = RetryPolicy()
    quota = RetryQuota()
    retry = policy.decide(
        Outcome(503, asked=10.0), retry_safe=True, failures=0, quota=quota, rng=half
    )
    assert retry == Retry(10.0 * (1 + 0.2 * 0.5), RETRY_COST)
    assert decide(policy, Outcome(503, asked=10.0)) == Retry(12.0, RETRY_COST)


def test_a_named_wait_up_to_max_wait_is_sat_out_and_a_longer_one_raised() -> None:
    policy = RetryPolicy(max_wait=30.0)
    assert decide(policy, Outcome(429, asked=30.0)) == Retry(36.0, 0)
    assert decide(policy, Outcome(429, asked=30.01)) is None
    assert decide(policy, Outcome(503, asked=math.inf)) is None


def test_a_429_is_the_apis_wait_not_a_failure() -> None:
    policy = RetryPolicy(max_retries=1)
    quota = RetryQuota(0)
    assert decide(policy, Outcome(429, asked=1.0), failures=5, quota=quota) == Retry(1.2, 0)
    assert decide(policy, Outcome(429), failures=0, quota=quota) == Retry(BACKOFF_BASE, 0)


def test_no_retry_at_all_when_retrying_is_off() -> None:
    policy = RetryPolicy(max_retries=0)
    assert decide(policy, Outcome(429, asked=1.0)) is None
    assert decide(policy, Outcome(503)) is None
    assert decide(policy, Outcome(None, sent=False)) is None


def test_failures_stop_at_max_retries() -> None:
    policy = RetryPolicy(max_retries=2)
    assert decide(policy, Outcome(500), failures=1) is not None
    assert decide(policy, Outcome(500), failures=2) is None
    assert decide(policy, Outcome(None, sent=False), failures=1) is not None
    assert decide(policy, Outcome(None, sent=False), failures=2) is None


def test_a_status_retry_spends_the_quota_and_stops_when_it_is_dry() -> None:
    policy = RetryPolicy()
    quota = RetryQuota(RETRY_COST * 2)
    assert decide(policy, Outcome(500), quota=quota) is not None
    assert decide(policy, Outcome(500), quota=quota) is not None
    assert decide(policy, Outcome(500), quota=quota) is None


def test_an_attempt_without_an_answer_is_retried_unless_a_write_may_have_landed() -> None:
    policy = RetryPolicy()
    not_sent = Outcome(None, sent=False)
    sent = Outcome(None, sent=True)
    assert decide(policy, not_sent, retry_safe=False) == Retry(0.5, RETRY_COST_CONNECTION)
    assert decide(policy, sent, retry_safe=True) == Retry(0.5, RETRY_COST_CONNECTION)
    assert decide(policy, sent, retry_safe=False) is None


def test_a_connection_retry_costs_more_of_the_quota() -> None:
    policy = RetryPolicy()
    quota = RetryQuota(RETRY_COST_CONNECTION)
    assert decide(policy, Outcome(None, sent=False), quota=quota) is not None
    assert decide(policy, Outcome(None, sent=False), quota=quota) is None
    assert decide(policy, Outcome(None, sent=False), failures=3) == Retry(4.0, 10)


@pytest.mark.parametrize(
    "field, value",
    [
        ("max_retries", -1),
        ("max_retries", True),
        ("max_retries", 1.5),
        ("base_delay", -0.1),
        ("max_delay", math.inf),
        ("max_wait", math.nan),
    ],
)
def test_a_policy_refuses_nonsense(field: str, value: object) -> None:
    with pytest.raises(ValueError, match=field):
        RetryPolicy(**{field: value})  # type: ignore[arg-type]


def test_zero_waits_are_allowed() -> None:
    policy = RetryPolicy(base_delay=0, max_delay=0, max_wait=0, max_retries=0)
    assert policy.backoff(3) == 0


def test_full_jitter_grows_exponentially_up_to_the_cap() -> None:
    ceilings = [full_jitter(n, base=0.5, cap=5.0, random=one) for n in range(6)]
    assert ceilings == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert full_jitter(3, base=0.5, cap=5.0, random=half) == 2.0
    assert full_jitter(10_000, base=1.0, cap=7.0, random=one) == 7.0, "no overflow"
    assert full_jitter(0, base=0.5, cap=5.0, random=lambda: 0.0) == 0.0


def test_the_quota_refunds_up_to_its_capacity() -> None:
    quota = RetryQuota(10)
    assert quota.spend(10)
    assert not quota.spend(1)
    quota.refund()
    assert repr(quota) == "RetryQuota(1/10)"
    quota.refund(100)
    assert repr(quota) == "RetryQuota(10/10)"
    quota.refund(1)
    assert repr(quota) == "RetryQuota(10/10)"
    assert not quota.spend(11), "nothing taken when it cannot"
    assert repr(quota) == "RetryQuota(10/10)"
    assert repr(RetryQuota()) == f"RetryQuota({RETRY_QUOTA}/{RETRY_QUOTA})"


def test_a_call_counts_the_failures_it_retried_and_the_quota_they_took() -> None:
    call = Call(deadline=10.0)
    call.retried(Retry(1.0, 0))  # a 429's wait
    assert (call.failures, call.spent) == (0, 0)
    call.retried(Retry(1.0, RETRY_COST))
    call.retried(Retry(1.0, RETRY_COST_CONNECTION))
    assert (call.failures, call.spent) == (2, 15)


def test_an_outcome_that_does_not_say_whether_it_was_sent_counts_as_sent() -> None:
    assert decide(RetryPolicy(), Outcome(None), retry_safe=False) is None
    assert decide(RetryPolicy(), Outcome(None, sent=False), retry_safe=False) is not None


def test_whether_a_status_is_retried_is_a_plain_yes_or_no() -> None:
    policy = RetryPolicy()
    assert policy.retries_status(404, retry_safe=True) is False
    assert policy.retries_status(500, retry_safe=False) is False
    assert policy.retries_status(500, retry_safe=True) is True


@pytest.mark.parametrize("status", [200, 400, 404, 422])
def test_an_unreadable_answer_of_a_status_not_retried_counts_as_a_failure_after_sending(
    status: int,
) -> None:
    policy = RetryPolicy()
    unreadable = Outcome(status, unreadable=True)
    assert decide(policy, unreadable) == Retry(BACKOFF_BASE, RETRY_COST_CONNECTION)
    assert decide(policy, unreadable, retry_safe=False) is None, "the API may have acted"
    assert decide(policy, Outcome(status)) is None, "read whole, the status is not retried"


def test_an_unreadable_answer_of_a_retried_status_keeps_its_terms() -> None:
    policy = RetryPolicy()
    assert decide(policy, Outcome(429, asked=2.0, unreadable=True), retry_safe=False) == Retry(
        2.4, 0
    )
    assert decide(policy, Outcome(503, unreadable=True), retry_safe=False) is not None
    assert decide(policy, Outcome(502, unreadable=True), retry_safe=False) is None
