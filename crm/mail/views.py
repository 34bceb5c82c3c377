"""The outbox page: administrators read mail that was queued (and, without SMTP, never leaves)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import login_required

from crm.auth.access import admin_required
from crm.db import get_session
from crm.errors import NotFound
from crm.mail import bp, queries
from crm.mail.models import OutboundEmail
from crm.mail.sender import smtp_configured
from crm.pagination import page_number, paginate


@bp.get("/")
@login_required
@admin_required
def index() -> str:
    """List outbox messages, newest first."""
    page = paginate(
        get_session(),
        queries.outbox_page(),
        page=page_number(request.args.get("page")),
        per_page=current_app.config["PAGE_SIZE"],
        count_stmt=queries.count_all(),
    )
    return render_template("mail/index.html", page=page, smtp=smtp_configured(current_app.config))


@bp.get("/<int:email_id>")
@login_required
@admin_required
def show(email_id: int) -> str:
    """Show one message as its recipient would read it (text part)."""
    email = get_session().get(OutboundEmail, email_id)
    if email is None:
        raise NotFound
    return render_template("mail/show.html", email=email)
