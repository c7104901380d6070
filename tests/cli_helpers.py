"""Running the `piggy` command line against a FakePiggy: in this process (click's runner,
with the server on a thread of its own) or as a subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import NamedTuple

from click.testing import CliRunner

from piggy_async.cli import cli
from piggy_async.testing import FakePiggy


class Outcome(NamedTuple):
    code: int
    stdout: str
    stderr: str


@contextlib.contextmanager
def serving(server: FakePiggy) -> Iterator[FakePiggy]:
    """Run `server` on an event loop in a background thread."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(server.start(), loop).result()
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.close(), loop).result()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        loop.close()


def environment(server: FakePiggy | None, api_key: str | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIGGY_")}
    if server is not None:
        env["PIGGY_BASE_URL"] = server.url
        env["PIGGY_API_KEY"] = api_key or server.oauth_key
    return env


def piggy(env: dict[str, str], *args: str) -> Outcome:
    """`piggy ARGS` in this process, with exactly the environment `env`."""
    unset = {key: None for key in os.environ if key not in env}
    result = CliRunner().invoke(cli, args, env={**env, **unset}, prog_name="piggy")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr)


async def start(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    """`piggy ARGS` as a subprocess, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "piggy_async.cli",
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> Outcome:
    stdout, stderr = await process.communicate()
    assert process.returncode is not None
    return Outcome(process.returncode, stdout.decode(), stderr.decode())
