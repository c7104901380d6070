"""`RedisServer`: a throwaway `redis-server` on a free loopback port, for tests of code that
shares its budget through `piggy_async.limiters.RedisLimiter`.

        with RedisServer() as redis:
            limiter = RedisLimiter(redis.url)
            ...
            redis.kill()    # as a crash would; `start()` brings it back on the same port

Nothing is saved to disk. The server is stopped by its process id, never by name.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
from types import TracebackType
from typing import Self


class RedisServer:
    """One `redis-server` process (it must be installed: `apt-get install redis-server`)."""

    def __init__(self, executable: str | None = None) -> None:
        found = executable or shutil.which("redis-server")
        if found is None:
            raise FileNotFoundError("redis-server is not installed")
        self._executable = found
        self._directory = tempfile.TemporaryDirectory(prefix="piggy-redis-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port: int = probe.getsockname()[1]
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def installed() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port) and return once it accepts connections."""
        if self._process is not None:
            raise RuntimeError("redis-server is already running")
        process = subprocess.Popen(
            [self._executable, "--bind", "127.0.0.1", "--port", str(self.port),
             "--save", "", "--appendonly", "no", "--dir", self._directory.name,
             "--logfile", ""],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        assert process.stdout is not None
        output = []
        for line in process.stdout:
            output.append(line.decode(errors="replace"))
            if "Ready to accept connections" in output[-1]:
                break
        else:
            process.wait()
            raise RuntimeError("redis-server did not start:\n" + "".join(output))
        process.stdout.close()
        self._process = process

    def kill(self) -> None:
        """Stop it at once, as a crash would: everything it held is gone."""
        process = self._running()
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        self._process = None

    def freeze(self) -> None:
        """Make it stop answering, connections left open, as a hung server does."""
        os.kill(self._running().pid, signal.SIGSTOP)

    def thaw(self) -> None:
        os.kill(self._running().pid, signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self.thaw()
            os.kill(self._process.pid, signal.SIGTERM)
            self._process.wait()
            self._process = None
        self._directory.cleanup()

    def _running(self) -> subprocess.Popen[bytes]:
        if self._process is None:
            raise RuntimeError("redis-server is not running")
        return self._process

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<RedisServer {self.url} {'running' if self._process else 'stopped'}>"
