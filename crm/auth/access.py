"""Who may see what: sign-in wiring and the chapter scope every query goes through.

A user sees records of the chapters they belong to; a coordinator also sees the sub-chapters of the
chapters they coordinate; a site administrator sees everything. Anything outside answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import Session, joinedload

from crm.auth.models import Chapter, Role, User
from crm.db import database, get_session
from crm.errors import Forbidden, NotFound
from crm.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


def init_login(app: Flask) -> None:
    """Configure Flask-Login: sessions are looked up by the user's rotating session token."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(token: str) -> User | None:
        # A short read session of its own, with the memberships in the same statement: on SQLite a POST's
        # write transaction (which holds the database's write lock) then starts at the view's first query,
        # not here. The user is detached afterwards; services that change it add it to their session.
        stmt = (
            sa.select(User)
            .options(joinedload(User.memberships))
            .where(User.session_token == token, User.is_active.is_(True))
        )
        with database().sessionmaker() as session:
            return session.scalars(stmt).unique().first()


def _all_chapters(session: Session) -> list[tuple[int, int | None]]:
    rows = session.execute(sa.select(Chapter.id, Chapter.parent_id))
    return [(chapter_id, parent_id) for chapter_id, parent_id in rows]


def _descendants(roots: set[int], edges: list[tuple[int, int | None]]) -> set[int]:
    children: dict[int, list[int]] = {}
    for chapter_id, parent_id in edges:
        if parent_id is not None:
            children.setdefault(parent_id, []).append(chapter_id)
    found, stack = set(roots), list(roots)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def chapter_roles(session: Session, user: User) -> dict[int, Role]:
    """Map each chapter the user may see to their role there (inherited from a coordinated parent)."""
    direct = {m.chapter_id: m.role for m in user.memberships}
    coordinated = {cid for cid, role in direct.items() if role is Role.COORDINATOR}
    if user.is_admin:
        return {cid: Role.COORDINATOR for cid, _ in _all_chapters(session)}
    if not coordinated:
        return direct
    roles = dict(direct)
    for cid in _descendants(coordinated, _all_chapters(session)):
        roles[cid] = Role.COORDINATOR
    return roles


def visible_chapter_ids(user: User, session: Session | None = None) -> list[int]:
    """Return the ids of the chapters ``user`` may see, cached for the request."""
    cache: dict[int, dict[int, Role]] = g.setdefault("_crm_chapter_roles", {})
    if user.id not in cache:
        cache[user.id] = chapter_roles(session or get_session(), user)
    return sorted(cache[user.id])


def role_in(user: User, chapter_id: int, session: Session | None = None) -> Role | None:
    """Return the user's effective role in a chapter, or None when they may not see it."""
    visible_chapter_ids(user, session)
    return g._crm_chapter_roles[user.id].get(chapter_id)  # type: ignore[no-any-return]


def check_chapter(user: User, chapter_id: int, session: Session | None = None) -> None:
    """Raise NotFound unless the user may see records of ``chapter_id``."""
    if role_in(user, chapter_id, session) is None:
        raise NotFound


def check_coordinator(user: User, chapter_id: int, session: Session | None = None) -> None:
    """Raise NotFound when the chapter is invisible, Forbidden when the user does not coordinate it."""
    role = role_in(user, chapter_id, session)
    if role is None:
        raise NotFound
    if role is not Role.COORDINATOR:
        raise Forbidden


def scoped(stmt: sa.Select[Any], chapter_column: Any, user: User) -> sa.Select[Any]:
    """Restrict ``stmt`` to rows whose ``chapter_column`` is a chapter the user may see."""
    return stmt.where(chapter_column.in_(visible_chapter_ids(user)))


def admin_required(view: F) -> F:
    """Let only site administrators through; others get 404 so admin pages do not reveal themselves."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not getattr(current_user, "is_admin", False):
            raise NotFound
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
