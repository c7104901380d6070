"""The argument checks rendered into each generated method (runtime: `piggy_async._arguments`).

Every parameter gets one inline test, the cheapest that passes a good value, and a call to
a checker only when the test fails:

    if email.__class__ is not str:
        email = check.text(email, "email", OAUTH_FIND_ONE_BY)

Optional parameters are tested only when given: not `UNSET`, and not `None`, which they take
as before (JSON null in a body, left out of a query). Keyword arguments besides
the parameters are checked only when there are any:

    if request_options:
        check.options(request_options, OAUTH_FIND_ONE_BY)

Rendered code rather than a table walked at run time: a call pays for its own parameters
only, with no loop and no function call on the good path.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..spec import Operation, Param
from .imports import Imports

_FINITE = ("math", "isfinite")
_DATETIME = ("datetime", "datetime")


@dataclass(frozen=True)
class _Check:
    test: str | None
    """The inline test that a value needs the checker, `{v}` for it (None: always call it)."""
    checker: str
    """The checker's name in `piggy_async._arguments`."""
    needs: tuple[tuple[str, str], ...] = ()
    """What the test names, as (module, name) to import."""


_CHECKS: dict[str, _Check] = {
    "str": _Check("{v}.__class__ is not str", "text"),
    "int": _Check("{v}.__class__ is not int", "integer"),
    "float": _Check("{v}.__class__ is not float or not isfinite({v})", "number", (_FINITE,)),
    "bool": _Check("{v}.__class__ is not bool", "boolean"),
    "datetime": _Check(
        "{v}.__class__ is not datetime or {v}.tzinfo is None", "moment", (_DATETIME,)
    ),
    "object": _Check("{v}.__class__ is not dict", "mapping"),
    "map[any]": _Check("{v}.__class__ is not dict", "mapping"),
    "list[object]": _Check(None, "objects"),
    "list[str]": _Check(None, "texts"),
    "str | int": _Check(None, "text_or_integer"),
    "object | list[object]": _Check(None, "mapping_or_objects"),
}
"""The check of each spec type."""

_FORMATS: dict[str, _Check] = {
    "uuid": _Check("{v}.__class__ is not str", "uuid"),
    "money": _Check("{v}.__class__ is not float or not isfinite({v})", "money", (_FINITE,)),
}
_COUNTS = _Check("{v}.__class__ is not int or {v} < 1", "positive_integer")
FORMAT_TYPES = {"uuid": ("uuid", "UUID"), "money": ("decimal", "Decimal")}
"""The Python type each format also accepts, added to the annotation: (module, name)."""


class UncheckedTypeError(Exception):
    """A parameter type without a rendered check: add one to `_CHECKS` and the runtime."""


def format_annotation(annotation: str, param: Param, imports: Imports) -> str:
    """`str | UUID` for a UUID, `float | Decimal` for money."""
    if not param.format:
        return annotation
    module, name = FORMAT_TYPES[param.format]
    imports.add(module, name)
    return f"{annotation} | {name}"


def _is_count(op: Operation, param: Param) -> bool:
    """A page number or page size: refused below 1."""
    if param.location != "query" or str(param.type) != "int":
        return False
    return param.name in ("page", "limit") or (
        op.pagination is not None and param.name == op.pagination.size
    )


def _check(op: Operation, param: Param) -> _Check | None:
    if param.enum:
        values = [repr(value) for value in param.enum]
        test = "{v} not in " + (f"({values[0]},)" if len(values) == 1 else f"({', '.join(values)})")
        if not all(isinstance(value, str) for value in param.enum):
            test = "{v}.__class__ is bool or " + test  # True == 1
        return _Check(test, "choice")
    if param.format:
        return _FORMATS[param.format]
    if _is_count(op, param):
        return _COUNTS
    if str(param.type) == "any":
        return None
    if str(param.type) not in _CHECKS:
        raise UncheckedTypeError(
            f"{op.resource}.{op.name}: no argument check for type {param.type} of {param.name}"
        )
    return _CHECKS[str(param.type)]


def render_checks(
    op: Operation, api: str, const: str, params: tuple[Param, ...], imports: Imports
) -> list[str]:
    """The method body lines that check the arguments, before the request is made."""
    lines = [
        "        if request_options:\n",
        f"            check.options(request_options, {const})\n",
    ]
    for param in params:
        check = _check(op, param)
        if check is None:
            continue
        for module, name in check.needs:
            imports.add(module, name)
        test, checker = check.test, check.checker
        v = param.py_name
        call = f'{v} = check.{checker}({v}, "{v}", {const})\n'
        required = api in param.required_on
        conditions = [] if required else [f"{v} is not UNSET", f"{v} is not None"]
        if test is not None:
            rendered = test.format(v=v)
            conditions.append(f"({rendered})" if conditions and " or " in rendered else rendered)
        if conditions:
            lines += [f"        if {' and '.join(conditions)}:\n", f"            {call}"]
        else:
            lines.append(f"        {call}")
    return lines
