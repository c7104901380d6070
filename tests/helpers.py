"""Test helpers: the mocked hosts, the seed examples, and a readable view of the requests
aioresponses recorded."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import attrs
from aioresponses import aioresponses
from multidict import CIMultiDict
from yarl import URL

HOST = "https://api.test"
OAUTH_PATH = "/api/v3/oauth/clients"
REGISTER_PATH = "/api/v3/register"
OAUTH = f"{HOST}{OAUTH_PATH}"
REGISTER = f"{HOST}{REGISTER_PATH}"
API_KEY = "test-key"

SEEDS = Path(__file__).parent / "fixtures" / "seeds"

_SEED_CACHE: dict[str, Any] = {}


def load_seed(name: str) -> Any:
    """The decoded seed example `<resource>.<operation>.json` (a fresh copy each time)."""
    if name not in _SEED_CACHE:
        _SEED_CACHE[name] = json.loads((SEEDS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(_SEED_CACHE[name])


def seed_names() -> list[str]:
    return sorted(path.stem for path in SEEDS.glob("*.json"))


def endpoint(base: str, path: str) -> re.Pattern[str]:
    """Matches `base + path` exactly, with any query string (the query is asserted on the
    recorded request instead)."""
    return re.compile(re.escape(base + path) + r"(\?.*)?$")


@attrs.frozen
class Sent:
    """One request the mock recorded."""

    method: str
    url: URL
    kwargs: dict[str, Any]

    @property
    def path(self) -> str:
        """The path as sent on the wire (percent-encoding kept)."""
        return self.url.raw_path

    @property
    def query(self) -> list[tuple[str, str]]:
        """The query pairs, in the order the client passed them."""
        return list(self.kwargs.get("params") or [])

    @property
    def headers(self) -> CIMultiDict[str]:
        return CIMultiDict(self.kwargs.get("headers") or {})

    @property
    def body(self) -> bytes | None:
        data = self.kwargs.get("data")
        assert data is None or isinstance(data, bytes), f"body is not bytes: {data!r}"
        return data

    @property
    def json(self) -> Any:
        body = self.body
        assert body is not None, f"{self.method} {self.path} was sent without a body"
        return json.loads(body)


def sent(mock: aioresponses) -> list[Sent]:
    """Every recorded request (grouped by method and URL, in first-seen order)."""
    return [
        Sent(method, url, call.kwargs)
        for (method, url), calls in mock.requests.items()
        for call in calls
    ]
