"""Read queries for change history, shared by every record that keeps one (contacts, organisations)."""

from __future__ import annotations

from functools import cache
from typing import Any

import sqlalchemy as sa

from crm.auth.models import User
from crm.history.models import Change


def changes_of(entity_type: Any, entity_id: Any) -> sa.Select[Any]:
    """Return a record's changes, newest first: id, action, at, changes and actor_name (None for the system)."""
    return (
        sa.select(Change.id, Change.action, Change.at, Change.changes, User.name.label("actor_name"))
        .outerjoin(User, User.id == Change.actor_id)
        .where(Change.entity_type == entity_type, Change.entity_id == entity_id)
        .order_by(Change.at.desc(), Change.id.desc())
    )


@cache
def _recent_changes() -> sa.Select[Any]:
    # Built once with bound parameters: building the statement and its cache key costs more than running it.
    entity_type, entity_id = sa.bindparam("entity_type", type_=sa.String), sa.bindparam("entity_id", type_=sa.Integer)
    return changes_of(entity_type, entity_id).limit(sa.bindparam("limit", type_=sa.Integer))


def recent_changes(entity_type: str, entity_id: int, limit: int) -> tuple[sa.Select[Any], dict[str, Any]]:
    """Return (statement, parameters) of a record's latest ``limit`` changes (see ``changes_of``)."""
    return _recent_changes(), {"entity_type": entity_type, "entity_id": entity_id, "limit": limit}
