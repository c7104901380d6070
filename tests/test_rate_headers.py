"""Reading `Retry-After` (seconds, HTTP date), `X-RateLimit-Reset` (seconds, Unix time) and
`X-RateLimit-Limit`/`-Remaining`, against a fixed wall clock."""

from __future__ import annotations

import email.utils

import pytest

from piggy_async._defaults import MAX_RETRY_AFTER
from piggy_async._rate_headers import budget, reset_in, retry_after

NOW = 1_700_000_000.0


def wall() -> float:
    return NOW


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(NOW + seconds_from_now, usegmt=True)


@pytest.mark.parametrize(
    "value, seconds",
    [("0", 0.0), ("7", 7.0), (" 12 ", 12.0), ("2.5", 2.5), ("86400", MAX_RETRY_AFTER)],
)
def test_retry_after_in_seconds(value: str, seconds: float) -> None:
    assert retry_after({"Retry-After": value}, wall) == seconds


def test_retry_after_as_an_http_date_counts_from_the_wall_clock() -> None:
    assert retry_after({"Retry-After": http_date(30)}, wall) == 30.0
    assert retry_after({"Retry-After": http_date(30)}, lambda: NOW + 10) == 20.0
    assert retry_after({"Retry-After": http_date(-30)}, wall) == 0.0, "a past date: now"


UNUSABLE = ["soon", "", "Mon, 99 Foo 2023", "inf", "nan", "-inf", "-1", "1e9", "86400.5",
            "1e400", http_date(3 * 365 * 86400)]  # fmt: skip


@pytest.mark.parametrize("value", UNUSABLE)
def test_a_retry_after_that_is_no_plausible_wait_is_none(value: str) -> None:
    assert retry_after({"Retry-After": value}, wall) is None


def test_an_unusable_retry_after_leaves_the_reset_to_say() -> None:
    assert retry_after({"Retry-After": "inf", "X-RateLimit-Reset": "40"}, wall) == 40.0
    assert retry_after({"Retry-After": "nan", "X-RateLimit-Reset": "1e9"}, wall) is None


def test_retry_after_wins_over_the_reset() -> None:
    headers = {"Retry-After": "3", "X-RateLimit-Reset": "40"}
    assert retry_after(headers, wall) == 3.0


def test_without_retry_after_the_reset_is_the_wait() -> None:
    assert retry_after({"X-RateLimit-Reset": "40"}, wall) == 40.0
    assert retry_after({}, wall) is None


def test_a_reset_in_seconds_or_as_a_unix_time() -> None:
    assert reset_in({"X-RateLimit-Reset": "40"}, wall) == 40.0
    assert reset_in({"X-RateLimit-Reset": str(int(NOW) + 25)}, wall) == 25.0
    assert reset_in({"X-RateLimit-Reset": str(int(NOW) - 25)}, wall) == 0.0
    assert reset_in({}, wall) is None


def test_the_epoch_threshold_splits_seconds_from_unix_times() -> None:
    assert reset_in({"X-RateLimit-Reset": "1000000000"}, wall) is None, "seconds: too many"
    late = lambda: 1_000_000_000.0  # noqa: E731
    assert reset_in({"X-RateLimit-Reset": "1000000001"}, late) == 1.0


@pytest.mark.parametrize("value", ["tomorrow", "nan", "inf", "-5", str(int(NOW) + 10**8)])
def test_a_reset_that_is_no_plausible_wait_is_none(value: str) -> None:
    assert reset_in({"X-RateLimit-Reset": value}, wall) is None


def test_the_default_wall_clock_is_the_systems() -> None:
    assert retry_after({"Retry-After": email.utils.formatdate(usegmt=True)}) == pytest.approx(
        0, abs=2
    )


def test_the_budget_needs_both_whole_numbers() -> None:
    assert budget({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0"}) == (60, 0)
    assert budget({"X-RateLimit-Limit": "60"}) is None
    assert budget({"X-RateLimit-Remaining": "5"}) is None
    assert budget({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "-1"}) is None
    assert budget({"X-RateLimit-Limit": "6.5", "X-RateLimit-Remaining": "1"}) is None
