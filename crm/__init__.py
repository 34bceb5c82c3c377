"""Lobby CRM: the application factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy.orm import configure_mappers
from werkzeug.middleware.proxy_fix import ProxyFix

from config import CONFIGS, config_class


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure an app; ``config`` overrides settings (``ENV_NAME`` picks the class)."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    load_config(app, config or {})
    register_extensions(app)
    register_blueprints(app)
    register_web(app)
    # Every model is imported by now. Mappers are otherwise configured by the first ORM query or constructor,
    # and the signed-in user is built without either (crm.auth.access): a worker whose first request is a
    # signed-in page would find its attributes not yet set up.
    configure_mappers()
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy: trust its X-Forwarded-For/-Proto, so sign-in throttling counts real addresses.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    return app


def load_config(app: Flask, overrides: Mapping[str, Any]) -> None:
    """Fill ``app.config`` from the config class, the environment and ``overrides``."""
    cls = CONFIGS[overrides["ENV_NAME"]] if "ENV_NAME" in overrides else config_class()
    app.config.update(cls.load())
    app.config.update(overrides)
    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / 'crm.sqlite3'}"
    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("CRM_SECRET_KEY must be set in production (a long random string).")
        app.config["SECRET_KEY"] = _instance_secret_key(Path(app.instance_path))
    secure = str(app.config["BASE_URL"]).startswith("https://")
    app.config.update(
        SESSION_COOKIE_SECURE=secure,
        REMEMBER_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE=app.config["DEFAULT_LANGUAGE"],
        BABEL_DEFAULT_TIMEZONE=app.config["DEFAULT_TIMEZONE"],
    )


def _instance_secret_key(instance: Path) -> str:
    """Return the development secret key kept in the instance folder, creating it on first use."""
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def register_extensions(app: Flask) -> None:
    """Bind the database, sign-in, CSRF and translation extensions."""
    from crm import csrf as csrf_signatures
    from crm import db
    from crm.auth.access import init_login
    from crm.extensions import csrf
    from crm.i18n import init_babel

    db.init_app(app)
    csrf.init_app(app)
    csrf_signatures.init_app(app)
    init_login(app)
    init_babel(app)


def register_blueprints(app: Flask) -> None:
    """Register one blueprint per domain area."""
    from crm.auth import bp as auth_bp
    from crm.chapters import bp as chapters_bp
    from crm.contacts import bp as contacts_bp
    from crm.dashboard import bp as dashboard_bp
    from crm.mail import bp as mail_bp
    from crm.organisations import bp as organisations_bp

    app.register_blueprint(dashboard_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(chapters_bp, url_prefix="/chapters")
    app.register_blueprint(contacts_bp, url_prefix="/contacts")
    app.register_blueprint(organisations_bp, url_prefix="/organisations")
    app.register_blueprint(mail_bp, url_prefix="/outbox")


def register_web(app: Flask) -> None:
    """Install error pages, security headers and template helpers."""
    from crm.errors import register_error_handlers
    from crm.web import init_web

    register_error_handlers(app)
    init_web(app)
