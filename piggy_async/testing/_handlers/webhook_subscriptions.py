"""Webhook subscriptions: created, listed, read, changed and deleted; the deliveries they
cause are made by `State.webhooks` (see `_webhooks`)."""

from __future__ import annotations

from collections.abc import Mapping

from yarl import URL

from piggy_async import ErrorCode

from .._call import Call, Handler
from .._replies import Failure, Reply, invalid_input
from .._state import State
from .._webhooks import SubscriptionRecord


def _subscription(state: State, call: Call) -> SubscriptionRecord:
    try:
        return state.webhooks.subscriptions[call.args["webhook_subscription_uuid"]]
    except KeyError:
        raise Failure(ErrorCode.WEBHOOK_SUBSCRIPTION_NOT_FOUND) from None


def _checked_url(call: Call) -> None:
    """Deliveries go over HTTP(S) to a host: anything else is refused as the API does."""
    if "url" in call.args:
        url = URL(call.args["url"])
        if url.scheme not in ("http", "https") or not url.host:
            raise invalid_input({"url": ["The url field must be a valid URL."]})


def create(state: State, call: Call) -> Reply:
    _checked_url(call)
    subscription = SubscriptionRecord(
        uuid=state.new_uuid(),
        name=call.args["name"],
        event_type=call.args["event_type"],
        url=call.args["url"],
        secret=call.args.get("secret") or None,
        status=call.args.get("status", "ACTIVE"),
        attributes=list(call.args.get("attributes", [])),
        created_at=state.now(),
    )
    state.webhooks.subscriptions[subscription.uuid] = subscription
    return Reply(subscription.to_json())


def list_subscriptions(state: State, call: Call) -> Reply:
    return Reply(
        [
            subscription.to_json(listed=True)
            for subscription in state.webhooks.subscriptions.values()
            if all(
                getattr(subscription, name) == call.args[name]
                for name in ("event_type", "status")
                if name in call.args
            )
        ]
    )


def get(state: State, call: Call) -> Reply:
    return Reply(_subscription(state, call).to_json())


def update(state: State, call: Call) -> Reply:
    """Name, URL, status and attributes change; event type and secret cannot."""
    subscription = _subscription(state, call)
    _checked_url(call)
    if subscription.event_type == "contact_updated" and "attributes" not in call.args:
        raise invalid_input(
            {"attributes": ["The attributes field is required when event type is contact_updated."]}
        )
    for name in ("name", "url", "status"):
        if name in call.args:
            setattr(subscription, name, call.args[name])
    if "attributes" in call.args:
        subscription.attributes = list(call.args["attributes"])
    return Reply(subscription.to_json())


def delete(state: State, call: Call) -> Reply:
    del state.webhooks.subscriptions[_subscription(state, call).uuid]
    return Reply([])


HANDLERS: Mapping[tuple[str, str], Handler] = {
    ("webhook_subscriptions", "create"): create,
    ("webhook_subscriptions", "list"): list_subscriptions,
    ("webhook_subscriptions", "get"): get,
    ("webhook_subscriptions", "update"): update,
    ("webhook_subscriptions", "delete"): delete,
}
