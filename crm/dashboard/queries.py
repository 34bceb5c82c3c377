"""Read queries behind the dashboard."""

from __future__ import annotations

import sqlalchemy as sa

from crm.contacts.models import Contact, Stance, contact_holders


def my_contacts(user_id: int, chapter_ids: list[int], limit: int = 10) -> sa.Select[tuple[Contact]]:
    """Return contacts the user holds the relationship with, by name."""
    return (
        sa.select(Contact)
        .join(contact_holders, contact_holders.c.contact_id == Contact.id)
        .where(contact_holders.c.user_id == user_id, Contact.chapter_id.in_(chapter_ids), Contact.deleted_at.is_(None))
        .order_by(Contact.sort_name)
        .limit(limit)
    )


def targets_by_stance(chapter_ids: list[int]) -> sa.Select[tuple[Stance, int]]:
    """Count the ultimate targets per stance."""
    return (
        sa.select(Contact.stance, sa.func.count())
        .where(Contact.chapter_id.in_(chapter_ids), Contact.is_target.is_(True), Contact.deleted_at.is_(None))
        .group_by(Contact.stance)
    )


def recently_changed(chapter_ids: list[int], limit: int = 10) -> sa.Select[tuple[Contact]]:
    """Return the contacts changed most recently."""
    return (
        sa.select(Contact)
        .where(Contact.chapter_id.in_(chapter_ids), Contact.deleted_at.is_(None))
        .order_by(Contact.updated_at.desc())
        .limit(limit)
    )
