"""Contacts: representatives and the people who help reach them."""

from flask import Blueprint

bp = Blueprint("contacts", __name__)

from crm.contacts import views  # noqa: E402, F401 - registers the routes on bp
