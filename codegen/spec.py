"""Read `spec/*.yaml` into typed objects, validating as it goes.

Every problem is a `SpecError` naming the file and the key path, e.g.
`spec/contacts.yaml: operations.get.params.email.type: unknown type 'strng'`.
The format is defined in `spec/README.md`.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

APIS = ("oauth", "register")
METHODS = ("GET", "POST", "PUT", "DELETE")
LOCATIONS = ("path", "query", "body")
META_STYLES = ("viewing", "short", "laravel", "minimal", "none")
SCALARS = ("str", "int", "float", "bool", "datetime", "any", "object", "null")
RESERVED_PARAMS = frozenset(
    {"self", "request_options", "extra_headers", "extra_query", "extra_body", "timeout"}
)
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
PATH_PARAM = re.compile(r"\{([^{}]+)\}")
WEBHOOKS = "webhooks"
"""The spec file of webhook events: models and `events`, no operations."""


class SpecError(Exception):
    """A malformed spec: the message names the file and the key."""

    def __init__(self, file: str, key: str, message: str) -> None:
        super().__init__(f"{file}: {key}: {message}" if key else f"{file}: {message}")


# -- types ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypeRef:
    """A parsed spec type: a scalar, a model name, `list[T]`, `map[T]` or a union."""

    kind: str  # "scalar" | "model" | "list" | "map" | "union"
    name: str = ""
    args: tuple[TypeRef, ...] = ()

    def models(self) -> Iterator[str]:
        """Every model name this type mentions."""
        if self.kind == "model":
            yield self.name
        for arg in self.args:
            yield from arg.models()

    def __str__(self) -> str:
        if self.kind in ("list", "map"):
            return f"{self.kind}[{self.args[0]}]"
        if self.kind == "union":
            return " | ".join(str(a) for a in self.args)
        return self.name


_TOKEN = re.compile(r"\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\[)|(\])|(\|))")


def parse_type(text: str) -> TypeRef:
    """Parse `list[Tier | null]`-style type expressions; raise ValueError when malformed."""
    tokens: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise ValueError(f"cannot parse type {text!r}")
        tokens.append(next(g for g in match.groups() if g))
        pos = match.end()
    result, rest = _parse_union(tokens, text)
    if rest:
        raise ValueError(f"unexpected {' '.join(rest)!r} in type {text!r}")
    return result


def _parse_union(tokens: list[str], text: str) -> tuple[TypeRef, list[str]]:
    members: list[TypeRef] = []
    while True:
        member, tokens = _parse_atom(tokens, text)
        members.extend(member.args if member.kind == "union" else (member,))
        if tokens[:1] != ["|"]:
            break
        tokens = tokens[1:]
    if len(members) == 1:
        return members[0], tokens
    if len(set(members)) != len(members):
        raise ValueError(f"repeated member in type {text!r}")
    return TypeRef("union", args=tuple(members)), tokens


def _parse_atom(tokens: list[str], text: str) -> tuple[TypeRef, list[str]]:
    if not tokens or not tokens[0][0].isalpha():
        raise ValueError(f"expected a type name in {text!r}")
    name, tokens = tokens[0], tokens[1:]
    if name in ("list", "map"):
        if tokens[:1] != ["["]:
            raise ValueError(f"{name} needs an element type: {name}[T] in {text!r}")
        inner, tokens = _parse_union(tokens[1:], text)
        if tokens[:1] != ["]"]:
            raise ValueError(f"missing ']' in type {text!r}")
        return TypeRef(name, args=(inner,)), tokens[1:]
    if name in SCALARS:
        return TypeRef("scalar", name), tokens
    if MODEL_NAME.match(name):
        return TypeRef("model", name), tokens
    raise ValueError(f"unknown type {name!r} in {text!r}")


# -- spec objects -----------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    attr: str
    type: TypeRef
    required: bool
    description: str


@dataclass(frozen=True)
class TaggedUnion:
    discriminator: str
    variants: dict[str, str]
    default: str


@dataclass(frozen=True)
class Model:
    name: str
    module: str  # the spec file stem that defines it
    description: str
    fields: tuple[Field, ...] = ()
    union: TaggedUnion | None = None


@dataclass(frozen=True)
class Param:
    name: str
    py_name: str
    location: str
    type: TypeRef
    required_on: frozenset[str]
    apis: frozenset[str]
    enum: tuple[Any, ...] | None
    description: str
    spread: bool = False
    """A mapping whose keys are sent as top-level body keys (custom attributes)."""


@dataclass(frozen=True)
class Pagination:
    meta: str
    size: str


@dataclass(frozen=True)
class Operation:
    resource: str
    name: str
    summary: str
    description: str
    apis: tuple[str, ...]
    method: str
    path: str
    params: tuple[Param, ...]
    response: TypeRef
    pagination: Pagination | None
    errors: tuple[int, ...]
    status: int
    notes: tuple[str, ...]
    example: Any
    retry_safe: bool

    def params_for(self, api: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if api in p.apis)


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    operations: tuple[Operation, ...]

    def operations_for(self, api: str) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if api in op.apis)


@dataclass(frozen=True)
class ErrorCode:
    code: int
    name: str
    message: str
    also: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    """A webhook event type (`spec/webhooks.yaml`) and the model its payload becomes."""

    type: str
    model: str
    description: str
    data: TypeRef


@dataclass
class Spec:
    resources: list[Resource] = field(default_factory=list)
    models: dict[str, Model] = field(default_factory=dict)
    errors: list[ErrorCode] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    events_description: str = ""
    """What a webhook delivery is (`spec/webhooks.yaml`'s `description`)."""

    def model_modules(self) -> list[str]:
        return sorted({m.module for m in self.models.values()})


# -- loading ----------------------------------------------------------------------------


class _Reader:
    """Walks one YAML document, knowing the file and key path for error messages."""

    def __init__(self, file: str) -> None:
        self.file = file

    def error(self, key: str, message: str) -> SpecError:
        return SpecError(self.file, key, message)

    def mapping(
        self, value: Any, key: str, *, allowed: Iterable[str], required: Iterable[str] = ()
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(key, f"expected a mapping, got {type(value).__name__}")
        allowed = set(allowed)
        for name in value:
            if name not in allowed:
                raise self.error(
                    _join(key, str(name)), f"unknown key (allowed: {', '.join(sorted(allowed))})"
                )
        for name in required:
            if name not in value:
                raise self.error(_join(key, name), "missing required key")
        return dict(value)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "expected a non-empty string")
        return " ".join(value.split())

    def type(self, value: Any, key: str) -> TypeRef:
        if value is None:
            value = "null"
        if not isinstance(value, str):
            raise self.error(key, f"expected a type expression, got {value!r}")
        try:
            return parse_type(value)
        except ValueError as error:
            raise self.error(key, str(error)) from None

    def apis(self, value: Any, key: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or any(a not in APIS for a in value):
            raise self.error(key, f"expected a non-empty list of {', '.join(APIS)}")
        if len(set(value)) != len(value):
            raise self.error(key, "repeated API")
        return tuple(a for a in APIS if a in value)


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def python_name(name: str) -> str:
    """The Python identifier for a JSON name.

    `created_at[gte]` → `created_at_gte`, `perPage` → `per_page`, `from` → `from_`.
    """
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()
    snake = re.sub(r"[^a-z0-9_]+", "_", snake).strip("_")
    snake = re.sub(r"_+", "_", snake)
    if not snake or snake[0].isdigit():
        snake = f"_{snake}"
    return f"{snake}_" if keyword.iskeyword(snake) or snake in ("extra",) else snake


def attribute_name(key: str) -> str:
    """The attribute for a model field: the key itself where it is a valid identifier."""
    if key.isidentifier() and not keyword.iskeyword(key) and key != "extra":
        return key
    return python_name(key)


def load_spec(spec_dir: Path) -> Spec:
    """Load and validate every file of `spec_dir`."""
    spec = Spec()
    files = sorted(spec_dir.glob("*.yaml"))
    if not files:
        raise SpecError(str(spec_dir), "", "no spec files")
    for path in files:
        file = f"spec/{path.name}"
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise SpecError(file, "", f"invalid YAML: {error}") from None
        reader = _Reader(file)
        if path.stem == "errors":
            spec.errors = _load_errors(reader, document)
            continue
        if path.stem == "shared":
            data = reader.mapping(document, "", allowed=("models",), required=("models",))
        elif path.stem == WEBHOOKS:
            from .events import load_events  # it builds on this module's reader

            data = reader.mapping(
                document,
                "",
                allowed=("description", "models", "events"),
                required=("description", "events"),
            )
            spec.events, event_models = load_events(reader, data["events"], data.get("models"))
            spec.events_description = reader.text(data["description"], "description")
            data["models"] = {**(data.get("models") or {}), **event_models}
        else:
            data = reader.mapping(
                document,
                "",
                allowed=("resource", "title", "description", "models", "operations"),
                required=("resource", "title", "description", "operations"),
            )
            if data["resource"] != path.stem:
                raise reader.error("resource", f"must match the file name ({path.stem!r})")
        for name, model in _load_models(reader, data.get("models") or {}, path.stem):
            if name in spec.models:
                raise reader.error(
                    f"models.{name}", f"already defined in spec/{spec.models[name].module}.yaml"
                )
            spec.models[name] = model
        if path.stem not in ("shared", WEBHOOKS):
            spec.resources.append(_load_resource(reader, data))
    _check_references(spec)
    return spec


def _load_errors(reader: _Reader, document: Any) -> list[ErrorCode]:
    data = reader.mapping(document, "", allowed=("errors",), required=("errors",))
    table = reader.mapping(
        data["errors"], "errors", allowed=data["errors"] if isinstance(data["errors"], dict) else ()
    )
    result: list[ErrorCode] = []
    names: set[str] = set()
    for code, entry in table.items():
        key = f"errors.{code}"
        if not isinstance(code, int) or code <= 0:
            raise reader.error(key, "an error code must be a positive integer")
        item = reader.mapping(
            entry, key, allowed=("name", "message", "also"), required=("name", "message")
        )
        name = item["name"]
        if not isinstance(name, str) or not re.match(r"^[A-Z][A-Z0-9_]*$", name) or name in names:
            raise reader.error(f"{key}.name", f"expected a unique UPPER_SNAKE name, got {name!r}")
        names.add(name)
        also = item.get("also", [])
        if not isinstance(also, list) or not all(isinstance(a, str) for a in also):
            raise reader.error(f"{key}.also", "expected a list of messages")
        result.append(
            ErrorCode(code, name, reader.text(item["message"], f"{key}.message"), tuple(also))
        )
    return sorted(result, key=lambda e: e.code)


def _load_models(reader: _Reader, models: Any, module: str) -> Iterator[tuple[str, Model]]:
    table = reader.mapping(models, "models", allowed=models if isinstance(models, dict) else ())
    for name, body in table.items():
        key = f"models.{name}"
        if not isinstance(name, str) or not MODEL_NAME.match(name):
            raise reader.error(key, "a model name must be PascalCase")
        data = reader.mapping(
            body, key, allowed=("description", "fields", "union"), required=("description",)
        )
        description = reader.text(data["description"], f"{key}.description")
        if ("fields" in data) == ("union" in data):
            raise reader.error(key, "a model has either `fields` or `union`")
        if "union" in data:
            union = reader.mapping(
                data["union"],
                f"{key}.union",
                allowed=("discriminator", "variants", "default"),
                required=("discriminator", "variants", "default"),
            )
            variants = reader.mapping(
                union["variants"], f"{key}.union.variants", allowed=union["variants"]
            )
            if not variants or not all(isinstance(v, str) for v in variants.values()):
                raise reader.error(
                    f"{key}.union.variants", "expected a mapping of tag to model name"
                )
            yield (
                name,
                Model(
                    name,
                    module,
                    description,
                    union=TaggedUnion(
                        reader.text(union["discriminator"], f"{key}.union.discriminator"),
                        {str(k): v for k, v in variants.items()},
                        reader.text(union["default"], f"{key}.union.default"),
                    ),
                ),
            )
            continue
        fields_data = reader.mapping(data["fields"], f"{key}.fields", allowed=data["fields"] or {})
        fields: list[Field] = []
        attrs_seen: set[str] = set()
        for field_key, field_body in fields_data.items():
            fkey = f"{key}.fields.{field_key}"
            spec_field = reader.mapping(
                field_body,
                fkey,
                allowed=("type", "required", "description", "enum"),
                required=("type",),
            )
            attr = attribute_name(str(field_key))
            if attr in attrs_seen:
                raise reader.error(fkey, f"attribute name {attr!r} collides with another field")
            attrs_seen.add(attr)
            required = spec_field.get("required", False)
            if not isinstance(required, bool):
                raise reader.error(f"{fkey}.required", "expected true or false")
            fields.append(
                Field(
                    str(field_key),
                    attr,
                    reader.type(spec_field["type"], f"{fkey}.type"),
                    required,
                    reader.text(spec_field["description"], f"{fkey}.description")
                    if "description" in spec_field
                    else "",
                )
            )
        if not fields:
            raise reader.error(f"{key}.fields", "a model needs at least one field")
        yield name, Model(name, module, description, tuple(fields))


def _load_resource(reader: _Reader, data: dict[str, Any]) -> Resource:
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
    )


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


def _load_operation(reader: _Reader, resource: str, name: Any, body: Any) -> Operation:
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
        pagination = Pagination(page["meta"], page["size"])
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
    reader: _Reader, key: str, params: Any, apis: tuple[str, ...], method: str
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
                "spread",
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
                spread=spread,
            )
        )
    return tuple(result)


def _spread(
    reader: _Reader, key: str, data: dict[str, Any], type_: TypeRef, others: list[Param]
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


def _check_references(spec: Spec) -> None:
    known = spec.models
    codes = {e.code for e in spec.errors}
    if not spec.errors:
        raise SpecError("spec/errors.yaml", "", "missing: the error-code table is required")

    def check(file: str, key: str, ref: TypeRef) -> None:
        for name in ref.models():
            if name not in known:
                raise SpecError(file, key, f"unknown model {name!r}")

    for model in known.values():
        file = f"spec/{model.module}.yaml"
        for fld in model.fields:
            check(file, f"models.{model.name}.fields.{fld.key}.type", fld.type)
        if model.union:
            for tag, variant in model.union.variants.items():
                if variant not in known or known[variant].union:
                    raise SpecError(
                        file,
                        f"models.{model.name}.union.variants.{tag}",
                        f"{variant!r} is not a model with fields",
                    )
            if len({*model.union.variants.values(), model.union.default}) < 2:
                raise SpecError(
                    file, f"models.{model.name}.union.variants", "a union needs two models"
                )
            default = known.get(model.union.default)
            if default is None or default.union:
                raise SpecError(
                    file, f"models.{model.name}.union.default", "must be a model with fields"
                )
    resource_names: set[str] = set()
    endpoints: dict[tuple[str, str, str], str] = {}
    for resource in spec.resources:
        file = f"spec/{resource.name}.yaml"
        if resource.name in resource_names:
            raise SpecError(file, "resource", "defined twice")
        resource_names.add(resource.name)
        for op in resource.operations:
            key = f"operations.{op.name}"
            for api in op.apis:
                route = (api, op.method, PATH_PARAM.sub("{}", op.path))
                if route in endpoints:
                    raise SpecError(
                        file, key, f"{api} {op.method} {op.path} is also {endpoints[route]}"
                    )
                endpoints[route] = f"{resource.name}.{op.name}"
            check(file, f"{key}.response", op.response)
            for param in op.params:
                check(file, f"{key}.params.{param.name}.type", param.type)
            for code in op.errors:
                if code not in codes:
                    raise SpecError(
                        file, f"{key}.errors", f"code {code} is not in spec/errors.yaml"
                    )
    _check_module_cycles(spec)


def _check_module_cycles(spec: Spec) -> None:
    """Model modules import each other; the imports must form no cycle."""
    graph: dict[str, set[str]] = {m: set() for m in spec.model_modules()}
    for model in spec.models.values():
        refs = {n for f in model.fields for n in f.type.models()}
        if model.union:
            refs |= {*model.union.variants.values(), model.union.default}
        graph[model.module] |= {spec.models[n].module for n in refs} - {model.module}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        if state.get(module) == 2:
            return
        if state.get(module) == 1:
            cycle = " -> ".join([*trail[trail.index(module) :], module])
            raise SpecError(
                f"spec/{module}.yaml",
                "models",
                f"model files reference each other in a cycle: {cycle}",
            )
        state[module] = 1
        for dep in sorted(graph[module]):
            visit(dep, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        visit(module, [])
