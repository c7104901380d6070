"""The `UNSET` sentinel: a value that was never given, as opposed to `None` (JSON null)."""

from __future__ import annotations

import enum
from typing import Final, Literal


class Unset(enum.Enum):
    """The type of `UNSET`. A one-member enum so type checkers can narrow on `is UNSET`."""

    UNSET = "UNSET"

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> Literal[False]:
        return False


UNSET: Final = Unset.UNSET
