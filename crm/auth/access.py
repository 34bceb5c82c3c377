"""Who may see what: sign-in wiring and the chapter scope every query goes through.

A user sees records of the chapters they belong to; a coordinator also sees the sub-chapters of the
chapters they coordinate; a site administrator sees everything. Anything outside answers 404.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask, g
from flask_login import current_user
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from crm.auth.models import Chapter, Membership, Role, User
from crm.db import database, get_session, in_read_only_request, read
from crm.errors import Forbidden, NotFound
from crm.extensions import login_manager
from crm.i18n import lazy_gettext as _l

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def init_login(app: Flask) -> None:
    """Configure Flask-Login: sessions are looked up by the user's rotating session token."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(token: str) -> User | None:
        # A GET reads the user on its own (read-only) session's connection, which the view goes on using.
        # Any other request reads it in a short transaction of its own: on SQLite a write transaction holds
        # the database's write lock, and it should start at the view's first query, not here.
        if in_read_only_request():
            return _user_from_rows(read(_USER_BY_TOKEN, {"token": token}))
        with database().sessionmaker() as session:
            return _user_from_rows(session.connection().execute(_USER_BY_TOKEN, {"token": token}).all())


# The user and their memberships in one statement, built once, as plain columns. Every request runs it, and
# loading it through the ORM (building the statement, joined eager loading) cost more than running it.
_USER_COLUMNS = tuple(User.__table__.c)
_MEMBERSHIP_COLUMNS = tuple(Membership.__table__.c)
_USER_BY_TOKEN = (
    sa.select(*_USER_COLUMNS, *(column.label(f"membership_{column.key}") for column in _MEMBERSHIP_COLUMNS))
    .outerjoin(Membership.__table__, Membership.user_id == User.id)
    .where(User.session_token == sa.bindparam("token", type_=sa.String), User.is_active.is_(True))
    .order_by(Membership.id)
)


def _user_from_rows(rows: Sequence[sa.Row[Any]]) -> User | None:
    """Build the signed-in user, with their memberships, from ``_USER_BY_TOKEN``'s rows.

    The objects are detached, as if loaded by a session that has since closed: services that change the
    user add it to their session, which then updates it.
    """
    if not rows:
        return None
    width = len(_USER_COLUMNS)
    user = _detached(User, {column.key: rows[0][index] for index, column in enumerate(_USER_COLUMNS)})
    memberships = []
    for row in rows:
        if row[width] is None:  # no membership (the outer join's empty side)
            continue
        membership = _detached(Membership, {c.key: row[width + i] for i, c in enumerate(_MEMBERSHIP_COLUMNS)})
        set_committed_value(membership, "user", user)
        memberships.append(membership)
    set_committed_value(user, "memberships", memberships)
    return user


def _detached(cls: type[T], values: dict[str, Any]) -> T:
    """Return an instance of the mapped ``cls`` holding ``values`` as a session's loading would leave it (its
    attributes set without change events; cheaper than the constructor), detached."""
    instance: T = cls.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    instance.__dict__.update(values)
    make_transient_to_detached(instance)
    return instance


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
