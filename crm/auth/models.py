"""Users, chapters, memberships, invitations and sign-in failures."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.db import Base, created_at, flag_false, pk
from crm.enums import str_enum


class ChapterKind(enum.StrEnum):
    NATIONAL = "national"
    LOCAL = "local"


class Role(enum.StrEnum):
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


def new_session_token() -> str:
    """Return a fresh random token; rotating it ends every session of the user."""
    return secrets.token_urlsafe(32)


class User(Base):
    __tablename__ = "users"

    id: Mapped[pk]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_admin: Mapped[flag_false]
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    language: Mapped[str | None] = mapped_column(sa.String(10))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    created_at: Mapped[created_at]

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    # Flask-Login protocol. The id handed to Flask-Login is the session token, so rotating the token
    # invalidates every session and "remember me" cookie at once.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Chapter(Base):
    __tablename__ = "chapters"

    id: Mapped[pk]
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[ChapterKind] = mapped_column(str_enum(ChapterKind))
    country: Mapped[str] = mapped_column(sa.String(2))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("chapters.id", ondelete="RESTRICT"), index=True)
    default_cadence_days: Mapped[int] = mapped_column(default=30, server_default="30")
    created_at: Mapped[created_at]

    parent: Mapped[Chapter | None] = relationship(remote_side="Chapter.id", back_populates="children")
    children: Mapped[list[Chapter]] = relationship(back_populates="parent", order_by="Chapter.name")
    memberships: Mapped[list[Membership]] = relationship(back_populates="chapter", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Chapter {self.id} {self.name}>"


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("user_id", "chapter_id"),)

    id: Mapped[pk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    created_at: Mapped[created_at]

    user: Mapped[User] = relationship(back_populates="memberships")
    chapter: Mapped[Chapter] = relationship(back_populates="memberships")


class Invitation(Base):
    __tablename__ = "invitations"

    id: Mapped[pk]
    chapter_id: Mapped[int] = mapped_column(sa.ForeignKey("chapters.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]
    accepted_at: Mapped[dt.datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    chapter: Mapped[Chapter] = relationship()
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


class LoginFailure(Base):
    """One failed sign-in, counted per account and per address to throttle guessing across workers."""

    __tablename__ = "login_failures"
    __table_args__ = (sa.Index("ix_login_failures_kind_key_at", "kind", "key", "at"),)

    id: Mapped[pk]
    kind: Mapped[str] = mapped_column(sa.String(10))  # "account" or "address"
    key: Mapped[str] = mapped_column(sa.String(254))
    at: Mapped[dt.datetime]
