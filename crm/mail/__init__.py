"""Outbound email: the outbox, its SMTP delivery and the administrator's outbox page."""

from flask import Blueprint

bp = Blueprint("mail", __name__)

from crm.mail import views  # noqa: E402, F401 - registers the routes on bp
