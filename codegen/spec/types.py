"""Spec type expressions (`list[Tier | null]`, `map[int]`, a model name) and their parser."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

SCALARS = ("str", "int", "float", "bool", "datetime", "any", "object", "null")
MODEL_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


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
