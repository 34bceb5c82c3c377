"""Chapter scope for contact services: which chapters an actor may read, and the check before a change."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from crm.auth.access import check_chapter, visible_chapter_ids
from crm.auth.models import Chapter, User
from crm.contacts.models import Contact
from crm.db import utcnow


def readable_chapter_ids(session: Session, actor: User | None) -> list[int]:
    """Return the chapters ``actor`` may read; a system caller (None) reads every chapter."""
    if actor is None:
        return list(session.scalars(sa.select(Chapter.id).order_by(Chapter.id)))
    return visible_chapter_ids(actor, session)


def check(session: Session, actor: User | None, chapter_id: int) -> None:
    """Raise NotFound unless ``actor`` may work in ``chapter_id`` (system callers may)."""
    if actor is not None:
        check_chapter(actor, chapter_id, session)


def touch(contact: Contact) -> None:
    """Mark a contact changed, also when only a related row changed (which leaves its own row alone)."""
    contact.updated_at = utcnow()
