"""The change history kept for every contact and organisation."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.auth.models import User
from crm.db import Base, pk, utcnow
from crm.enums import str_enum


class Action(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    RESTORED = "restored"


class Change(Base):
    """Who changed which fields of a record when; ``changes`` maps field → [old, new]."""

    __tablename__ = "changes"
    __table_args__ = (sa.Index("ix_changes_entity_type_entity_id_at", "entity_type", "entity_id", "at"),)

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(30))
    entity_id: Mapped[int]
    action: Mapped[Action] = mapped_column(str_enum(Action))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    actor: Mapped[User | None] = relationship()
