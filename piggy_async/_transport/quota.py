"""`RetryQuota`: a client-wide budget for retries.

Each retry of a server error or a broken connection spends from the quota; a call that
succeeds gives back what it spent, or a little when it spent nothing. While the API is
failing for everyone, the quota runs dry and further
failures surface at once instead of multiplying the load with retries. Rate-limit answers
(429) do not spend it: they are the API's controlled "wait", handled by the limiter.
"""

from __future__ import annotations

from .. import _defaults


class RetryQuota:
    """A token bucket of retry capacity: `spend()` before a retry, `refund()` on success."""

    __slots__ = ("_capacity", "_level")

    def __init__(self, capacity: int = _defaults.RETRY_QUOTA) -> None:
        self._capacity = capacity
        self._level = capacity

    def spend(self, cost: int) -> bool:
        """Take `cost` for one retry; False (and nothing taken) when the quota cannot."""
        if cost > self._level:
            return False
        self._level -= cost
        return True

    def refund(self, amount: int = _defaults.RETRY_QUOTA_REFUND) -> None:
        if self._level < self._capacity:
            self._level = min(self._capacity, self._level + amount)

    def __repr__(self) -> str:
        return f"RetryQuota({self._level}/{self._capacity})"
