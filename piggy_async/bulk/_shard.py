"""`shard`: one worker's share of an import's rows, when the import is split across workers."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator

from ._rows import ContactRow, email_key


def parse_shard(text: str) -> tuple[int, int]:
    """`(part, parts)` from `"2/4"`: the second of four shares.

    Raises:
        ValueError: Not `K/N` with 1 <= K <= N.
    """
    part, slash, parts = text.partition("/")
    if not (slash and part.strip().isdigit() and parts.strip().isdigit()):
        raise ValueError(f"a shard is K/N, e.g. 2/4, got {text!r}")
    part_number, count = int(part), int(parts)
    if not 1 <= part_number <= count:
        raise ValueError(f"a shard K/N needs 1 <= K <= N, got {text!r}")
    return part_number, count


def shard(rows: Iterable[ContactRow], part: int, parts: int) -> Iterator[ContactRow]:
    """The rows of share `part` of `parts` (numbered from 1), chosen by a hash of the
    e-mail address (ignoring case and spaces).

        rows = shard(read_contacts_csv("contacts.csv"), 2, 4)
        await import_contacts(piggy, rows, checkpoint="contacts.2-of-4.import.sqlite")

    Workers given the same rows take disjoint shares that together cover every row, the
    same ones on every run (so each resumes from its own checkpoint), and rows sharing an
    address land in the same share, where they are merged. Row numbers stay the file's.
    """
    if not 1 <= part <= parts:
        raise ValueError(f"part must be between 1 and parts ({parts}), got {part}")
    for row in rows:
        digest = hashlib.sha256(email_key(row.email).encode()).digest()
        if int.from_bytes(digest[:8], "big") % parts == part - 1:
            yield row
