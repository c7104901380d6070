"""`Imports`: the import statements of one generated module, collected as its code is rendered.

Whatever renders a piece of code that needs a name (an annotation with `datetime`, a check
calling `isfinite`) says so here, so a module imports exactly what its code uses, never found
by searching the rendered text. The order written is only deterministic: `output.py` sorts
and groups the block with ruff's isort rules.
"""

from __future__ import annotations

from collections import defaultdict


class Imports:
    """`import module` and `from module import name` statements, without repeats."""

    def __init__(self) -> None:
        self._modules: set[str] = set()
        self._names: defaultdict[str, set[str]] = defaultdict(set)

    def module(self, module: str) -> None:
        """`import module`."""
        self._modules.add(module)

    def add(self, module: str, *names: str) -> None:
        """`from module import name, ...`."""
        self._names[module].update(names)

    def render(self) -> str:
        """The statements, one per line: whole modules first, then names, both sorted."""
        lines = [f"import {module}\n" for module in sorted(self._modules)]
        lines += [
            f"from {module} import {', '.join(sorted(self._names[module]))}\n"
            for module in sorted(self._names)
            if self._names[module]
        ]
        return "".join(lines)
