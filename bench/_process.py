"""Servers run in their own process, so they do not share a core with the client measured."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any


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
