"""Read queries for change history."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from crm.history.models import Change


def history_of(entity_type: str, entity_id: int) -> sa.Select[tuple[Change]]:
    """Return a record's changes, newest first, with their actors."""
    return (
        sa.select(Change)
        .where(Change.entity_type == entity_type, Change.entity_id == entity_id)
        .options(selectinload(Change.actor))
        .order_by(Change.at.desc(), Change.id.desc())
    )
