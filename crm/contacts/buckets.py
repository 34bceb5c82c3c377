"""Name buckets: how many live contacts of each chapter and kind have sort names beginning with each two
characters, kept in the transaction of every change, so a deep page of the contacts list starts near its rows.

A database steps over every row an OFFSET skips: page 300 of a chapter's representatives read 15,000 index
entries, more than the rest of the page cost. The counts, summed in the list's order, give the bucket the page
starts in and how many live contacts come before that bucket; the page is then read from that bucket on (by name,
from its first name; descending, from below the next bucket's), skipping only the bucket's own rows before it
(``crm.contacts.queries``). This holds because a sort name sorts before another only if its bucket sorts before
or with the other's, comparing code points, as both databases do on these columns (``crm.db.code_point_ordered``).

Every write of a contact's chapter, kind, sort name or trash state goes through the contacts service, which calls
``moved`` with the key the contact had before; a bulk loader calls ``rebuild`` after its inserts.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crm.contacts.models import Contact, ContactNameBucket

BUCKET_LENGTH = 2
ALL_KINDS = "*"  # the kind of the counts of every kind together

# (chapter id, kind, bucket) of a live contact; None for a contact that is not counted (new, in the trash).
Key = tuple[int, str, str] | None


def bucket_of(sort_name: str) -> str:
    """Return the bucket a sort name is counted in: its first ``BUCKET_LENGTH`` characters."""
    return sort_name[:BUCKET_LENGTH]


def key_of(contact: Contact) -> Key:
    """Return the key ``contact`` is counted under now (None in the trash)."""
    if contact.deleted_at is not None:
        return None
    return contact.chapter_id, contact.kind.value, bucket_of(contact.sort_name)


def moved(session: Session, before: Key, contact: Contact) -> None:
    """Count ``contact`` under its current key instead of ``before`` (``key_of`` it before the change)."""
    after = key_of(contact)
    if before == after:
        return
    deltas: Counter[tuple[int, str, str]] = Counter()
    for key, delta in ((before, -1), (after, 1)):
        if key is not None:
            chapter_id, kind, bucket = key
            deltas[chapter_id, kind, bucket] += delta
            deltas[chapter_id, ALL_KINDS, bucket] += delta
    # Rows in key order: two transactions moving contacts between the same buckets then lock them in the same
    # order (PostgreSQL would otherwise find a deadlock).
    rows = [
        {"chapter_id": chapter_id, "kind": kind, "bucket": bucket, "contacts": delta}
        for (chapter_id, kind, bucket), delta in sorted(deltas.items())
        if delta
    ]
    if rows:
        connection = session.connection()
        connection.execute(_upsert(connection.dialect.name), rows)


@cache
def _upsert(dialect: str) -> Any:
    """Return the statement adding a row's ``contacts`` to its bucket's count (a new bucket starts at it); built
    once per database, as a Core statement: building it, and the ORM's bulk path, cost a create a tenth."""
    table = ContactNameBucket.__table__
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
    return insert.on_conflict_do_update(
        index_elements=[table.c.chapter_id, table.c.kind, table.c.bucket],
        set_={"contacts": table.c.contacts + insert.excluded.contacts},
    )


def rebuild(connection: Session | sa.Connection, chapter_ids: list[int] | None = None) -> None:
    """Count the live contacts of ``chapter_ids`` (every chapter without) from scratch, replacing their counts."""
    bucket = sa.func.substr(Contact.sort_name, 1, BUCKET_LENGTH)
    kind = sa.type_coerce(Contact.kind, sa.String)
    live = [Contact.deleted_at.is_(None)] + ([] if chapter_ids is None else [Contact.chapter_id.in_(chapter_ids)])
    by_kind = sa.select(Contact.chapter_id, kind, bucket, sa.func.count()).where(*live)
    every_kind = sa.select(Contact.chapter_id, sa.literal(ALL_KINDS), bucket, sa.func.count()).where(*live)
    counted = sa.union_all(
        by_kind.group_by(Contact.chapter_id, kind, bucket), every_kind.group_by(Contact.chapter_id, bucket)
    )
    cleared = [] if chapter_ids is None else [ContactNameBucket.chapter_id.in_(chapter_ids)]
    connection.execute(sa.delete(ContactNameBucket).where(*cleared))
    columns = ["chapter_id", "kind", "bucket", "contacts"]
    connection.execute(sa.insert(ContactNameBucket).from_select(columns, counted))
