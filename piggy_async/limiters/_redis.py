"""`RedisLimiter`: one API budget shared by every process that uses the same credentials.

Each process's own limiter only knows what that process sent; several processes on one API
key overrun the budget together. This limiter keeps each budget in Redis and changes it
only inside one Lua script (`_redis_script`). The acquires waiting in a process are granted
together, one round trip for as many as Redis allows, so a busy process makes few calls;
what responses teach (`observe`) rides along with the next round trip, never as an extra
wait of its own.

If Redis is unreachable or slow (each call has a short timeout) requests go on: the
limiter falls back to pacing this process alone at its share of the budget, logs one
warning, and tries Redis again every `retry_interval` seconds until it answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import itertools
import logging
import random as _random
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .. import _defaults
from .._clock import SYSTEM_CLOCK, Clock
from ._base import RateLimitState, WaitTooLong
from ._local_share import LocalShare
from ._observation import Observation
from ._pause import Pause
from ._redis_connection import connect, is_redis_failure, redacted
from ._redis_script import SCRIPT

if TYPE_CHECKING:
    from redis.commands.core import AsyncScript

logger = logging.getLogger("piggy_async.limiters")

_KEY_SALT = b"piggy_async.limiters.RedisLimiter\0"
_MOST_PER_TRIP = 256
"""Grants asked for in one round trip at most."""
_LOW_WATER = 0.1
"""Below this share of the limit left in a window, the rest is spread over the time left."""

_granted_in: contextvars.ContextVar[tuple[str, int] | None] = contextvars.ContextVar(
    "piggy_async_granted_in", default=None
)
"""(budget key, window epoch) of the current task's last grant, so its response's headers
are counted against the window the request went out in."""


@attrs.frozen
class _Seen:
    """A budget as the latest round trip reported it, stamped with the local clock. Replies
    to concurrent round trips may come back in any order: the one sent last wins."""

    sent: int
    at: float
    limit: int | None
    used: int
    ends_in: float
    paused_for: float
    epoch: int


@attrs.define(eq=False)
class _Waiter:
    granted: asyncio.Future[int | None]
    """The epoch of the window it was granted in; None: pace locally instead."""
    deadline: float | None

    def resolve(self, epoch: int | None) -> None:
        if not self.granted.done():
            self.granted.set_result(epoch)

    def refuse(self, error: BaseException) -> None:
        if not self.granted.done():
            self.granted.set_exception(error)


@attrs.define
class _Queue:
    """The acquires of one budget waiting in this process, served by one task at a time."""

    waiters: deque[_Waiter] = attrs.Factory(deque)
    server: asyncio.Task[None] | None = None
    wake_at: float | None = None
    """While the server sleeps: when it wakes, and whether it sleeps out a 429's pause."""
    paused: bool = False


class RedisLimiter:
    """Shares each API budget between every process using it, through Redis.

        limiter = RedisLimiter("redis://localhost:6379/0")
        async with OAuthClient(api_key="...", limiter=limiter) as piggy:
            ...

    or set `PIGGY_LIMITER_URL=redis://localhost:6379/0` for every client of the process.
    Needs `pip install 'piggy_async[redis]'`. Only a salted hash of each client's
    credential fingerprint is stored in Redis, never the credentials.

    Args:
        url: The Redis URL (`redis://[[user]:password@]host:port/db`, `rediss://`, `unix://`).
        window: Seconds in the API's budget window (a minute for Piggy); the limit itself is
            learned from `X-RateLimit-Limit`.
        guard: Seconds added to each window, covering the trip of its first request.
        timeout: Seconds one Redis call may take before the limiter stops waiting for it
            and paces this process alone.
        retry_interval: Seconds between attempts to reach Redis again after a failure.
        prefix: Start of the limiter's Redis key names.
        clock: Time and sleeping (a `VirtualClock` in tests).
        random: The source of the wake-up spread.
    """

    def __init__(
        self,
        url: str,
        *,
        window: float = _defaults.REDIS_WINDOW,
        guard: float | None = None,
        timeout: float = _defaults.REDIS_TIMEOUT,
        retry_interval: float = _defaults.REDIS_RETRY_INTERVAL,
        prefix: str = _defaults.REDIS_PREFIX,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if not isinstance(url, str) or "://" not in url:
            raise ValueError("url must be a Redis URL such as redis://localhost:6379/0")
        if window <= 0 or timeout <= 0 or retry_interval <= 0:
            raise ValueError("window, timeout and retry_interval must be positive")
        if guard is not None and guard < 0:
            raise ValueError("guard must not be negative")
        self._redis = connect(url, timeout)
        self._script: AsyncScript = self._redis.register_script(SCRIPT)
        self._where = redacted(url)
        self._window = window
        self._guard = guard if guard is not None else 0.05 + window / 200
        self._timeout = timeout
        self._retry_interval = retry_interval
        self._prefix = prefix
        self._clock = clock
        self._random = random
        self._member = uuid.uuid4().hex
        self._keyspace: dict[str, list[str]] = {}  # budget key -> its Redis keys
        keep = max(window * 4, 3600.0)
        self._fixed_args = (  # the script's arguments that never change
            [self._member, _ms(window), _ms(self._guard), _LOW_WATER],
            [
                _ms(keep),
                _ms(max(window, 30.0)),
                _ms(_defaults.SHARED_LEARNING_POLL),
                _ms(_defaults.SHARED_LEARNING_LEASE),
            ],
        )
        self._local = LocalShare(window=window, clock=clock, random=random)
        self._seen: dict[str, _Seen] = {}
        self._sent = itertools.count()
        self._queues: dict[str, _Queue] = {}
        self._pending: dict[str, tuple[int | None, Observation]] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._probing = False

    # -- the Limiter protocol ---------------------------------------------------------------

    def try_acquire(self, key: str) -> bool:
        """Never at once: every request asks Redis (or the local pacing) for its turn."""
        return False

    async def acquire(self, key: str, max_wait: float | None = None) -> None:
        deadline = None if max_wait is None else self._clock.now() + max_wait
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = _Queue()
        if queue.wake_at is not None and deadline is not None and queue.wake_at > deadline:
            wait = queue.wake_at - self._clock.now()  # the queue sleeps past this deadline
            raise WaitTooLong(wait, rate_limited=queue.paused)
        waiter = _Waiter(asyncio.get_running_loop().create_future(), deadline)
        queue.waiters.append(waiter)
        if queue.server is None or queue.server.done():
            queue.server = asyncio.get_running_loop().create_task(self._serve(key, queue))
        try:
            epoch = await waiter.granted
        finally:  # granted ones have left the queue; a cancelled one leaves it now
            if waiter in queue.waiters:
                queue.waiters.remove(waiter)
        if epoch is None:
            left = None if deadline is None else max(deadline - self._clock.now(), 0.0)
            await self._local.acquire(key, left)
        else:
            _granted_in.set((key, epoch))

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        observation = Observation.from_response(status, headers, self._clock.wall)
        self._local.observe(key, observation)
        granted = _granted_in.get()
        seen = self._seen.get(key)
        epoch = granted[1] if granted and granted[0] == key else seen.epoch if seen else None
        pending = self._pending.get(key)
        if pending is not None:
            if pending[0] == epoch:
                observation = pending[1].merge(observation)
            else:  # of two windows, the later one's counts; a pause counts from either
                pause = max(pending[1].pause or 0.0, observation.pause or 0.0) or None
                if (pending[0] or -1) > (epoch or -1):
                    epoch, observation = pending
                observation = attrs.evolve(observation, pause=pause)
        self._pending[key] = (epoch, observation)
        if self._down_since is None and (self._flusher is None or self._flusher.done()):
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    def state(self, key: str) -> RateLimitState:
        seen = self._seen.get(key)
        if self._down_since is not None or seen is None:
            return self._local.state(key)
        elapsed = self._clock.now() - seen.at
        return RateLimitState(
            limit=seen.limit,
            remaining=None if seen.limit is None else max(seen.limit - seen.used, 0),
            resets_in=max(seen.ends_in - elapsed, 0.0),
            paused_for=max(seen.paused_for - elapsed, 0.0),
        )

    async def aclose(self) -> None:
        """Report what is left to report (each call bounded by `timeout`), then disconnect.

        A client closes its limiter when it closes; one shared by several clients connects
        again when another of them uses it."""
        if self._flusher is not None:
            await self._flusher
        await self._flush()
        for queue in self._queues.values():
            if queue.server is not None:
                queue.server.cancel()
                await asyncio.gather(queue.server, return_exceptions=True)
        await self._redis.aclose()

    @property
    def shared(self) -> bool:
        """Whether budgets are shared through Redis now (False while pacing alone)."""
        return self._down_since is None

    def __repr__(self) -> str:
        mode = "shared" if self._down_since is None else "local (Redis unreachable)"
        budgets = ", ".join(
            f"{state.remaining}/{state.limit} left"
            + (f" paused {state.paused_for:.1f}s" if state.paused_for else "")
            for state in map(self.state, self._seen)
        )
        return f"<RedisLimiter {self._where} {mode} [{budgets}]>"

    # -- Redis --------------------------------------------------------------------------------

    async def _serve(self, key: str, queue: _Queue) -> None:
        """Grant the waiters of budget `key` in turn, as many per round trip as Redis allows;
        hand them to the local pacing while Redis is out of reach."""
        waiters = queue.waiters
        try:
            while waiters:
                reply = await self._round_trip(key, want=min(len(waiters), _MOST_PER_TRIP))
                if reply is None:
                    while waiters:
                        waiters.popleft().resolve(None)
                    return
                granted, wait, paused, epoch = reply
                while granted and waiters:
                    waiters.popleft().resolve(epoch)
                    granted -= 1
                if not waiters or not wait:
                    continue
                now = self._clock.now()
                if paused:  # every process wakes at its own moment, as after a local 429
                    pause = Pause(self._random)
                    pause.start(now, wait)
                    wait = pause.wake_delay(now)
                elif wait > _defaults.SHARED_LEARNING_POLL:
                    wait += _defaults.PAUSE_SPREAD_MIN * self._random()
                wake = now + wait
                for waiter in [w for w in waiters if w.deadline is not None and wake > w.deadline]:
                    waiters.remove(waiter)
                    waiter.refuse(WaitTooLong(wait, rate_limited=paused))
                if waiters:
                    queue.wake_at, queue.paused = wake, paused
                    try:
                        await self._clock.sleep(wait)
                    finally:
                        queue.wake_at = None
        except BaseException as error:  # the waiters raise it: nobody waits forever
            while waiters:
                waiters.popleft().refuse(error)
            if not isinstance(error, Exception):
                raise

    async def _round_trip(self, key: str, *, want: int) -> tuple[int, float, bool, int] | None:
        """Run the script for `key`: (requests granted, seconds to wait for the rest, whether
        that is a 429's pause, the window's epoch), or None while Redis is out of reach."""
        if self._down_since is not None:
            if self._probing or self._clock.now() < self._retry_at:
                return None
            self._probing = True
        sent = next(self._sent)
        pending = self._pending.pop(key, None)
        epoch, observation = pending if pending is not None else (None, None)
        try:
            if self._probing:
                await self._redis.connection_pool.disconnect()
            async with asyncio.timeout(self._timeout):
                reply = await self._script(
                    keys=self._keys(key),
                    args=self._args(want, epoch, observation),
                )
        except Exception as error:  # any failure to reach Redis means: go on alone
            if not is_redis_failure(error):
                raise
            self._fail(error)
            return None
        finally:
            self._probing = False
        self._recover()
        granted, wait_ms, paused, epoch, limit, used, ends_in, pause_left, members = map(int, reply)
        seen = self._seen.get(key)
        if seen is not None and seen.sent > sent:
            return granted, wait_ms / 1000, bool(paused), epoch
        self._seen[key] = _Seen(
            sent=sent,
            at=self._clock.now(),
            limit=limit if limit > 0 else None,
            used=used,
            ends_in=ends_in / 1000,
            paused_for=pause_left / 1000,
            epoch=epoch,
        )
        self._local.share(
            key, limit=limit if limit > 0 else None, members=members, pause=pause_left / 1000
        )
        return granted, wait_ms / 1000, bool(paused), epoch

    async def _flush(self) -> None:
        """Report what responses taught, one round trip per budget, until none is left."""
        while self._pending and self._down_since is None:
            await self._round_trip(next(iter(self._pending)), want=0)

    def _keys(self, key: str) -> list[str]:
        keys = self._keyspace.get(key)
        if keys is None:
            digest = hashlib.sha256(_KEY_SALT + key.encode()).hexdigest()[:32]
            budget = f"{self._prefix}:{{{digest}}}"
            keys = self._keyspace[key] = [budget, f"{budget}:members"]
        return keys

    def _args(self, want: int, epoch: int | None, observation: Observation | None) -> list[Any]:
        seen = observation or Observation()
        head, tail = self._fixed_args
        return [
            *head,
            want,
            "" if observation is None else str(epoch if epoch is not None else -1),
            "" if seen.limit is None else seen.limit,
            "" if seen.remaining is None else seen.remaining,
            _ms(seen.pause),
            _ms(seen.resets_in),
            *tail,
            "1" if seen.opened_window else "",
        ]

    def _fail(self, error: BaseException) -> None:
        self._retry_at = self._clock.now() + self._retry_interval
        self._pending.clear()
        if self._down_since is None:
            self._down_since = self._clock.now()
            logger.warning(
                "Redis at %s is unreachable (%s): pacing this process alone at its share "
                "of each budget until it is back",
                self._where,
                type(error).__name__,
            )

    def _recover(self) -> None:
        if self._down_since is not None:
            logger.warning(
                "Redis at %s is back after %.1f s: budgets are shared again",
                self._where,
                self._clock.now() - self._down_since,
            )
            self._down_since = None


def _ms(seconds: float | None) -> str:
    """Seconds as the script takes them: whole milliseconds, '' for none."""
    return "" if seconds is None else str(round(seconds * 1000))
