"""A resource file's `operations:`: each operation, its parameters and its pagination."""

from __future__ import annotations

import keyword
import re
from typing import Any

from .spec_objects import Operation, Pagination, Param, Resource
from .spec_reader import IDENTIFIER, Reader, python_name
from .spec_types import TypeRef

METHODS = ("GET", "POST", "PUT", "DELETE")
LOCATIONS = ("path", "query", "body")
META_STYLES = ("viewing", "short", "laravel", "minimal", "none")
RESERVED_PARAMS = frozenset(
    {"self", "request_options", "extra_headers", "extra_query", "extra_body", "timeout", "check"}
)
FORMATS = {"uuid": "str", "money": "float"}
"""Parameter formats and the spec type each refines (see spec/README.md)."""
PATH_PARAM = re.compile(r"\{([^{}]+)\}")


def load_resource(reader: Reader, data: dict[str, Any]) -> Resource:
    name = data["resource"]
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise reader.error("resource", "expected a snake_case name")
    operations = reader.mapping(data["operations"], "operations", allowed=data["operations"] or {})
    if not operations:
        raise reader.error("operations", "a resource needs at least one operation")
    return Resource(
        name,
        reader.text(data["title"], "title"),
        reader.text(data["description"], "description"),
        tuple(_load_operation(reader, name, op_name, body) for op_name, body in operations.items()),
        _helpers(reader, data.get("helpers") or {}),
    )


def _helpers(reader: Reader, helpers: Any) -> tuple[tuple[str, str], ...]:
    """`helpers:`: dotted names of local functions (`piggy_async.x`) and what each does."""
    table = reader.mapping(helpers, "helpers", allowed=helpers if isinstance(helpers, dict) else ())
    for name in table:
        if not isinstance(name, str) or not name.startswith("piggy_async."):
            raise reader.error("helpers", f"expected a dotted name in piggy_async: {name!r}")
    return tuple((name, reader.text(text, f"helpers.{name}")) for name, text in table.items())


_OPERATION_KEYS = (
    "summary",
    "description",
    "apis",
    "method",
    "path",
    "params",
    "response",
    "pagination",
    "errors",
    "status",
    "notes",
    "example",
    "retry_safe",
)


def _load_operation(reader: Reader, resource: str, name: Any, body: Any) -> Operation:
    key = f"operations.{name}"
    if not isinstance(name, str) or not IDENTIFIER.match(name) or keyword.iskeyword(name):
        raise reader.error(key, "an operation name must be a snake_case identifier")
    data = reader.mapping(
        body,
        key,
        allowed=_OPERATION_KEYS,
        required=("summary", "apis", "method", "path", "response"),
    )
    apis = reader.apis(data["apis"], f"{key}.apis")
    method = data["method"]
    if method not in METHODS:
        raise reader.error(f"{key}.method", f"expected one of {', '.join(METHODS)}")
    path = data["path"]
    if not isinstance(path, str) or (path and not path.startswith("/")) or path.endswith("/"):
        raise reader.error(
            f"{key}.path",
            "expected '' (the API base) or a path starting with '/', without a trailing '/'",
        )
    params = _load_params(reader, f"{key}.params", data.get("params") or {}, apis, method)
    path_names = PATH_PARAM.findall(path)
    declared = [p.name for p in params if p.location == "path"]
    if sorted(path_names) != sorted(declared):
        raise reader.error(
            f"{key}.params", f"path parameters {declared} do not match the path's {path_names}"
        )
    by_name = {p.name: p for p in params}
    params = tuple(by_name[n] for n in path_names) + tuple(
        p for p in params if p.location != "path"
    )
    response = reader.type(data["response"], f"{key}.response")
    pagination = None
    if "pagination" in data:
        page = reader.mapping(
            data["pagination"],
            f"{key}.pagination",
            allowed=("meta", "size"),
            required=("meta", "size"),
        )
        if page["meta"] not in META_STYLES:
            raise reader.error(
                f"{key}.pagination.meta", f"expected one of {', '.join(META_STYLES)}"
            )
        for param_name in ("page", page["size"]):
            param = by_name.get(param_name)
            if param is None or param.location != "query":
                raise reader.error(
                    f"{key}.pagination",
                    f"paginated operations need a query parameter {param_name!r}",
                )
        if response.kind != "list":
            raise reader.error(f"{key}.response", "a paginated operation's response is list[T]")
        default_size = by_name[page["size"]].default
        if default_size is not None and (
            isinstance(default_size, bool) or not isinstance(default_size, int) or default_size < 1
        ):
            raise reader.error(f"{key}.params.{page['size']}.default", "expected a page size")
        pagination = Pagination(page["meta"], page["size"], default_size)
    errors = data.get("errors", [])
    if not isinstance(errors, list) or not all(isinstance(c, int) for c in errors):
        raise reader.error(f"{key}.errors", "expected a list of error codes")
    status = data.get("status", 200)
    if not isinstance(status, int) or not 200 <= status < 300:
        raise reader.error(f"{key}.status", "expected a 2xx status code")
    retry_safe = data.get("retry_safe", method in ("GET", "PUT"))
    if not isinstance(retry_safe, bool):
        raise reader.error(f"{key}.retry_safe", "expected true or false")
    notes = data.get("notes", [])
    if not isinstance(notes, list):
        raise reader.error(f"{key}.notes", "expected a list of strings")
    return Operation(
        resource=resource,
        name=name,
        summary=reader.text(data["summary"], f"{key}.summary"),
        description=reader.text(data["description"], f"{key}.description")
        if "description" in data
        else "",
        apis=apis,
        method=method,
        path=path,
        params=params,
        response=response,
        pagination=pagination,
        errors=tuple(dict.fromkeys(errors)),
        status=status,
        notes=tuple(reader.text(n, f"{key}.notes") for n in notes),
        example=data.get("example"),
        retry_safe=retry_safe,
    )


def _load_params(
    reader: Reader, key: str, params: Any, apis: tuple[str, ...], method: str
) -> tuple[Param, ...]:
    table = reader.mapping(params, key, allowed=params if isinstance(params, dict) else ())
    result: list[Param] = []
    py_names: set[str] = set()
    for name, body in table.items():
        pkey = f"{key}.{name}"
        data = reader.mapping(
            body,
            pkey,
            allowed=(
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
            ),
            required=("in", "type"),
        )
        location = data["in"]
        if location not in LOCATIONS:
            raise reader.error(f"{pkey}.in", f"expected one of {', '.join(LOCATIONS)}")
        if location == "body" and method in ("GET", "DELETE"):
            raise reader.error(f"{pkey}.in", f"{method} has no body: send it as a query parameter")
        param_apis = reader.apis(data["apis"], f"{pkey}.apis") if "apis" in data else apis
        if not set(param_apis) <= set(apis):
            raise reader.error(
                f"{pkey}.apis", "a parameter cannot exist on an API its operation lacks"
            )
        required = data.get("required", False)
        if location == "path":
            if "required" in data and required is not True:
                raise reader.error(f"{pkey}.required", "path parameters are always required")
            required_on = frozenset(param_apis)
        elif isinstance(required, bool):
            required_on = frozenset(param_apis) if required else frozenset()
        else:
            required_on = frozenset(reader.apis(required, f"{pkey}.required"))
            if not required_on <= set(param_apis):
                raise reader.error(
                    f"{pkey}.required", "required on an API the parameter does not exist on"
                )
        py_name = data.get("py_name", python_name(str(name)))
        if not isinstance(py_name, str) or not py_name.isidentifier() or keyword.iskeyword(py_name):
            raise reader.error(f"{pkey}.py_name", f"not a Python identifier: {py_name!r}")
        if py_name in RESERVED_PARAMS or py_name in py_names:
            raise reader.error(
                pkey, f"Python name {py_name!r} is reserved or used twice; set py_name"
            )
        py_names.add(py_name)
        param_type = reader.type(data["type"], f"{pkey}.type")
        spread = _spread(reader, pkey, data, param_type, [p for p in result if p.spread])
        enum = data.get("enum")
        if enum is not None and (not isinstance(enum, list) or not enum):
            raise reader.error(f"{pkey}.enum", "expected a non-empty list")
        param_format = _param_format(reader, pkey, str(name), param_type, data.get("format"))
        result.append(
            Param(
                name=str(name),
                py_name=py_name,
                location=location,
                type=param_type,
                required_on=required_on,
                apis=frozenset(param_apis),
                enum=tuple(enum) if enum else None,
                description=reader.text(data["description"], f"{pkey}.description")
                if "description" in data
                else "",
                format=param_format,
                spread=spread,
                secret=_secret(reader, pkey, data),
                default=data.get("default"),
                also_as=_also_as(reader, pkey, data),
            )
        )
    names = {p.name for p in result}
    for param in result:
        if param.also_as in names:
            raise reader.error(f"{key}.{param.name}.also_as", "names another parameter")
    return tuple(result)


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


def _spread(
    reader: Reader, key: str, data: dict[str, Any], type_: TypeRef, others: list[Param]
) -> bool:
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
    if others:
        raise reader.error(f"{key}.spread", f"{others[0].name!r} is already spread")
    return True
