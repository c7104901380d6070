"""The validated spec as typed objects: what the renderers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .types import TypeRef


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
    format: str | None = None
    """`uuid` or `money` (see `FORMATS`): the Python method also takes `UUID` or `Decimal`."""
    spread: bool = False
    """A mapping whose keys are sent as top-level body keys (custom attributes)."""
    secret: bool = False
    """A path parameter whose value is a credential: the request log shows `<redacted>`."""
    default: Any = None
    """What the API assumes when the parameter is left out, as the spec documents it."""
    also_as: str | None = None
    """A second key the value is sent under, where sources name the parameter differently."""


@dataclass(frozen=True)
class Pagination:
    meta: str
    size: str
    default_size: int | None = None
    """The page size the API uses when the size parameter is left out."""


@dataclass(frozen=True)
class NaturalKey:
    """What makes a write happen once: the parameter the API keeps unique, the operation of
    the same resource that finds the object by it, and the code the API refuses a second
    one with (None when it documents none)."""

    param: str
    lookup: str
    lookup_param: str
    exists_code: int | None
    source: str


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
    natural_key: NaturalKey | None = None

    def params_for(self, api: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if api in p.apis)


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    operations: tuple[Operation, ...]
    helpers: tuple[tuple[str, str], ...] = ()
    """Local functions that do this resource's job without a call: (dotted name, summary)."""

    def operations_for(self, api: str) -> tuple[Operation, ...]:
        return tuple(op for op in self.operations if api in op.apis)


@dataclass(frozen=True)
class ErrorCode:
    code: int
    name: str
    kind: str
    message: str
    also: tuple[str, ...]


@dataclass(frozen=True)
class ErrorClass:
    """An exception class of `piggy_async/_errors.py` that error answers raise."""

    name: str
    status: int | str | None
    """The HTTP status it stands for: a number, or `5xx` for every 5xx without a class."""
    kind: str | None
    """The error kind it stands for, whatever the status."""
    base: str
    """The class it extends: `APIError` or another class of the table."""


@dataclass(frozen=True)
class UnknownOutcome:
    """The answers after which an unsafe write may have been processed (a 502 behind a
    gateway), and the class their errors also are (`OutcomeUnknownError`)."""

    statuses: tuple[int, ...]
    also: str


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
    errors: tuple[ErrorCode, ...] = ()
    error_classes: tuple[ErrorClass, ...] = ()
    unknown_outcome: UnknownOutcome | None = None
    events: list[Event] = field(default_factory=list)
    events_description: str = ""
    """What a webhook delivery is (`spec/webhooks.yaml`'s `description`)."""

    def model_modules(self) -> list[str]:
        return sorted({m.module for m in self.models.values()})

    def error_table(self) -> dict[int, ErrorCode]:
        return {error.code: error for error in self.errors}

    def kind_classes(self) -> dict[str, str]:
        """Each error kind and the name of the class it raises."""
        return {cls.kind: cls.name for cls in self.error_classes if cls.kind}
