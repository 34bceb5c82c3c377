"""Organisations: parliaments, parties, committees, ministries and the rest."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)

from crm.organisations import views  # noqa: E402, F401 - registers the routes on bp
