"""An operation's `params:`, and the named `param_groups:` of a resource file that state a
set of parameters once for every operation that takes it.

    param_groups:
      session_options:
        scanner_type: {in: body, type: str, enum: [camera, hand_scanner]}
        ...
    operations:
      create:
        param_groups: [session_options]     # its parameters first, in group order
        params:
          amount_in_cents: {in: body, type: int}    # then the operation's own

Each parameter of a group is validated for each operation that takes it (a body parameter
in a GET is refused, wherever it was written); a name both in a group and in `params`, an
unknown group and a group no operation takes are errors.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable
from typing import Any

from .objects import Param
from .reader import IDENTIFIER, Reader, python_name
from .types import TypeRef

LOCATIONS = ("path", "query", "body")
RESERVED_PARAMS = frozenset(
    {"self", "request_options", "extra_headers", "extra_query", "extra_body", "timeout", "check"}
)
FORMATS = {"uuid": "str", "money": "float"}
"""Parameter formats and the spec type each refines (see spec/README.md)."""
_PARAM_KEYS = (
    "in",
    "type",
    "required",
    "apis",
    "enum",
    "default",
    "py_name",
    "description",
    "format",
    "spread",
    "secret",
    "also_as",
)

Entry = tuple[str, str, Any]
"""A parameter as written: its key path (for errors), its name and its YAML body."""


def load_param_groups(reader: Reader, document: Any) -> dict[str, dict[str, Any]]:
    """The `param_groups:` of a resource file: each group's parameters, as written."""
    groups = reader.table(document or {}, "param_groups")
    for name, params in groups.items():
        if not isinstance(name, str) or not IDENTIFIER.match(name):
            raise reader.error(f"param_groups.{name}", "a group name must be snake_case")
        if not reader.table(params, f"param_groups.{name}"):
            raise reader.error(f"param_groups.{name}", "a group needs at least one parameter")
    return groups


def param_entries(
    reader: Reader, key: str, data: dict[str, Any], groups: dict[str, dict[str, Any]]
) -> list[Entry]:
    """An operation's parameters as written: those of its groups, then its own."""
    names = data.get("param_groups", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise reader.error(f"{key}.param_groups", "expected a list of group names")
    entries: list[Entry] = []
    for group in names:
        if group not in groups:
            raise reader.error(f"{key}.param_groups", f"no group {group!r} in param_groups")
        entries += [(f"param_groups.{group}.{n}", n, b) for n, b in groups[group].items()]
    own = reader.table(data.get("params") or {}, f"{key}.params")
    entries += [(f"{key}.params.{n}", n, b) for n, b in own.items()]
    seen: dict[str, str] = {}
    for pkey, name, _body in entries:
        if name in seen:
            raise reader.error(pkey, f"already given by {seen[name]}")
        seen[name] = pkey
    return entries


def load_params(
    reader: Reader, entries: Iterable[Entry], apis: tuple[str, ...], method: str
) -> tuple[Param, ...]:
    result: list[Param] = []
    for pkey, name, body in entries:
        param = _load_param(reader, pkey, str(name), body, apis, method)
        if param.py_name in RESERVED_PARAMS or param.py_name in {p.py_name for p in result}:
            raise reader.error(
                pkey, f"Python name {param.py_name!r} is reserved or used twice; set py_name"
            )
        if param.spread and any(p.spread for p in result):
            other = next(p for p in result if p.spread)
            raise reader.error(f"{pkey}.spread", f"{other.name!r} is already spread")
        result.append(param)
    names = {p.name for p in result}
    for param in result:
        if param.also_as in names:
            raise reader.error(f"{param.name}.also_as", "names another parameter")
    return tuple(result)


def _load_param(
    reader: Reader, pkey: str, name: str, body: Any, apis: tuple[str, ...], method: str
) -> Param:
    data = reader.mapping(body, pkey, allowed=_PARAM_KEYS, required=("in", "type"))
    location = data["in"]
    if location not in LOCATIONS:
        raise reader.error(f"{pkey}.in", f"expected one of {', '.join(LOCATIONS)}")
    if location == "body" and method in ("GET", "DELETE"):
        raise reader.error(f"{pkey}.in", f"{method} has no body: send it as a query parameter")
    param_apis = reader.apis(data["apis"], f"{pkey}.apis") if "apis" in data else apis
    if not set(param_apis) <= set(apis):
        raise reader.error(f"{pkey}.apis", "a parameter cannot exist on an API its operation lacks")
    py_name = data.get("py_name", python_name(name))
    if not isinstance(py_name, str) or not py_name.isidentifier() or keyword.iskeyword(py_name):
        raise reader.error(f"{pkey}.py_name", f"not a Python identifier: {py_name!r}")
    param_type = reader.type(data["type"], f"{pkey}.type")
    enum = data.get("enum")
    if enum is not None and (not isinstance(enum, list) or not enum):
        raise reader.error(f"{pkey}.enum", "expected a non-empty list")
    return Param(
        name=name,
        py_name=py_name,
        location=location,
        type=param_type,
        required_on=_required_on(reader, pkey, data, param_apis),
        apis=frozenset(param_apis),
        enum=tuple(enum) if enum else None,
        description=reader.text(data["description"], f"{pkey}.description")
        if "description" in data
        else "",
        format=_param_format(reader, pkey, name, param_type, data.get("format")),
        spread=_spread(reader, pkey, data, param_type),
        secret=_secret(reader, pkey, data),
        default=data.get("default"),
        also_as=_also_as(reader, pkey, data),
    )


def _also_as(reader: Reader, key: str, data: dict[str, Any]) -> str | None:
    """`also_as: <key>`: the value is sent under this key too (a query or body parameter
    the sources name two ways)."""
    also_as = data.get("also_as")
    if also_as is None:
        return None
    if not isinstance(also_as, str) or not also_as:
        raise reader.error(f"{key}.also_as", "expected a parameter name")
    if data["in"] == "path" or data.get("spread", False):
        raise reader.error(f"{key}.also_as", "only a query or body value can be sent twice")
    return also_as


def _required_on(
    reader: Reader, pkey: str, data: dict[str, Any], param_apis: tuple[str, ...]
) -> frozenset[str]:
    """The APIs on which the parameter is required."""
    required = data.get("required", False)
    if data["in"] == "path":
        if "required" in data and required is not True:
            raise reader.error(f"{pkey}.required", "path parameters are always required")
        return frozenset(param_apis)
    if isinstance(required, bool):
        return frozenset(param_apis) if required else frozenset()
    required_on = frozenset(reader.apis(required, f"{pkey}.required"))
    if not required_on <= set(param_apis):
        raise reader.error(f"{pkey}.required", "required on an API the parameter does not exist on")
    return required_on


def _param_format(
    reader: Reader, key: str, name: str, param_type: TypeRef, value: Any
) -> str | None:
    """The declared format; a `str` parameter whose name ends in `uuid` is a UUID unless it
    says `format: none`."""
    if value is None:
        is_uuid = param_type == TypeRef("scalar", "str") and name.endswith("uuid")
        return "uuid" if is_uuid else None
    if value == "none":
        return None
    if value not in FORMATS:
        raise reader.error(f"{key}.format", f"expected one of {', '.join(FORMATS)} or none")
    if str(param_type) != FORMATS[value]:
        raise reader.error(f"{key}.format", f"{value} refines type {FORMATS[value]}")
    return str(value)


def _secret(reader: Reader, key: str, data: dict[str, Any]) -> bool:
    """`secret: true`: a path parameter whose value is a credential, redacted in the log."""
    secret = data.get("secret", False)
    if not isinstance(secret, bool):
        raise reader.error(f"{key}.secret", "expected true or false")
    if secret and data["in"] != "path":
        raise reader.error(
            f"{key}.secret", "only a path parameter can be secret (the log shows only the path)"
        )
    return secret


def _spread(reader: Reader, key: str, data: dict[str, Any], type_: TypeRef) -> bool:
    """`spread: true`: an optional body mapping whose keys become top-level body keys."""
    spread = data.get("spread", False)
    if not isinstance(spread, bool):
        raise reader.error(f"{key}.spread", "expected true or false")
    if not spread:
        return False
    if data["in"] != "body" or data.get("required", False) is not False:
        raise reader.error(f"{key}.spread", "only an optional body parameter can be spread")
    if type_.kind != "map" and str(type_) != "object":
        raise reader.error(f"{key}.spread", "a spread parameter is a map[T] or object")
    return True
