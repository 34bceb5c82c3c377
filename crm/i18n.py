"""Language and time zone selection (Flask-Babel)."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import Domain
from flask_login import current_user

from crm.extensions import babel

LANGUAGES = {"en": "English", "nl": "Nederlands"}


def select_locale() -> str:
    """Use the signed-in user's language, else the browser's Accept-Language, else the default."""
    language = getattr(current_user, "language", None)
    if language in LANGUAGES:
        return language  # type: ignore[return-value]
    best = request.accept_languages.best_match(list(LANGUAGES)) if request else None
    return best or current_app.config["DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    """Use the signed-in user's time zone, else the configured default."""
    timezone = getattr(current_user, "timezone", None)
    return timezone or current_app.config["DEFAULT_TIMEZONE"]  # type: ignore[no-any-return]


def init_babel(app: Flask) -> None:
    """Bind Flask-Babel with our selectors and one translations domain for the app's lifetime."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel 4.0 builds a new Domain, with an empty cache, for every request, so each request would read
    # and parse the .mo file again. One Domain kept here caches each language's catalog once.
    domain = Domain()
    app.before_request(domain.as_default)
