"""`Operation`: the description of one endpoint on one API, as generated from the spec.

The client sends requests from it, the fake server routes and validates from it, and
`piggy_async.operations()` lists them all.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

import attrs

T = TypeVar("T")

Api = Literal["oauth", "register"]
Location = Literal["path", "query", "body"]
MetaStyle = Literal["viewing", "short", "laravel", "minimal", "none"]


@attrs.frozen
class Param:
    """One input of an operation."""

    name: str
    """The name on the wire: the query key, JSON body key or `{path}` placeholder."""
    location: Location
    type: str
    """The spec type, e.g. `str`, `datetime`, `list[object]` (see spec/README.md)."""
    required: bool = False
    py_name: str = attrs.field(default=attrs.Factory(lambda self: self.name, takes_self=True))
    """The keyword the Python method takes it as (`created_at[gte]` → `created_at_gte`)."""
    enum: tuple[Any, ...] | None = None
    """The allowed values, when the API documents a fixed set."""
    secret: bool = False
    """A path value that is a credential (a contact session token): never logged."""


@attrs.frozen
class Pagination:
    """How a list operation pages: the `meta` shape it answers with and its page-size key."""

    meta: MetaStyle
    size: str
    default_size: int | None = None
    """The page size the API uses when the size parameter is left out."""


@attrs.frozen
class NaturalKey:
    """What the API keeps unique for a write, and how to find what a lost attempt left:
    `lookup` takes the value of the write's body parameter `param` as its `lookup_param`;
    `exists_code` is the error the API refuses a second one with (the first one landed)."""

    param: str
    lookup: Operation[Any]
    lookup_param: str
    exists_code: int | None = None


@attrs.frozen
class Operation(Generic[T]):
    """One endpoint on one API; `T` is what its response's `data` becomes."""

    api: Api
    resource: str
    name: str
    method: Literal["GET", "POST", "PUT", "DELETE"]
    path: str
    """Relative to the API base, with `{param}` placeholders; '' is the base itself."""
    summary: str
    data_type: Any
    """The Python type `data` is structured into: `Contact`, `list[Reward]`, `NoneType`, ..."""
    data_spec: str
    """The same type in spec notation, e.g. `list[Reward]`."""
    params: tuple[Param, ...] = ()
    pagination: Pagination | None = None
    errors: tuple[int, ...] = ()
    """The documented error codes (see `ErrorCode`)."""
    status: int = 200
    """The HTTP status of a success."""
    retry_safe: bool = attrs.field(
        default=attrs.Factory(lambda self: self.method in ("GET", "PUT"), takes_self=True)
    )
    """Whether sending it twice has the effect of sending it once, so that a lost answer
    may be retried (GET, PUT and the POSTs the spec marks `retry_safe`)."""
    natural_key: NaturalKey | None = None
    """The write's natural key, when the API keeps one unique: with it given, a lost answer
    is looked up instead of raised (`_exactly_once.py`)."""

    label: str = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: f"{self.resource}.{self.name}", takes_self=True),
    )
    """`resource.name`, as messages, logs and events name the operation."""

    def redacted_path(self, raw_path: str) -> str:
        """`raw_path`, the request's encoded path, with each secret parameter's segment shown
        as `<redacted>`, for the request log.

        The path ends with this operation's filled-in `path`, one segment per template
        segment (a value never leaves its segment: `/` in it is encoded).
        """
        secret = [f"{{{p.name}}}" for p in self.params if p.secret]
        if not secret:
            return raw_path
        template = self.path.split("/")
        segments = raw_path.split("/")
        offset = len(segments) - len(template)
        for index, part in enumerate(template):
            if any(name in part for name in secret):
                segments[offset + index] = "<redacted>"
        return "/".join(segments)

    def __repr__(self) -> str:
        return (
            f"<Operation {self.api} {self.resource}.{self.name}: {self.method} {self.path or '/'}>"
        )
