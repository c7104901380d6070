"""Models: every documented example decodes into its operation's `data_type` and writes back
unchanged; absent and null stay different; unknown keys are kept."""

from __future__ import annotations

import math
import re
import types
import typing
from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from helpers import load_seed, seed_names

import piggy_async
from piggy_async import UNSET, Model, Operation, converter
from piggy_async.models import (
    Contact,
    ContactUuid,
    CreditBalance,
    CreditReception,
    Reward,
    RewardReception,
    Tier,
)


def operation_for(seed: str) -> Operation[Any]:
    """The operation a seed example documents (Register for rewards, else OAuth)."""
    resource, name = seed.split(".")
    api = "register" if resource == "rewards" else "oauth"
    matches = [
        op
        for op in piggy_async.operations()
        if (op.api, op.resource, op.name) == (api, resource, name)
    ]
    assert len(matches) == 1, f"{api} {resource}.{name}: {matches}"
    return matches[0]


def members(data_type: Any) -> tuple[Any, ...]:
    """The classes a value of `data_type` (or of its list items) may be."""
    if typing.get_origin(data_type) is list:
        (data_type,) = typing.get_args(data_type)
    if typing.get_origin(data_type) in (typing.Union, types.UnionType):
        return typing.get_args(data_type)
    return (data_type,)


def test_there_is_a_fixture_for_every_documented_example() -> None:
    assert len(seed_names()) == 19  # the 20 seed endpoints but merge, which has no example


@pytest.mark.parametrize("name", seed_names())
def test_example_structures_into_its_data_type_and_round_trips(name: str) -> None:
    data = load_seed(name)["data"]
    operation = operation_for(name)
    value = converter.structure(data, operation.data_type)
    if data is None:
        assert value is None
    else:
        items = value if isinstance(value, list) else [value]
        assert items, "an example with no items proves nothing"
        for item in items:
            assert isinstance(item, members(operation.data_type)), (type(item), operation)
            assert isinstance(item, Model)
    assert converter.unstructure(value) == data, "a key was lost, added or changed"


@pytest.mark.parametrize("name", seed_names())
def test_structuring_does_not_mutate_the_input(name: str) -> None:
    data = load_seed(name)["data"]
    converter.structure(data, operation_for(name).data_type)
    assert data == load_seed(name)["data"]


def test_null_and_absent_are_different() -> None:
    claimed = Contact.from_dict(load_seed("contacts.claim")["data"])
    assert claimed.tier is None
    bare = Contact.from_dict({"uuid": "1"})
    assert bare.tier is UNSET
    assert claimed.to_dict()["tier"] is None
    assert bare.to_dict() == {"uuid": "1"}, "absent fields must not be written back"


def test_null_nested_model_and_nullable_scalars() -> None:
    reward = Reward.from_dict({"uuid": "r", "media": None, "stock": None, "cost_price": None})
    assert (reward.media, reward.stock, reward.cost_price) == (None, None, None)
    assert reward.title is UNSET
    assert reward.to_dict() == {"uuid": "r", "media": None, "stock": None, "cost_price": None}


def test_unknown_keys_are_kept_in_extra_and_written_back() -> None:
    data = {
        "uuid": "r",
        "title": "Net",
        "custom_attribute_one": "ABC",
        "nested_custom": {"a": [1, None]},
        "zzz": None,
    }
    reward = Reward.from_dict(data)
    assert reward.extra == {
        "custom_attribute_one": "ABC",
        "nested_custom": {"a": [1, None]},
        "zzz": None,
    }
    assert list(reward.extra) == ["custom_attribute_one", "nested_custom", "zzz"]
    assert reward.to_dict() == data


def test_unknown_keys_of_nested_models_are_kept() -> None:
    data = {"uuid": "c", "tier": {"name": "Gold", "colour": "#ffd700"}}
    contact = Contact.from_dict(data)
    assert isinstance(contact.tier, Tier)
    assert contact.tier.extra == {"colour": "#ffd700"}
    assert contact.to_dict() == data


def test_datetime_fields_are_aware_datetimes() -> None:
    (first, *_) = converter.structure(
        load_seed("loyalty_transactions.list")["data"],
        operation_for("loyalty_transactions.list").data_type,
    )
    assert isinstance(first.created_at, datetime)
    assert first.created_at.tzinfo is not None
    assert first.created_at.utcoffset() == timedelta(0)
    assert first.created_at == datetime(2023, 11, 12, 19, 27, 49, tzinfo=UTC)


def test_datetime_keeps_its_offset_and_round_trips() -> None:
    data = {
        "uuid": "t",
        "type": "reward_reception",
        "created_at": "2024-03-01T10:00:00+02:00",
        "expires_at": None,
    }
    reception = RewardReception.from_dict(data)
    assert reception.created_at == datetime(2024, 3, 1, 10, tzinfo=timezone(timedelta(hours=2)))
    assert reception.expires_at is None
    assert reception.to_dict() == data


def test_a_malformed_datetime_is_an_error_when_strict() -> None:
    with pytest.raises(ValueError):
        CreditReception.from_dict({"uuid": "t", "created_at": "yesterday"}, strict=True)


def test_a_missing_required_key_is_an_error_naming_it() -> None:
    with pytest.raises(KeyError, match="uuid"):
        Contact.from_dict({"email": "sandy@bikinibottom.sea"})


def test_values_inside_objects_are_not_coerced() -> None:
    contact = Contact.from_dict({"uuid": "c", "id": 22, "current_values": {"age": "7"}})
    assert contact.id == 22
    assert contact.current_values == {"age": "7"}


@pytest.mark.parametrize(
    ("model", "data", "field"),
    [
        (CreditBalance, {"balance": "lots"}, "CreditBalance.balance"),
        (Contact, {"uuid": {"$gt": ""}}, "Contact.uuid"),
        (Contact, {"uuid": "c", "id": "22"}, "Contact.id"),
        (Contact, {"uuid": "c", "id": True}, "Contact.id"),
        (Contact, {"uuid": "c", "tier": "Gold"}, "Tier"),
        (Contact, {"uuid": "c", "subscriptions": {"a": 1}}, "Contact.subscriptions"),
        (Contact, {"uuid": "c", "current_values": ["age"]}, "Contact.current_values"),
        (Reward, {"uuid": "r", "title": 7}, "Reward.title"),
    ],
)
def test_a_value_of_another_type_than_its_field_is_an_error_when_strict(
    model: type[Model], data: dict[str, Any], field: str
) -> None:
    with pytest.raises(TypeError, match=re.escape(field)):
        model.from_dict(data, strict=True)


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_numbers_are_finite(number: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        CreditReception.from_dict({"uuid": "t", "unit_value": number}, strict=True)
    assert CreditReception.from_dict({"uuid": "t", "unit_value": number}).mismatched == (
        "unit_value",
    )


def test_subclasses_of_json_types_are_accepted() -> None:
    class Title(str):
        pass

    reward = Reward.from_dict(OrderedDict(uuid="r", title=Title("Net"), stock=None))
    assert reward.title == "Net"
    assert reward.to_dict() == {"uuid": "r", "title": "Net", "stock": None}


def test_a_number_field_accepts_integers() -> None:
    reception = CreditReception.from_dict({"uuid": "t", "unit_value": 2})
    assert reception.unit_value == 2
    assert reception.to_dict() == {"uuid": "t", "unit_value": 2}


@pytest.mark.parametrize(
    ("kind", "cls"),
    [
        ("credit_reception", CreditReception),
        ("reward_reception", RewardReception),
        ("digital_reward_reception", RewardReception),
        ("something_new", CreditReception),
    ],
)
def test_loyalty_transactions_are_told_apart_by_type(kind: str, cls: type[Model]) -> None:
    data = [{"uuid": "t", "type": kind, "credits": -5, "title": "Net"}]
    operation = operation_for("loyalty_transactions.list")
    (transaction,) = converter.structure(data, operation.data_type)
    assert type(transaction) is cls
    assert transaction.to_dict() == data[0]


def test_a_reward_reception_decodes_its_reward() -> None:
    data = {
        "uuid": "t",
        "type": "reward_reception",
        "reward": {"uuid": "r", "title": "Net", "custom": 1},
        "digital_reward_code": {"code": "ABC"},
        "has_been_collected": False,
    }
    reception = RewardReception.from_dict(data)
    assert isinstance(reception.reward, Reward)
    assert reception.reward.extra == {"custom": 1}
    assert reception.digital_reward_code == {"code": "ABC"}
    assert reception.to_dict() == data


def test_from_dict_and_to_dict() -> None:
    created = ContactUuid.from_dict({"uuid": "cd18"})
    assert created == ContactUuid(uuid="cd18")
    assert created.to_dict() == {"uuid": "cd18"}
    built = Reward(uuid="r", title="Net", extra={"custom": "x"})
    assert built.to_dict() == {"uuid": "r", "title": "Net", "custom": "x"}
    assert Reward.from_dict(built.to_dict()) == built


def test_a_model_that_is_not_an_object_is_an_error() -> None:
    with pytest.raises(TypeError, match="Reward"):
        Reward.from_dict(["not", "an", "object"])  # type: ignore[arg-type]


def test_repr_omits_unset_fields() -> None:
    reward = Reward(uuid="r", title="Net", description=None)
    assert repr(reward) == "Reward(uuid='r', title='Net', description=None)"
    assert "UNSET" not in repr(reward)
    with_extra = Reward(uuid="r", extra={"custom": 1})
    assert repr(with_extra) == "Reward(uuid='r', extra={'custom': 1})"


def test_unset_is_falsy_and_reads_unset() -> None:
    assert not UNSET
    assert repr(UNSET) == "UNSET"
    assert Reward(uuid="r").title is UNSET
