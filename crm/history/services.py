"""Recording changes: who changed which fields of a record, when, with old and new values."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from crm.auth.models import User
from crm.history.models import Action, Change


def _plain(value: Any) -> Any:
    """Make a value JSON-friendly for the change record."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    """Return the current values of ``fields`` of ``obj``, JSON-friendly."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Return ``{field: [old, new]}`` for every field whose value changed."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def record(
    session: Session,
    actor: User | None,
    *,
    entity_type: str,
    entity_id: int,
    chapter_id: int,
    action: Action,
    changes: Mapping[str, list[Any]] | None = None,
) -> Change | None:
    """Add a change record; an update that changed nothing records nothing."""
    if action is Action.UPDATED and not changes:
        return None
    change = Change(
        entity_type=entity_type,
        entity_id=entity_id,
        chapter_id=chapter_id,
        action=action,
        actor_id=actor.id if actor else None,
        changes=dict(changes or {}),
    )
    session.add(change)
    return change
