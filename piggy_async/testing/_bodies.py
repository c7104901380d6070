"""Request bodies: JSON objects, or PHP-style forms as the PHP SDK sends every POST and PUT.

A form's `attributes[firstname]=Sandy&tags[]=a&tags[]=b` decodes to
`{"attributes": {"firstname": "Sandy"}, "tags": ["a", "b"]}`, the structure the JSON body
would have had, so validation and handlers never care which encoding arrived.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NoReturn

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from ._replies import invalid_input

_FORMS = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
MAX_NESTING = 64
"""Brackets a form key may nest, as PHP's `max_input_nesting_level`."""


async def read_body(request: web.Request) -> dict[str, Any]:
    """The body as a dict (empty when there is none); `Failure` 1003 if it is not an
    object in JSON (NaN and Infinity are not JSON; nesting too deep to decode is refused)
    or a well-formed form."""
    if not request.body_exists:
        return {}
    if request.content_type in _FORMS:
        try:
            pairs = (await request.post()).items()
        except (ValueError, HttpProcessingError):  # how aiohttp's readers refuse bad forms
            raise invalid_input({"body": ["The body must be a well-formed form."]}) from None
        return parse_form(pairs)
    raw = await request.read()
    try:
        decoded = json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise invalid_input({"body": ["The body must be valid JSON."]}) from None
    if not isinstance(decoded, dict):
        raise invalid_input({"body": ["The body must be a JSON object."]})
    return decoded


def _not_json(constant: str) -> NoReturn:
    raise ValueError(f"{constant} is not JSON")


def parse_form(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Nest bracketed keys; `[]` appends, as PHP does, and numbered keys become lists.

    `Failure` 1003 for a key nested deeper than `MAX_NESTING`."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        *parents, leaf = _key_path(key)
        if len(parents) > MAX_NESTING:
            raise invalid_input({parents[0]: ["The field is nested too deeply."]})
        node = root
        for part in parents:
            name = part or str(len(node))
            child = node.get(name)
            if not isinstance(child, dict):
                child = node[name] = {}
            node = child
        node[leaf or str(len(node))] = value
    return {key: _listify(value) for key, value in root.items()}


def _key_path(key: str) -> list[str]:
    """`a[b][]` → `["a", "b", ""]`; a key without well-formed brackets is taken literally."""
    head, bracket, rest = key.partition("[")
    if not bracket or not head or not rest.endswith("]"):
        return [key]
    return [head, *rest[:-1].split("][")]


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {key: _listify(item) for key, item in value.items()}
    if items and all(key.isdigit() for key in items):
        return [items[key] for key in sorted(items, key=int)]
    return items
