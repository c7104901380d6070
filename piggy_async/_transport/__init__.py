"""The transport: how one operation call becomes one or more HTTP attempts.

Read top-down, each module one concept:

    backoff.py   exponential backoff with full jitter
    quota.py     `RetryQuota`: a retry budget that stops retry storms while the API fails
    policy.py    `RetryPolicy.decide`: retry after how long, or raise, given an `Outcome`
    settings.py  `CallSettings`: one call's policy, deadline and timeouts (read, connect, pool)
    events.py    `TransportEvent`: what `on_event` hooks receive
    capture.py   `capture_responses()`: status, headers and body of every answer
    hooked.py    `Hooks`: the request hooks run around each attempt; `retry_if` asked
    watchdog.py  `Watchdog`: one timer keeping the time limit of every attempt in flight
    pool.py      `Pool`: the aiohttp session on one event loop, its proxy and watchdog
    attempt.py   one HTTP attempt, and whether a failure happened before or after sending
    call.py      `Call`: one call's state across its attempts (deadline, failures, quota)
    sender.py    `Transport`: the attempt loop: acquire → attempt → observe → retry? → wait

The time comes from `piggy_async._clock` and rate-limit headers are read by
`piggy_async._rate_headers`, which the public `piggy_async.limiters` (the rate limiter the
loop asks before every attempt) shares.
"""
