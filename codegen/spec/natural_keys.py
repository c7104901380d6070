"""An operation's `natural_key:`: the parameter the API keeps unique and the lookup that
finds what a lost write left behind. Read per operation, checked against its resource (the
key is a body parameter of the write; the lookup exists beside it on each of its APIs, takes
the key and answers the write's model) and against the error table (the code)."""

from __future__ import annotations

from typing import Any

from .objects import NaturalKey, Param, Resource, Spec
from .reader import IDENTIFIER, Reader, SpecError
from .types import TypeRef

_KEYS = ("param", "lookup", "lookup_param", "exists_code", "source")


def load_natural_key(
    reader: Reader, key: str, data: dict[str, Any], params: tuple[Param, ...]
) -> NaturalKey | None:
    """The declaration, its key checked against the write's own parameters."""
    if "natural_key" not in data:
        return None
    where = f"{key}.natural_key"
    body = reader.mapping(
        data["natural_key"], where, allowed=_KEYS, required=("param", "lookup", "source")
    )
    param = body["param"]
    declared = {p.name: p for p in params}
    if param not in declared or declared[param].location != "body":
        raise reader.error(f"{where}.param", f"{param!r} is not a body parameter of the write")
    if data.get("retry_safe", False):
        raise reader.error(where, "a write safe to repeat needs no natural key")
    lookup = body["lookup"]
    if not isinstance(lookup, str) or not IDENTIFIER.match(lookup):
        raise reader.error(f"{where}.lookup", "expected the name of an operation of this file")
    code = body.get("exists_code")
    if code is not None and (isinstance(code, bool) or not isinstance(code, int)):
        raise reader.error(f"{where}.exists_code", "expected an error code")
    return NaturalKey(
        param=param,
        lookup=lookup,
        lookup_param=body.get("lookup_param", param),
        exists_code=code,
        source=reader.text(body["source"], f"{where}.source"),
    )


def check_lookups(reader: Reader, resource: Resource) -> None:
    """Each key's lookup: an operation of the resource, on every API of the write, that
    takes the key."""
    by_name = {op.name: op for op in resource.operations}
    for op in resource.operations:
        natural = op.natural_key
        if natural is None:
            continue
        where = f"operations.{op.name}.natural_key"
        lookup = by_name.get(natural.lookup)
        if lookup is None or lookup.method != "GET" or lookup.pagination is not None:
            raise reader.error(f"{where}.lookup", f"{natural.lookup!r} is not a GET of one object")
        if set(op.apis) - set(lookup.apis):
            raise reader.error(f"{where}.lookup", f"{lookup.name} is not on every API of {op.name}")
        taken = {p.name: p for p in lookup.params}
        if natural.lookup_param not in taken or taken[natural.lookup_param].location == "body":
            raise reader.error(
                f"{where}.lookup_param", f"{lookup.name} takes no {natural.lookup_param!r}"
            )


def check_natural_keys(spec: Spec) -> None:
    """Once every file is read: each code is in the error table, and each lookup answers
    the write's model or one with every field of it (a `ContactUuid` read from a `Contact`)."""
    codes = {error.code for error in spec.errors}
    for resource in spec.resources:
        by_name = {op.name: op for op in resource.operations}
        for op in resource.operations:
            natural = op.natural_key
            if natural is None:
                continue
            where = (f"spec/{resource.name}.yaml", f"operations.{op.name}.natural_key")
            if natural.exists_code is not None and natural.exists_code not in codes:
                raise SpecError(
                    *where, f"exists_code {natural.exists_code} is not in spec/errors.yaml"
                )
            lookup = by_name[natural.lookup]
            if not _answers_as(spec, lookup.response, op.response):
                raise SpecError(
                    *where, f"{lookup.name} answers {lookup.response}, not {op.response}"
                )


def _answers_as(spec: Spec, found: TypeRef, wanted: TypeRef) -> bool:
    if str(found) == str(wanted):
        return True
    if found.kind != "model" or wanted.kind != "model":
        return False
    have = {f.key for f in spec.models[str(found)].fields}
    return all(f.key in have for f in spec.models[str(wanted)].fields)
