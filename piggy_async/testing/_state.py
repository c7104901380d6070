"""`State`: the fake's in-memory account, which handlers read and change and tests assert on.

    server.state.contacts[uuid].credits          # a contact's credit balance
    server.state.transactions                    # every loyalty transaction, oldest first
    server.state.calls["contacts", "create"]     # requests per (resource, operation)

Records keep only what cannot be derived; `_render` builds the documented JSON from them on
every read, so balances, tiers and embedded contacts are always current. Lookups raise the
API's not-found `Failure`, and changes that touch several indexes (emails, identifiers,
transactions) happen here, in one place.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter, deque
from datetime import UTC, datetime
from typing import Any, Literal, NamedTuple
from uuid import UUID

import attrs

from piggy_async import ErrorCode

from ..bulk._columns import SYSTEM_ATTRIBUTES
from ._clock import Clock
from ._replies import Failure
from ._seed import (
    READ_ONLY_CONTACT_ATTRIBUTES,
    SeedData,
    contact_attribute_json,
    promotion_json,
    shop_json,
    subscription_type_json,
    unit_json,
)
from ._webhooks import Webhooks

TransactionType = Literal["credit_reception", "reward_reception"]


@attrs.define(kw_only=True)
class ContactRecord:
    id: int
    uuid: str
    email: str
    channel: str
    """How the contact was created: `OAUTH_API` or `REGISTER_API`."""
    created_at: datetime
    updated_at: datetime
    credit_balance_id: int
    anonymous: bool = False
    attributes: dict[str, Any] = attrs.field(factory=dict)
    """Values set with `update`, custom attributes included."""
    credits: int = 0
    """The credit balance."""
    credits_received: int = 0
    transaction_count: int = 0
    prepaid_cents: int = 0


@attrs.define(kw_only=True)
class IdentifierRecord:
    value: str
    name: str
    active: bool = True
    contact_uuid: str | None = None
    default: bool = False
    """Whether it is its contact's default identifier: the first one linked to it."""


@attrs.define(kw_only=True)
class TransactionRecord:
    uuid: str
    type: TransactionType
    credits: int
    created_at: datetime
    contact_uuid: str
    shop_uuid: str
    unit_name: str | None = None
    unit_value: float | None = None
    identifier_value: str | None = None
    reward_uuid: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
    """Loyalty-transaction custom attributes, sent back as top-level keys."""


@attrs.define(kw_only=True)
class PrepaidRecord:
    uuid: str
    amount_in_cents: int
    balance_in_cents: int
    """The contact's prepaid balance right after this transaction."""
    created_at: datetime
    contact_uuid: str
    shop_uuid: str
    identifier_value: str | None = None


@attrs.define(kw_only=True)
class VoucherRecord:
    uuid: str
    code: str
    promotion_uuid: str
    status: str
    """ACTIVE, DEACTIVATED or REDEEMED (the stored status; EXPIRED and INACTIVE are read
    from the dates)."""
    created_at: datetime
    contact_uuid: str | None = None
    expiration_date: datetime | None = None
    activation_date: datetime | None = None
    total_redemptions_allowed: int = 1
    redemptions: list[tuple[str, datetime]] = attrs.field(factory=list)
    """(redemption uuid, when), oldest first."""
    attributes: dict[str, Any] = attrs.field(factory=dict)


class RequestRecord(NamedTuple):
    method: str
    path: str
    operation: tuple[str, str] | None
    """(resource, operation name); None for the token endpoint."""
    status: int


class State:
    """The account: seeded from `SeedData`, identifiers drawn from a `seed`ed generator so
    runs are reproducible, times from the server's clock."""

    def __init__(
        self,
        data: SeedData,
        *,
        seed: int,
        clock: Clock,
        log_size: int,
        shuffle_ties: int | None = None,
    ) -> None:
        self._rng = random.Random(seed)
        self.ties = None if shuffle_ties is None else random.Random(shuffle_ties)
        """Draws the order of same-second items in lists (None: creation order)."""
        self._ids = itertools.count(1)
        self._clock = clock
        self._emails: dict[str, str] = {}
        """Lower-cased email → contact uuid."""
        self.contacts: dict[str, ContactRecord] = {}
        self.identifiers: dict[str, IdentifierRecord] = {}
        self.transactions: dict[str, TransactionRecord] = {}
        """By uuid, in creation order."""
        self.vouchers: dict[str, VoucherRecord] = {}
        """By uuid, in creation order."""
        self.prepaid_transactions: dict[str, PrepaidRecord] = {}
        """By uuid, in creation order."""
        self.orders: dict[str, dict[str, Any]] = {}
        """Orders by their external identifier (unique per account), in creation order."""
        self.shifts: dict[str, dict[str, Any]] = {}
        """Shifts by their external id (unique), in creation order."""
        self.pos_links: dict[str, str] = {}
        """POS transaction uuid → the credit reception it is linked to (one at most)."""
        self.requests: deque[RequestRecord] = deque(maxlen=log_size)
        """The latest requests, oldest first (at most `log_size`)."""
        self.calls: Counter[tuple[str, str]] = Counter()
        self._seed(data)
        self.webhooks = Webhooks(clock, data.account_secret)
        """Webhook subscriptions and their deliveries (`await webhooks.deliver_due()`)."""

    def _seed(self, data: SeedData) -> None:
        """The account's setup from `data`: shops, unit, rewards, tiers, subscription types,
        promotions and contact attributes, their ids and uuids drawn in this order."""
        self.shops = {
            shop["uuid"]: shop
            for shop in (shop_json(self.new_id(), self.new_uuid(), name) for name in data.shops)
        }
        self.default_shop_uuid = next(iter(self.shops))
        """The register key's shop, which Register API calls act on."""
        self.default_unit = unit_json(self.new_id(), data.unit_name, data.unit_label)
        self.credits_per_unit = data.credits_per_unit
        self.rewards = {
            reward["uuid"]: reward
            for reward in (seed.to_json(self.new_id(), self.new_uuid()) for seed in data.rewards)
        }
        ranked = sorted(data.tiers, key=lambda tier: tier.min_credits)
        self.tiers = [
            (tier.min_credits, tier.to_json(self.new_uuid(), position))
            for position, tier in enumerate(ranked, start=1)
        ]
        """(credits received to reach it, tier), lowest first."""
        self.subscription_types = [
            subscription_type_json(self.new_id(), name) for name in data.subscription_types
        ]
        self.promotions = {
            promotion["uuid"]: promotion
            for promotion in (promotion_json(self.new_uuid(), name) for name in data.promotions)
        }
        self.account_secret = data.account_secret
        self.contact_attributes = {
            name: contact_attribute_json(self.new_id(), name, system=True)
            for name in SYSTEM_ATTRIBUTES + READ_ONLY_CONTACT_ATTRIBUTES
        }
        """The account's contact attributes by name: the system ones, then custom ones."""
        for name in data.contact_attributes:
            self.contact_attributes[name] = contact_attribute_json(self.new_id(), name)
        self.reject_unknown_attributes = data.reject_unknown_attributes

    # -- identity and time ------------------------------------------------------------------

    def new_uuid(self) -> str:
        return str(UUID(int=self._rng.getrandbits(128), version=4))

    def new_id(self) -> int:
        return next(self._ids)

    def now(self) -> datetime:
        """The clock's time to the second, as the API stamps `created_at`."""
        return datetime.fromtimestamp(int(self._clock()), UTC)

    # -- lookups ----------------------------------------------------------------------------

    def contact(self, uuid: str) -> ContactRecord:
        try:
            return self.contacts[uuid]
        except KeyError:
            raise Failure(ErrorCode.CONTACT_NOT_FOUND) from None

    def contact_by_email(self, email: str) -> ContactRecord | None:
        uuid = self._emails.get(email.lower())
        return self.contacts[uuid] if uuid is not None else None

    def shop(self, uuid: str) -> dict[str, Any]:
        try:
            return self.shops[uuid]
        except KeyError:
            raise Failure(ErrorCode.SHOP_NOT_FOUND) from None

    def unit(self, name: str | None) -> dict[str, Any]:
        """The unit called `name`; the default unit when no name is given."""
        if name is None or name == self.default_unit["name"]:
            return self.default_unit
        raise Failure(ErrorCode.UNIT_NOT_FOUND)

    def reward(self, uuid: str) -> dict[str, Any]:
        try:
            return self.rewards[uuid]
        except KeyError:
            raise Failure(ErrorCode.REWARD_NOT_FOUND) from None

    def identifier(self, value: str) -> IdentifierRecord:
        try:
            return self.identifiers[value]
        except KeyError:
            raise Failure(ErrorCode.CONTACT_IDENTIFIER_NOT_FOUND) from None

    def tier_of(self, contact: ContactRecord) -> dict[str, Any] | None:
        """The highest tier the contact's credits received reach, if any."""
        reached = [tier for minimum, tier in self.tiers if contact.credits_received >= minimum]
        return reached[-1] if reached else None

    # -- changes ----------------------------------------------------------------------------

    def add_contact(self, email: str | None, *, channel: str) -> ContactRecord:
        """A new contact; without an email an anonymous one, with a fictitious address."""
        uuid = self.new_uuid()
        address = email or f"{uuid}@anonymous.invalid"
        if address.lower() in self._emails:
            raise Failure(ErrorCode.CONTACT_ALREADY_EXISTS)
        now = self.now()
        contact = ContactRecord(
            id=self.new_id(),
            uuid=uuid,
            email=address,
            channel=channel,
            created_at=now,
            updated_at=now,
            credit_balance_id=self.new_id(),
            anonymous=email is None,
        )
        self.contacts[uuid] = contact
        self._emails[address.lower()] = uuid
        return contact

    def claim(self, contact: ContactRecord, email: str | None) -> ContactRecord:
        """Make an anonymous contact known: under `email`, or merged into the contact that
        already has it. Returns the contact that remains."""
        owner = self.contact_by_email(email) if email else None
        if owner is not None and owner is not contact:
            self.merge(contact, owner)
            return owner
        if email:
            del self._emails[contact.email.lower()]
            self._emails[email.lower()] = contact.uuid
            contact.email = email
        contact.anonymous = False
        contact.updated_at = self.now()
        return contact

    def merge(self, source: ContactRecord, destination: ContactRecord) -> None:
        """Move the source's balances, attributes it alone has, identifiers, transactions
        (loyalty and prepaid) and vouchers to the destination; the source ceases to exist."""
        destination.credits += source.credits
        destination.credits_received += source.credits_received
        destination.transaction_count += source.transaction_count
        destination.prepaid_cents += source.prepaid_cents
        destination.attributes = {**source.attributes, **destination.attributes}
        destination.updated_at = self.now()
        owned: list[TransactionRecord | PrepaidRecord | VoucherRecord] = [
            *self.transactions.values(),
            *self.prepaid_transactions.values(),
            *self.vouchers.values(),
        ]
        for record in owned:
            if record.contact_uuid == source.uuid:
                record.contact_uuid = destination.uuid
        for identifier in self.identifiers_of(source):
            self.link(identifier, destination)
        self.remove_contact(source)

    def remove_contact(self, contact: ContactRecord) -> None:
        """Delete the contact and unlink its identifiers; its transactions stay."""
        del self.contacts[contact.uuid]
        del self._emails[contact.email.lower()]
        for identifier in self.identifiers_of(contact):
            self.unlink(identifier)

    def add_identifier(
        self, value: str, *, name: str | None, contact: ContactRecord | None
    ) -> IdentifierRecord:
        if value in self.identifiers:
            raise Failure(ErrorCode.CONTACT_IDENTIFIER_ALREADY_EXISTS)
        identifier = self.identifiers[value] = IdentifierRecord(value=value, name=name or value)
        if contact is not None:
            self.link(identifier, contact)
        return identifier

    def link(self, identifier: IdentifierRecord, contact: ContactRecord) -> None:
        """Link the identifier to the contact; the contact's first becomes its default."""
        identifier.default = not self.identifiers_of(contact)
        identifier.contact_uuid = contact.uuid

    def unlink(self, identifier: IdentifierRecord) -> None:
        identifier.contact_uuid = None
        identifier.default = False

    def identifiers_of(self, contact: ContactRecord) -> list[IdentifierRecord]:
        return [
            identifier
            for identifier in self.identifiers.values()
            if identifier.contact_uuid == contact.uuid
        ]

    def add_transaction(self, transaction: TransactionRecord) -> TransactionRecord:
        """Record a loyalty transaction and apply it to its contact's balance."""
        contact = self.contact(transaction.contact_uuid)
        self.transactions[transaction.uuid] = transaction
        contact.credits += transaction.credits
        contact.transaction_count += 1
        if transaction.type == "credit_reception":
            contact.credits_received += transaction.credits
        return transaction

    def record(self, request: RequestRecord) -> None:
        self.requests.append(request)
        if request.operation is not None:
            self.calls[request.operation] += 1
