"""Chapters (national and local groups) and their members."""

from flask import Blueprint

bp = Blueprint("chapters", __name__)

from crm.chapters import views  # noqa: E402, F401 - registers the routes on bp
