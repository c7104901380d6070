"""What a success response becomes: its envelope's `data` (and `meta`) structured into the
operation's type, leniently (a value that does not fit is kept as sent) or strictly.

The client's request path hands one of these to the transport as its `decode`."""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from types import NoneType
from typing import Any, TypeVar

from ._codecs import structurer
from ._errors import MalformedResponseError, TruncatedResponseError
from ._json import decode
from ._lenient import ItemList, page_items
from ._mismatches import DECODE_ERRORS, strict_decoding
from ._model import Model
from ._operation import Operation
from ._pagination import Page
from ._transport.attempt import Response

T = TypeVar("T")


def envelope(operation: Operation[Any], status: int, raw: bytes) -> tuple[Any, Any]:
    """`data` and `meta` of a success response."""
    if not raw.strip() and operation.data_type in (NoneType, Any):
        return None, None
    try:
        decoded = decode(raw, status=status)
    except ValueError:
        raise TruncatedResponseError("the response is not JSON", status=status, body=raw) from None
    if not isinstance(decoded, dict) or "data" not in decoded:
        raise MalformedResponseError("the response has no `data`", status=status, body=raw)
    return decoded["data"], decoded.get("meta")


def data(operation: Operation[T], response: Response) -> T:
    """A response's `data`, structured: what `request` returns."""
    status, raw, _ = response
    data, _meta = envelope(operation, status, raw)
    return structure(operation, data, status, raw)


def strict_data(operation: Operation[T], response: Response) -> T:
    """`data`, raising for any value that does not fit its field."""
    with strict_decoding():
        return data(operation, response)


def data_as(write: Operation[T], lookup: Operation[Any], response: Response) -> T:
    """A lookup's answer as the result of the `write` it found: a write answering a
    narrower model (`ContactUuid` found as a `Contact`) gets its fields, not the rest."""
    result = data(write, response)
    if lookup.data_type is not write.data_type and isinstance(result, Model):
        result.extra.clear()
    return result


def page(strict: bool, number: int, operation: Operation[list[T]], response: Response) -> Page[T]:
    """A list response as page `number`; items that cannot be models are kept as sent
    (`Page.raw_items`), or fail the page when `strict`."""
    status, raw, _ = response
    data, meta = envelope(operation, status, raw)
    with strict_decoding(strict):
        items = typing.cast(ItemList[T], structure(operation, data, status, raw))
    return Page(items, meta, requested_page=number, raw_items=items.raw_items)


def structure(operation: Operation[T], data: Any, status: int, raw: bytes) -> T:
    """`data` as the operation's type; a list as an `ItemList` keeping the items that
    cannot be models (or, in strict mode, failing on the first)."""
    annotation = operation.data_type
    try:
        result: T = (_answers.get(annotation) or _answer_structurer(annotation))(data)
    except DECODE_ERRORS as error:
        raise malformed(operation, error, status, raw) from None
    return result


_answers: dict[Any, Callable[[Any], Any]] = {}
"""What structures an answer's `data`, by the type it becomes: chosen once per type, since
every request of an operation asks again."""


def _answer_structurer(annotation: Any) -> Callable[[Any], Any]:
    function: Callable[[Any], Any]
    if typing.get_origin(annotation) is list:
        function = functools.partial(_item_list, annotation)
    else:
        function = structurer(annotation)
    _answers[annotation] = function
    return function


def _item_list(annotation: Any, data: Any) -> ItemList[Any]:
    return ItemList(*page_items(annotation, data))


def malformed(
    operation: Operation[Any], error: Exception, status: int, raw: bytes
) -> MalformedResponseError:
    return MalformedResponseError(
        f"`data` does not match {operation.data_spec} ({error})", status=status, body=raw
    )
