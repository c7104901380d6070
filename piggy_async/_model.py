"""`Model`: the base of every generated API model.

Models are attrs classes. A field the response did not carry reads `UNSET`; a field it sent
as null reads `None`. Keys the spec does not name are kept in `extra` and written back by
`to_dict()`, so nothing the API sends is lost (custom attributes arrive as top-level keys).
A value that does not fit its field's type leaves the field `UNSET` and is kept in `extra`
too, as sent; `mismatched` names those fields (see `_mismatches`).
"""

from __future__ import annotations

from typing import Any, Self

import attrs

from . import _codecs
from ._mismatches import strict_decoding
from ._unset import UNSET


@attrs.define(kw_only=True, repr=False)
class Model:
    """Base of the API models: built from JSON and written back by the structure and
    unstructure functions generated for each model from the spec (`_generated/codecs/`)."""

    extra: dict[str, Any] = attrs.field(factory=dict)
    """Keys the API sent that the model does not name (custom attributes, new fields)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, strict: bool = False) -> Self:
        """Build the model from a decoded JSON object, as the client does for responses.

        A value that does not fit its field (nothing is coerced) leaves the field `UNSET`
        and is kept as sent in `extra`; with `strict=True` it raises instead.

        Raises:
            TypeError: `data` is not an object, or a value of a required field (or, with
                `strict`, of any field) is not of its field's type.
            ValueError: the same, for a malformed timestamp or a number that is not finite.
            KeyError: a key the API always sends is missing.
        """
        with strict_decoding(strict):
            result: Self = _codecs.structurer(cls)(data)
        return result

    @property
    def mismatched(self) -> tuple[str, ...]:
        """The JSON keys of this model's fields whose values did not fit the field's type:
        each field reads `UNSET` and its value is in `extra` as sent. Nested models say
        their own; `piggy_async.mismatches()` collects them all."""
        extra = self.extra
        if not extra:
            return ()
        return tuple(
            key
            for key, name in _field_keys(type(self)).items()
            if key in extra and getattr(self, name) is UNSET
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object this model stands for: set fields and `extra`, nothing else."""
        result: dict[str, Any] = _codecs.dump(self)
        return result

    def __repr__(self) -> str:
        parts = [
            f"{field.name}={getattr(self, field.name)!r}"
            for field in attrs.fields(type(self))
            if field.name != "extra" and getattr(self, field.name) is not UNSET
        ]
        if self.extra:
            parts.append(f"extra={self.extra!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


_keys: dict[type, dict[str, str]] = {}


def _field_keys(cls: type) -> dict[str, str]:
    """JSON key -> attribute name, for the fields of model class `cls`."""
    keys = _keys.get(cls)
    if keys is None:
        keys = _keys[cls] = {
            field.metadata.get("key", field.name): field.name
            for field in attrs.fields(cls)
            if field.name != "extra"
        }
    return keys
