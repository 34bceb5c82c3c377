"""Outbox delivery over a real SMTP server (aiosmtpd, in-process): once, never twice, retried when down."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from werkzeug.test import EnvironBuilder

from crm import create_app
from crm.db import database, utcnow
from crm.mail import messages, sender
from crm.mail.models import EmailStatus, OutboundEmail
from crm.mail.sender import CLAIM_TIMEOUT, MAX_ATTEMPTS, deliver_outbox
from crm.migrate import upgrade
from tests.conftest import free_port, new_database


def _queue(app: Flask, to: str = "nina@example.org", name: str = "Nina") -> int:
    """Write one password-reset message to the outbox and commit it, as a request would."""
    with app.test_request_context(method="POST"), database(app).write_sessionmaker.begin() as session:
        email = messages.enqueue(
            session,
            to=to,
            name="password-reset",
            locale="en",
            context=messages.password_reset(name=name, url="http://crm.test/reset/abc", hours=24),
        )
        session.flush()  # the id names the row to deliver
        return email.id


def _row(db_session: Session, email_id: int) -> OutboundEmail:
    db_session.expire_all()
    return db_session.get_one(OutboundEmail, email_id)


def test_a_message_arrives_with_subject_text_and_html(smtp_app: Flask, smtp_server: Any, db_session: Session) -> None:
    email_id = _queue(smtp_app)

    assert deliver_outbox(smtp_app) == 1

    (message,) = smtp_server.handler.wait_for(1)
    assert message["To"] == "nina@example.org"
    assert message["From"] == smtp_app.config["MAIL_FROM"]
    assert message["Subject"] == "Reset your Lobby CRM password"
    assert message["Message-ID"]
    assert message.envelope_rcpt_tos == ["nina@example.org"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hello Nina," in text
    assert "http://crm.test/reset/abc" in text
    assert '<a href="http://crm.test/reset/abc">' in html
    row = _row(db_session, email_id)
    assert row.status is EmailStatus.SENT
    assert row.sent_at is not None
    assert row.attempts == 1
    assert row.last_error == ""


def test_only_the_named_messages_are_sent(smtp_app: Flask, smtp_server: Any, db_session: Session) -> None:
    first, second = _queue(smtp_app, "a@example.org"), _queue(smtp_app, "b@example.org")
    assert deliver_outbox(smtp_app, [second]) == 1
    assert [m["To"] for m in smtp_server.handler.messages] == ["b@example.org"]
    assert _row(db_session, first).status is EmailStatus.QUEUED


def test_a_message_is_never_sent_twice(smtp_app: Flask, smtp_server: Any, db_session: Session) -> None:
    email_id = _queue(smtp_app)

    assert deliver_outbox(smtp_app) == 1
    assert deliver_outbox(smtp_app) == 0
    assert deliver_outbox(smtp_app, [email_id]) == 0

    assert len(smtp_server.handler.messages) == 1
    assert _row(db_session, email_id).attempts == 1


def test_a_message_another_worker_claimed_is_left_alone(smtp_app: Flask, smtp_server: Any, db_session: Session) -> None:
    email_id = _queue(smtp_app)
    with database(smtp_app).write_sessionmaker.begin() as worker_one:
        assert sender._claim(worker_one, email_id, utcnow())  # worker one is mid-send

    assert deliver_outbox(smtp_app) == 0  # worker two

    assert smtp_server.handler.messages == []
    row = _row(db_session, email_id)
    assert row.status is EmailStatus.SENDING
    assert row.attempts == 1


def test_a_claim_abandoned_by_a_dead_worker_is_taken_over(
    smtp_app: Flask, smtp_server: Any, db_session: Session
) -> None:
    email_id = _queue(smtp_app)
    long_ago = utcnow() - CLAIM_TIMEOUT - dt.timedelta(minutes=1)
    with database(smtp_app).write_sessionmaker.begin() as dead_worker:
        assert sender._claim(dead_worker, email_id, long_ago)

    assert deliver_outbox(smtp_app) == 1

    assert len(smtp_server.handler.wait_for(1)) == 1
    assert _row(db_session, email_id).status is EmailStatus.SENT


def test_smtp_down_keeps_the_message_queued_and_delivers_it_later(
    smtp_app: Flask, smtp_server: Any, db_session: Session
) -> None:
    email_id = _queue(smtp_app)
    smtp_app.config["SMTP_PORT"] = free_port()  # nothing listens there

    assert deliver_outbox(smtp_app) == 0

    row = _row(db_session, email_id)
    assert row.status is EmailStatus.QUEUED
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert row.sent_at is None

    smtp_app.config["SMTP_PORT"] = smtp_server.port
    assert deliver_outbox(smtp_app) == 1

    assert len(smtp_server.handler.wait_for(1)) == 1
    row = _row(db_session, email_id)
    assert row.status is EmailStatus.SENT
    assert row.attempts == 2
    assert row.last_error == ""


def test_a_message_fails_for_good_after_the_last_attempt(smtp_app: Flask, db_session: Session) -> None:
    email_id = _queue(smtp_app)
    smtp_app.config["SMTP_PORT"] = free_port()
    for _ in range(MAX_ATTEMPTS + 2):
        deliver_outbox(smtp_app)
    row = _row(db_session, email_id)
    assert row.status is EmailStatus.FAILED
    assert row.attempts == MAX_ATTEMPTS


def test_without_smtp_mail_stays_in_the_outbox(app: Flask, db_session: Session) -> None:
    email_id = _queue(app)
    assert deliver_outbox(app) == 0
    row = _row(db_session, email_id)
    assert row.status is EmailStatus.QUEUED
    assert row.attempts == 0


def test_a_request_delivers_its_mail_after_the_response(
    smtp_app: Flask, smtp_server: Any, user: Any, db_session: Session
) -> None:
    client = smtp_app.test_client()
    response = client.post("/reset", data={"email": user.email})
    assert response.status_code == 302
    response.close()  # the server closes the response once it is sent; delivery hangs off that

    (message,) = smtp_server.handler.wait_for(1)
    assert message["To"] == user.email
    row = db_session.scalar(sa.select(OutboundEmail))
    assert row.status is EmailStatus.SENT


def test_mail_is_delivered_when_the_server_never_closes_the_response(
    smtp_app: Flask, smtp_server: Any, user: Any, db_session: Session
) -> None:
    """Werkzeug's development server skips close() when the client dropped the connection after reading the
    response (a browser following a redirect): sending the last chunk must be enough."""
    environ = EnvironBuilder(path="/reset", method="POST", data={"email": user.email}).get_environ()
    statuses: list[str] = []
    body = smtp_app(environ, lambda status, _headers, _exc=None: statuses.append(status))
    assert b"".join(body)  # every chunk read, close() never called
    assert statuses == ["302 FOUND"]
    (message,) = smtp_server.handler.wait_for(1)
    assert message["To"] == user.email


def test_mail_of_a_failed_request_is_never_sent(smtp_app: Flask, smtp_server: Any, db_session: Session) -> None:
    """Enqueued in a transaction that rolls back: no row, no message."""
    with smtp_app.test_request_context(method="POST"), database(smtp_app).write_sessionmaker() as session:
        messages.enqueue(
            session,
            to="x@example.org",
            name="password-reset",
            locale="en",
            context=messages.password_reset(name="X", url="http://crm.test/r", hours=1),
        )
        session.rollback()
    assert deliver_outbox(smtp_app) == 0
    assert smtp_server.handler.messages == []


# --- Two real workers racing for the same row, on a database of their own (no shared test transaction) ----------


@pytest.fixture
def own_database(db_kind: str, tmp_path: Path) -> Iterator[str]:
    url, drop = new_database(db_kind, tmp_path)
    upgrade(url)
    yield url
    drop()


def _racing_claims(monkeypatch: pytest.MonkeyPatch, workers: int) -> threading.Barrier:
    """Make every worker reach the claim before any of them makes it."""
    barrier = threading.Barrier(workers, timeout=10)
    real_claim = sender._claim

    def claim(session: Session, email_id: int, now: dt.datetime) -> bool:
        barrier.wait()
        return real_claim(session, email_id, now)

    monkeypatch.setattr(sender, "_claim", claim)
    return barrier


def test_two_workers_claiming_the_same_row_send_it_once(
    own_database: str, smtp_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = {
        "ENV_NAME": "testing",
        "DATABASE_URL": own_database,
        "SERVER_NAME": "crm.test",
        "SMTP_HOST": smtp_server.hostname,
        "SMTP_PORT": smtp_server.port,
    }
    first, second = create_app(config), create_app(config)  # two processes' worth of engines
    email_id = _queue(first)
    _racing_claims(monkeypatch, 2)
    results: list[int] = []
    errors: list[BaseException] = []

    def work(app: Flask) -> Callable[[], None]:
        def run() -> None:
            try:
                results.append(deliver_outbox(app))
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        return run

    threads = [threading.Thread(target=work(app)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [0, 1]
    assert len(smtp_server.handler.messages) == 1
    with database(first).sessionmaker() as session:
        row = session.get_one(OutboundEmail, email_id)
        assert (row.status, row.attempts) == (EmailStatus.SENT, 1)
    for app in (first, second):
        database(app).engine.dispose()


def test_a_message_that_can_never_be_sent_fails_without_stopping_the_others(
    smtp_app: Flask, smtp_server: Any, db_session: Session
) -> None:
    poison = OutboundEmail(
        to_address="x@example.org", template="invitation", subject="Hi\nBcc: y@example.org", body_text="x"
    )
    db_session.add(poison)
    db_session.flush()
    good = _queue(smtp_app)

    assert deliver_outbox(smtp_app) == 1

    assert [m["To"] for m in smtp_server.handler.wait_for(1)] == ["nina@example.org"]
    row = _row(db_session, poison.id)
    assert row.status is EmailStatus.FAILED  # not retried: it would fail the same way forever
    assert "ValueError" in row.last_error
    assert _row(db_session, good).status is EmailStatus.SENT


def test_a_line_break_in_a_name_does_not_reach_the_subject(
    smtp_app: Flask, smtp_server: Any, db_session: Session
) -> None:
    with smtp_app.test_request_context(method="POST"), database(smtp_app).write_sessionmaker.begin() as session:
        email = messages.enqueue(
            session,
            to="nina@example.org",
            name="invitation",
            locale="en",
            context=messages.invitation(
                chapter_name="PauseAI\r\nBcc: evil@example.org", inviter_name="Ada", url="http://crm.test/i", days=7
            ),
        )
    assert "\n" not in email.subject
    assert deliver_outbox(smtp_app) == 1
    (message,) = smtp_server.handler.wait_for(1)
    assert message["Bcc"] is None
    assert message.envelope_rcpt_tos == ["nina@example.org"]
    assert message["Subject"] == "You are invited to join PauseAI Bcc: evil@example.org on Lobby CRM"
