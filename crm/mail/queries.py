"""Read queries for the outbox."""

from __future__ import annotations

import sqlalchemy as sa

from crm.mail.models import OutboundEmail


def outbox_page() -> sa.Select[tuple[OutboundEmail]]:
    """Return outbox messages, newest first."""
    return sa.select(OutboundEmail).order_by(OutboundEmail.id.desc())


def count_all() -> sa.Select[tuple[int]]:
    """Count every outbox message."""
    return sa.select(sa.func.count(OutboundEmail.id))
