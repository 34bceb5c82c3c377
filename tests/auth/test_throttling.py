"""Sign-in throttling per account and per address, counted in the database so every worker sees it."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from crm import create_app
from crm.auth.models import LoginFailure
from tests import factories
from tests.conftest import bind_sessions, signed_in
from tests.factories import PASSWORD

THROTTLED = "Too many failed attempts."
WRONG = "wrong password"


def _attempt(client: FlaskClient, email: str, password: str = WRONG) -> Any:
    return client.post("/login", data={"email": email, "password": password})


def _client(app: Flask, address: str = "198.51.100.7") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _failures(db_session: Session, kind: str, key: str) -> int:
    stmt = sa.select(sa.func.count()).where(LoginFailure.kind == kind, LoginFailure.key == key)
    return db_session.scalar(stmt) or 0


def _second_worker(connection: sa.Connection, database_url: str) -> Flask:
    """Another app instance on the same database, as a second web worker would be."""
    other = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "SERVER_NAME": "crm.test"})
    return bind_sessions(other, connection)


def test_the_sixth_attempt_after_five_failures_is_refused(app: Flask, user: Any, db_session: Session) -> None:
    client = _client(app)
    for _ in range(5):
        assert _attempt(client, user.email).status_code == 400

    response = _attempt(client, user.email, PASSWORD)

    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    assert not signed_in(client)
    assert _failures(db_session, "account", user.email) == 5


def test_failures_are_counted_in_the_database_across_workers(
    app: Flask, user: Any, connection: sa.Connection, database_url: str, db_session: Session
) -> None:
    first_worker = _client(app, "198.51.100.1")
    for _ in range(5):
        _attempt(first_worker, user.email)
    assert _failures(db_session, "account", user.email) == 5

    # Another worker, another address: the account's count still holds.
    second_worker = _client(_second_worker(connection, database_url), "198.51.100.2")
    response = _attempt(second_worker, user.email, PASSWORD)

    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)


def test_four_failures_still_let_the_right_password_in_and_reset_the_count(
    app: Flask, user: Any, db_session: Session
) -> None:
    client = _client(app)
    for _ in range(4):
        _attempt(client, user.email)
    assert _attempt(client, user.email, PASSWORD).status_code == 302
    assert _failures(db_session, "account", user.email) == 0


def test_other_accounts_are_not_throttled_by_one_accounts_failures(app: Flask, chapter: Any, user: Any) -> None:
    other = factories.member_of(chapter)
    for _ in range(5):
        _attempt(_client(app, "198.51.100.3"), user.email)
    assert _attempt(_client(app, "198.51.100.4"), other.email, PASSWORD).status_code == 302


def test_failures_for_unknown_addresses_count_too(app: Flask, db_session: Session) -> None:
    client = _client(app)
    for _ in range(6):
        _attempt(client, "nobody@example.org")
    response = _attempt(client, "nobody@example.org")
    assert response.status_code == 429  # same answer as for a real account: no enumeration by throttling
    assert _failures(db_session, "account", "nobody@example.org") == 5


def test_too_many_failures_from_one_address_throttle_every_account(app: Flask, user: Any, db_session: Session) -> None:
    assert app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] == 20
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 8  # fewer slow argon2 checks, same rule
    attacker = _client(app, "203.0.113.66")
    for n in range(limit):  # spread over many accounts, so no account limit is reached
        assert _attempt(attacker, f"guess{n}@example.org").status_code == 400
    assert _failures(db_session, "address", "203.0.113.66") == limit

    response = _attempt(attacker, user.email, PASSWORD)

    assert response.status_code == 429
    assert THROTTLED in response.get_data(as_text=True)
    # The account itself is fine from another address.
    assert _attempt(_client(app, "203.0.113.67"), user.email, PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(app: Flask, user: Any, db_session: Session) -> None:
    import datetime as dt

    from crm.db import utcnow

    old = utcnow() - dt.timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    db_session.add_all([LoginFailure(kind="account", key=user.email, at=old) for _ in range(10)])
    db_session.flush()
    assert _attempt(_client(app), user.email, PASSWORD).status_code == 302
