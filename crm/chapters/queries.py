"""Read queries for chapters and members."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.auth.models import Chapter, Invitation, Membership, User


def chapters_by_ids(ids: list[int]) -> sa.Select[tuple[Chapter]]:
    """Return the chapters with these ids, by name."""
    return sa.select(Chapter).where(Chapter.id.in_(ids)).order_by(Chapter.name)


def members_of(chapter_id: int) -> sa.Select[tuple[Membership]]:
    """Return a chapter's memberships with their users, by name."""
    return (
        sa.select(Membership)
        .join(Membership.user)
        .where(Membership.chapter_id == chapter_id)
        .options(selectinload(Membership.user))
        .order_by(User.name)
    )


def open_invitations(chapter_id: int) -> sa.Select[tuple[Invitation]]:
    """Return a chapter's invitations nobody has accepted yet, newest first."""
    return (
        sa.select(Invitation)
        .where(Invitation.chapter_id == chapter_id, Invitation.accepted_at.is_(None))
        .order_by(Invitation.created_at.desc())
    )
