"""The outbox: every email is a row first, delivered by SMTP after the transaction that wrote it commits."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from crm.db import Base, created_at, pk, text
from crm.enums import str_enum


class EmailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboundEmail(Base):
    __tablename__ = "outbound_emails"
    __table_args__ = (sa.Index("ix_outbound_emails_status_created_at", "status", "created_at"),)

    id: Mapped[pk]
    to_address: Mapped[str] = mapped_column(sa.String(254))
    template: Mapped[str] = mapped_column(sa.String(60))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[text]
    body_html: Mapped[text]
    status: Mapped[EmailStatus] = mapped_column(str_enum(EmailStatus), default=EmailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[text]
    created_at: Mapped[created_at]
