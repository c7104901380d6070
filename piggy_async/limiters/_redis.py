"""`RedisLimiter`: one API budget shared by every process that uses the same credentials.

Each process's own limiter only knows what that process sent; several processes on one API
key overrun the budget together. This limiter keeps each budget in Redis and changes it
only inside one Lua script (`_redis_script`). The acquires waiting in a process are granted
together, one round trip for as many as Redis allows, so a busy process makes few calls;
what responses teach (`observe`) rides along with the next round trip, never as an extra
wait of its own.

The window's length is learned from the API's answers and shared through Redis
(`_redis_script`); `window=` is only the guess it starts from.

If Redis is unreachable or slow (each call has a short timeout) requests go on: the
limiter falls back to pacing this process alone at its share of the budget, logs one
warning, and tries Redis again every `retry_interval` seconds until it answers. What
responses teach meanwhile is reported once it is back (`_redis_report`): a 429's pause as
what is left of it, the API's latest count as the window's.
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
from typing import TYPE_CHECKING

import attrs

from .. import _defaults
from .._clock import SYSTEM_CLOCK, Clock
from ._base import RateLimitState, WaitTooLong
from ._local_share import LocalShare
from ._observation import Observation
from ._pause import Alarm, Pause
from ._redis_connection import connect, is_redis_failure, own_options, redacted
from ._redis_reply import Reply
from ._redis_report import Report, announced, ms
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
    reply: Reply


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
    """While the server sleeps: when it wakes, and why (`Reply`), unless its `alarm` rings: an
    answer that may end the wait early (a 429's `Retry-After`, a new window)."""
    reply: Reply | None = None
    alarm: Alarm = attrs.Factory(Alarm)


class RedisLimiter:
    """Shares each API budget between every process using it, through Redis.

        limiter = RedisLimiter("redis://localhost:6379/0")
        async with OAuthClient(api_key="...", limiter=limiter) as piggy:
            ...

    or set `PIGGY_LIMITER_URL=redis://localhost:6379/0` for every client of the process.
    Needs `pip install 'piggy_async[redis]'`. Only a salted hash of each client's
    credential fingerprint is stored in Redis, never the credentials.

    Args:
        url: The Redis URL (`redis://[[user]:password@]host:port/db`, `rediss://`, `unix://`);
            `window=` and `timeout=` query parameters (`...:6379/0?window=60&timeout=1`) are
            those arguments.
        window: Seconds in the API's budget window, as a first guess (a minute by default):
            the limiter learns the real length from the API's answers, as it learns the
            limit from `X-RateLimit-Limit`, and shares it through Redis.
        guard: Seconds added to each window, covering the trip of its first request
            (default: 0.05 s and 0.5% of the window).
        timeout: Seconds one Redis call may take before the limiter stops waiting for it
            and paces this process alone (0.25 s by default).
        retry_interval: Seconds between attempts to reach Redis again after a failure.
        prefix: Start of the limiter's Redis key names.
        clock: Time and sleeping (a `VirtualClock` in tests).
        random: The source of the wake-up spread.
    """

    def __init__(
        self,
        url: str,
        *,
        window: float | None = None,
        guard: float | None = None,
        timeout: float | None = None,
        retry_interval: float = _defaults.REDIS_RETRY_INTERVAL,
        prefix: str = _defaults.REDIS_PREFIX,
        clock: Clock = SYSTEM_CLOCK,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if not isinstance(url, str) or "://" not in url:
            raise ValueError("url must be a Redis URL such as redis://localhost:6379/0")
        redis_url, own = own_options(url, {"window": window, "timeout": timeout})
        window, timeout = own["window"], own["timeout"]
        if not window > 0 or not timeout > 0 or retry_interval <= 0:
            raise ValueError("window, timeout and retry_interval must be positive")
        if guard is not None and guard < 0:
            raise ValueError("guard must not be negative")
        self._redis = connect(redis_url, timeout)
        self._script: AsyncScript = self._redis.register_script(SCRIPT)
        self._where = redacted(url)
        self._timeout = timeout
        self._retry_interval = retry_interval
        self._prefix = prefix
        self._clock = clock
        self._random = random
        self._member = uuid.uuid4().hex
        self._keyspace: dict[str, list[str]] = {}  # budget key -> its Redis keys
        keep = max(window * 4, 3600.0)
        self._fixed_args = (  # the script's arguments that never change
            [self._member, ms(window), ms(guard), str(_LOW_WATER)],
            [
                ms(keep),
                ms(max(window, 30.0)),
                ms(_defaults.SHARED_LEARNING_POLL),
                ms(_defaults.SHARED_LEARNING_LEASE),
            ],
        )
        self._local = LocalShare(window=window, clock=clock, random=random)
        self._seen: dict[str, _Seen] = {}
        self._sent = itertools.count()
        self._queues: dict[str, _Queue] = {}
        self._pending: dict[str, Report] = {}
        self._flusher: asyncio.Task[None] | None = None
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._probing = False
        self._prober: asyncio.Task[Reply | None] | None = None

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
            assert queue.reply is not None  # the queue sleeps past this deadline
            raise _too_long(queue.wake_at - self._clock.now(), max_wait, queue.reply)
        waiter = _Waiter(asyncio.get_running_loop().create_future(), deadline)
        queue.waiters.append(waiter)
        if queue.server is None or queue.server.done():
            queue.server = asyncio.get_running_loop().create_task(self._serve(key, queue))
        try:
            epoch = await waiter.granted
        finally:  # granted ones have left the queue; a cancelled one leaves it now
            if waiter in queue.waiters:
                queue.waiters.remove(waiter)
        _granted_in.set((key, -1 if epoch is None else epoch))
        if epoch is None:  # its answer counts in no window of the shared model
            left = None if deadline is None else max(deadline - self._clock.now(), 0.0)
            await self._local.acquire(key, left)

    def observe(self, key: str, status: int, headers: Mapping[str, str]) -> None:
        observation = Observation.from_response(status, headers, self._clock.wall)
        if observation.pause is not None and announced(status, headers, self._clock.wall):
            observation = attrs.evolve(observation, announced=True)
        self._local.observe(key, observation)
        granted = _granted_in.get()
        seen = self._seen.get(key)
        epoch = granted[1] if granted and granted[0] == key else seen.reply.epoch if seen else None
        resync = not self.shared
        age = self._local.window_age(key) if resync else None
        report = Report.of(epoch, observation, self._clock.wall(), resync=resync, window_age=age)
        pending = self._pending.get(key)
        self._pending[key] = report if pending is None else pending.add(report)
        queue = self._queues.get(key)
        if queue is not None and (observation.pause is not None or observation.opened_window):
            queue.alarm.ring()  # a sleeping server asks again: the wait may end early
        if self._down_since is None and (self._flusher is None or self._flusher.done()):
            self._flusher = asyncio.get_running_loop().create_task(self._flush())

    def state(self, key: str) -> RateLimitState:
        seen = self._seen.get(key)
        if self._down_since is not None or seen is None:
            return self._local.state(key)
        elapsed, reply = self._clock.now() - seen.at, seen.reply
        return RateLimitState(
            limit=reply.limit,
            remaining=None if reply.limit is None else max(reply.limit - reply.used, 0),
            resets_in=max(reply.ends_in - elapsed, 0.0),
            paused_for=max(reply.paused_for - elapsed, 0.0),
        )

    async def aclose(self) -> None:
        """Report what is left to report (each call bounded by `timeout`), then disconnect.

        A client closes its limiter when it closes; one shared by several clients connects
        again when another of them uses it."""
        if self._flusher is not None:
            await self._flusher
        if self._prober is not None:  # bounded by `timeout`
            await self._prober
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
                for _ in range(min(reply.granted, len(waiters))):
                    waiters.popleft().resolve(reply.epoch)
                if waiters and reply.wait:
                    await self._sleep(queue, reply)
        except BaseException as error:  # the waiters raise it: nobody waits forever
            while waiters:
                waiters.popleft().refuse(error)
            if not isinstance(error, Exception):
                raise

    async def _sleep(self, queue: _Queue, reply: Reply) -> None:
        """Sleep out the wait `reply` asks for, refusing the waiters whose deadline comes
        first; wake early when the alarm rings."""
        now, wait = self._clock.now(), reply.wait
        if reply.paused:  # every process wakes at its own moment, as after a local 429
            pause = Pause(self._random)
            pause.start(now, wait)
            wait = pause.wake_delay(now)
        elif wait > _defaults.SHARED_LEARNING_POLL:
            wait += _defaults.PAUSE_SPREAD_MIN * self._random()
        wake = now + wait
        for waiter in [w for w in queue.waiters if w.deadline is not None and wake > w.deadline]:
            queue.waiters.remove(waiter)
            waiter.refuse(_too_long(wait, (waiter.deadline or now) - now, reply))
        if queue.waiters:
            queue.wake_at, queue.reply = wake, reply
            try:
                await queue.alarm.sleep(self._clock, wait)
            finally:
                queue.wake_at = None

    async def _round_trip(self, key: str, *, want: int) -> Reply | None:
        """Run the script for `key` (`Reply`), or None while Redis is out of reach."""
        if self._down_since is not None:
            if not self._probing and self._clock.now() >= self._retry_at:
                # Redis is tried again beside the waiters, which go on alone meanwhile: a
                # hung Redis must not hold them for its timeout at every retry.
                self._probing = True
                self._prober = asyncio.get_running_loop().create_task(self._call(key, want=0))
            return None
        return await self._call(key, want=want)

    async def _call(self, key: str, *, want: int) -> Reply | None:
        """One run of the script for `key`, or None if Redis cannot be reached."""
        sent = next(self._sent)
        report = self._pending.pop(key, None)
        try:
            if self._probing:
                await self._redis.connection_pool.disconnect()
            async with asyncio.timeout(self._timeout):
                values = await self._script(keys=self._keys(key), args=self._args(want, report))
        except Exception as error:  # any failure to reach Redis means: go on alone
            if not is_redis_failure(error):
                raise
            self._fail(error)
            return None
        finally:
            self._probing = False
        self._recover()
        reply = Reply.parse(values)
        seen = self._seen.get(key)
        if seen is None or seen.sent < sent:
            self._seen[key] = _Seen(sent, self._clock.now(), reply)
            self._local.share(
                key,
                limit=reply.limit,
                members=reply.members,
                pause=reply.paused_for,
                window=reply.window,
            )
        return reply

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

    def _args(self, want: int, report: Report | None) -> list[str]:
        seen = [""] * 9 if report is None else report.args(self._clock.wall())
        head, tail = self._fixed_args
        return [*head, str(want), *seen[:5], *tail, *seen[5:]]

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


def _too_long(wait: float, max_wait: float | None, reply: Reply) -> WaitTooLong:
    return WaitTooLong(wait, rate_limited=reply.paused, max_wait=max_wait, reason=reply.reason())
