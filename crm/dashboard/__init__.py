"""The signed-in home page."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from crm.dashboard import views  # noqa: E402, F401 - registers the routes on bp
