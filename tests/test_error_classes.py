"""The exception hierarchy: every class an error answer can raise is written out (generated
from spec/errors.yaml), importable by its own name, and every exception of the SDK pickles
with its attributes, across a process pool included."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest
import yaml

import piggy_async
import piggy_async.errors as public
from piggy_async import OAuthClient
from piggy_async._error_response import error_from_response
from piggy_async._generated.error_classes import (
    ERROR_CLASSES,
    KIND_CLASSES,
    RANGE_CLASSES,
    STATUS_CLASSES,
)
from piggy_async._generated.error_codes import ERROR_KINDS, ErrorCode
from piggy_async.bulk import ImportResult, ImportStopped
from piggy_async.loyalty_urls import LoyaltyTokenError
from piggy_async.testing import FakePiggy
from piggy_async.webhooks import WebhookPayloadError, WebhookSignatureError

SPEC = yaml.safe_load((Path(__file__).parent.parent / "spec" / "errors.yaml").read_text())
CLASSES: dict[str, dict[str, Any]] = {name: body or {} for name, body in SPEC["classes"].items()}


def _answer(status: int, code: int | None = None) -> public.APIError:
    body = {"status_code": status, "code": code, "message": "Something.", "errors": {"f": ["x"]}}
    headers = {"Retry-After": "3", "Location": "https://elsewhere.example/?email=a@b.c"}
    return error_from_response(
        status, json.dumps(body).encode(), headers, operation="contacts.find_one_by"
    )


def test_each_class_of_the_spec_is_declared_with_its_base() -> None:
    for name, body in CLASSES.items():
        cls = getattr(public, name)
        assert cls.__module__ == "piggy_async._errors"
        assert cls.__bases__ == (getattr(public, body.get("base", "APIError")),), name
    assert {kind: cls.__name__ for kind, cls in KIND_CLASSES.items()} == {
        body["kind"]: name for name, body in CLASSES.items() if "kind" in body
    }
    by_status = {body.get("status"): name for name, body in CLASSES.items()}
    assert {status: cls.__name__ for status, cls in STATUS_CLASSES.items()} == {
        status: name for status, name in by_status.items() if isinstance(status, int)
    }
    assert {int(status[0]): getattr(public, name) for status, name in by_status.items()
            if isinstance(status, str)} == RANGE_CLASSES  # fmt: skip


def test_every_status_and_kind_raise_a_class_that_is_both() -> None:
    status_classes = [public.APIError, *STATUS_CLASSES.values(), *RANGE_CLASSES.values()]
    for status_class in status_classes:
        for kind in set(ERROR_KINDS.values()):
            cls = ERROR_CLASSES[status_class, kind]
            assert issubclass(cls, status_class) and issubclass(cls, KIND_CLASSES[kind])
            assert getattr(public, cls.__name__) is cls, "importable by its own name"
            assert cls.__name__ in public.__all__


def _statuses() -> Iterator[int]:
    yield from range(300, 600)


@pytest.mark.parametrize("code", [None, 1, *ERROR_KINDS])
def test_no_answer_makes_a_class_at_run_time(code: int | None) -> None:
    declared = {getattr(public, name) for name in public.__all__}
    for status in _statuses():
        assert type(_answer(status, code)) in declared, (status, code)


def test_a_contact_not_found_at_400_is_both_kinds_of_error() -> None:
    error = _answer(400, ErrorCode.CONTACT_NOT_FOUND)
    assert type(error) is public.NotFoundBadRequestError
    assert isinstance(error, public.NotFoundError) and isinstance(error, public.BadRequestError)
    assert type(_answer(404, ErrorCode.CONTACT_NOT_FOUND)) is public.NotFoundError
    assert type(_answer(409, ErrorCode.CONTACT_ALREADY_EXISTS)) is public.AlreadyExistsError
    assert type(_answer(503, ErrorCode.INTERNAL_ERROR)) is public.MaintenanceError
    assert type(_answer(502, ErrorCode.CONTACT_NOT_FOUND)) is public.NotFoundServerError
    assert type(_answer(418)) is public.APIError


def _every_exception() -> list[BaseException]:
    """One of every exception class the SDK raises, with its attributes set."""
    statuses = (301, 400, 404, 418, 422, 429, 500, 503)
    answers = [_answer(status, code) for status in statuses for code in (None, *ErrorCode)]
    api_errors = [getattr(public, name) for name in public.__all__ if name.endswith("Error")]
    combined = [cls("x", status=400, code=1003) for cls in api_errors
                if issubclass(cls, public.APIError)]  # fmt: skip
    cause = public.ServerError("down", status=500)
    return [
        *answers,
        *combined,
        public.APIError("plain", status=402),
        public.MalformedResponseError("no `data`", status=200, body=b'{"e": "sandy@b.sea"}'),
        public.TruncatedResponseError("not JSON", status=200, body=b'{"data": {'),
        public.PaginationError("page 2 repeats page 1"),
        public.ResponseTooLargeError("over 10 MB"),
        public.ClientStateError("closed"),
        public.APIConnectionError("refused", may_have_been_processed=False),
        public.APITimeoutError("read timeout", may_have_been_processed=True),
        public.OutcomeUnknownError("reset after sending"),
        public.HookError("audit raised", operation="contacts.get", hook="audit", sent=True),
        public.MissingKeyError(piggy_async.models.Contact, "uuid"),
        LoyaltyTokenError("no hash"),
        WebhookSignatureError("bad signature"),
        WebhookPayloadError("not an object"),
        ImportStopped(_import_result(), cause),
    ]


def _import_result() -> ImportResult:
    values = {field.name: 1 for field in attrs.fields(ImportResult)}
    return ImportResult(**{**values, "failures": ()})


def _state(value: Any) -> Any:
    """What an exception holds, comparable: its class, text and attributes, recursively."""
    if not isinstance(value, BaseException):
        return value
    attributes = {k: dict(v) if k == "headers" else _state(v) for k, v in vars(value).items()}
    return type(value), value.args, str(value), attributes


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_exception_pickles_with_its_attributes(protocol: int) -> None:
    for error in _every_exception():
        error.add_note("while importing row 7")
        assert _state(pickle.loads(pickle.dumps(error, protocol))) == _state(error)


def test_the_list_above_has_every_exception_of_the_sdk() -> None:
    def subclasses(cls: type[BaseException]) -> Iterator[type[BaseException]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    tested = {type(error) for error in _every_exception()}
    assert set(subclasses(public.PiggyError)) <= tested


def test_an_unpickled_api_error_still_reads_its_headers() -> None:
    error = pickle.loads(pickle.dumps(_answer(429)))
    assert error.retry_after == 3.0 and error.headers["retry-after"] == "3"
    redirect = pickle.loads(pickle.dumps(_answer(301)))
    assert redirect.location == "https://elsewhere.example/"


def _find_missing_contact(base_url: str, api_key: str) -> None:
    """In a worker process: an SDK call that fails, raising the API's real answer."""

    async def call() -> None:
        async with OAuthClient(api_key=api_key, base_url=base_url) as piggy:
            await piggy.contacts.find_one_by(email="nobody@bikinibottom.sea")

    asyncio.run(call())


async def test_an_error_raised_in_a_process_pool_arrives_whole() -> None:
    context = multiprocessing.get_context("spawn")
    async with FakePiggy() as server:
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            future = asyncio.get_running_loop().run_in_executor(
                pool, _find_missing_contact, server.url, server.oauth_key
            )
            with pytest.raises(public.NotFoundError) as caught:
                await future
    error = caught.value
    assert type(error) is public.NotFoundBadRequestError
    assert error.status == 400 and error.code == ErrorCode.CONTACT_NOT_FOUND
    assert error.operation == "contacts.find_one_by" and error.kind == "not_found"
    assert error.headers["content-type"].startswith("application/json")
