"""`Model`: the base of every generated API model.

Models are attrs classes. A field the response did not carry reads `UNSET`; a field it sent
as null reads `None`. Keys the spec does not name are kept in `extra` and written back by
`to_dict()`, so nothing the API sends is lost (custom attributes arrive as top-level keys).
"""

from __future__ import annotations

from typing import Any, Self

import attrs

from . import _codecs
from ._unset import UNSET


@attrs.define(kw_only=True, repr=False)
class Model:
    """Base of the API models: built from JSON and written back by the structure and
    unstructure functions generated for each model from the spec (`_generated/codecs/`)."""

    extra: dict[str, Any] = attrs.field(factory=dict)
    """Keys the API sent that the model does not name (custom attributes, new fields)."""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """Build the model from a decoded JSON object, as the client does for responses.

        Raises:
            TypeError: a value is not of its field's type (nothing is coerced).
            ValueError: a malformed timestamp, or a number that is not finite.
            KeyError: a key the API always sends is missing.
        """
        result: Self = _codecs.structurer(cls)(data)
        return result

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
