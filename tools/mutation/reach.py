"""Which tests reach which functions of the module under test, from one traced run.

A mutant swapped into some functions can only be noticed by the tests that call them, so
each hot mutant runs those tests alone, and a mutant no test reaches survives without a
run. Tests are named down to the function (`file::test`, every parametrisation of it), and
a nested function counts as its outermost one, the unit `hotswap` replaces.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from types import FrameType
from typing import Any

import pytest


class Reach:
    """A pytest plugin and trace function recording, per function, the tests that call it."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.tests: dict[str, dict[str, None]] = {}
        self._current: str | None = None

    def _trace(self, frame: FrameType, event: str, arg: Any) -> None:
        code = frame.f_code
        if self._current is not None and code.co_filename == self.filename:
            outermost = code.co_qualname.split(".<locals>", 1)[0]
            self.tests.setdefault(outermost, {})[self._current] = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Any:
        self._current = item.nodeid.split("[", 1)[0]
        sys.settrace(self._trace)
        threading.settrace(self._trace)
        try:
            yield
        finally:
            sys.settrace(None)
            threading.settrace(None)
            self._current = None

    def of(self, qualnames: Iterable[str]) -> list[str]:
        """The tests that reach any of the functions, without repeats, in run order."""
        chosen: dict[str, None] = {}
        for qualname in qualnames:
            chosen.update(self.tests.get(qualname, {}))
        return list(chosen)
