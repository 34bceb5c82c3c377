"""Configuration read from the environment (variables prefixed ``CRM_``).

Nothing here imports the ``crm`` package; ``create_app`` picks a class and calls ``load``.
Every variable is listed in the README.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Development defaults: SQLite in the instance folder, mail kept in the outbox."""

    ENV_NAME = "development"
    # None means "sqlite:///<instance folder>/crm.sqlite3", resolved by create_app.
    DATABASE_URL: str | None = None
    # None means "generate one and keep it in the instance folder" (development only).
    SECRET_KEY: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    SMTP_HOST: str | None = None
    SMTP_PORT = 25
    SMTP_USER: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TLS = "none"  # none | starttls | ssl
    MAIL_FROM = "Lobby CRM <crm@localhost>"
    DEFAULT_LANGUAGE = "en"
    DEFAULT_TIMEZONE = "Europe/Amsterdam"
    PAGE_SIZE = 50
    PROXY_FIX = False
    LOGIN_MAX_FAILURES_PER_ACCOUNT = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    TOKEN_MAX_AGE_HOURS = 24
    INVITATION_MAX_AGE_DAYS = 7

    # (variable suffix, attribute, converter)
    _FROM_ENV: tuple[tuple[str, str, Any], ...] = (
        ("DATABASE_URL", "DATABASE_URL", str),
        ("SECRET_KEY", "SECRET_KEY", str),
        ("BASE_URL", "BASE_URL", str),
        ("SMTP_HOST", "SMTP_HOST", str),
        ("SMTP_PORT", "SMTP_PORT", int),
        ("SMTP_USER", "SMTP_USER", str),
        ("SMTP_PASSWORD", "SMTP_PASSWORD", str),
        ("SMTP_TLS", "SMTP_TLS", str),
        ("MAIL_FROM", "MAIL_FROM", str),
        ("DEFAULT_LANGUAGE", "DEFAULT_LANGUAGE", str),
        ("DEFAULT_TIMEZONE", "DEFAULT_TIMEZONE", str),
        ("PAGE_SIZE", "PAGE_SIZE", int),
        ("PROXY_FIX", "PROXY_FIX", _flag),
    )

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
        """Return this class's settings, overridden by ``CRM_*`` variables from ``environ``."""
        environ = os.environ if environ is None else environ
        settings = {k: v for k, v in vars(Config).items() if k.isupper()}
        settings.update({k: v for k, v in vars(cls).items() if k.isupper()})
        for suffix, attribute, convert in cls._FROM_ENV:
            raw = environ.get(f"CRM_{suffix}")
            if raw is not None and raw != "":
                settings[attribute] = convert(raw)
        return settings


class ProductionConfig(Config):
    """Production: every secret must come from the environment."""

    ENV_NAME = "production"


class TestingConfig(Config):
    """Tests: CSRF off by default (one test module turns it back on), mail kept in the outbox."""

    ENV_NAME = "testing"
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - fixed so tests can sign tokens


CONFIGS: dict[str, type[Config]] = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_class(environ: Mapping[str, str] | None = None) -> type[Config]:
    """Pick the configuration class named by ``CRM_ENV`` (default: development)."""
    environ = os.environ if environ is None else environ
    name = environ.get("CRM_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"CRM_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
