"""A real `redis-server` on a free loopback port, started and stopped by process id.

No fakes: the shared limiter's whole point is what Redis does with its script. Where
redis-server is missing the tests that need it skip, saying how to install it; under
`CI=true` they fail instead, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

INSTALL_HINT = (
    "redis-server is not installed: run `make test` as root on Debian/Ubuntu, or install it "
    "yourself (`apt-get install redis-server`, `brew install redis`)"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """One redis-server process; `kill` and `start` again keep its port."""

    def __init__(self, executable: str, directory: Path) -> None:
        self._executable = executable
        self._directory = directory
        self.port = free_port()
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        process = subprocess.Popen(
            [
                self._executable,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._directory),
                "--logfile",
                "",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line)
            if b"Ready to accept connections" in line:
                break
        else:
            process.wait()
            raise RuntimeError(b"redis-server did not start:\n" + b"".join(output))
        process.stdout.close()
        self._process = process

    def _signal(self, signum: signal.Signals) -> None:
        assert self._process is not None, "redis-server is not running"
        os.kill(self._process.pid, signum)

    def kill(self) -> None:
        """Stop at once, as a crash would (its data is gone: nothing is saved)."""
        self._signal(signal.SIGKILL)
        assert self._process is not None
        self._process.wait()
        self._process = None

    def freeze(self) -> None:
        """Stop answering without closing connections, as a hung server does."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self._signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self.thaw()
            self._signal(signal.SIGTERM)
            self._process.wait()
            self._process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    executable = shutil.which("redis-server")
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    server = RedisServer(executable, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def everything_stored(url: str) -> list[bytes]:
    """Every key name, hash field, set member and other value in the Redis at `url`."""
    import redis.asyncio

    stored: list[bytes] = []
    async with redis.asyncio.Redis.from_url(url) as client:
        async for name in client.scan_iter():
            stored.append(name)
            kind = await client.type(name)
            if kind == b"hash":
                for field, value in (await client.hgetall(name)).items():
                    stored += [field, value]
            elif kind == b"zset":
                stored += [
                    member for member, _ in await client.zrange(name, 0, -1, withscores=True)
                ]
            else:
                stored.append(await client.dump(name) or b"")
    return stored
