"""The end of a checkpoint's load: the rows whose address may have come before, waiting
in `maybe_seen`, sorted into contacts and duplicates, in SQL alone.

Each address in `maybe_seen` either has a contact already (its first row had a new
address) or not (its first row was a false alarm of the filter, so it is in `maybe_seen`
too, and the lowest-numbered of its rows there becomes its contact). Every other row of
the address becomes a duplicate of that contact in `rows`, keeping its attributes: they
are merged into the contact's, later rows winning, when the contact is sent
(`Checkpoint.pending`), so the load never decodes a row. The work is one scan of
`contacts` for the addresses concerned, and writes for those alone.
"""

from __future__ import annotations

import sqlite3
from typing import Final

_FIRSTS: Final = (
    "CREATE INDEX maybe_seen_key ON maybe_seen (email_key)",
    # the contact of each address concerned that has one
    """CREATE TEMP TABLE firsts AS
    SELECT email_key, id FROM contacts WHERE email_key IN (SELECT email_key FROM maybe_seen)""",
    # and the lowest row of each that has none
    """INSERT INTO firsts SELECT email_key, min(row) FROM maybe_seen
    WHERE email_key NOT IN (SELECT email_key FROM firsts) GROUP BY email_key""",
    "CREATE INDEX temp.firsts_key ON firsts (email_key)",
)

_NEW_CONTACTS: Final = """
INSERT INTO contacts (id, email_key, email, attributes)
SELECT row, email_key, email, attributes FROM maybe_seen WHERE row IN (SELECT id FROM firsts)
"""

_DUPLICATES: Final = (
    """INSERT INTO rows (row, email, contact_id, attributes)
    SELECT maybe_seen.row, maybe_seen.email, firsts.id, maybe_seen.attributes
    FROM maybe_seen JOIN firsts USING (email_key) WHERE maybe_seen.row != firsts.id
    ORDER BY maybe_seen.row""",  # in order: each page of `rows` written once
    "DROP TABLE firsts",
    "DROP INDEX maybe_seen_key",
    "DELETE FROM maybe_seen",
)


def merge_duplicates(db: sqlite3.Connection) -> int:
    """Sort the rows in `maybe_seen` into contacts and duplicates and empty it (within the
    load's transaction); returns how many of them were new contacts after all."""
    for step in _FIRSTS:
        db.execute(step)
    created = db.execute(_NEW_CONTACTS).rowcount
    for step in _DUPLICATES:
        db.execute(step)
    return created
