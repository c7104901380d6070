"""`with_attributes`: custom attributes sent as top-level body keys.

Reward and loyalty-transaction custom attributes have no container in the API's bodies:
each is a top-level key beside the documented fields. Generated methods take them as one
`attributes=` mapping (a `spread` parameter in the spec) and merge it in here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._unset import Unset


def with_attributes(body: dict[str, Any], attributes: Mapping[str, Any] | Unset) -> dict[str, Any]:
    """`body` with the attributes' keys added; a key that is also a named parameter of the
    method is refused rather than silently overriding it."""
    if isinstance(attributes, Unset):
        return body
    if not isinstance(attributes, Mapping):
        raise TypeError(f"attributes must be a mapping, not {type(attributes).__name__}")
    for key in attributes:
        if not isinstance(key, str) or not key:
            raise TypeError(f"attribute names must be non-empty strings, got {key!r}")
        if key in body:
            raise ValueError(
                f"{key!r} is a parameter of this method: pass it by its keyword, not in attributes"
            )
    return {**body, **attributes}
