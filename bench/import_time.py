"""Import time (goal 4): `python -c "import piggy_async"` against `python -c "import aiohttp"`.

Each is a fresh interpreter with bytecode already cached, the two alternating. Resources and
their models load on first attribute access, so the import itself costs little beyond
aiohttp; the second figure adds a client and its first resource, what a program really pays.
Goal: at most 1.2x.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from collections.abc import Callable

from bench._results import Result, alternate, compared

_FIRST_USE = (
    "import piggy_async; piggy_async.OAuthClient(api_key='k').contacts; import piggy_async.models"
)


def _importer(code: str) -> Callable[[], object]:
    command = [sys.executable, "-c", code]
    return lambda: subprocess.run(command, check=True)


def run(quick: bool) -> list[Result]:
    rounds = 5 if quick else 21
    for code in ("import piggy_async.models", "import aiohttp"):  # bytecode cached
        subprocess.run([sys.executable, "-c", code], check=True)
    times = alternate(
        {
            "aiohttp": _importer("import aiohttp"),
            "sdk": _importer("import piggy_async"),
            "first use": _importer(_FIRST_USE),
            "python": _importer("pass"),
        },
        rounds=rounds,
        number=1,
    )
    base = times["aiohttp"]
    return [
        compared(
            "import.piggy_async",
            times["sdk"],
            base,
            unit="ms",
            scale=1e3,
            baseline="import aiohttp",
            goal="<= 1.2",
        ),
        compared(
            "import.first_client_and_all_models",
            times["first use"],
            base,
            unit="ms",
            scale=1e3,
            baseline="import aiohttp",
        ),
        Result("import.python_startup", statistics.median(times["python"]) * 1e3, "ms"),
    ]
