"""SMTP delivery of the outbox; used by the delivery job and right after a request commits."""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session, sessionmaker

from crm.db import database, utcnow
from crm.mail.models import EmailStatus, OutboundEmail

MAX_ATTEMPTS = 5
# A claim older than this is taken to belong to a worker that died mid-send.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)


def smtp_configured(config: Mapping[str, Any]) -> bool:
    """Tell whether mail should leave the outbox at all."""
    return bool(config.get("SMTP_HOST"))


def _claim(session: Session, email_id: int, now: dt.datetime) -> bool:
    """Take one message with a conditional UPDATE, so two workers never both send it."""
    result = session.execute(
        sa.update(OutboundEmail)
        .where(
            OutboundEmail.id == email_id,
            sa.or_(
                OutboundEmail.status == EmailStatus.QUEUED,
                sa.and_(OutboundEmail.status == EmailStatus.SENDING, OutboundEmail.claimed_at < now - CLAIM_TIMEOUT),
            ),
        )
        .values(status=EmailStatus.SENDING, claimed_at=now, attempts=OutboundEmail.attempts + 1)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def _message(email: OutboundEmail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1].strip(">") or None)
    message.set_content(email.body_text)
    if email.body_html:
        message.add_alternative(email.body_html, subtype="html")
    return message


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, tls = config["SMTP_HOST"], int(config["SMTP_PORT"]), config.get("SMTP_TLS", "none")
    if tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=20, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=20)
        if tls == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USER"):
        smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return smtp


def _record(maker: sessionmaker[Session], email_id: int, error: str, permanent: bool) -> bool:
    """Mark a claimed message sent, or queued again / failed with its error; return whether it was sent."""
    with maker.begin() as session:
        row = session.get_one(OutboundEmail, email_id)
        if not error:
            row.status, row.sent_at, row.last_error = EmailStatus.SENT, utcnow(), ""
            return True
        row.last_error = error
        gave_up = permanent or row.attempts >= MAX_ATTEMPTS
        row.status = EmailStatus.FAILED if gave_up else EmailStatus.QUEUED
        return False


class _Connection:
    """One SMTP connection for a batch, opened on first use and reopened after a failure."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, email: OutboundEmail) -> tuple[str, bool]:
        """Send ``email``; return an error ("" when sent) and whether retrying is pointless."""
        try:
            message = _message(email, self.config["MAIL_FROM"])
        except ValueError as exc:  # e.g. a header with a line break: no retry can send it
            return f"{type(exc).__name__}: {exc}", True
        try:
            self.smtp = self.smtp or _connect(self.config)
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            self.smtp = None
            return f"{type(exc).__name__}: {exc}", False
        return "", False

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()


def deliver_outbox(app: Flask, ids: Iterable[int] | None = None, limit: int = 100) -> int:
    """Send queued messages (``ids``, or the oldest ``limit``); return how many were sent.

    Each message is claimed in its own transaction before the SMTP call and marked sent or queued again
    (failed after MAX_ATTEMPTS) in another, so a crash between the two can at worst resend once after
    CLAIM_TIMEOUT, and never loses a message.
    """
    if not smtp_configured(app.config):
        return 0
    with app.app_context():
        maker = database(app).write_sessionmaker
        with maker() as session:
            open_statuses = [EmailStatus.QUEUED, EmailStatus.SENDING]
            stmt = sa.select(OutboundEmail.id).where(OutboundEmail.status.in_(open_statuses))
            stmt = stmt.where(OutboundEmail.id.in_(list(ids))) if ids is not None else stmt
            candidates = list(session.scalars(stmt.order_by(OutboundEmail.id).limit(limit)))
        sent = 0
        connection = _Connection(app.config)
        try:
            for email_id in candidates:
                with maker.begin() as session:
                    if not _claim(session, email_id, utcnow()):
                        continue
                    email = session.get_one(OutboundEmail, email_id)
                sent += _record(maker, email_id, *connection.send(email))
        finally:
            connection.close()
    return sent
