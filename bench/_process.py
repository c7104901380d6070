"""Servers run in their own process, so they do not share a core with the client measured."""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from aiohttp import web


@contextlib.contextmanager
def server(module: str, *args: str) -> Iterator[dict[str, Any]]:
    """Start `python -m <module> <args>`, yield the JSON line it prints once it serves."""
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield json.loads(process.stdout.readline())
    finally:
        process.terminate()
        process.wait(timeout=10)


async def serve_forever(app: web.Application) -> None:
    """Serve `app` on a free loopback port; print `{"url": ...}` (what `server` reads)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    print(json.dumps({"url": f"http://127.0.0.1:{runner.addresses[0][1]}"}), flush=True)
    await asyncio.Event().wait()
