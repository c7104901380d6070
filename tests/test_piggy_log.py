"""`PIGGY_LOG=debug|info` turns on the `piggy_async` logger's output with no code, and the
output holds no credential, e-mail address or query string."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import asyncio
    import piggy_async
    from piggy_async.testing import FakePiggy, Faults

    async def main():
        async with FakePiggy(faults=Faults(error_503=0.5), seed=3) as server:
            async with piggy_async.OAuthClient(
                client_id=server.client_id, client_secret=server.client_secret,
                base_url=server.url, clock=piggy_async.VirtualClock(), max_retries=20,
            ) as piggy:
                for _ in range(4):
                    await piggy.contacts.find_or_create(email="sandy@bikinibottom.sea")
            print(server.client_secret, flush=True)

    asyncio.run(main())
    """
)


def _run(level: str | None) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIGGY_")}
    if level is not None:
        env["PIGGY_LOG"] = level
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr


def test_debug_prints_each_request_and_no_secret() -> None:
    secret, log = _run("DEBUG")
    lines = log.splitlines()
    assert any(
        " DEBUG piggy_async: GET /api/v3/oauth/clients/contacts/find-or-create -> 200" in line
        for line in lines
    )
    assert any(" DEBUG piggy_async: POST /oauth/token -> 200" in line for line in lines)
    assert any(
        " INFO piggy_async: contacts.find_or_create: HTTP 503, retry" in line for line in lines
    )
    assert secret and secret not in log
    assert "sandy" not in log and "Bearer" not in log and "?" not in log


def test_info_prints_retries_only_and_unset_prints_nothing() -> None:
    _, info = _run("info")
    assert "retry" in info
    assert " DEBUG " not in info
    assert _run(None)[1] == ""


def test_a_value_it_cannot_mean_is_named_in_a_warning() -> None:
    _, log = _run("verbose")
    assert "PIGGY_LOG='verbose' is ignored: use one of debug, info" in log
    assert "piggy_async:" not in log
