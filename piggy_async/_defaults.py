"""Every default the SDK uses, in one place."""

from __future__ import annotations

from typing import Final

BASE_URL: Final = "https://api.piggy.eu"
"""The API host; `PIGGY_BASE_URL` or the `base_url` argument override it."""

BASE_URL_ENV: Final = "PIGGY_BASE_URL"
API_KEY_ENV: Final = "PIGGY_API_KEY"
LOG_ENV: Final = "PIGGY_LOG"
"""`debug` or `info`: the `piggy_async` logger's level, printed to stderr (`_logging.py`)."""
LIMITER_URL_ENV: Final = "PIGGY_LIMITER_URL"
"""A Redis URL: clients made without `limiter=` share their budget through it."""

API_PREFIXES: Final = {
    "oauth": "/api/v3/oauth/clients",
    "register": "/api/v3/register",
}
"""Each API's base path on the host; operation paths are relative to it."""

TOKEN_PATH: Final = "/oauth/token"
"""The client-credentials token endpoint, on the host root (not under an API base)."""

TIMEOUT: Final = 120.0
"""Seconds one call may take in all: every attempt, every wait between them, waiting for
the rate limiter, a pooled connection or a token. Past it the call raises."""

READ_TIMEOUT: Final = 60.0
"""Seconds one attempt may take from the moment it has a connection until the whole answer
is read (sending the request included); an attempt that takes longer is abandoned and, if
the call's deadline allows, retried."""

CONNECT_TIMEOUT: Final = 10.0
"""Seconds to open a new connection (TCP and TLS)."""

POOL_TIMEOUT: Final = 30.0
"""Seconds an attempt may take to get a connection: a free one from the pool (all
`CONNECTION_LIMIT` may be busy) or a new one, whose opening `CONNECT_TIMEOUT` also bounds."""

TOKEN_TIMEOUT: Final = 10.0
"""Seconds a client-credentials token request may read for (its read timeout): a hung token
endpoint is retried soon, not after the calls' whole read timeout."""

CONNECTION_LIMIT: Final = 100
"""Connections the client's pool keeps open at most; more concurrent requests queue."""

TOKEN_EXPIRY_MARGIN: Final = 60.0
"""Seconds before a client-credentials token's stated expiry at which it is renewed."""

ERROR_BODY_EXCERPT: Final = 200
"""Characters of an unreadable response body quoted in the error raised for it."""

ERROR_HEADER_EXCERPT: Final = 40
"""Characters of an unusable header value (`Retry-After`) quoted in the error's message."""

# -- retries and rate limiting (piggy_async/_transport, piggy_async/limiters) -------------

MAX_RETRIES: Final = 4
"""Retries after the first attempt of a call."""

RETRY_STATUSES: Final = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth another attempt (writes only on 429 and 503: see `RetryPolicy`)."""

BACKOFF_BASE: Final = 0.5
"""Seconds: the first retry waits up to this, each later one up to twice the last."""

BACKOFF_CAP: Final = 20.0
"""Seconds: the longest one backoff wait."""

MAX_RETRY_AFTER: Final = 24 * 3600.0
"""Seconds: the longest `Retry-After` (or `X-RateLimit-Reset`) read as a wait. The API's
budget window is a minute and a maintenance window hours at most, so a longer value (and
`inf`, `nan`, a negative number, a date years away) is a broken header, not a wait:
`RateLimitError.retry_after` is None for it and the client backs off as if none was sent."""

MAX_WAIT: Final = 65.0
"""Seconds: the longest `Retry-After` the client sits out (a minute's window, and then some);
a longer one surfaces at once as the error that carries it."""

RETRY_QUOTA: Final = 500
"""The client's retry budget; a retry after a server error costs `RETRY_COST`, after a
broken connection `RETRY_COST_CONNECTION`, and a success refunds `RETRY_QUOTA_REFUND`."""

RETRY_COST: Final = 5
RETRY_COST_CONNECTION: Final = 10
RETRY_QUOTA_REFUND: Final = 1

PAUSE_SPREAD: Final = 0.2
"""After a 429's pause, waiters wake spread over this share of the pause (at least
`PAUSE_SPREAD_MIN` seconds), so they do not all hit the API in the same instant."""

PAUSE_SPREAD_MIN: Final = 0.25


MAX_RESPONSE_BYTES: Final = 32 * 1024 * 1024
"""Bytes: the largest response body a client reads; past it, `ResponseTooLargeError`."""

# -- the limiters --------------------------------------------------------------------------

LEARNING_LEASE: Final = 1.0
"""Seconds the one request sent to learn an unknown limit holds its turn, in one process,
if its answer never comes back."""

SHARED_LEARNING_LEASE: Final = 2.0
"""The same through Redis: longer, as the turn is also held across round trips to Redis."""

SHARED_LEARNING_POLL: Final = 0.05
"""Seconds between a waiting process's looks at Redis while another learns the limit."""

REDIS_WINDOW: Final = 60.0
"""Seconds in the API's budget window as `RedisLimiter` guesses it until it has learned it
from the API's answers (a minute, Laravel's default)."""

REDIS_TIMEOUT: Final = 0.25
"""Seconds one Redis call may take before `RedisLimiter` paces the process alone."""

REDIS_RETRY_INTERVAL: Final = 5.0
"""Seconds between attempts to reach Redis again after a failure."""

REDIS_PREFIX: Final = "piggy:limit"
"""The start of `RedisLimiter`'s key names."""

SHARED_ALONE_MARGIN: Final = 0.05
"""The share of its budget a `RedisLimiter` pacing alone leaves unused: requests spaced
evenly when sent may arrive together, a few more of them in one of the API's windows."""

SHARED_MEMBERS_UNKNOWN: Final = 4
"""Processes a `RedisLimiter` pacing alone assumes share a budget before Redis has told it
how many do: it sends a quarter of the budget, not all of it."""

WEBHOOK_MAX_BODY_BYTES: Final = 1024 * 1024
"""The largest webhook body worth reading: deliveries are a few KB, so a receiver that caps
its request bodies at this size loses nothing and cannot be made to buffer gigabytes."""
# -- exports (piggy_async/bulk) --------------------------------------------------------------

EXPORT_CONCURRENCY: Final = 8
"""Pages an export has in flight at most (`concurrency=`, `--concurrency`)."""

EXPORT_READINGS: Final = 50
"""Times an export reads the pages of a range whose items do not add up to the `total` the
API states for it (the API may return items of the same second in any order) before it
gives up on the range with `PaginationError`."""

# -- bulk jobs (piggy_async/bulk) -----------------------------------------------------------

CSV_FALLBACK_ENCODING: Final = "cp1252"
"""The encoding of a CSV file with no byte-order mark that is not UTF-8: what Excel on
Windows writes in Western Europe (Latin-1's letters, and `€`)."""

CSV_FIELD_LIMIT: Final = 16 * 1024 * 1024
"""Characters one CSV cell may hold (the `csv` module's own limit is 128 KiB); a file with
an unclosed quote fails at this size instead of reading itself into one cell."""

MAX_PAUSE: Final = 15 * 60.0
"""Seconds a bulk job waits through an outage (token endpoint, API, shared-budget Redis)
before it stops; the time counts from the outage's first failed request."""

PAUSE_RETRY_BASE: Final = 1.0
"""Seconds a bulk job waits before trying again in an outage; each later wait doubles."""

PAUSE_RETRY_CAP: Final = 15.0
"""Seconds: the longest wait between two tries of a bulk job in an outage."""
