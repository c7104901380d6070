"""Properties of every generated model, over JSON the API might send: decoding never fails
but for the documented reasons, `to_dict()` gives back exactly what was decoded, and an
object whose identifying keys are readable always decodes, whatever its other values."""

from __future__ import annotations

import types
import typing
from datetime import datetime
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piggy_async import Model, Unset, mismatches
from piggy_async import _mismatches as mismatch_module
from piggy_async import models as models_module

MODELS = sorted(
    (
        value
        for value in vars(models_module).values()
        if isinstance(value, type) and issubclass(value, Model) and value is not Model
    ),
    key=lambda cls: cls.__name__,
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
    | st.sampled_from(["2024-01-02T03:04:05.000000Z", "2025-01-01", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _keys(model: type[Model]) -> list[str]:
    return [
        field.metadata.get("key", field.name)
        for field in attrs.fields(model)
        if field.name != "extra"
    ]


def _objects(model: type[Model]) -> st.SearchStrategy[dict[str, Any]]:
    """JSON objects with any of the model's keys and some others, any values."""
    keys = st.sampled_from(_keys(model)) | st.text(max_size=6)
    return st.dictionaries(keys, JSON, max_size=8)


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mismatch_module, "warn_once", lambda *_: None)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
@SETTINGS
@given(data=st.data())
def test_any_json_object_decodes_or_fails_as_documented(model: type[Model], data: Any) -> None:
    obj = data.draw(_objects(model))
    try:
        decoded = model.from_dict(obj)
    except (TypeError, ValueError, KeyError):  # the documented errors: no usable identity
        assert mismatches(obj, model) == ["$"]
        return
    assert decoded.to_dict() == obj
    assert set(decoded.mismatched) <= set(obj)


@pytest.mark.parametrize("model", MODELS, ids=lambda cls: cls.__name__)
@SETTINGS
@given(data=st.data())
def test_an_object_with_its_identity_always_decodes(model: type[Model], data: Any) -> None:
    """Required keys hold valid values; every other value may be anything."""
    obj = {**data.draw(_objects(model)), **_identity(model)}
    decoded = model.from_dict(obj)
    assert decoded.to_dict() == obj
    hints = typing.get_type_hints(model)
    for key in decoded.mismatched:
        field = _field(model, key)
        assert getattr(decoded, field.name) is Unset.UNSET
        assert Unset in typing.get_args(hints[field.name])  # the annotation allows UNSET


def _field(model: type[Model], key: str) -> attrs.Attribute[Any]:
    (field,) = [f for f in attrs.fields(model) if f.metadata.get("key", f.name) == key]
    return field


def _identity(model: type[Model]) -> dict[str, Any]:
    """The model's required keys, each with a valid value."""
    hints = typing.get_type_hints(model)
    return {
        field.metadata.get("key", field.name): _valid(hints[field.name])
        for field in attrs.fields(model)
        if field.default is attrs.NOTHING
    }


def _valid(hint: Any) -> Any:
    """A JSON value that decodes as `hint`."""
    simple = {str: "s", int: 1, float: 1.5, bool: True, datetime: "2024-01-02T03:04:05Z"}
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and issubclass(hint, Model):
        return _identity(hint)
    origin = typing.get_origin(hint)
    if origin is list:
        return []
    if origin is dict:
        return {}
    if origin in (typing.Union, types.UnionType):
        return _valid(next(a for a in typing.get_args(hint) if a not in (Unset, type(None))))
    return None  # Any
