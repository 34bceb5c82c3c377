"""Fixtures: one migrated database per test run (SQLite or PostgreSQL), a rolled-back transaction per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from crm import create_app
from crm.db import database, make_engine, read_only_sessionmaker
from crm.migrate import upgrade
from tests import factories

PG_ADMIN_URL = os.environ.get("CRM_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=os.environ.get("CRM_TEST_DB", "sqlite"),
        help="database the suite runs on (default: sqlite; env CRM_TEST_DB)",
    )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {config.getoption('--db')}"


def _postgres_database() -> tuple[str, Callable[[], None]]:
    """Create a throw-away PostgreSQL database; return its URL and a function that drops it."""
    name = f"crm_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:
        admin.dispose()
        if os.environ.get("CI"):
            raise
        pytest.exit(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {error}", returncode=3)

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}", drop


def new_database(kind: str, tmp: Path) -> tuple[str, Callable[[], None]]:
    """Create an empty database of ``kind``; return its URL and a cleanup function."""
    if kind == "postgresql":
        return _postgres_database()
    path = tmp / f"crm-{uuid.uuid4().hex[:8]}.sqlite3"
    return f"sqlite:///{path}", lambda: None


@pytest.fixture
def empty_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the run's kind, dropped afterwards (for migration tests)."""
    url, drop = new_database(db_kind, tmp_path)
    yield url
    drop()


@pytest.fixture(scope="session")
def db_kind(request: pytest.FixtureRequest) -> str:
    return str(request.config.getoption("--db"))


@pytest.fixture(scope="session")
def database_url(db_kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database built once per run by ``alembic upgrade head``."""
    url, drop = new_database(db_kind, tmp_path_factory.mktemp("db"))
    upgrade(url)
    yield url
    drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        transaction = conn.begin()
        yield conn
        if transaction.is_active:
            transaction.rollback()


@pytest.fixture
def app(connection: sa.Connection, database_url: str) -> Flask:
    """A fresh app whose sessions join the test's transaction through savepoints, so code under test may commit."""
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": database_url, "SERVER_NAME": "crm.test"})
    return bind_sessions(app, connection)


def bind_sessions(app: Flask, connection: sa.Connection) -> Flask:
    """Point every session factory of ``app`` at the test's connection (savepoints, so code may commit)."""
    db = database(app)
    options = {"bind": connection, "join_transaction_mode": "create_savepoint", "expire_on_commit": False}
    db.sessionmaker = db.write_sessionmaker = sessionmaker(**options)
    db.read_sessionmaker = read_only_sessionmaker(**options)
    return app


@pytest.fixture
def db_session(connection: sa.Connection) -> Iterator[Session]:
    """The session factories write through; it shares the test's transaction."""
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    factories.bind(session)
    yield session
    factories.bind(None)
    session.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Auth:
    """Sign in and out through the real forms (flaskr's AuthActions)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user: Any, password: str = factories.PASSWORD) -> Any:
        response = self.client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self) -> Any:
        return self.client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def chapter(db_session: Session) -> Any:
    return factories.ChapterFactory()


@pytest.fixture
def user(db_session: Session, chapter: Any) -> Any:
    """A volunteer of ``chapter``."""
    return factories.member_of(chapter)


@pytest.fixture
def coordinator(db_session: Session, chapter: Any) -> Any:
    return factories.member_of(chapter, role="coordinator")


@pytest.fixture
def admin(db_session: Session) -> Any:
    return factories.UserFactory(is_admin=True)


class QueryCounter:
    """Counts the SQL statements sent on the test's connection (savepoint bookkeeping excluded)."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def count_queries(connection: sa.Connection) -> Iterator[QueryCounter]:
    """Count statements: ``count_queries.reset()``, make a request, then read ``count_queries.count``."""
    counter = QueryCounter()
    sa.event.listen(connection, "before_cursor_execute", counter)
    yield counter
    sa.event.remove(connection, "before_cursor_execute", counter)


# --- Mail: a real SMTP server in-process (aiosmtpd), for outbox delivery and the browser test ---------------------


class SmtpSink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes
        from email.policy import default

        message = message_from_bytes(envelope.content, policy=default)
        message.envelope_rcpt_tos = list(envelope.rcpt_tos)  # type: ignore[attr-defined]
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Any]:
        """Return the messages once ``count`` have arrived; fail after ``timeout`` seconds."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} message(s), got {len(self.messages)}"
        return self.messages


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server on 127.0.0.1 and a free port; ``.handler.messages`` holds what it received."""
    from aiosmtpd.controller import Controller

    controller = Controller(SmtpSink(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def smtp_app(app: Flask, smtp_server: Any) -> Flask:
    """``app`` with SMTP pointed at ``smtp_server``."""
    app.config.update(SMTP_HOST=smtp_server.hostname, SMTP_PORT=smtp_server.port)
    return app


# --- Helpers for account, chapter and mail tests ------------------------------------------------------------------


def signed_in(client: FlaskClient) -> bool:
    """Tell whether ``client``'s cookies carry a live session (the settings page needs one)."""
    response = client.get("/settings")
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def link_in(text: str, path: str) -> str:
    """Return the site-relative URL in ``text`` whose path starts with ``path`` (e.g. "/reset/")."""
    import re
    from urllib.parse import urlsplit

    match = re.search(r"https?://[^\s\"'<>]+" + re.escape(path) + r"[^\s\"'<>]+", text)
    assert match, f"no {path} link in {text!r}"
    parts = urlsplit(match.group(0))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def outbox(db_session: Session) -> Callable[[], list[Any]]:
    """Return a function listing the outbox rows (fresh from the database), oldest first."""
    from crm.mail.models import OutboundEmail

    def rows() -> list[Any]:
        db_session.expire_all()
        return list(db_session.scalars(sa.select(OutboundEmail).order_by(OutboundEmail.id)))

    return rows
