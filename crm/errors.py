"""Domain exceptions raised by services, and the error pages."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from crm.i18n import lazy_gettext as _l


class DomainError(Exception):
    """Base of the errors a service raises for a view, CLI command or job to translate."""


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""


class Forbidden(DomainError):
    """The actor may see the object but not do this to it."""


class Invalid(DomainError):
    """Input that passed the form's shape checks but breaks a rule; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Request too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}


def _render_error(code: int) -> tuple[str, int]:
    return render_template("errors/error.html", code=code, title=ERROR_TITLES.get(code, ERROR_TITLES[500])), code


def register_error_handlers(app: Flask) -> None:
    """Render HTTP errors and domain errors that reach a view as friendly pages."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> tuple[str, int]:
        return _render_error(error.code or 500)

    @app.errorhandler(NotFound)
    def _not_found(_error: NotFound) -> tuple[str, int]:
        return _render_error(404)

    @app.errorhandler(Forbidden)
    def _forbidden(_error: Forbidden) -> tuple[str, int]:
        # Existence is not secret here (the actor could see the object), so 403 is honest.
        return _render_error(403)

    @app.errorhandler(500)
    def _server_error(_error: Exception) -> tuple[str, int]:
        return _render_error(500)
