"""Email messages as data: render a message's templates and write it to the outbox."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session

from crm.mail.models import OutboundEmail

PENDING_KEY = "crm.outbox"


def enqueue(session: Session, *, to: str, name: str, locale: str, context: dict[str, Any]) -> OutboundEmail:
    """Render ``templates/email/<name>/`` in ``locale`` and add the message to the outbox.

    The row is part of the caller's transaction; it is delivered only after that transaction commits.
    """
    with force_locale(locale):
        # One line: a line break from a chapter or person's name would make the header unsendable.
        subject = " ".join(render_template(f"email/{name}/subject.txt", **context).split())
        body_text = render_template(f"email/{name}/body.txt", **context)
        body_html = render_template(f"email/{name}/body.html", **context)
    email = OutboundEmail(to_address=to, template=name, subject=subject, body_text=body_text, body_html=body_html)
    session.add(email)
    session.info.setdefault(PENDING_KEY, []).append(email)
    return email


def invitation(*, chapter_name: str, inviter_name: str, url: str, days: int) -> dict[str, Any]:
    """Return the context of the invitation email."""
    return {"chapter_name": chapter_name, "inviter_name": inviter_name, "url": url, "days": days}


def password_reset(*, name: str, url: str, hours: int) -> dict[str, Any]:
    """Return the context of the password reset email."""
    return {"name": name, "url": url, "hours": hours}
