"""Apply a mutant to a module that is already imported, by swapping function code objects.

Importing the package and collecting the tests takes most of a mutant's time; a child forked
after both only has to run the tests. That is sound when the mutant changes nothing but the
bodies of functions the module defines (at module level or in a class): the live function
objects keep their identity, so every reference to them, an `from x import f` elsewhere
included, runs the mutated body. A mutant anywhere else (a module-level constant, a class
attribute, a decorator's argument, a module-level lambda) cannot be applied this way, and
`swaps` says so by returning None: those mutants are loaded fresh instead.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import CodeType, FunctionType, ModuleType
from typing import Any

Swap = tuple[FunctionType, CodeType]


class _NotSwappable(Exception):
    pass


def swaps(module: ModuleType, original: CodeType, mutated: CodeType) -> list[Swap] | None:
    """The (live function, mutated code) pairs that turn `module` into the mutant, or None."""
    try:
        return [(_live(module, before), after) for before, after in _changed(original, mutated)]
    except _NotSwappable:
        return None


def apply(pairs: list[Swap]) -> None:
    for function, code in pairs:
        function.__code__ = code


def _is_function(code: CodeType) -> bool:
    return bool(code.co_flags & inspect.CO_NEWLOCALS)


def _changed(before: CodeType, after: CodeType) -> Iterator[tuple[CodeType, CodeType]]:
    """The outermost function codes that differ; raises if anything else differs."""
    if not _same_own_parts(before, after):
        raise _NotSwappable
    for inner_before, inner_after in zip(_codes(before), _codes(after), strict=True):
        if _same(inner_before, inner_after):
            continue
        if not _is_function(inner_before):  # a class body: look inside
            yield from _changed(inner_before, inner_after)
        elif (
            inner_before.co_name.startswith("<")
            or inner_before.co_freevars != inner_after.co_freevars
        ):
            raise _NotSwappable  # a module-level lambda or comprehension, or other cells
        else:
            yield inner_before, inner_after


def _codes(code: CodeType) -> list[CodeType]:
    return [c for c in code.co_consts if isinstance(c, CodeType)]


def _values(code: CodeType) -> list[tuple[type, Any]]:
    return [(type(c), c) for c in code.co_consts if not isinstance(c, CodeType)]


def _same_own_parts(a: CodeType, b: CodeType) -> bool:
    return (
        a.co_code == b.co_code
        and a.co_names == b.co_names
        and a.co_varnames == b.co_varnames
        and a.co_freevars == b.co_freevars
        and a.co_cellvars == b.co_cellvars
        and _values(a) == _values(b)
        and len(_codes(a)) == len(_codes(b))
    )


def _same(a: CodeType, b: CodeType) -> bool:
    return _same_own_parts(a, b) and all(
        _same(x, y) for x, y in zip(_codes(a), _codes(b), strict=True)
    )


def _live(module: ModuleType, code: CodeType) -> FunctionType:
    """The function object of `module` whose code is `code` (by qualified name and line)."""
    owner: Any = module
    *path, name = code.co_qualname.split(".")
    for part in path:
        owner = vars(owner).get(part) if hasattr(owner, "__dict__") else None
    for candidate in _unwrapped(vars(owner).get(name) if hasattr(owner, "__dict__") else None):
        live = candidate.__code__
        same = (live.co_qualname, live.co_firstlineno, live.co_freevars)
        if same == (code.co_qualname, code.co_firstlineno, code.co_freevars):
            return candidate
    raise _NotSwappable


def _unwrapped(value: Any) -> Iterator[FunctionType]:
    """The plain functions behind a method, static/class method, property or wrapper."""
    if isinstance(value, staticmethod | classmethod):
        value = value.__func__
    if isinstance(value, property):
        for accessor in (value.fget, value.fset, value.fdel):
            yield from _unwrapped(accessor)
        return
    while value is not None and not isinstance(value, FunctionType):
        value = getattr(value, "__wrapped__", None)
    if isinstance(value, FunctionType):
        yield value
        yield from _unwrapped(getattr(value, "__wrapped__", None))
