"""A resource file's `operations:`: each operation and its pagination (its parameters:
`params.py`)."""

from __future__ import annotations

import keyword
import re
from typing import Any

from .natural_keys import check_lookups, load_natural_key
from .objects import Operation, Pagination, Param, Resource
from .params import load_param_groups, load_params, param_entries
from .reader import IDENTIFIER, Reader
from .types import TypeRef

METHODS = ("GET", "POST", "PUT", "DELETE")
META_STYLES = ("viewing", "short", "laravel", "minimal", "none")
PATH_PARAM = re.compile(r"\{([^{}]+)\}")


def load_resource(reader: Reader, data: dict[str, Any]) -> Resource:
    name = data["resource"]
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        raise reader.error("resource", "expected a snake_case name")
    operations = reader.mapping(data["operations"], "operations", allowed=data["operations"] or {})
    if not operations:
        raise reader.error("operations", "a resource needs at least one operation")
    groups = load_param_groups(reader, data.get("param_groups"))
    loaded = tuple(
        _load_operation(reader, name, op_name, body, groups) for op_name, body in operations.items()
    )
    taken = {group for body in operations.values() for group in body.get("param_groups", [])}
    for group in groups:
        if group not in taken:
            raise reader.error(f"param_groups.{group}", "no operation takes this group")
    resource = Resource(
        name,
        reader.text(data["title"], "title"),
        reader.text(data["description"], "description"),
        loaded,
        _helpers(reader, data.get("helpers") or {}),
    )
    check_lookups(reader, resource)
    return resource


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
    "param_groups",
    "response",
    "pagination",
    "errors",
    "status",
    "notes",
    "example",
    "retry_safe",
    "natural_key",
)


def _load_operation(
    reader: Reader, resource: str, name: Any, body: Any, groups: dict[str, dict[str, Any]]
) -> Operation:
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
    entries = param_entries(reader, key, data, groups)
    params = _in_path_order(reader, key, path, load_params(reader, entries, apis, method))
    response = reader.type(data["response"], f"{key}.response")
    pagination = _pagination(reader, key, data, params, response)
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
        natural_key=load_natural_key(reader, key, data, params),
    )


def _in_path_order(
    reader: Reader, key: str, path: str, params: tuple[Param, ...]
) -> tuple[Param, ...]:
    """The parameters, path parameters first in the order of the path, which must name
    exactly those."""
    path_names = PATH_PARAM.findall(path)
    declared = [p.name for p in params if p.location == "path"]
    if sorted(path_names) != sorted(declared):
        raise reader.error(
            f"{key}.params", f"path parameters {declared} do not match the path's {path_names}"
        )
    by_name = {p.name: p for p in params}
    return tuple(by_name[n] for n in path_names) + tuple(p for p in params if p.location != "path")


def _pagination(
    reader: Reader, key: str, data: dict[str, Any], params: tuple[Param, ...], response: TypeRef
) -> Pagination | None:
    if "pagination" not in data:
        return None
    page = reader.mapping(
        data["pagination"], f"{key}.pagination", allowed=("meta", "size"), required=("meta", "size")
    )
    if page["meta"] not in META_STYLES:
        raise reader.error(f"{key}.pagination.meta", f"expected one of {', '.join(META_STYLES)}")
    by_name = {p.name: p for p in params}
    for param_name in ("page", page["size"]):
        param = by_name.get(param_name)
        if param is None or param.location != "query":
            raise reader.error(
                f"{key}.pagination", f"paginated operations need a query parameter {param_name!r}"
            )
    if response.kind != "list":
        raise reader.error(f"{key}.response", "a paginated operation's response is list[T]")
    default_size = by_name[page["size"]].default
    if default_size is not None and (
        isinstance(default_size, bool) or not isinstance(default_size, int) or default_size < 1
    ):
        raise reader.error(f"{key}.params.{page['size']}.default", "expected a page size")
    return Pagination(page["meta"], page["size"], default_size)
