"""The contact search index: normalised words a contact can be found by, matched by prefix.

A prefix match on an indexed column is fast on SQLite and PostgreSQL alike, unlike ``LIKE '%x%'``.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.contacts.models import Contact, ContactSearchTerm, MethodKind, Organisation, Position, Tag
from crm.text import words

MAX_TERM = 120


def contact_terms(
    *,
    names: Iterable[str | None],
    emails: Iterable[str] = (),
    organisations: Iterable[str] = (),
    tags: Iterable[str] = (),
) -> set[str]:
    """Return the search terms for a contact's names, email addresses, organisation names and tags."""
    terms: set[str] = set()
    for value in [*names, *organisations, *tags]:
        terms.update(words(value))
    for email in emails:
        folded = email.strip().casefold()
        if folded:
            terms.add(folded)
            terms.update(words(folded.split("@", 1)[0]))
    return {term[:MAX_TERM] for term in terms if term}


def terms_of(contact: Contact) -> set[str]:
    """Return the search terms of a loaded contact (names, emails, organisations of positions, tags)."""
    return contact_terms(
        names=[contact.display_name, contact.given_name, contact.name_prefix, contact.family_name],
        emails=[m.value for m in contact.methods if m.kind is MethodKind.EMAIL],
        organisations=[p.organisation.name for p in contact.positions if p.organisation is not None],
        tags=[t.name for t in contact.tags],
    )


def reindex(session: Session, contact: Contact) -> None:
    """Replace a contact's search terms with ones computed from its current data."""
    session.flush()  # the contact needs its id, and its collections their rows
    session.execute(sa.delete(ContactSearchTerm).where(ContactSearchTerm.contact_id == contact.id))
    terms = terms_of(contact)
    if terms:
        session.execute(sa.insert(ContactSearchTerm), [{"contact_id": contact.id, "term": t} for t in terms])


def reindex_organisation_members(session: Session, organisation: Organisation) -> int:
    """Reindex every contact holding a position in ``organisation`` (after a rename); return how many."""
    ids = session.scalars(
        sa.select(Position.contact_id).where(Position.organisation_id == organisation.id).distinct()
    ).all()
    for contact in session.scalars(sa.select(Contact).where(Contact.id.in_(ids))):
        reindex(session, contact)
    return len(ids)


def reindex_tag_members(session: Session, tag: Tag) -> None:
    """Reindex every contact carrying ``tag`` (after a rename)."""
    stmt = sa.select(Contact).where(Contact.tags.any(Tag.id == tag.id))
    for contact in session.scalars(stmt):
        reindex(session, contact)


def matching(query: str) -> sa.Select[tuple[int]] | None:
    """Return the ids of contacts matching every word of ``query`` by prefix, or None for an empty query."""
    query_words = words(query)[:6]
    if not query_words:
        return None
    subqueries = []
    for word in query_words:
        upper = word[:-1] + chr(ord(word[-1]) + 1)
        subqueries.append(
            sa.select(ContactSearchTerm.contact_id).where(
                ContactSearchTerm.term >= word[:MAX_TERM], ContactSearchTerm.term < upper[:MAX_TERM]
            )
        )
    return sa.intersect(*subqueries) if len(subqueries) > 1 else subqueries[0]  # type: ignore[return-value]
