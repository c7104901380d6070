"""Every default the SDK uses, in one place."""

from __future__ import annotations

from typing import Final

BASE_URL: Final = "https://api.piggy.eu"
"""The API host; `PIGGY_BASE_URL` or the `base_url` argument override it."""

BASE_URL_ENV: Final = "PIGGY_BASE_URL"
API_KEY_ENV: Final = "PIGGY_API_KEY"

API_PREFIXES: Final = {
    "oauth": "/api/v3/oauth/clients",
    "register": "/api/v3/register",
}
"""Each API's base path on the host; operation paths are relative to it."""

TOKEN_PATH: Final = "/oauth/token"
"""The client-credentials token endpoint, on the host root (not under an API base)."""

TIMEOUT: Final = 60.0
"""Seconds one request may take in all, connecting and reading the body included."""

CONNECT_TIMEOUT: Final = 10.0
"""Seconds to open a connection."""

CONNECTION_LIMIT: Final = 100
"""Connections the client's pool keeps open at most; more concurrent requests queue."""

TOKEN_EXPIRY_MARGIN: Final = 60.0
"""Seconds before a client-credentials token's stated expiry at which it is renewed."""

ERROR_BODY_EXCERPT: Final = 200
"""Characters of an unreadable response body quoted in the error raised for it."""
