"""The transport: how one operation call becomes one or more HTTP attempts.

Read top-down, each module one concept:

    clock.py     `Clock`: the time and the sleeping, injected so tests never really sleep
    headers.py   reading `Retry-After` and `X-RateLimit-*` from a response
    backoff.py   exponential backoff with full jitter
    quota.py     `RetryQuota`: a retry budget that stops retry storms while the API fails
    policy.py    `RetryPolicy`: what is retried, how long to wait, when to give up
    settings.py  `CallSettings`: one call's policy, deadline and timeouts
    events.py    `TransportEvent`: what `on_event` hooks receive
    capture.py   `capture_responses()`: status and headers behind typed results
    watchdog.py  `Watchdog`: one timer keeping the time limit of every attempt in flight
    pool.py      `Pool`: the aiohttp session on one event loop, its proxy and watchdog
    attempt.py   one HTTP attempt, and whether a failure happened before or after sending
    sender.py    `Transport`: the attempt loop: deadline → token → limiter → send → decide

The rate limiter it asks before every attempt lives in the public `piggy_async.limiters`.
"""
