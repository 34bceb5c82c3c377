"""Accounts: creating users, signing in and out, passwords, resets and personal settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from sqlalchemy.orm import Session

from crm.auth.models import LoginFailure, User, new_session_token
from crm.auth.passwords import MIN_LENGTH, hash_password, needs_rehash, verify_password
from crm.auth.tokens import fingerprint, make_token, read_token
from crm.db import utcnow
from crm.errors import DomainError, Invalid, NotFound
from crm.i18n import gettext as _
from crm.mail import messages


class Throttled(DomainError):
    """Too many failed sign-ins for this account or address; try again later."""


def normalize_email(email: str) -> str:
    """Return the canonical form of an address, or raise Invalid."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid(_("Enter a valid email address."), field="email") from None


def check_password_rules(password: str, field: str = "password") -> None:
    """Raise Invalid when ``password`` is too weak to accept."""
    if len(password) < MIN_LENGTH:
        raise Invalid(_("Use at least %(n)d characters.", n=MIN_LENGTH), field=field)


def user_by_email(session: Session, email: str) -> User | None:
    """Return the user with this (normalised) address."""
    return session.scalar(sa.select(User).where(User.email == email))


def has_users(session: Session) -> bool:
    """Tell whether any account exists (the first-run page is open only while none does)."""
    return session.scalar(sa.select(sa.exists().where(User.id.is_not(None)))) or False


def create_user(session: Session, *, email: str, name: str, password: str, is_admin: bool = False) -> User:
    """Create an account; raise Invalid when the address is taken or the password too weak."""
    email = normalize_email(email)
    check_password_rules(password)
    if user_by_email(session, email) is not None:
        raise Invalid(_("An account with this address already exists."), field="email")
    user = User(email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin)
    session.add(user)
    return user


def create_first_admin(session: Session, *, email: str, name: str, password: str) -> User:
    """Create the first administrator; raise NotFound once any account exists, also when two try at once."""
    if session.get_bind().dialect.name == "postgresql":
        # SQLite write transactions already run one at a time (BEGIN IMMEDIATE); PostgreSQL needs the lock.
        session.execute(sa.text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))
    if has_users(session):
        raise NotFound
    return create_user(session, email=email, name=name, password=password, is_admin=True)


def _failures(session: Session, kind: str, key: str, since: dt.datetime) -> int:
    stmt = sa.select(sa.func.count()).where(
        LoginFailure.kind == kind, LoginFailure.key == key, LoginFailure.at >= since
    )
    return session.scalar(stmt) or 0


def sign_in(session: Session, *, email: str, password: str, address: str) -> User:
    """Return the user for these credentials; record a failure and raise Invalid or Throttled otherwise.

    The answer is the same whether or not the account exists. The caller commits in both cases so that
    failures count across workers.
    """
    config = current_app.config
    now = utcnow()
    email = email.strip().lower()
    since = now - dt.timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    user = user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if (
        _failures(session, "account", email, since) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _failures(session, "address", address, since) >= config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    ):
        raise Throttled(
            _("Too many failed attempts. Wait %(n)d minutes and try again.", n=config["LOGIN_FAILURE_WINDOW_MINUTES"])
        )
    if user is None or not valid or not user.is_active:
        # Rows older than the window no longer count; dropping them here keeps the table small.
        session.execute(sa.delete(LoginFailure).where(LoginFailure.at < since))
        session.add_all(
            [LoginFailure(kind="account", key=email, at=now), LoginFailure(kind="address", key=address, at=now)]
        )
        raise Invalid(_("That email address and password do not match."))
    session.execute(sa.delete(LoginFailure).where(LoginFailure.kind == "account", LoginFailure.key == email))
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def sign_out(session: Session, user: User) -> None:
    """End every session of ``user``, on every device, including copied cookies."""
    session.add(user)
    user.session_token = new_session_token()


def set_password(session: Session, user: User, password: str, field: str = "password") -> None:
    """Set a new password and end every other session."""
    check_password_rules(password, field)
    session.add(user)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Change the password after checking the current one."""
    if not verify_password(user.password_hash, current):
        raise Invalid(_("Your current password is not right."), field="current_password")
    set_password(session, user, new, field="new_password")


def update_settings(session: Session, user: User, *, name: str, language: str | None, timezone: str | None) -> None:
    """Update a user's own name, language and time zone."""
    session.add(user)
    user.name = name.strip()
    user.language = language or None
    user.timezone = timezone or None


def _reset_payload(user: User) -> list[Any]:
    return [user.id, fingerprint(user.password_hash)]


def request_password_reset(session: Session, *, email: str, locale: str) -> None:
    """Email a reset link when the account exists; do nothing visible otherwise (no enumeration)."""
    user = user_by_email(session, email.strip().lower())
    if user is None or not user.is_active:
        return
    hours = current_app.config["TOKEN_MAX_AGE_HOURS"]
    token = make_token("reset", _reset_payload(user))
    url = current_app.config["BASE_URL"].rstrip("/") + url_for("auth.reset_password", token=token)
    messages.enqueue(
        session,
        to=user.email,
        name="password-reset",
        locale=user.language or locale,
        context=messages.password_reset(name=user.name, url=url, hours=hours),
    )


def user_for_reset_token(session: Session, token: str) -> User | None:
    """Return the user a valid, unused, unexpired reset token belongs to."""
    payload = read_token("reset", token, current_app.config["TOKEN_MAX_AGE_HOURS"] * 3600)
    if not isinstance(payload, list) or len(payload) != 2:
        return None
    user = session.get(User, payload[0]) if isinstance(payload[0], int) else None
    if user is None or not user.is_active or _reset_payload(user) != payload:
        return None
    return user
